"""The story form on a phone (390×844), as a scientist uses it: it fits, the save buttons stay in
reach, photos are described as soon as they are chosen, reordered by dragging, and a failed save
opens where the work is."""

from __future__ import annotations

import os
from typing import Any

import pytest
from playwright.sync_api import expect

from contributors.testing import log_in
from stories.models import Format, Status, Story
from stories.tests.factories import StoryFactory, StoryImageFactory, photo_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN = 844
SHOTS = os.environ.get("STORY_FORM_SHOTS", "")


def photo_file(name: str, width: int = 1200, height: int = 900) -> dict[str, Any]:
    return {"name": name, "mimeType": "image/jpeg", "buffer": photo_bytes(width, height)}


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def draft_with_photos(people: dict[str, Any], count: int, **kwargs: Any) -> Story:
    story = StoryFactory(
        author=people["contributor"].contributor,
        format=Format.CAROUSEL if count > 1 else Format.SINGLE_IMAGE,
        title="Life at the lab",
        **kwargs,
    )
    for number in range(count):
        StoryImageFactory(story=story, original_name=f"lab-{number + 1}.jpg")
    return story


def save_button_is_usable(page: Any) -> bool:
    """The button is inside the screen and nothing covers its middle."""
    return bool(
        page.get_by_role("button", name="Save draft").evaluate(
            """button => {
                const r = button.getBoundingClientRect();
                if (r.top < 0 || r.bottom > innerHeight || r.width === 0) return false;
                return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === button;
            }"""
        )
    )


def test_three_photos_with_nobody_shown_fit_three_phone_screens_with_save_always_in_reach(
    phone_page: Any, people: dict[str, Any]
) -> None:
    page = phone_page
    story = draft_with_photos(people, 3)
    log_in(page, "anna")
    page.goto(f"/stories/{story.pk}/edit/")
    expect(page.get_by_label("Alt text for photo 3")).to_be_visible()
    # No empty person rows: "nobody can be recognised" is ticked for all three.
    expect(page.locator("[data-person-row]")).to_have_count(0)
    height = page.evaluate("document.documentElement.scrollHeight")
    shot(page, "three-photos")
    assert height <= 3 * SCREEN, height
    for top in range(0, height, 150):
        page.evaluate(f"window.scrollTo(0, {top})")
        assert save_button_is_usable(page), top
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert save_button_is_usable(page)


def test_a_failed_save_opens_at_its_first_error(phone_page: Any, people: dict[str, Any]) -> None:
    page = phone_page
    story = draft_with_photos(people, 2)
    log_in(page, "anna")
    page.goto(f"/stories/{story.pk}/edit/")
    # Photo 2 shows somebody after all; the consent is not ticked yet.
    page.get_by_label("Nobody can be recognised in photo 2").uncheck()
    page.get_by_role("button", name="Add a person shown in photo 2").click()
    page.get_by_label("Name of person 1 in photo 2").fill("Lea Novak")
    page.get_by_role("button", name="Save draft").click()
    consent = page.get_by_label("I have recorded their consent (person 1, photo 2)")
    expect(consent).to_be_focused()
    expect(consent).to_be_in_viewport()
    shot(page, "first-error")
    # The summary at the top names it and links to it.
    summary = page.locator("#error-summary")
    link = summary.get_by_role("link").first
    expect(link).to_contain_text("I have recorded their consent (person 1, photo 2)")
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_label("Title").focus()
    link.click()
    expect(consent).to_be_focused()
    # What was typed is still there.
    expect(page.get_by_label("Name of person 1 in photo 2")).to_have_value("Lea Novak")


def test_dragging_a_photo_changes_the_order_saved(phone_page: Any, people: dict[str, Any]) -> None:
    page = phone_page
    story = draft_with_photos(people, 3)
    first, second, third = story.images.order_by("position")
    log_in(page, "anna")
    page.goto(f"/stories/{story.pk}/edit/")
    cards = page.locator("[data-photo]")
    handle = cards.nth(2).locator("[data-drag-handle]")
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    # While dragging, the cards fold to a line each: the top of the list is in reach.
    target = cards.nth(0).bounding_box()
    assert target["y"] >= 0
    page.mouse.move(box["x"] + box["width"] / 2, target["y"] + 5, steps=8)
    page.mouse.up()
    expect(cards.locator("[data-file-name]")).to_have_text(["lab-3.jpg", "lab-1.jpg", "lab-2.jpg"])
    # The headings and labels follow the order.
    expect(cards.locator("h3")).to_have_text(["Photo 1", "Photo 2", "Photo 3"])
    expect(cards.nth(0).get_by_label("Alt text for photo 1")).to_have_count(1)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    order = list(story.images.order_by("position").values_list("pk", flat=True))
    assert order == [third.pk, first.pk, second.pk]


def test_photos_are_described_as_soon_as_they_are_chosen_and_two_make_a_carousel(
    phone_page: Any, people: dict[str, Any]
) -> None:
    page = phone_page
    log_in(page, "anna")
    page.goto("/stories/new/")
    page.get_by_label("Title").fill("Night shift")
    expect(page.get_by_label("Format")).to_have_value("single_image")
    page.get_by_label("Add photos").set_input_files([photo_file("shift.jpg")])
    expect(page.get_by_label("Alt text for photo 1")).to_be_focused()
    expect(page.get_by_label("Format")).to_have_value("single_image")
    page.get_by_label("Add photos").set_input_files([photo_file("portrait.jpg", 900, 1200)])
    # The second photo makes it a carousel at once, no save needed.
    expect(page.get_by_label("Format")).to_have_value("carousel")
    expect(page.get_by_text("the format is now “Carousel”")).to_be_visible()
    # The carousel takes the first photo's shape: the portrait loses almost half of itself.
    cards = page.locator("[data-photo]")
    expect(cards.nth(0).locator("[data-crop-note]")).to_have_text("Instagram: 4:3, 100 % shown")
    expect(cards.nth(1).locator("[data-crop-note]")).to_have_text("Instagram: 4:3, 56 % shown")
    expect(cards.nth(1).locator("[data-crop-warning]")).to_contain_text("cut away 44 % of this photo")
    expect(cards.nth(0).locator("[data-crop-warning]")).to_be_hidden()
    shot(page, "two-chosen")
    # Portrait first: the carousel becomes 4:5, and now the landscape photo is flagged.
    page.get_by_role("button", name="Move up: Photo 2").click()
    expect(cards.nth(0).locator("[data-crop-note]")).to_have_text("Instagram: 4:5, 94 % shown")
    expect(cards.nth(1).locator("[data-crop-warning]")).to_contain_text("cut away 40 % of this photo")
    page.get_by_label("Alt text for photo 1").fill("Lea at the screens of the control room.")
    page.get_by_label("Nobody can be recognised in photo 1").check()
    expect(page.get_by_role("button", name="Add a person shown in photo 1")).to_be_hidden()
    page.get_by_label("Alt text for photo 2").fill("The open detector.")
    page.get_by_role("button", name="Add a person shown in photo 2").click()
    page.get_by_label("Name of person 1 in photo 2").fill("Jonas Weber")
    page.get_by_label("I have recorded their consent (person 1, photo 2)").check()
    # Leaving now would lose all this: the browser asks first.
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.evaluate("window.location.href = '/stories/'")
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    # The upload reports its progress; the page then shows the answer.
    page.evaluate(
        """() => {
            window.progressSeen = [];
            const bar = document.querySelector('[data-upload-progress]');
            new MutationObserver(() => window.progressSeen.push(bar.value))
                .observe(bar, {attributes: true});
        }"""
    )
    page.get_by_role("button", name="Save and submit for review").click()
    expect(page.get_by_text("Your story has been sent to the outreach team.")).to_be_visible()
    assert 100 in page.evaluate("window.progressSeen")
    story = Story.objects.get()
    assert story.status == Status.SUBMITTED
    assert story.format == Format.CAROUSEL
    portrait, landscape = story.images.order_by("position")
    assert (portrait.original_name, portrait.alt_text, portrait.no_identifiable_person) == (
        "portrait.jpg",
        "Lea at the screens of the control room.",
        True,
    )
    assert (landscape.original_name, landscape.alt_text) == ("shift.jpg", "The open detector.")
    assert [p.name for p in landscape.people.all()] == ["Jonas Weber"]


def test_a_submission_without_alt_text_is_refused_with_what_is_missing(
    phone_page: Any, people: dict[str, Any]
) -> None:
    page = phone_page
    log_in(page, "anna")
    page.goto("/stories/new/")
    page.get_by_label("Title").fill("Night shift")
    page.get_by_label("Add photos").set_input_files([photo_file("shift.jpg")])
    page.get_by_label("Alt text for photo 1").fill("   ")
    page.get_by_role("button", name="Save and submit for review").click()
    blocked = page.locator("#blocked")
    expect(blocked).to_contain_text("Photo 1 has no alt text.")
    expect(blocked).to_contain_text("Photo 1: record the consent of every person shown")
    expect(page.get_by_label("Alt text for photo 1")).to_be_focused()
    story = Story.objects.get()
    assert story.status == Status.DRAFT
    assert story.images.count() == 1


def test_the_save_button_sends_the_form_once(phone_page: Any, people: dict[str, Any]) -> None:
    page = phone_page
    log_in(page, "anna")
    page.goto("/stories/new/")
    page.get_by_label("Title").fill("Pressed twice")
    page.get_by_label("Add photos").set_input_files([photo_file("shift.jpg")])
    page.get_by_role("button", name="Save draft").dblclick()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.wait_for_timeout(500)
    assert Story.objects.count() == 1
    assert Story.objects.get().images.count() == 1


def test_the_form_speaks_german_as_photos_are_chosen(phone_page: Any, people: dict[str, Any]) -> None:
    page = phone_page
    log_in(page, "anna")
    page.goto("/stories/new/")
    page.get_by_role("button", name="EN (Language: English)").click()
    page.get_by_role("button", name="Deutsch").click()
    # The page comes back in German; its scripts run once it has loaded, as a person's files come later.
    expect(page.get_by_role("heading", name="Geschichte erzählen")).to_be_visible()
    page.wait_for_load_state("load")
    page.get_by_label("Fotos hinzufügen").set_input_files(
        [photo_file("eins.jpg"), photo_file("zwei.jpg", 900, 1200)]
    )
    expect(page.get_by_text("Das Format ist jetzt „Karussell“.")).to_be_visible()
    cards = page.locator("[data-photo]")
    expect(cards.locator("h3")).to_have_text(["Foto 1", "Foto 2"])
    expect(cards.nth(0).locator("[data-crop-note]")).to_have_text("Instagram: 4:3, 100 % sichtbar")
    expect(cards.nth(1).locator("[data-crop-warning]")).to_contain_text("mehr als ein Viertel")
    expect(page.get_by_role("button", name="Person auf Foto 2 hinzufügen")).to_be_visible()
    expect(page.get_by_role("button", name="Foto 2 weglassen")).to_be_visible()
    expect(page.get_by_text("Beschreiben Sie jedes unten")).to_be_visible()
    page.get_by_role("button", name="Foto 2 weglassen").click()
    expect(cards).to_have_count(1)
    expect(page.get_by_label("Format")).to_have_value("single_image")
