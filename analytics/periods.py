"""The stretches of days the dashboard and the report look at, in Europe/Berlin days."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

DEFAULT_DAYS = 28
# The dashboard reads one row per day of the range and of the period before it; three years of
# them stay quick to draw and to read.
LONGEST_DAYS = 3 * 366
EARLIEST = date(2010, 1, 1)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    # What to compare with, where not simply the same number of days before (a calendar month
    # is compared with the month before, whatever its length).
    compared_with: Period | None = field(default=None, compare=False)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        """The period to compare against: by default the same number of days just before."""
        if self.compared_with is not None:
            return self.compared_with
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @property
    def bounds(self) -> tuple[date, date]:
        return self.start, self.end

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=offset) for offset in range(self.days)]

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def last_complete_day() -> date:
    """Yesterday in Berlin: today's figures are still growing."""
    return timezone.localdate() - timedelta(days=1)


def last_days(days: int, *, end: date | None = None) -> Period:
    end = end or last_complete_day()
    return Period(end - timedelta(days=days - 1), end)


def default_period() -> Period:
    return last_days(DEFAULT_DAYS)


def _whole_month(year: int, month: int) -> Period:
    return Period(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def month_period(year: int, month: int) -> Period:
    """A calendar month, compared with the calendar month before it."""
    before = date(year, month, 1) - timedelta(days=1)
    return Period(*_whole_month(year, month).bounds, compared_with=_whole_month(before.year, before.month))


def parse_month(text: str) -> Period | None:
    """``YYYY-MM`` as the period of that month, or None when it is not a month we can show."""
    try:
        year_text, month_text = text.split("-")
        year, month = int(year_text), int(month_text)
    except ValueError:
        return None
    if len(year_text) != 4 or len(month_text) != 2 or not 1 <= month <= 12:
        return None
    if not EARLIEST.year <= year <= 9998:
        return None
    return month_period(year, month)


def previous_month(day: date | None = None) -> Period:
    first = (day or timezone.localdate()).replace(day=1)
    last_of_previous = first - timedelta(days=1)
    return month_period(last_of_previous.year, last_of_previous.month)
