"""The iCalendar feed: posts and events a person may see, with a VTIMEZONE for every zone named."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from contributors.roles import roles_of

from .models import BERLIN, CalendarEvent, Post

FEED_PAST_DAYS = 90
FEED_FUTURE_DAYS = 400
POST_DURATION = timedelta(minutes=30)


def build(user: Any, *, now: Any = None) -> bytes:
    now = now or timezone.now()
    roles = roles_of(user)
    start, end = now - timedelta(days=FEED_PAST_DAYS), now + timedelta(days=FEED_FUTURE_DAYS)
    calendar = Calendar()
    calendar.add("prodid", "-//cmsatdesy//calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "@cmsatdesy")
    calendar.add("x-wr-timezone", "Europe/Berlin")
    host = settings.PUBLIC_BASE_URL.split("://", 1)[-1]
    posts = (
        Post.objects.visible_to(user)
        .select_related("story")
        .filter(scheduled_at__gte=start, scheduled_at__lt=end)
    )
    for post in posts:
        when = timezone.localtime(post.scheduled_at, BERLIN)  # type: ignore[arg-type]
        entry = Event()
        entry.add("uid", f"post-{post.pk}@{host}")
        entry.add("summary", f"📷 {post.story.title} ({post.get_status_display()})")
        entry.add("dtstart", when)
        entry.add("dtend", when + POST_DURATION)
        entry.add("dtstamp", now)
        entry.add(
            "url",
            f"{settings.PUBLIC_BASE_URL}{post.get_absolute_url() if roles.team else post.story.get_absolute_url()}",
        )
        calendar.add_component(entry)
    events = CalendarEvent.objects.visible_to_roles(roles, now=now).overlapping(start, end)
    for event in events:
        entry = Event()
        entry.add("uid", f"event-{event.pk}@{host}")
        entry.add("summary", f"{event.title} ({event.get_kind_display()})")
        if event.all_day:
            days = event.local_days
            entry.add("dtstart", days[0])
            entry.add("dtend", days[-1] + timedelta(days=1))
        else:
            entry.add("dtstart", timezone.localtime(event.start, BERLIN))
            entry.add("dtend", timezone.localtime(event.end, BERLIN))
        entry.add("dtstamp", now)
        if event.location:
            entry.add("location", event.location)
        if event.description:
            entry.add("description", event.description)
        if event.link:
            entry.add("url", event.link)
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()
