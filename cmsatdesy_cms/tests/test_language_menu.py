"""The language menu's button is named by what it shows (WCAG 2.5.3, label in name)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISIBLE_TEXT = """button => [...button.childNodes]
    .filter(node => !(node.classList && node.classList.contains('visually-hidden')))
    .map(node => node.textContent).join('').trim()"""


def test_the_language_button_is_named_by_the_text_it_shows_in_english_and_german(page) -> None:
    page.goto("/accounts/login/")
    button = page.get_by_role("button", name="EN (Language: English)", exact=True)
    expect(button).to_be_visible()
    assert button.evaluate(VISIBLE_TEXT) == "EN"

    button.click()
    page.get_by_role("button", name="Deutsch").click()

    button = page.get_by_role("button", name="DE (Sprache: Deutsch)", exact=True)
    expect(button).to_be_visible()
    assert button.evaluate(VISIBLE_TEXT) == "DE"
    expect(page.locator("html")).to_have_attribute("lang", "de")


def test_the_name_of_the_language_button_starts_with_its_visible_text(page) -> None:
    page.goto("/")
    button = page.locator("nav form.dropdown > button")
    shown = button.evaluate(VISIBLE_TEXT)

    expect(button).to_have_accessible_name(re.compile("^" + re.escape(shown) + r"\b"))
