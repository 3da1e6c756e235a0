"""Reads that are more than one QuerySet method: the review queue's filters."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from contributors.roles import OUTREACH_TEAM

from .models import REVIEWABLE_STATUSES, Status, Story, StoryQuerySet

# The queue's status filter: stories waiting for the team's decision, or every state.
AWAITING = "awaiting"
ALL = "all"


def review_queue(user: Any, filters: dict[str, Any]) -> tuple[StoryQuerySet, dict[str, int]]:
    """The stories of the review queue under `filters` (a `ReviewFilterForm`'s cleaned data),
    oldest waiting first, and how many of them are in each state before the status filter."""
    stories = Story.objects.visible_to(user).filter(submitted_at__isnull=False)
    if filters.get("q", "").strip():
        text = filters["q"].strip()
        stories = stories.filter(Q(title__icontains=text) | Q(caption__icontains=text))
    if filters.get("objective"):
        stories = stories.filter(objective=filters["objective"])
    if filters.get("format"):
        stories = stories.filter(format=filters["format"])
    if filters.get("author"):
        text = filters["author"].strip()
        stories = stories.filter(
            Q(author__display_name__icontains=text)
            | Q(author__user__username__icontains=text)
            | Q(author__user__first_name__icontains=text)
            | Q(author__user__last_name__icontains=text)
        )
    if filters.get("waiting"):
        stories = stories.filter(
            status_changed_at__lte=timezone.now() - timedelta(days=int(filters["waiting"]))
        )
    if filters.get("result") == "yes":
        stories = stories.with_result()
    elif filters.get("result") == "no":
        stories = stories.without_result()
    if filters.get("mine"):
        stories = stories.filter(reviewer=user)
    # A story its authors took back to editing has left the queue until it is submitted again.
    stories = stories.exclude(status=Status.DRAFT)
    counts = dict(stories.order_by().values_list("status").annotate(count=Count("pk")))
    status = filters.get("status") or AWAITING
    if status == AWAITING:
        stories = stories.filter(status__in=REVIEWABLE_STATUSES)
    elif status != ALL:
        stories = stories.filter(status=status)
    return stories.for_review_queue().waiting_longest_first(), counts


# Waiting for the team, and nobody has taken it: the queue's and the start page's one meaning.
NOBODY_HAS_TAKEN = Q(status__in=REVIEWABLE_STATUSES, reviewer__isnull=True)


def queue_summary(user: Any) -> dict[str, int]:
    """The start page's counts, counted as the queue counts: stories waiting for the team, those
    nobody has taken, and those `user` reviews. One query."""
    return (
        Story.objects.visible_to(user)
        .filter(status__in=REVIEWABLE_STATUSES)
        .aggregate(
            waiting=Count("pk"),
            new=Count("pk", filter=NOBODY_HAS_TAKEN),
            taken_by_me=Count("pk", filter=Q(reviewer=user)),
        )
    )


def without_eligible_reviewer(stories: Iterable[Story]) -> set[int]:
    """Ids of the stories waiting for a reviewer that no member of the outreach team may take,
    because every one of them is an author: an admin must. One query for any number of stories
    (uses the prefetched co-authors)."""
    team = set(
        get_user_model()
        .objects.filter(groups__name=OUTREACH_TEAM, is_active=True)
        .values_list("pk", flat=True)
    )
    blocked = set()
    for story in stories:
        if story.status not in REVIEWABLE_STATUSES:
            continue
        authors = story.author_user_ids()
        taken = story.reviewer_id is not None and story.reviewer_id not in authors
        if not taken and not team - authors:
            blocked.add(story.pk)
    return blocked
