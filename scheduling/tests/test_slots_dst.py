"""Posting slots are wall-clock times in Europe/Berlin: the same 18:00 on both sides of a DST change."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine

from scheduling import services
from scheduling.models import BERLIN
from scheduling.tests.factories import approved_post, slot

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2030, 3, 30, 12, 0, tzinfo=BERLIN), tick=False)
def test_next_free_slot_across_the_spring_change(people: dict[str, Any]) -> None:
    slot(5, 18)  # Saturday, still CET
    slot(6, 18)  # Sunday 31 March 2030, CEST
    first, second = approved_post(), approved_post()
    services.post_schedule_next_free(post=first, user=people["outreach"])
    services.post_schedule_next_free(post=second, user=people["outreach"])
    assert first.scheduled_at.astimezone(UTC) == datetime(2030, 3, 30, 17, 0, tzinfo=UTC)  # type: ignore[union-attr]
    assert second.scheduled_at.astimezone(UTC) == datetime(2030, 3, 31, 16, 0, tzinfo=UTC)  # type: ignore[union-attr]


@time_machine.travel(datetime(2030, 10, 26, 12, 0, tzinfo=BERLIN), tick=False)
def test_next_free_slot_across_the_autumn_change(people: dict[str, Any]) -> None:
    slot(6, 18)  # Sunday 27 October 2030, back to CET
    post = approved_post()
    services.post_schedule_next_free(post=post, user=people["outreach"])
    assert post.scheduled_at.astimezone(UTC) == datetime(2030, 10, 27, 17, 0, tzinfo=UTC)  # type: ignore[union-attr]
    assert services.shown(post.scheduled_at) == "27 October 2030, 18:00 CET"  # type: ignore[arg-type]
    assert slot(6, 18).on(date(2030, 3, 31)).utcoffset().total_seconds() == 7200  # type: ignore[union-attr]
