from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import factory

from contributors.models import Contributor
from scheduling.models import BERLIN, CalendarEvent, EventKind, Post, PostingSlot
from scheduling.services import post_create_for_story
from stories.models import Status


def approved_post(*, author: Contributor | None = None, **kwargs: Any) -> Post:
    """An approved story's post, made the way approval makes it (through the signal)."""
    from stories.tests.factories import story_in

    if author is not None:
        kwargs["author"] = author
    story = story_in(Status.APPROVED, **kwargs)
    return post_create_for_story(story=story)


class CalendarEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarEvent

    kind = EventKind.SEMINAR
    title = factory.Sequence(lambda n: f"Seminar {n}")
    start = factory.LazyFunction(lambda: datetime(2030, 1, 10, 14, 0, tzinfo=BERLIN))
    end = factory.LazyAttribute(lambda event: event.start + timedelta(hours=1))


def blackout(day: Any, title: str = "Winter closure") -> CalendarEvent:
    start = datetime.combine(day, time(0), tzinfo=BERLIN)
    return CalendarEvent.objects.create(
        kind=EventKind.BLACKOUT, title=title, start=start, end=start + timedelta(days=1), all_day=True
    )


def slot(weekday: int, hour: int, minute: int = 0) -> PostingSlot:
    return PostingSlot.objects.get_or_create(weekday=weekday, time=time(hour, minute))[0]
