"""A newcomer's first minutes, in real Chromium: sign up, confirm, log in, profile, German."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from contributors.models import Contributor
from contributors.roles import CONTRIBUTORS
from contributors.testing import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Higgs-at-125-GeV"


def sign_up(page, email: str, username: str) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Username").fill(username)
    page.get_by_label(re.compile(r"^\s*Password\s*\*?\s*$")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_load_state()


def test_a_scientist_signs_up_confirms_logs_in_edits_the_profile_and_switches_to_german(
    page, tasks_run_inline
) -> None:
    sign_up(page, "marie.curie@desy.de", "mcurie")
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["marie.curie@desy.de"]
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()

    log_in(page, "mcurie", PASSWORD)
    page.get_by_role("link", name="My profile").first.click()
    page.get_by_label("Display name").fill("Marie Curie")
    page.get_by_label("Career stage").select_option(label="Postdoc")
    page.get_by_label("Research area").fill("Radioactivity")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile has been saved.")).to_be_visible()

    page.get_by_role("button", name="Language").click()
    page.get_by_role("button", name="Deutsch").click()
    page.wait_for_load_state()
    expect(page.get_by_role("link", name="Mein Profil").first).to_be_visible()

    user = get_user_model().objects.get(username="mcurie")
    assert user.groups.filter(name=CONTRIBUTORS).exists()
    profile = Contributor.objects.get(user=user)
    assert (profile.display_name, profile.career_stage, profile.language) == ("Marie Curie", "postdoc", "de")

    # The language follows the person to a new device.
    other = page.context.browser.new_context(base_url=page.url.split("/profile")[0], locale="en-GB")
    second = other.new_page()
    log_in(second, "mcurie", PASSWORD)
    expect(second.get_by_role("link", name="Mein Profil").first).to_be_visible()
    other.close()


def test_an_address_outside_the_allowed_domains_is_refused_with_a_clear_message(
    page, tasks_run_inline
) -> None:
    sign_up(page, "someone@gmail.com", "someone")

    expect(page.get_by_text("Sign-up is open to addresses at desy.de, cern.ch only")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("someone")
    assert not get_user_model().objects.filter(username="someone").exists()
    assert mail.outbox == []
