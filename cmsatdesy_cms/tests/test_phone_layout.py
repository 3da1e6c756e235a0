"""At phone size (390 px) no page scrolls sideways, in the longer German words too."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from contributors.testing import log_in, wait_until
from stories.models import Status
from stories.tests.factories import story_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sideways(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth - 390")


def test_no_page_scrolls_sideways_on_a_phone_in_german(phone_page: Any, people: dict[str, Any]) -> None:
    author = people["contributor"].contributor
    for status in (Status.SUBMITTED, Status.RESUBMITTED, Status.IN_REVIEW, Status.APPROVED):
        story_in(status, author=author, reviewer=people["outreach"], format="carousel")
    people["contributor"].contributor.language = "de"
    people["contributor"].contributor.save()
    people["outreach"].contributor.language = "de"
    people["outreach"].contributor.save()
    story = story_in(Status.CHANGES_REQUESTED, author=author, reviewer=people["outreach"])

    log_in(phone_page, "anna")
    for url in ("/", "/stories/", "/stories/new/", f"/stories/{story.pk}/", f"/stories/{story.pk}/edit/"):
        phone_page.goto(url)
        expect(phone_page.locator("html")).to_have_attribute("lang", "de")
        assert sideways(phone_page) <= 0, url

    phone_page.context.clear_cookies()
    log_in(phone_page, "mira")
    for url in ("/", "/review/", f"/stories/{story.pk}/", "/instagram/"):
        phone_page.goto(url)
        assert sideways(phone_page) <= 0, url


def test_the_review_queue_filters_fold_away_on_a_phone(phone_page: Any, people: dict[str, Any]) -> None:
    story_in(Status.SUBMITTED, author=people["contributor"].contributor, title="Muon tomography of a pyramid")
    log_in(phone_page, "mira")
    phone_page.goto("/review/")

    expect(phone_page.get_by_label("Objective")).to_be_hidden()
    expect(phone_page.get_by_role("link", name="Muon tomography of a pyramid")).to_be_visible()

    phone_page.get_by_role("button", name="Show the filters").click()
    # The filters slide open; a person waits until they stand still before using them.
    expect(phone_page.get_by_role("form", name="Filter the queue")).to_have_class(re.compile(r"\bshow\b"))
    phone_page.get_by_label("Objective").select_option(label="Training")
    # Sending the filters loads the queue anew; the checks below are about that new page.
    with phone_page.expect_navigation():
        phone_page.get_by_role("button", name="Filter", exact=True).click()

    # The filters that are set stay in view, with what they found.
    expect(phone_page.get_by_label("Objective")).to_be_visible()
    expect(phone_page.get_by_text("No stories match these filters.")).to_be_visible()


def test_a_reviewer_on_a_phone_jumps_to_the_actions(phone_page: Any, people: dict[str, Any]) -> None:
    story = story_in(Status.SUBMITTED, author=people["contributor"].contributor)
    log_in(phone_page, "mira")
    phone_page.goto(f"/stories/{story.pk}/")

    heading = phone_page.get_by_role("heading", name="What you can do")
    assert heading.bounding_box()["y"] > 844  # below the fold, past the preview

    phone_page.get_by_role("link", name="What you can do").click()

    # Bootstrap scrolls smoothly.
    wait_until(lambda: 0 <= heading.bounding_box()["y"] < 100, timeout=5)
    expect(phone_page.get_by_role("button", name="Take for review")).to_be_visible()


def test_on_a_phone_each_of_my_stories_says_what_happens_next(
    phone_page: Any, people: dict[str, Any]
) -> None:
    author = people["contributor"].contributor
    story_in(Status.CHANGES_REQUESTED, author=author, reviewer=people["outreach"], title="Muon night shift")
    story_in(Status.SUBMITTED, author=author, title="Tracker upgrade", format="carousel")
    log_in(phone_page, "anna")
    phone_page.goto("/stories/")

    changes = phone_page.get_by_test_id("my-story").filter(has_text="Muon night shift")
    expect(changes.get_by_test_id("next-step")).to_have_text("Changes requested — edit and resubmit")
    expect(changes.get_by_test_id("next-step")).to_be_in_viewport()
    waiting = phone_page.get_by_test_id("my-story").filter(has_text="Tracker upgrade")
    expect(waiting.get_by_test_id("next-step")).to_have_text("Waiting for the team")
    expect(waiting).to_contain_text("2 photos")
    assert sideways(phone_page) <= 0
