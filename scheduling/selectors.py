"""Reads for the scheduling pages, each in a fixed number of queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Max, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contributors.models import CareerStage, Contributor, Publication
from stories.models import Status as StoryStatus
from stories.models import StoryVideo

from .forms import POSTS
from .models import BERLIN, CalendarEvent, EventKind, LeadInvitation, Post, PostingSlot, PostStatus
from .services import blackout_on, next_free_slot

# The colours of post states in the calendar (text stays readable on each).
STATE_COLOURS = {
    PostStatus.UNSCHEDULED: "#6c757d",
    PostStatus.SCHEDULED: "#0d6efd",
    PostStatus.PUBLISHING: "#6f42c1",
    PostStatus.PUBLISHED: "#198754",
    PostStatus.FAILED: "#dc3545",
    PostStatus.NEEDS_ATTENTION: "#b35c00",
    PostStatus.TO_BE_REMOVED: "#a61e4d",
    PostStatus.REMOVED: "#495057",
}
KIND_COLOURS = {
    EventKind.BLACKOUT: "#343a40",
    EventKind.RESULT_RELEASE: "#0f766e",
    EventKind.PUBLICATION: "#0f766e",
    EventKind.TRAINING: "#7c3aed",
    EventKind.DEADLINE: "#9a3412",
}
LEAD_DAYS = 90
# The calendar page lists at most this many posts under each heading; the calendar shows all.
PAGE_LIST_SIZE = 25
# Stories that still count as "someone is on it".
LIVE_STORY_STATUSES = [
    s for s in StoryStatus.values if s not in (StoryStatus.WITHDRAWN, StoryStatus.REJECTED)
]


def video_of_post(post: Post) -> StoryVideo | None:
    """A video post's video (loaded with the post by `with_calendar_data`), or None."""
    if not post.is_video:
        return None
    try:
        return post.story.video
    except ObjectDoesNotExist:
        return None


def cover_note(post: Post) -> str:
    """The words a page shows where a video post's cover is not there to show (being made, or
    it failed); empty when the cover can be shown, or the post is not a video."""
    if not post.is_video:
        return ""
    video = video_of_post(post)
    if video is None:
        return str(_("No cover yet"))
    return "" if video.cover_shown else video.cover_note


def thumbnail_url(post: Post) -> str:
    """The first photo, or a video post's cover (its chosen photo or frame) once it is there to
    show: never an address that answers 404."""
    if post.is_video:
        video = video_of_post(post)
        if video is None or not video.cover_shown:
            return ""
        return reverse("stories:video_cover", kwargs={"pk": post.story_id})
    for image in post.story.ordered_images():
        if image.rendition:
            return reverse("stories:image_rendition", kwargs={"pk": post.story_id, "image_id": image.pk})
    return ""


def _posts(objective: str = "") -> Any:
    posts = Post.objects.with_calendar_data()
    if objective:
        posts = posts.filter(story__objective=objective)
    return posts


def unscheduled_posts(*, objective: str = "") -> list[Post]:
    return list(
        _posts(objective).filter(status=PostStatus.UNSCHEDULED).order_by("created_at", "pk")[:PAGE_LIST_SIZE]
    )


def upcoming_posts(*, objective: str = "", days: int = 60) -> list[Post]:
    now = timezone.now()
    return list(
        _posts(objective)
        .filter(scheduled_at__gte=now, scheduled_at__lt=now + timedelta(days=days))
        .order_by("scheduled_at", "pk")[:PAGE_LIST_SIZE]
    )


def calendar_items(
    *, start: datetime, end: datetime, kind: str = "", objective: str = ""
) -> list[dict[str, Any]]:
    """Posts and events between start and end, as FullCalendar reads them: two queries for
    posts (with their photos) and two for events, however many there are."""
    items: list[dict[str, Any]] = []
    if kind in ("", POSTS):
        posts = _posts(objective).filter(scheduled_at__gte=start, scheduled_at__lt=end)
        for post in posts:
            movable = post.status in (PostStatus.SCHEDULED, PostStatus.FAILED, PostStatus.NEEDS_ATTENTION)
            items.append(
                {
                    "id": f"post-{post.pk}",
                    "title": post.story.title,
                    "start": post.scheduled_at.isoformat() if post.scheduled_at else None,
                    "color": STATE_COLOURS[PostStatus(post.status)],
                    "className": f"post-event post-{post.status}",
                    "editable": movable,
                    "url": post.get_absolute_url(),
                    "extendedProps": {
                        "type": "post",
                        "status": post.status,
                        "statusLabel": str(post.get_status_display()),
                        "reason": post.reason,
                        "objective": post.story.objective,
                        "thumbnail": thumbnail_url(post),
                        "coverNote": cover_note(post),
                        "moveUrl": reverse("scheduling:post_move", args=[post.pk]),
                    },
                }
            )
    if kind != POSTS and not (objective and not kind):
        events = CalendarEvent.objects.overlapping(start, end).select_related("publication")
        if kind:
            events = events.filter(kind=kind)
        for event in events:
            item: dict[str, Any] = {
                "id": f"event-{event.pk}",
                "title": event.title,
                "allDay": event.all_day,
                "color": KIND_COLOURS.get(EventKind(event.kind), "#495057"),
                "className": f"calendar-event event-{event.kind}",
                "editable": False,
                "extendedProps": {
                    "type": "event",
                    "kind": event.kind,
                    "kindLabel": str(event.get_kind_display()),
                },
            }
            if event.all_day:
                days = event.local_days
                item["start"] = days[0].isoformat()
                item["end"] = (days[-1] + timedelta(days=1)).isoformat()
            else:
                item["start"] = event.start.isoformat()
                item["end"] = event.end.isoformat()
            items.append(item)
    return items


def leads(*, now: datetime | None = None) -> dict[str, Any]:
    """Fresh results nobody tells yet; who has not been featured (for long); coverage by stage."""
    now = now or timezone.now()
    covered = Q(stories__status__in=LIVE_STORY_STATUSES)
    results = list(
        Publication.objects.filter(public_from__gte=now - timedelta(days=LEAD_DAYS), public_from__lte=now)
        .annotate(story_count=Count("stories", filter=covered))
        .filter(story_count=0)
        .prefetch_related(
            Prefetch("contributors", queryset=Contributor.objects.select_related("user")),
            Prefetch(
                "invitations",
                queryset=LeadInvitation.objects.select_related("contributor__user", "invited_by"),
            ),
        )
        .order_by("-public_from", "pk")
    )
    # From the published posts to their authors, not from every contributor through every story:
    # the cost follows what has been published, not how many stories were ever written.
    published = Post.objects.filter(status=PostStatus.PUBLISHED, scheduled_at__isnull=False).order_by()
    last_featured = dict(
        published.values("story__author_id")
        .annotate(last=Max("scheduled_at"))
        .values_list("story__author_id", "last")
    )
    people = list(
        Contributor.objects.filter(user__is_active=True).select_related("user").order_by("display_name", "pk")
    )
    for person in people:
        person.last_featured = last_featured.get(person.pk)  # type: ignore[attr-defined]
    # Oldest feature first and never-featured people last, as PostgreSQL sorts NULLs ascending.
    people.sort(key=lambda person: (person.pk not in last_featured, last_featured.get(person.pk) or now))
    since = now - timedelta(days=365)
    coverage = [
        {
            "stage": label,
            "people": sum(1 for person in people if person.career_stage == value),
            "featured": sum(
                1
                for person in people
                if person.career_stage == value
                and last_featured.get(person.pk, since - timedelta(1)) >= since
            ),
        }
        for value, label in CareerStage.choices
    ]
    never = [person for person in people if person.pk not in last_featured]
    long_ago = [person for person in people if last_featured.get(person.pk, since) < since][:20]
    return {
        "results": results,
        "never_featured": never,
        "long_ago": long_ago,
        "coverage": coverage,
        "days": LEAD_DAYS,
    }


def training_records() -> dict[str, Any]:
    people = list(
        Contributor.objects.filter(user__is_active=True)
        .select_related("user")
        .annotate(
            trainings=Count("trainings_attended", filter=Q(trainings_attended__kind=EventKind.TRAINING)),
            last_training=Max(
                "trainings_attended__start", filter=Q(trainings_attended__kind=EventKind.TRAINING)
            ),
        )
        .order_by("display_name", "pk")
    )
    return {
        "trained": [person for person in people if person.trainings],
        "untrained": [person for person in people if not person.trainings],
    }


def next_two_weeks(*, now: datetime | None = None) -> dict[str, Any]:
    """The team's start page: posts, free slots and events of the next 14 days."""
    now = now or timezone.now()
    end = now + timedelta(days=14)
    posts = list(Post.objects.with_calendar_data().filter(scheduled_at__gte=now, scheduled_at__lt=end))
    events = list(CalendarEvent.objects.overlapping(now, end))
    blackouts = [event for event in events if event.kind == EventKind.BLACKOUT]
    slots = list(PostingSlot.objects.filter(active=True))
    taken = {post.scheduled_at for post in posts}
    free = []
    day = timezone.localtime(now, BERLIN).date()
    while datetime.combine(day, datetime.min.time(), tzinfo=BERLIN) < end:
        if blackout_on(day, blackouts) is None:
            for slot in sorted(slots, key=lambda s: s.time):
                when = slot.on(day)
                if slot.weekday == day.weekday() and now < when < end and when not in taken:
                    free.append(when)
        day += timedelta(days=1)
    return {"agenda_posts": posts, "agenda_events": events, "agenda_free_slots": free}


__all__ = ["calendar_items", "leads", "next_free_slot", "next_two_weeks", "training_records"]
