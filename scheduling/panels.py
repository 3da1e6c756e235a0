"""The story page's post panel (through the stories panel hook)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from contributors.panels import Panel
from contributors.roles import roles_of

from .models import Post


def post_panel(request: Any, story: Any) -> Panel | None:
    """State, time and what is still missing; the team also gets a link to schedule it."""
    post = Post.objects.select_related("story__publication").filter(story_id=story.pk).first()
    if post is None:
        return None
    html = render_to_string(
        "scheduling/_story_panel.html",
        {"post": post, "is_team": roles_of(request.user).team, "missing": post.missing()},
        request=request,
    )
    return Panel(title=_("Post on Instagram"), html=html, order=10)


def training_panel(request: Any, contributor: Any) -> Panel | None:
    """The person's training record on their profile, and the next session to join."""
    from django.db.models import Count, Max, Q
    from django.utils import timezone

    from .models import CalendarEvent, EventKind

    trainings = Q(kind=EventKind.TRAINING)
    record = CalendarEvent.objects.filter(trainings, attendees=contributor).aggregate(
        sessions=Count("pk"), last=Max("start")
    )
    upcoming = CalendarEvent.objects.filter(trainings, start__gte=timezone.now()).order_by("start").first()
    html = render_to_string(
        "scheduling/_training_panel.html", {"record": record, "upcoming": upcoming}, request=request
    )
    return Panel(title=_("Training"), html=html, order=10)
