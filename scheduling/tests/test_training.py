"""Training records: on each person's profile, and for the team as trained / not yet trained."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from scheduling.models import BERLIN, CalendarEvent, EventKind

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 1, 7, 9, 0, tzinfo=BERLIN)


def session(title: str, start: datetime) -> CalendarEvent:
    return CalendarEvent.objects.create(
        kind=EventKind.TRAINING, title=title, start=start, end=start + timedelta(hours=3)
    )


@time_machine.travel(NOW, tick=False)
def test_profile_shows_the_persons_training_record_and_the_next_session(people: dict[str, Any]) -> None:
    past = session("Telling your result in 90 seconds", NOW - timedelta(days=40))
    past.attendees.add(people["contributor"].contributor)
    session("Filming with a phone", NOW + timedelta(days=10))
    # A seminar they attended is not a training.
    seminar = CalendarEvent.objects.create(
        kind=EventKind.SEMINAR, title="Seminar", start=NOW - timedelta(days=3), end=NOW
    )
    seminar.attendees.add(people["other_contributor"].contributor)
    client = Client()
    client.force_login(people["contributor"])
    page = client.get("/profile/").content.decode()
    assert "You have attended 1 training session." in page
    assert "28 November 2029" in page
    assert "Next session: Filming with a phone, 17 January 2030, 09:00 CET." in page
    other = Client()
    other.force_login(people["other_contributor"])
    assert "You have not attended a training session yet." in other.get("/profile/").content.decode()
    german = Client()
    german.force_login(people["contributor"])
    german.post("/language/", {"language": "de", "next": "/"})
    assert "Sie haben an 1 Schulung teilgenommen." in german.get("/profile/").content.decode()
