"""Import an .ics file (a conference's or the institute's calendar) into the calendar events.

Idempotent by UID and RECURRENCE-ID: importing the same file again updates the same rows. A
recurring series (RRULE, less EXDATE) becomes one row per occurrence, keyed by its UID and the
occurrence's original start; a moved occurrence (same UID, RECURRENCE-ID) takes the place of the
occurrence it replaces. A broken file changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.rrule import rrulestr
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar

from .models import BERLIN, CalendarEvent, whole_days

MAX_EVENTS = 5000
# A series is expanded this far ahead of its start (an open-ended RRULE would never stop).
MAX_OCCURRENCES = 400
SERIES_YEARS = 2


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


def _key(moment: Any) -> str:
    if isinstance(moment, datetime):
        return _instant(moment).astimezone(BERLIN).isoformat()
    return str(moment.isoformat())


def _recurrence_key(component: Any) -> str:
    value = component.get("recurrence-id")
    return "" if value is None else _key(value.dt)


def _occurrences(component: Any, raw_start: Any, number: int) -> list[Any]:
    """The original starts of a series' occurrences (the start itself for a single event)."""
    rule = component.get("rrule")
    if rule is None:
        return [raw_start]
    try:
        series = rrulestr(
            rule.to_ical().decode(),
            dtstart=raw_start
            if isinstance(raw_start, datetime)
            else datetime.combine(raw_start, datetime.min.time()),
        )
    except (ValueError, TypeError) as exc:
        raise IcsImportError(
            _("Event %(number)d repeats by a rule that cannot be read.") % {"number": number}
        ) from exc
    excluded: set[str] = set()
    exdates = component.get("exdate")
    for entry in exdates if isinstance(exdates, list) else [exdates] if exdates is not None else []:
        excluded.update(_key(item.dt) for item in entry.dts)
    until = (
        raw_start if isinstance(raw_start, datetime) else datetime.combine(raw_start, datetime.min.time())
    ) + timedelta(days=366 * SERIES_YEARS)
    starts: list[Any] = []
    for moment in series:
        if moment > until or len(starts) >= MAX_OCCURRENCES:
            break
        value = moment if isinstance(raw_start, datetime) else moment.date()
        if _key(value) not in excluded:
            starts.append(value)
    return starts


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
    # Moved occurrences first: a series must not overwrite the occurrences moved out of it.
    moved = {
        (str(c.get("uid", "")).strip(), _recurrence_key(c))
        for c in components
        if c.get("recurrence-id") is not None
    }
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
            duration = end - start
            common = {
                "kind": kind,
                "title": str(component.get("summary", "")).strip()[:300] or _("(no title)"),
                "all_day": all_day,
                "location": str(component.get("location", "")).strip()[:300],
                "link": str(component.get("url", "")).strip()[:500],
                "description": str(component.get("description", "")).strip(),
            }
            series = component.get("rrule") is not None and component.get("recurrence-id") is None
            for occurrence in _occurrences(component, raw_start, number) if series else [raw_start]:
                key = _key(occurrence) if series else _recurrence_key(component)
                if series and (uid, key) in moved:
                    continue
                first = _instant(occurrence)
                last = first + duration
                if all_day:
                    first, last = whole_days(first, last)
                _row, created = CalendarEvent.objects.update_or_create(
                    ics_uid=uid[:500], ics_recurrence_id=key, defaults={**common, "start": first, "end": last}
                )
                if created:
                    result.created += 1
                else:
                    result.updated += 1
    return result
