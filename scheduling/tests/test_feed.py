"""The iCalendar feed: right instants across daylight-saving changes, per person, secret address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from icalendar import Calendar

from contributors.tests.factories import PublicationFactory
from scheduling import services
from scheduling.models import BERLIN, CalendarEvent, CalendarFeed, EventKind
from scheduling.tests.factories import approved_post

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 3, 1, 9, 0, tzinfo=BERLIN)


def feed_of(user: Any) -> Calendar:
    token = CalendarFeed.objects.get_or_create(user=user)[0].token
    response = Client().get(f"/calendar/feed/{token}.ics")  # a calendar app: no session
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def starts(calendar: Calendar) -> dict[str, datetime]:
    return {str(event["summary"]): event.decoded("dtstart") for event in calendar.walk("VEVENT")}


@time_machine.travel(NOW, tick=False)
def test_posts_on_the_last_sundays_of_march_and_october_are_at_the_right_instant(
    people: dict[str, Any],
) -> None:
    spring, autumn = approved_post(title="Spring post"), approved_post(title="Autumn post")
    team = people["outreach"]
    services.post_schedule(post=spring, user=team, when=datetime(2030, 3, 31, 11, 0, tzinfo=BERLIN))
    services.post_schedule(post=autumn, user=team, when=datetime(2030, 10, 27, 11, 0, tzinfo=BERLIN))
    calendar = feed_of(team)
    found = starts(calendar)
    spring_start = next(v for k, v in found.items() if k.startswith("📷 Spring post"))
    autumn_start = next(v for k, v in found.items() if k.startswith("📷 Autumn post"))
    assert spring_start.astimezone(UTC) == datetime(2030, 3, 31, 9, 0, tzinfo=UTC)  # 11:00 CEST
    assert autumn_start.astimezone(UTC) == datetime(2030, 10, 27, 10, 0, tzinfo=UTC)  # 11:00 CET
    assert spring_start.utcoffset() == timedelta(hours=2)
    assert autumn_start.utcoffset() == timedelta(hours=1)
    # Every zone the feed names has its VTIMEZONE, as Outlook needs.
    zones = {str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")}
    assert "Europe/Berlin" in zones


@time_machine.travel(NOW, tick=False)
def test_a_made_up_or_reset_token_gets_nothing(people: dict[str, Any]) -> None:
    assert Client().get("/calendar/feed/made-up-token.ics").status_code == 404
    old = CalendarFeed.objects.create(user=people["outreach"]).token
    client = Client()
    client.force_login(people["outreach"])
    client.post("/calendar/feed/reset/")
    assert Client().get(f"/calendar/feed/{old}.ics").status_code == 404
    new = CalendarFeed.objects.get(user=people["outreach"]).token
    assert new != old
    assert Client().get(f"/calendar/feed/{new}.ics").status_code == 200


@time_machine.travel(NOW, tick=False)
def test_each_person_sees_what_their_role_may_see(people: dict[str, Any]) -> None:
    embargoed = PublicationFactory(public_from=NOW + timedelta(days=20))
    CalendarEvent.objects.create(
        kind=EventKind.RESULT_RELEASE,
        title="Release of the secret result",
        start=NOW + timedelta(days=20),
        end=NOW + timedelta(days=20, hours=1),
        publication=embargoed,
    )
    CalendarEvent.objects.create(
        kind=EventKind.SEMINAR,
        title="Group seminar",
        start=NOW + timedelta(days=3),
        end=NOW + timedelta(days=3, hours=1),
    )
    mine = approved_post(author=people["contributor"].contributor, title="Anna's post")
    other = approved_post(title="Somebody else's post")
    for post in (mine, other):
        services.post_schedule(post=post, user=people["outreach"], when=NOW + timedelta(days=5 + post.pk % 3))
    team_titles = " ".join(starts(feed_of(people["outreach"])))
    assert "Release of the secret result" in team_titles
    assert "Anna's post" in team_titles and "Somebody else's post" in team_titles
    anna_titles = " ".join(starts(feed_of(people["contributor"])))
    assert "Group seminar" in anna_titles
    assert "Anna's post" in anna_titles
    assert "Somebody else's post" not in anna_titles
    assert "Release of the secret result" not in anna_titles


@time_machine.travel(NOW, tick=False)
def test_all_day_events_are_dates_in_the_feed(people: dict[str, Any]) -> None:
    from datetime import date

    from scheduling.tests.factories import blackout

    blackout(date(2030, 3, 31), title="Easter")
    event = next(e for e in feed_of(people["outreach"]).walk("VEVENT") if "Easter" in str(e["summary"]))
    assert event.decoded("dtstart") == date(2030, 3, 31)
    assert event.decoded("dtend") == date(2030, 4, 1)
