"""Reads that are more than one QuerySet method: the review queue's filters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from .models import REVIEWABLE_STATUSES, Story, StoryQuerySet

# The queue's status filter: stories waiting for the team's decision, or every state.
AWAITING = "awaiting"
ALL = "all"


def review_queue(user: Any, filters: dict[str, Any]) -> tuple[StoryQuerySet, dict[str, int]]:
    """The stories of the review queue under `filters` (a `ReviewFilterForm`'s cleaned data),
    oldest waiting first, and how many of them are in each state before the status filter."""
    stories = Story.objects.visible_to(user).filter(submitted_at__isnull=False)
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
        stories = stories.filter(publication__isnull=False)
    elif filters.get("result") == "no":
        stories = stories.filter(publication__isnull=True)
    if filters.get("mine"):
        stories = stories.filter(reviewer=user)
    counts = dict(stories.order_by().values_list("status").annotate(count=Count("pk")))
    status = filters.get("status") or AWAITING
    if status == AWAITING:
        stories = stories.filter(status__in=REVIEWABLE_STATUSES)
    elif status != ALL:
        stories = stories.filter(status=status)
    return stories.for_review_queue().waiting_longest_first(), counts
