"""A story from a phone to approval, in real Chromium at 390×844, driven as people would."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from contributors.testing import log_in
from stories.captions import count_chars, count_hashtags, count_mentions
from stories.forms import DEFAULT_CONSENT_WORDING
from stories.models import PersonShown, Status, Story
from stories.tests.factories import photo_bytes, story_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo_file(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "image/jpeg", "buffer": photo_bytes()}


def switch_user(page: Any, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, username)


def test_scientist_submits_a_carousel_and_a_reviewer_approves_it_after_one_round(
    phone_page: Any, people: dict[str, Any]
) -> None:
    page = phone_page
    log_in(page, "anna")

    # The scientist writes the story and adds two photos at once.
    page.goto("/stories/new/")
    page.get_by_label("Title").fill("Night shift at the CMS control room")
    page.get_by_label("Objective").select_option(label="Recruitment")
    page.get_by_label("Format").select_option(label="Carousel (2–10 images)")
    page.get_by_label("Caption").fill("Who keeps CMS running at 3 am? #CMS #PhDLife")
    page.get_by_label("Add photos").set_input_files([photo_file("shift.jpg"), photo_file("detector.jpg")])
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Saved.")).to_be_visible()

    # Alt texts and consent, photo by photo; then off to the team.
    page.get_by_label("Alt text for photo 1").fill("Lea at the control room screens at night.")
    page.get_by_role("button", name="Add a person shown in photo 1").click()
    page.get_by_label("Name of person 1 in photo 1").fill("Lea Novak")
    page.get_by_label("Their contact (person 1, photo 1)").fill("lea.novak@desy.de")
    page.get_by_label("I have recorded their consent (person 1, photo 1)").check()
    page.get_by_label("Alt text for photo 2").fill("The open CMS detector.")
    page.get_by_label("Nobody can be recognised in photo 2").check()
    page.get_by_role("button", name="Save and submit for review").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Your story has been sent to the outreach team.")).to_be_visible()
    story = Story.objects.get()
    assert story.status == Status.SUBMITTED
    assert story.images.count() == 2
    assert PersonShown.objects.get().consent_recorded_by == people["contributor"]

    # A reviewer finds it in the queue and asks for a change.
    switch_user(page, "mira")
    page.goto("/review/")
    page.get_by_role("link", name="Night shift at the CMS control room").click()
    page.get_by_label("What should change").fill("Please say what Lea does on shift.")
    page.get_by_role("button", name="Request changes").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Changes requested").first).to_be_visible()

    # The scientist reads the comment, edits and resubmits.
    switch_user(page, "anna")
    page.goto("/stories/")
    page.get_by_role("link", name="Night shift at the CMS control room").click()
    expect(page.get_by_text("Please say what Lea does on shift.").first).to_be_visible()
    page.get_by_role("link", name="Edit the story").click()
    page.get_by_label("Caption").fill("Lea watches the trigger rates at 3 am. #CMS #PhDLife")
    page.get_by_role("button", name="Save and resubmit for review").click()
    page.wait_for_load_state()
    story.refresh_from_db()
    assert story.status == Status.RESUBMITTED

    # The reviewer sees what changed and approves.
    switch_user(page, "mira")
    page.goto(f"/stories/{story.pk}/")
    expect(page.get_by_role("heading", name="What changed in the last revision")).to_be_visible()
    inserted = " ".join(page.locator("ins.diff-ins").all_inner_texts())
    deleted = " ".join(page.locator("del.diff-del").all_inner_texts())
    assert "trigger" in inserted and "running" in deleted
    page.get_by_role("button", name="Approve for posting").click()
    page.wait_for_load_state()
    story.refresh_from_db()
    assert story.status == Status.APPROVED

    # The scientist sees it approved.
    switch_user(page, "anna")
    page.goto("/stories/")
    expect(page.get_by_text("Approved", exact=True)).to_be_visible()


def test_scientist_adds_two_people_to_one_photo_in_one_save(phone_page: Any, people: dict[str, Any]) -> None:
    page = phone_page
    log_in(page, "anna")
    page.goto("/stories/new/")
    page.get_by_label("Title").fill("Our group at the detector")
    page.get_by_label("Objective").select_option(label="Recruitment")
    page.get_by_label("Add photos").set_input_files([photo_file("group.jpg")])
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    # No empty rows until a person is added; each press brings one, ready to type in.
    expect(page.get_by_label("Name of person 1 in photo 1")).to_have_count(0)
    page.get_by_role("button", name="Add a person shown in photo 1").click()
    expect(page.get_by_label("Name of person 1 in photo 1")).to_be_focused()
    page.get_by_label("Name of person 1 in photo 1").fill("Lea Novak")
    page.get_by_label("Their contact (person 1, photo 1)").fill("lea.novak@desy.de")
    page.get_by_label("I have recorded their consent (person 1, photo 1)").check()
    page.get_by_role("button", name="Add a person shown in photo 1").click()
    page.get_by_label("Name of person 2 in photo 1").fill("Jonas Weber")
    page.get_by_label("Wording they agreed to (person 2, photo 1)").fill("Ja, mit meinem Namen.")
    page.get_by_label("I have recorded their consent (person 2, photo 1)").check()
    # One more, left empty, is not a person.
    page.get_by_role("button", name="Add a person shown in photo 1").click()
    expect(page.get_by_label("Name of person 3 in photo 1")).to_be_focused()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()

    expect(page.get_by_text("Saved.")).to_be_visible()
    recorded = list(PersonShown.objects.order_by("pk"))
    assert [(p.name, p.contact, p.consent_wording) for p in recorded] == [
        ("Lea Novak", "lea.novak@desy.de", str(DEFAULT_CONSENT_WORDING)),
        ("Jonas Weber", "", "Ja, mit meinem Namen."),
    ]
    assert all(p.consent_recorded_by == people["contributor"] for p in recorded)
    expect(page.get_by_text("Lea Novak — consent recorded")).to_be_visible()
    expect(page.get_by_text("Jonas Weber — consent recorded")).to_be_visible()
    # More people are numbered after the two now recorded.
    expect(page.get_by_label("Name of person 3 in photo 1")).to_have_count(0)
    page.get_by_role("button", name="Add a person shown in photo 1").click()
    expect(page.get_by_label("Name of person 3 in photo 1")).to_have_value("")


CAPTIONS = [
    "Teilchen 🧪🔬 und 👩‍🔬 im Kontrollraum",
    "#Teilchenphysik #CMS_2025 C#sharp #über #_ #123 a#b ##doppelt",
    "@desy @cms_experiment. mail@desy.de @a.b. @@twice @ü",
    "🎉" * 40 + " #🎉 #emoji🎉 @x🎉",
]


def test_the_live_caption_counter_agrees_with_the_server(phone_page: Any, people: dict[str, Any]) -> None:
    page = phone_page
    log_in(page, "anna")
    page.goto("/stories/new/")
    for caption in CAPTIONS:
        page.get_by_label("Caption").fill(caption)
        expect(page.locator("#caption-chars"), caption).to_have_text(str(count_chars(caption)))
        expect(page.locator("#caption-hashtags"), caption).to_have_text(str(count_hashtags(caption)))
        expect(page.locator("#caption-mentions"), caption).to_have_text(str(count_mentions(caption)))
    page.get_by_label("Caption").fill("#a " * 31)
    expect(page.locator("[data-counter=hashtags]")).to_have_class(re.compile(r"\bcounter-over\b"))


def test_photos_are_reordered_with_the_move_buttons(phone_page: Any, people: dict[str, Any]) -> None:
    page = phone_page
    log_in(page, "anna")
    page.goto("/stories/new/")
    page.get_by_label("Title").fill("Two photos")
    page.get_by_label("Objective").select_option(label="Outreach")
    page.get_by_label("Format").select_option(label="Carousel (2–10 images)")
    page.get_by_label("Add photos").set_input_files([photo_file("first.jpg"), photo_file("second.jpg")])
    expect(page.get_by_text("2 photos chosen.")).to_be_visible()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    story = Story.objects.get()
    first, second = story.images.order_by("position")
    # No position field to type in: the buttons (or dragging) set the order, headings follow.
    expect(page.get_by_label("Position of photo 1")).to_be_hidden()
    page.get_by_role("button", name="Move down: Photo 1").click()
    expect(page.locator("[data-photo] h3")).to_have_text(["Photo 1", "Photo 2"])
    expect(page.locator("[data-photo]").first.get_by_text("second.jpg")).to_be_visible()
    expect(page.get_by_role("button", name="Move down: Photo 2")).to_be_focused()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    assert list(story.images.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]


def test_the_team_drags_the_crop_box_and_saves_it(page: Any, people: dict[str, Any]) -> None:
    story = story_in(Status.SUBMITTED, author=people["contributor"].contributor)
    image = story.images.get()
    before = (image.crop_x, image.crop_width)
    log_in(page, "mira")
    page.goto(f"/stories/{story.pk}/")
    page.get_by_text("Crop photo 1").click()
    box = page.locator(".crop-box")
    box.wait_for()
    page.locator(".crop-handle").scroll_into_view_if_needed()
    bounds = box.bounding_box()
    # Shrink from the corner, then drag the box to the right.
    handle = page.locator(".crop-handle").bounding_box()
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(handle["x"] - bounds["width"] * 0.3, handle["y"] - bounds["height"] * 0.3, steps=5)
    page.mouse.up()
    box.scroll_into_view_if_needed()
    bounds = box.bounding_box()
    centre = (bounds["x"] + bounds["width"] / 2, bounds["y"] + bounds["height"] / 2)
    page.mouse.move(*centre)
    page.mouse.down()
    page.mouse.move(centre[0] + 200, centre[1], steps=5)
    page.mouse.up()
    width = float(page.get_by_label("Width (0–1)").input_value())
    assert width < before[1]
    page.get_by_role("button", name="Save the crop of photo 1").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The crop has been saved.")).to_be_visible()
    image.refresh_from_db()
    assert image.crop_width == pytest.approx(width, abs=0.02)
    assert image.crop_x > before[0]
    assert re.fullmatch(r"renditions/.+\.jpg", image.rendition.name)
