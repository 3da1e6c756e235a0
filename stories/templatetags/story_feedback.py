"""The team's feedback, shown at the top of the story's pages while it waits for a change."""

from __future__ import annotations

from typing import Any

from django import template

from ..models import Status, StoryEvent

register = template.Library()


@register.simple_tag
def team_feedback(story: Any) -> StoryEvent | None:
    """What was asked to change, while the story waits for that change (else None)."""
    if story is None or getattr(story, "status", None) != Status.CHANGES_REQUESTED:
        return None
    return (
        StoryEvent.objects.filter(story=story, to_status=Status.CHANGES_REQUESTED)
        .exclude(text="")
        .select_related("actor__contributor")
        .order_by("-created_at", "-pk")
        .first()
    )
