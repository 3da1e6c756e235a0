"""The story page's post panel (through the stories panel hook)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from contributors.panels import Panel
from contributors.roles import roles_of
from stories.models import Status
from stories.panels import ListedStory

from .models import Post, PostStatus


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


def story_list_post_steps(stories: Sequence[ListedStory]) -> dict[int, str]:
    """What happens next for the approved stories of a page of "my stories" that have a post: when
    it goes out, or that it went out. One query."""
    ids = [story.pk for story in stories if story.status == Status.APPROVED]
    if not ids:
        return {}
    steps = {}
    for story_id, status, scheduled_at in Post.objects.filter(story_id__in=ids).values_list(
        "story_id", "status", "scheduled_at"
    ):
        if status in (PostStatus.SCHEDULED, PostStatus.PUBLISHING) and scheduled_at is not None:
            day = date_format(timezone.localtime(scheduled_at), "DATE_FORMAT")
            steps[story_id] = _("Approved — scheduled for %(day)s") % {"day": day}
        elif status == PostStatus.PUBLISHED:
            steps[story_id] = _("Published on Instagram")
        elif status in (PostStatus.FAILED, PostStatus.NEEDS_ATTENTION):
            steps[story_id] = _("Approved — the team is sorting out publishing")
        elif status in (PostStatus.TO_BE_REMOVED, PostStatus.REMOVED):
            steps[story_id] = _("Taken off Instagram")
    return steps


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
