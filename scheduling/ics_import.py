"""Import an .ics file (a conference's or the institute's calendar) into the calendar events.

Idempotent by UID and RECURRENCE-ID: importing the same file again updates the same rows; a
moved occurrence of a recurring event shares its series' UID and is its own row. A recurring
series is kept as its first occurrence. A broken file changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar

from .models import BERLIN, CalendarEvent, whole_days

MAX_EVENTS = 5000


class IcsImportError(Exception):
    pass


@dataclass
class IcsImportResult:
    created: int = 0
    updated: int = 0


def _instant(value: Any) -> datetime:
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            return value.replace(tzinfo=BERLIN)
        return value
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time(), tzinfo=BERLIN)
    raise IcsImportError(_("An event has a start that is not a date."))


def _recurrence_key(component: Any) -> str:
    value = component.get("recurrence-id")
    if value is None:
        return ""
    moment = value.dt
    if isinstance(moment, datetime):
        return _instant(moment).astimezone(BERLIN).isoformat()
    return moment.isoformat()


def import_ics(data: bytes, *, kind: str) -> IcsImportResult:
    try:
        calendar = Calendar.from_ical(data)
    except Exception as exc:  # icalendar raises ValueError and friends for broken files
        raise IcsImportError(_("This is not an iCalendar (.ics) file: %(error)s") % {"error": exc}) from exc
    if not isinstance(calendar, Calendar):
        raise IcsImportError(_("This is not an iCalendar (.ics) file."))
    components = list(calendar.walk("VEVENT"))
    if not components:
        raise IcsImportError(_("The file holds no events."))
    if len(components) > MAX_EVENTS:
        raise IcsImportError(_("The file holds more than %(max)d events.") % {"max": MAX_EVENTS})
    result = IcsImportResult()
    with transaction.atomic():
        for number, component in enumerate(components, start=1):
            uid = str(component.get("uid", "")).strip()
            if not uid:
                raise IcsImportError(_("Event %(number)d has no UID.") % {"number": number})
            start_prop = component.get("dtstart")
            if start_prop is None:
                raise IcsImportError(_("Event %(number)d has no start.") % {"number": number})
            raw_start = start_prop.dt
            all_day = isinstance(raw_start, date) and not isinstance(raw_start, datetime)
            start = _instant(raw_start)
            if component.get("dtend") is not None:
                end = _instant(component.get("dtend").dt)
            elif component.get("duration") is not None:
                end = start + component.get("duration").dt
            else:
                end = start + (timedelta(days=1) if all_day else timedelta(hours=1))
            if end < start:
                raise IcsImportError(_("Event %(number)d ends before it starts.") % {"number": number})
            if all_day:
                start, end = whole_days(start, end)
            fields = {
                "kind": kind,
                "title": str(component.get("summary", "")).strip()[:300] or _("(no title)"),
                "start": start,
                "end": end,
                "all_day": all_day,
                "location": str(component.get("location", "")).strip()[:300],
                "link": str(component.get("url", "")).strip()[:500],
                "description": str(component.get("description", "")).strip(),
            }
            _row, created = CalendarEvent.objects.update_or_create(
                ics_uid=uid[:500], ics_recurrence_id=_recurrence_key(component), defaults=fields
            )
            if created:
                result.created += 1
            else:
                result.updated += 1
    return result
