"""Reads that are more than one QuerySet method: the review queue's filters."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from contributors.models import name_of
from contributors.roles import OUTREACH_TEAM, members

from .models import REVIEWABLE_STATUSES, Status, Story, StoryImage, StoryQuerySet

# The queue's status filter: stories waiting for the team's decision, or every state.
AWAITING = "awaiting"
ALL = "all"


def review_queue(user: Any, filters: dict[str, Any]) -> tuple[StoryQuerySet, dict[str, int]]:
    """The stories of the review queue under `filters` (a `ReviewFilterForm`'s cleaned data),
    oldest waiting first, and how many of them are in each state before the status filter."""
    stories = Story.objects.submitted_visible_to(user)
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


def queue_length(counts: dict[str, int], filters: dict[str, Any]) -> int:
    """How many stories `review_queue` lists under `filters`, from the counts it returned: they are
    taken before the status filter, the only one that follows them."""
    status = filters.get("status") or AWAITING
    if status == AWAITING:
        return sum(counts.get(value, 0) for value in REVIEWABLE_STATUSES)
    if status == ALL:
        return sum(counts.values())
    return counts.get(status, 0)


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


# What a row of the queue shows, read as plain values: model instances of the story, its author,
# reviewer and result took two thirds of the page's time.
QUEUE_ROW_FIELDS = (
    "pk",
    "title",
    "status",
    "objective",
    "format",
    "status_changed_at",
    "result_reference",
    "reviewer_id",
    "reviewer__first_name",
    "reviewer__last_name",
    "reviewer__username",
    "author__user_id",
    "author__display_name",
    "author__user__first_name",
    "author__user__last_name",
    "author__user__username",
    "publication__cms_id",
    "publication__arxiv_id",
    "publication__doi",
    "publication__title",
    "photo_count",
    "thumb_id",
)


# What a row of "my stories" shows, read as plain values (as the queue's rows are).
MINE_ROW_FIELDS = (
    "pk",
    "title",
    "status",
    "objective",
    "format",
    "updated_at",
    "author__user_id",
    "author__display_name",
    "author__user__first_name",
    "author__user__last_name",
    "author__user__username",
)


def photos_of(story_ids: Iterable[int]) -> dict[int, tuple[int, int, str]]:
    """Each story's photo count and first photo as (count, first photo's id, its rendition's name,
    empty while it has none), in one query: a page of stories holds a few photos each, and
    reading them beats three subqueries per story."""
    found: dict[int, tuple[int, int, str]] = {}
    rows = (
        StoryImage.objects.filter(story_id__in=list(story_ids))
        .order_by("story_id", "position", "pk")
        .values_list("story_id", "pk", "rendition")
    )
    for story_id, image_id, rendition in rows:
        count, first_id, first_rendition = found.get(story_id, (0, image_id, rendition or ""))
        found[story_id] = (count + 1, first_id, first_rendition)
    return found


def co_authors_of(story_ids: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
    """The co-authors of each story as (user id, name), in one query."""
    found: dict[int, list[tuple[int, str]]] = {}
    rows = (
        Story.co_authors.through.objects.filter(story_id__in=list(story_ids))
        .order_by("pk")
        .values_list(
            "story_id",
            "contributor__user_id",
            "contributor__display_name",
            "contributor__user__first_name",
            "contributor__user__last_name",
            "contributor__user__username",
        )
    )
    for story_id, user_id, display_name, first_name, last_name, username in rows:
        found.setdefault(story_id, []).append(
            (user_id, name_of(display_name, first_name, last_name, username))
        )
    return found


def without_eligible_reviewer(
    stories: Iterable[dict[str, Any]], co_authors: dict[int, list[tuple[int, str]]]
) -> set[int]:
    """Ids of the stories waiting for a reviewer that no member of the outreach team may take,
    because every one of them is an author: an admin must. `stories` are queue rows
    (`QUEUE_ROW_FIELDS`), `co_authors` as `co_authors_of` gives them. One query."""
    team = set(members(OUTREACH_TEAM).values_list("pk", flat=True))
    blocked = set()
    for story in stories:
        if story["status"] not in REVIEWABLE_STATUSES:
            continue
        authors = {story["author__user_id"], *(user_id for user_id, _name in co_authors.get(story["pk"], []))}
        reviewer = story["reviewer_id"]
        taken = reviewer is not None and reviewer not in authors
        if not taken and not team - authors:
            blocked.add(story["pk"])
    return blocked
