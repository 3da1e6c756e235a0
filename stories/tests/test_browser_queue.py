"""The review queue at a desk (1366×900) and on a phone: thumbnails, search, whole select boxes."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from contributors.testing import log_in, wait_for_js
from stories.models import Status
from stories.tests.factories import story_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For each select box: the width its longest choice needs (text, padding with the arrow, borders)
# and the width it has.
SELECT_WIDTHS = """
() => {
  const canvas = document.createElement("canvas").getContext("2d");
  return [...document.querySelectorAll("#queue-filters select")].map((select) => {
    const style = getComputedStyle(select);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = Math.max(...[...select.options].map((o) => canvas.measureText(o.text).width));
    const frame = ["paddingLeft", "paddingRight", "borderLeftWidth", "borderRightWidth"]
      .reduce((sum, name) => sum + parseFloat(style[name]), 0);
    return { name: select.name, needed: Math.ceil(text + frame), has: select.getBoundingClientRect().width };
  });
}
"""


def assert_no_select_is_cut(page: Any) -> None:
    widths = page.evaluate(SELECT_WIDTHS)
    assert len(widths) == 5
    cut = [w for w in widths if w["needed"] > w["has"] + 0.5]
    assert not cut, cut
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_queue_filters_show_their_whole_choices_at_a_desk(
    page: Any, people: dict[str, Any], language: str
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    story_in(Status.SUBMITTED, author=people["contributor"].contributor, title="Muon chambers at night")
    story_in(Status.SUBMITTED, author=people["contributor"].contributor, title="Tracker upgrade")
    log_in(page, "mira")
    page.goto("/review/")
    if language == "de":
        page.get_by_role("button", name="EN (Language: English)").click()
        page.get_by_role("button", name="Deutsch").click()
        expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("[data-queue-thumb]")).to_have_count(2)
    assert_no_select_is_cut(page)
    page.locator("#id_q").fill("MUON")
    page.locator("#id_q").press("Enter")
    expect(page.get_by_role("link", name="Muon chambers at night")).to_be_visible()
    expect(page.get_by_role("link", name="Tracker upgrade")).to_have_count(0)
    # The thumbnail is the photo itself, served to the reviewer.
    wait_for_js(page.locator("[data-queue-thumb]"), "img => img.complete && img.naturalWidth > 0")


def test_the_queue_filters_show_their_whole_choices_on_a_phone(
    phone_page: Any, people: dict[str, Any]
) -> None:
    page = phone_page
    story_in(Status.SUBMITTED, author=people["contributor"].contributor, title="Muon chambers at night")
    log_in(page, "mira")
    page.goto("/review/")
    page.get_by_role("button", name="Show the filters").click()
    expect(page.get_by_label("Search titles and captions")).to_be_visible()
    assert_no_select_is_cut(page)
