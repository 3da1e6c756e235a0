"""What analytics adds to lower apps' pages through their hooks: the story page's reach panel,
the reach on a scientist's list of stories, and last week's reach on the team's start page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.db.models import OuterRef, Subquery, Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from instagram.models import InstagramAccount
from scheduling.models import Post, PostStatus
from stories.panels import ListedStory, Panel

from .insights import BERLIN
from .models import AccountInsight, PostInsight

FIRST_DAYS = timedelta(days=6)


def _count(value: int | None) -> str:
    return number_format(value or 0, force_grouping=True)


def account_follow_split(start: date, end: date) -> dict[str, Any] | None:
    """The account's reach from followers and non-followers over these days (one query), or None."""
    totals = AccountInsight.objects.filter(
        account__in=InstagramAccount.objects.active(), day__gte=start, day__lte=end
    ).aggregate(
        reach=Sum("reach"), followers=Sum("reach_followers"), non_followers=Sum("reach_non_followers")
    )
    known = (totals["followers"] or 0) + (totals["non_followers"] or 0)
    if not known:
        return None
    return {
        "reach": totals["reach"] or 0,
        "non_follower_percent": round(100 * (totals["non_followers"] or 0) / known),
        "start": start,
        "end": end,
    }


def story_reach_panel(request: Any, story: Any) -> Panel | None:
    """A published post's reach and interactions; beside them the account's follower split for
    the days it has been live (Instagram does not split one post's reach), saying so."""
    post = Post.objects.filter(story_id=story.pk, status=PostStatus.PUBLISHED).first()
    if post is None:
        return None
    latest = PostInsight.objects.filter(post=post).order_by("-day").first()
    split = None
    if latest is not None and post.published_at:
        # A post gathers most of its reach in its first days: the account's split of those days.
        first_day = post.published_at.astimezone(BERLIN).date()
        split = account_follow_split(first_day, max(first_day, min(latest.day, first_day + FIRST_DAYS)))
    html = render_to_string(
        "analytics/_story_reach_panel.html",
        {
            "latest": latest,
            "reach": _count(latest.reach) if latest else "",
            "reacted": _count(latest.total_interactions) if latest else "",
            "views": _count(latest.views) if latest else "",
            "split": split,
        },
        request=request,
    )
    return Panel(title=_("Reach on Instagram"), html=html, order=20)


def story_list_reach(stories: Sequence[ListedStory]) -> dict[int, str]:
    """Each published story's reach for a page of the list, in one query: its post's newest
    snapshot, looked up once per post (not compared against every snapshot the post has)."""
    ids = [story.pk for story in stories]
    if not ids:
        return {}
    newest = PostInsight.objects.filter(post=OuterRef("pk")).order_by("-day")
    rows = (
        Post.objects.filter(story_id__in=ids)
        .annotate(
            reach=Subquery(newest.values("reach")[:1]),
            reacted=Subquery(newest.values("total_interactions")[:1]),
        )
        .values_list("story_id", "reach", "reacted")
    )
    return {
        story_id: _("Reached %(reach)s people, %(reacted)s reacted")
        % {"reach": _count(reach), "reacted": _count(interactions)}
        for story_id, reach, interactions in rows
        if reach is not None
    }


def last_week_reach(today: date | None = None) -> dict[str, Any]:
    """The seven days before today: accounts reached (daily figures added up) and the share of
    them that did not follow the account. Empty when nothing was pulled for those days."""
    today = today or timezone.now().astimezone(BERLIN).date()
    split = account_follow_split(today - timedelta(days=7), today - timedelta(days=1))
    return {"last_week": split} if split else {}
