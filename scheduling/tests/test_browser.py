"""From approval to the calendar in real Chromium: next free slot, then drag and drop."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from contributors.testing import log_in
from contributors.tests.factories import PublicationFactory, science_user
from scheduling.models import BERLIN, Post, PostStatus
from scheduling.tests.factories import blackout, slot
from stories import services as story_services
from stories.models import Status
from stories.tests.factories import story_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def drag(page: Any, source: Any, target: Any) -> None:
    """Press, move in small steps (FullCalendar waits for a real movement), release."""
    source.scroll_into_view_if_needed()
    box = source.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    target_box = target.bounding_box()
    page.mouse.move(
        target_box["x"] + target_box["width"] / 2, target_box["y"] + target_box["height"] / 2, steps=15
    )
    page.mouse.up()


def day_cell(page: Any, day: date) -> Any:
    return page.locator(f'[role="gridcell"][data-date="{day.isoformat()}"]').first


def test_reviewer_approves_schedules_and_drags_with_the_same_checks(
    page: Any, people: dict[str, Any]
) -> None:
    today = timezone.localdate()
    month = date(today.year + (today.month == 12), today.month % 12 + 1, 1)  # next month
    embargo_day, allowed_day, blackout_day, early_day = (month.replace(day=d) for d in (10, 11, 12, 8))
    for weekday in range(7):
        slot(weekday, 18)
    blackout(blackout_day, title="Detector open day")
    result = PublicationFactory(public_from=datetime.combine(embargo_day, time(12), tzinfo=BERLIN))
    story = story_in(
        Status.IN_REVIEW, reviewer=people["outreach"], publication=result, title="Pixels at dawn"
    )
    story_services.story_science_signoff(story=story, user=science_user())

    log_in(page, "mira")
    page.goto(f"/stories/{story.pk}/")
    page.get_by_role("button", name="Approve for posting").click()
    page.wait_for_load_state()
    # The post panel on the story page, from the scheduling app.
    panel = page.locator("#post-panel")
    expect(panel).to_contain_text("Unscheduled")
    page.get_by_role("link", name="Schedule this post").click()
    page.get_by_role("button", name="Schedule in the next free slot").click()
    expect(page.locator("#post-state")).to_have_text("Scheduled")
    expect(page.locator("#post-time")).to_contain_text(f"{embargo_day.day} ")
    expect(page.locator("#post-time")).to_contain_text("18:00")
    post = Post.objects.get(story=story)
    assert post.scheduled_at == datetime.combine(embargo_day, time(18), tzinfo=BERLIN)

    page.get_by_role("link", name="Back to the calendar").click()
    event = page.locator("#calendar").get_by_text("Pixels at dawn")
    expect(event).to_be_visible()
    expect(day_cell(page, embargo_day)).to_contain_text("Pixels at dawn")

    # Another day: moved, and the server says to when.
    drag(page, event, day_cell(page, allowed_day))
    expect(page.locator("#calendar-status")).to_contain_text("Moved to")
    expect(day_cell(page, allowed_day)).to_contain_text("Pixels at dawn")
    post.refresh_from_db()
    assert post.scheduled_at == datetime.combine(allowed_day, time(18), tzinfo=BERLIN)

    # A blackout day: refused with the reason, and the post stays where it was.
    drag(page, page.locator("#calendar").get_by_text("Pixels at dawn"), day_cell(page, blackout_day))
    expect(page.locator("#calendar-status")).to_contain_text("blackout day (Detector open day)")
    expect(day_cell(page, allowed_day)).to_contain_text("Pixels at dawn")
    expect(day_cell(page, blackout_day)).not_to_contain_text("Pixels at dawn")

    # Before the result is public: refused, saying until when.
    drag(page, page.locator("#calendar").get_by_text("Pixels at dawn"), day_cell(page, early_day))
    expect(page.locator("#calendar-status")).to_contain_text("The result is not public before")
    expect(day_cell(page, allowed_day)).to_contain_text("Pixels at dawn")
    post.refresh_from_db()
    assert post.status == PostStatus.SCHEDULED
    assert post.scheduled_at == datetime.combine(allowed_day, time(18), tzinfo=BERLIN)
