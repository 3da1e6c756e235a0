"""Demo data for ``seed_demo``: posting slots, a year of the group's calendar, the posts of the
approved demo stories (one scheduled in the next free slot), and posts in the weeks around today
(one failed, some scheduled; the analytics demo adds the published ones). Safe to run again: events are keyed by a demo UID, posts by their
story, the month's stories by their title."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from contributors.models import Contributor, Publication
from stories.models import Status as StoryStatus
from stories.models import Story, StoryImage

from .models import BERLIN, CalendarEvent, EventKind, Post, PostingSlot, PostStatus, PostTransition, Weekday
from .services import next_free_slot, post_create_for_story

SLOTS = [(Weekday.TUESDAY, time(18, 0)), (Weekday.THURSDAY, time(12, 30)), (Weekday.SATURDAY, time(10, 0))]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def _event(uid: str, **fields: Any) -> CalendarEvent:
    event, _created = CalendarEvent.objects.update_or_create(
        ics_uid=f"demo-{uid}@cmsatdesy", ics_recurrence_id="", defaults=fields
    )
    return event


def _whole_days(first: date, days: int = 1) -> dict[str, Any]:
    return {"start": _at(first, 0), "end": _at(first + timedelta(days=days), 0), "all_day": True}


def _seed_events(today: date, people: list[Contributor]) -> int:
    first = today - timedelta(days=182)
    monday = first - timedelta(days=first.weekday())
    count = 0
    for week in range(53):
        day = monday + timedelta(weeks=week, days=3)  # Thursdays
        speaker = people[week % len(people)] if people else None
        event = _event(
            f"seminar-{day.isoformat()}",
            kind=EventKind.SEMINAR,
            title="CMS DESY group seminar",
            start=_at(day, 14),
            end=_at(day, 15),
            all_day=False,
            location="DESY Hamburg, building 1b, seminar room 4",
            description="Weekly group seminar; coffee from 13:45.",
        )
        if speaker is not None:
            event.contributors.set([speaker])
        count += 1
    for month in range(12):
        day = (first.replace(day=1) + timedelta(days=32 * month)).replace(day=15)
        _event(
            f"outreach-{day:%Y-%m}",
            kind=EventKind.OUTREACH_EVENT if month % 3 else EventKind.LAB_VISIT,
            title="School class visits the CMS test beam" if month % 3 else "DESY open day",
            start=_at(day, 10),
            end=_at(day, 13),
            all_day=False,
            location="DESY Hamburg",
        )
        count += 1
        if month % 2 == 0:
            training = _event(
                f"training-{day:%Y-%m}",
                kind=EventKind.TRAINING,
                title="Science communication workshop: telling your result in 90 seconds",
                start=_at(day + timedelta(days=5), 9, 30),
                end=_at(day + timedelta(days=5), 12, 30),
                all_day=False,
                location="DESY Hamburg, building 99, room O1.119",
            )
            if training.end < timezone.now() and people:
                training.attendees.set(people[month % len(people) :: 3])
            count += 1
    for number, (title, offset, days) in enumerate(
        [
            ("ICHEP 2026: talk on Higgs boson pairs", 40, 1),
            ("Moriond EW: top quark mass results", -120, 1),
            ("LHCP: tracker upgrade status", 150, 1),
        ]
    ):
        day = today + timedelta(days=offset)
        _event(f"talk-{number}", kind=EventKind.CONFERENCE_TALK, title=title, **_whole_days(day, days))
        count += 1
    christmas = date(today.year, 12, 24)
    _event(
        f"blackout-{christmas.year}",
        kind=EventKind.BLACKOUT,
        title="DESY Christmas closure",
        **_whole_days(christmas, 9),
    )
    _event(
        f"deadline-{today.year}",
        kind=EventKind.DEADLINE,
        title="Annual outreach report due",
        **_whole_days(today + timedelta(days=60)),
    )
    count += 2
    for publication in Publication.objects.exclude(public_from__isnull=True).exclude(cms_id=""):
        day = timezone.localtime(publication.public_from, BERLIN).date()  # type: ignore[arg-type]
        _event(
            f"release-{publication.cms_id}",
            kind=EventKind.RESULT_RELEASE,
            title=f"Public: {publication.cms_id}",
            publication=publication,
            **_whole_days(day),
        )
        count += 1
    return count


def _seed_posts(approved: list[Story], scale: int, log: Any) -> None:
    posts = [post_create_for_story(story=story) for story in approved]
    reviewer = next((story.reviewer for story in approved if story.reviewer_id is not None), None)
    first = posts[0] if posts else None
    if first is not None and first.status == PostStatus.UNSCHEDULED and first.transitions.count() == 1:
        when = next_free_slot(post=first)
        if when is not None:
            Post.objects.filter(pk=first.pk).update(status=PostStatus.SCHEDULED, scheduled_at=when)
            PostTransition.objects.create(
                post=first,
                actor=reviewer,
                action="schedule_next_free",
                from_status=PostStatus.UNSCHEDULED,
                to_status=PostStatus.SCHEDULED,
                to_time=when,
            )
    # --scale: the copies' posts in bulk, spread over the coming year.
    missing = Story.objects.filter(status=StoryStatus.APPROVED, post__isnull=True).order_by("pk")
    now = timezone.now()
    bulk = [
        Post(
            story=story,
            format=story.format,
            caption=story.caption,
            status=PostStatus.SCHEDULED,
            scheduled_at=now + timedelta(hours=20 * (number + 1)),
        )
        for number, story in enumerate(missing.iterator())
    ]
    Post.objects.bulk_create(bulk, batch_size=1000)
    log(f"Demo posts: {len(posts) + len(bulk)}")


# The weeks around today: title, days from today, hour (Europe/Berlin), state. The published
# posts of these weeks come from the analytics demo's archive (with their insights).
MONTH_POSTS: list[tuple[str, int, int, str]] = [
    ("Summer students' first day at DESY", -2, 18, PostStatus.FAILED),
    ("Calibrating the calorimeter with a radioactive source", 3, 12, PostStatus.SCHEDULED),
    ("A day in the clean room: bonding silicon sensors", 9, 18, PostStatus.SCHEDULED),
    ("Girls' Day at CMS: building a spark chamber", 16, 10, PostStatus.SCHEDULED),
]


def _seed_month(approved: list[Story], now: datetime, log: Any) -> int:
    """A handful of posts spread over the weeks around today, so the calendar looks lived in.

    Each gets a story of its own, a copy of the first approved demo story (its photos shared)."""
    model = next((story for story in approved if story.images.exists()), None)
    if model is None:
        return 0
    photos = list(StoryImage.objects.filter(story=model).order_by("position").values())
    today = timezone.localtime(now, BERLIN).date()
    made = 0
    for title, days, hour, status in MONTH_POSTS:
        if Story.objects.filter(title=title, author_id=model.author_id).exists():
            continue
        story = Story.objects.create(
            author_id=model.author_id,
            title=title,
            objective=model.objective,
            format=model.format,
            caption=f"{title}. #CMS #DESY #physics",
            status=StoryStatus.APPROVED,
            reviewer_id=model.reviewer_id,
            submitted_at=model.submitted_at,
            approved_at=model.approved_at,
        )
        StoryImage.objects.bulk_create(
            StoryImage(
                story=story, **{k: v for k, v in photo.items() if k not in ("id", "story_id", "created_at")}
            )
            for photo in photos
        )
        post = post_create_for_story(story=story)
        when = _at(today + timedelta(days=days), hour)
        fields: dict[str, Any] = {"status": status, "scheduled_at": when, "status_changed_at": min(when, now)}
        if status == PostStatus.FAILED:
            fields["reason"] = "It has no photo ready for Instagram."
        Post.objects.filter(pk=post.pk).update(**fields)
        PostTransition.objects.create(
            post=post,
            actor=model.reviewer,
            action="schedule",
            from_status=PostStatus.UNSCHEDULED,
            to_status=PostStatus.SCHEDULED,
            to_time=when,
        )
        if status != PostStatus.SCHEDULED:
            PostTransition.objects.create(
                post=post, action="publish", from_status=PostStatus.SCHEDULED, to_status=status, to_time=when
            )
        made += 1
    log(f"Demo month: {made} posts created, {len(MONTH_POSTS) - made} already there")
    return made


def seed(*, scale: int = 1, log: Any = print, context: dict[str, Any] | None = None) -> dict[str, Any]:
    context = context or {}
    for weekday, at in SLOTS:
        PostingSlot.objects.get_or_create(weekday=weekday, time=at)
    people = [user.contributor for user in context.get("users", {}).values()]
    count = _seed_events(timezone.localdate(), people)
    log(f"Demo calendar: {count} events, {len(SLOTS)} posting slots")
    approved = list(context.get("approved_stories", []))
    _seed_month(approved, timezone.now(), log)  # first: the next free slot below leaves their times alone
    _seed_posts(approved, scale, log)
    return {}


__all__ = ["seed"]
