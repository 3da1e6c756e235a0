"""Reads for the dashboard and the monthly report: a fixed number of queries for any range.

Each function here runs exactly one query (whatever it finds), so a page built from them runs
the same number of queries for a week or for three years, for ten posts or for ten thousand.
Figures come from the active Instagram account (there is at most one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery

from scheduling.models import BERLIN, Post, PostStatus
from stories.models import Story

from .models import LEGACY_VIEWS, AccountInsight, AudienceKind, AudienceSnapshot, PostInsight
from .periods import Period

ACCOUNT_FIELDS = (
    "day",
    "reach",
    "reach_followers",
    "reach_non_followers",
    "views",
    "accounts_engaged",
    "total_interactions",
    "follower_count",
    "raw",
)


def _instant(day: date) -> datetime:
    """Midnight at the start of ``day`` in Berlin, where the team's days begin and end."""
    return datetime.combine(day, time(0), tzinfo=BERLIN)


def _published_between(period: Period) -> Q:
    return Q(
        status=PostStatus.PUBLISHED,
        published_at__gte=_instant(period.start),
        published_at__lt=_instant(period.end + timedelta(days=1)),
    )


def account_days(period: Period) -> dict[date, dict[str, Any]]:
    """The account's daily figures from the start of the previous period to the end of this one."""
    rows = (
        AccountInsight.objects.filter(account__is_active=True)
        .between(period.previous.start, period.end)
        .order_by("day")
        .values(*ACCOUNT_FIELDS)
    )
    days = {}
    for row in rows:
        raw = row.pop("raw") or {}
        if row["views"] is None:
            # Days from before Meta replaced impressions with views (2025) carry the old figure.
            row["views"] = next((raw[name] for name in LEGACY_VIEWS if isinstance(raw.get(name), int)), None)
        days[row["day"]] = row
    return days


def published_counts(period: Period) -> tuple[int, int]:
    """Posts published in the period and in the previous one (one query for both)."""
    counts = Post.objects.aggregate(
        current=Count("pk", filter=_published_between(period)),
        previous=Count("pk", filter=_published_between(period.previous)),
    )
    return counts["current"], counts["previous"]


def follower_audience(period: Period) -> AudienceSnapshot | None:
    """The newest description of the followers on or before the last day of the period."""
    return (
        AudienceSnapshot.objects.filter(
            account__is_active=True, kind=AudienceKind.FOLLOWERS, day__lte=period.end
        )
        .exclude(age={}, country={})
        .order_by("-day")
        .first()
    )


@dataclass
class PostResult:
    """One post published in the period, with its figures as of the period's last day."""

    post_id: int
    story_id: int
    title: str
    published_at: datetime
    objective: str
    objective_label: str
    format: str
    format_label: str
    day: date
    reach: int | None
    views: int | None
    interactions: int | None
    likes: int | None
    comments: int | None
    saves: int | None
    shares: int | None
    career_stages: set[str] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"/calendar/posts/{self.post_id}/"


def post_results(period: Period) -> list[PostResult]:
    """Posts published in the period, each with its newest snapshot up to the period's end.

    Two queries: the snapshots (with post, story and author joined), and the career stages of
    the co-authors of the same stories; both run whether or not anything is found.
    """
    newest = (
        PostInsight.objects.filter(post=OuterRef("post"), day__lte=period.end)
        .order_by("-day")
        .values("day")[:1]
    )
    published = Post.objects.filter(_published_between(period))
    snapshots = (
        PostInsight.objects.filter(post__in=published, day=Subquery(newest))
        .select_related("post__story__author")
        .order_by("post_id")
    )
    results = []
    for snapshot in snapshots:
        post = snapshot.post
        story = post.story
        results.append(
            PostResult(
                post_id=post.pk,
                story_id=story.pk,
                title=story.title,
                published_at=post.published_at or _instant(snapshot.day),
                objective=story.objective,
                objective_label=str(story.get_objective_display()),
                format=story.format,
                format_label=str(story.get_format_display()),
                day=snapshot.day,
                reach=snapshot.reach,
                views=snapshot.views_or_legacy,
                interactions=snapshot.total_interactions,
                likes=snapshot.likes,
                comments=snapshot.comments,
                saves=snapshot.saves,
                shares=snapshot.shares,
                career_stages={story.author.career_stage},
            )
        )
    co_authors = Story.co_authors.through.objects.filter(story__post__in=published).values_list(
        "story_id", "contributor__career_stage"
    )
    by_story: dict[int, set[str]] = {}
    for story_id, stage in co_authors:
        by_story.setdefault(story_id, set()).add(stage)
    for result in results:
        result.career_stages |= by_story.get(result.story_id, set())
    return results
