"""The admin's calendar: .ics import (idempotent by UID and RECURRENCE-ID), duplicate, filters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from scheduling.ics_import import IcsImportError, import_ics
from scheduling.models import BERLIN, CalendarEvent, EventKind
from scheduling.tests.factories import CalendarEventFactory

pytestmark = pytest.mark.django_db

ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Indico//EN
BEGIN:VEVENT
UID:seminar-series@indico.desy.de
DTSTART;TZID=Europe/Berlin:20300110T140000
DTEND;TZID=Europe/Berlin:20300110T150000
RRULE:FREQ=WEEKLY;COUNT=13
EXDATE;TZID=Europe/Berlin:20300131T140000
SUMMARY:Group seminar
LOCATION:Seminar room 4
END:VEVENT
BEGIN:VEVENT
UID:seminar-series@indico.desy.de
RECURRENCE-ID;TZID=Europe/Berlin:20300117T140000
DTSTART;TZID=Europe/Berlin:20300118T100000
DTEND;TZID=Europe/Berlin:20300118T110000
SUMMARY:Group seminar (moved to Friday)
END:VEVENT
BEGIN:VEVENT
UID:closure-2030@desy.de
DTSTART;VALUE=DATE:20301224
DTEND;VALUE=DATE:20310102
SUMMARY:Christmas closure
END:VEVENT
BEGIN:VEVENT
UID:talk@ichep2030.org
DTSTART:20300715T083000Z
DURATION:PT30M
SUMMARY:Higgs pairs at ICHEP
URL:https://indico.cern.ch/event/1/
END:VEVENT
END:VCALENDAR
"""


def rows() -> list[tuple[Any, ...]]:
    return list(
        CalendarEvent.objects.order_by("ics_uid", "ics_recurrence_id").values_list(
            "ics_uid", "ics_recurrence_id", "title", "start", "end", "all_day"
        )
    )


def test_ics_import_is_idempotent_and_keeps_moved_occurrences_apart() -> None:
    first = import_ics(ICS, kind=EventKind.SEMINAR)
    # 13 weekly seminars, one cancelled (EXDATE), one moved (its own VEVENT); a closure; a talk.
    assert (first.created, first.updated) == (14, 0)
    snapshot = rows()
    second = import_ics(ICS, kind=EventKind.SEMINAR)
    assert (second.created, second.updated) == (0, 14)
    assert rows() == snapshot
    seminars = CalendarEvent.objects.filter(ics_uid="seminar-series@indico.desy.de")
    starts = [timezone.localtime(event.start, BERLIN) for event in seminars.order_by("start")]
    assert len(starts) == 12
    assert datetime(2030, 1, 17, 14, 0, tzinfo=BERLIN) not in starts  # moved away
    assert datetime(2030, 1, 31, 14, 0, tzinfo=BERLIN) not in starts  # cancelled
    # Wall-clock 14:00 on both sides of the spring change (31 March 2030).
    assert starts[-2] == datetime(2030, 3, 28, 14, 0, tzinfo=BERLIN)
    assert starts[-2].utcoffset().total_seconds() == 3600  # type: ignore[union-attr]
    assert starts[-1] == datetime(2030, 4, 4, 14, 0, tzinfo=BERLIN)
    assert starts[-1].utcoffset().total_seconds() == 7200  # type: ignore[union-attr]
    moved = CalendarEvent.objects.get(title="Group seminar (moved to Friday)")
    assert moved.ics_uid == "seminar-series@indico.desy.de"
    assert moved.ics_recurrence_id == "2030-01-17T14:00:00+01:00"
    assert moved.start == datetime(2030, 1, 18, 10, 0, tzinfo=BERLIN)
    closure = CalendarEvent.objects.get(title="Christmas closure")
    assert closure.all_day
    assert closure.local_days[0] == date(2030, 12, 24)
    assert closure.local_days[-1] == date(2031, 1, 1)
    talk = CalendarEvent.objects.get(title="Higgs pairs at ICHEP")
    assert (talk.end - talk.start).total_seconds() == 1800
    assert talk.link == "https://indico.cern.ch/event/1/"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not an iCalendar"),
        (b"BEGIN:VCALENDAR\nEND:VCALENDAR\n", "no events"),
        (b"<html>not a calendar</html>", "not an iCalendar"),
        (
            b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20300101T100000Z\nSUMMARY:ok\nEND:VEVENT\n"
            b"BEGIN:VEVENT\nSUMMARY:no uid\nDTSTART:20300101T100000Z\nEND:VEVENT\nEND:VCALENDAR\n",
            "Event 2 has no UID",
        ),
        (
            b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:b\nDTSTART:20300101T100000Z\nDTEND:20290101T100000Z\n"
            b"END:VEVENT\nEND:VCALENDAR\n",
            "ends before it starts",
        ),
        (
            b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:c\nDTSTART:20300101T100000Z\nRRULE:FREQ=SOMETIMES\n"
            b"END:VEVENT\nEND:VCALENDAR\n",
            "repeats by a rule that cannot be read",
        ),
    ],
)
def test_a_broken_ics_file_changes_nothing(content: bytes, reason: str) -> None:
    import_ics(ICS, kind=EventKind.SEMINAR)
    before = rows()
    with pytest.raises(IcsImportError, match=reason):
        import_ics(content, kind=EventKind.SEMINAR)
    assert rows() == before


def test_admin_imports_filters_searches_and_duplicates(people: dict[str, Any]) -> None:
    client = Client()
    client.force_login(people["admin"])
    response = client.post(
        "/admin/scheduling/calendarevent/import-ics/",
        {
            "file": SimpleUploadedFile("indico.ics", ICS, content_type="text/calendar"),
            "kind": EventKind.SEMINAR,
        },
        follow=True,
    )
    assert "Imported: 14 new, 0 updated." in response.content.decode()
    response = client.post(
        "/admin/scheduling/calendarevent/import-ics/",
        {"file": SimpleUploadedFile("broken.ics", b"BEGIN:VCALENDAR\n"), "kind": EventKind.SEMINAR},
    )
    assert response.status_code == 200
    assert "no events" in response.content.decode() or "not an iCalendar" in response.content.decode()
    assert CalendarEvent.objects.count() == 14
    CalendarEventFactory(kind=EventKind.TRAINING, title="Camera workshop")
    listing = client.get("/admin/scheduling/calendarevent/", {"kind__exact": "training"}).content.decode()
    assert "Camera workshop" in listing and "Group seminar" not in listing
    found = client.get("/admin/scheduling/calendarevent/", {"q": "ICHEP"}).content.decode()
    assert "Higgs pairs at ICHEP" in found and "Camera workshop" not in found
    assert client.get("/admin/scheduling/calendarevent/", {"start__year": "2030"}).status_code == 200
    talk = CalendarEvent.objects.get(title="Higgs pairs at ICHEP")
    talk.contributors.add(people["contributor"].contributor)
    client.post(
        "/admin/scheduling/calendarevent/",
        {"action": "duplicate", "_selected_action": [talk.pk]},
        follow=True,
    )
    copy = CalendarEvent.objects.get(title="Higgs pairs at ICHEP (copy)")
    assert (copy.start, copy.ics_uid) == (talk.start, "")
    assert list(copy.contributors.all()) == [people["contributor"].contributor]
    # Importing again still updates the original, not the copy.
    client.post(
        "/admin/scheduling/calendarevent/import-ics/",
        {"file": SimpleUploadedFile("indico.ics", ICS), "kind": EventKind.SEMINAR},
    )
    assert CalendarEvent.objects.filter(title__startswith="Higgs pairs at ICHEP").count() == 2
