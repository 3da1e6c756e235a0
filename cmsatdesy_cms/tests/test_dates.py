"""Times are shown with their zone, as the schedule is kept in Europe/Berlin."""

from datetime import UTC, datetime

from django.template import Context, Template
from django.utils import timezone, translation

SHOW = Template('{{ when|date:"DATETIME_FORMAT" }} / {{ when|date:"SHORT_DATETIME_FORMAT" }}')


def shown(when: datetime, language: str) -> str:
    with translation.override(language), timezone.override("Europe/Berlin"):
        return SHOW.render(Context({"when": when}))


def test_a_winter_time_carries_cet_in_english_and_german() -> None:
    when = datetime(2026, 1, 15, 17, 30, tzinfo=UTC)

    assert shown(when, "en") == "15 January 2026, 18:30 CET / 15 Jan 2026, 18:30 CET"
    assert shown(when, "de") == "15. Januar 2026, 18:30 CET / 15.01.2026, 18:30 CET"


def test_a_summer_time_carries_cest() -> None:
    when = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)

    assert shown(when, "en") == "1 July 2026, 10:00 CEST / 1 Jul 2026, 10:00 CEST"
