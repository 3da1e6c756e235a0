"""The outreach team's desk (1366×900) in real Chromium: crops that never surprise."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from contributors.testing import log_in, wait_for_js
from stories import services
from stories.models import Format, Status, Story, StoryImage
from stories.tests.factories import StoryFactory, upload
from stories.tests.image_samples import jpeg_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 900}


def desk(page: Any, username: str) -> Any:
    page.set_viewport_size(DESK)
    page.context.clear_cookies()
    log_in(page, username)
    return page


def story_with_photos(people: dict[str, Any], format: str, *sizes: tuple[int, int]) -> Story:
    author = people["contributor"]
    story = StoryFactory(author=author.contributor, format=format, title="Life at the lab")
    for number, (width, height) in enumerate(sizes, start=1):
        services.image_add(
            story=story,
            user=author,
            upload=upload(f"photo{number}.jpg", jpeg_bytes(width, height)),
            alt_text=f"Photo number {number}.",
        )
    StoryImage.objects.filter(story=story).update(no_identifiable_person=True)
    services.story_submit(story=story, user=author)
    return story


def shown_ratio(page: Any, testid: str) -> float:
    """Width over height of the picture the browser actually shows (from its pixels)."""
    image = page.get_by_test_id(testid)
    expect(image).to_be_visible()
    wait_for_js(image, "img => img.complete && img.naturalWidth > 0")
    width, height = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    return round(width / height, 2)


def test_a_portrait_after_a_landscape_is_flagged_and_follows_the_first_photo(
    page: Any, people: dict[str, Any]
) -> None:
    story = story_with_photos(people, Format.CAROUSEL, (1200, 900), (900, 1200))
    page = desk(page, "mira")
    page.goto(f"/stories/{story.pk}/")

    # The portrait is cut to the landscape's 4:3, and the page says so next to it and before approval.
    assert shown_ratio(page, "cut-2") == 1.33
    expect(page.get_by_test_id("cut-text-2")).to_contain_text(
        "Instagram shows it at 4:3; 56 % of the photo is kept."
    )
    expect(page.get_by_test_id("cut-flag-2")).to_have_text(
        "This photo loses 44 % of itself, more than a quarter."
    )
    expect(page.locator("#approval-warnings")).to_contain_text("Photo 2 loses 44 % of itself at 4:3")
    expect(page.get_by_text("Everything approval needs is there.")).to_have_count(0)

    # The team asks for the portrait to go first; the scientist moves it and sends the story back.
    page.get_by_label("What should change").fill("Please put the portrait of Lea first.")
    page.get_by_role("button", name="Request changes").click()
    expect(page.get_by_text("Changes requested").first).to_be_visible()
    story.refresh_from_db()
    landscape, portrait = StoryImage.objects.filter(story=story)
    services.image_reorder(story=story, user=people["contributor"], image_ids=[portrait.pk, landscape.pk])
    services.story_resubmit(story=story, user=people["contributor"])

    # Now every photo is shown at the portrait's ratio (3:4, brought to Instagram's 4:5).
    page.goto(f"/stories/{story.pk}/")
    assert shown_ratio(page, "cut-1") == 0.8
    assert shown_ratio(page, "cut-2") == 0.8
    expect(page.get_by_test_id("cut-text-1")).to_contain_text(
        "Instagram shows it at 4:5; 94 % of the photo is kept."
    )
    expect(page.get_by_test_id("cut-flag-2")).to_contain_text("This photo loses 40 % of itself")
    # The Instagram preview's frame has the picture's ratio, not a square.
    frame = page.get_by_test_id("preview-photo-1").bounding_box()
    assert round(frame["width"] / frame["height"], 2) == 0.8

    page.get_by_role("button", name="Approve for posting").click()
    expect(page.get_by_text("Approved").first).to_be_visible()
    story.refresh_from_db()
    assert story.status == Status.APPROVED
    renditions = StoryImage.objects.filter(story=story).order_by("position")
    assert [round(i.rendition_width / i.rendition_height, 2) for i in renditions] == [0.8, 0.8]


def test_the_team_chooses_a_square_carousel_and_nothing_is_flagged(page: Any, people: dict[str, Any]) -> None:
    story = story_with_photos(people, Format.CAROUSEL, (1200, 900), (900, 1200))
    page = desk(page, "mira")
    page.goto(f"/stories/{story.pk}/")
    page.get_by_label("Ratio of every photo in the carousel").select_option(label="1:1 (square)")
    page.get_by_role("button", name="Save the ratio").click()
    expect(page.get_by_text("The ratio of the carousel has been saved.")).to_be_visible()
    assert shown_ratio(page, "cut-1") == 1.0
    assert shown_ratio(page, "cut-2") == 1.0
    expect(page.get_by_test_id("cut-flag-2")).to_have_count(0)
    expect(page.get_by_text("Everything approval needs is there.")).to_be_visible()

    # The preview goes through the carousel with previous and next.
    position = page.locator("[data-ig-position]")
    expect(position).to_have_text("1 / 2")
    expect(page.get_by_role("button", name="Previous photo")).to_be_disabled()
    page.get_by_role("button", name="Next photo").click()
    expect(position).to_have_text("2 / 2")
    expect(page.get_by_role("button", name="Next photo")).to_be_disabled()
    page.get_by_role("button", name="Previous photo").click()
    expect(position).to_have_text("1 / 2")


def test_the_story_admin_fits_a_desk_screen(page: Any, people: dict[str, Any]) -> None:
    story = story_with_photos(people, Format.CAROUSEL, (1200, 900), (900, 1200))
    page = desk(page, "root")
    page.goto(f"/admin/stories/story/{story.pk}/change/")
    expect(page.get_by_role("img").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= DESK["width"]


def test_a_saved_crop_shows_at_once_in_the_same_page(page: Any, people: dict[str, Any]) -> None:
    story = story_with_photos(people, Format.SINGLE_IMAGE, (1200, 900))
    page = desk(page, "mira")
    page.goto(f"/stories/{story.pk}/")
    before = page.get_by_test_id("cut-1").get_attribute("src")
    assert shown_ratio(page, "cut-1") == 1.33

    page.get_by_text("Crop photo 1").click()
    page.get_by_label("Left edge (0–1)").fill("0.1")
    page.get_by_label("Top edge (0–1)").fill("0.1")
    page.get_by_label("Width (0–1)").fill("0.5")
    page.get_by_label("Height (0–1)").fill("0.8")
    page.get_by_role("button", name="Save the crop of photo 1").click()
    expect(page.get_by_text("The crop has been saved.")).to_be_visible()

    # The same page, the browser's cache warm: the new crop (600×720 px of the photo) shows.
    assert page.get_by_test_id("cut-1").get_attribute("src") != before
    assert shown_ratio(page, "cut-1") == 0.83
    assert shown_ratio(page, "preview-photo-1") == 0.83


def test_a_science_reviewer_is_told_reads_the_result_requests_changes_and_signs_off(
    page: Any, people: dict[str, Any], tasks_run_inline: None
) -> None:
    from django.core import mail

    from contributors.tests.factories import PublicationFactory

    result = PublicationFactory(
        title="Observation of top-quark pair production near threshold", arxiv_id="2512.03456", cms_id=""
    )
    author = people["contributor"]
    story = StoryFactory(
        author=author.contributor, format=Format.SINGLE_IMAGE, title="Toponium", publication=result
    )
    services.image_add(
        story=story, user=author, upload=upload("top.jpg", jpeg_bytes(1200, 900)), alt_text="A plot."
    )
    StoryImage.objects.filter(story=story).update(no_identifiable_person=True)
    mail.outbox.clear()
    services.story_submit(story=story, user=author)

    # The science reviewer gets a notice of their own, with the link to the story.
    [notice] = [m for m in mail.outbox if m.to == [people["science"].email]]
    assert notice.subject == "[cmsatdesy] Science sign-off needed: Toponium"
    assert f"/stories/{story.pk}/" in notice.body

    page = desk(page, "lukas")
    page.goto(f"/stories/{story.pk}/")
    result_line = page.get_by_test_id("result")
    expect(result_line).to_contain_text("Observation of top-quark pair production near threshold")
    expect(result_line.get_by_role("link", name="arXiv:2512.03456")).to_have_attribute(
        "href", "https://arxiv.org/abs/2512.03456"
    )
    expect(page.get_by_text("2512.03456 (2512.03456)")).to_have_count(0)

    # What is wrong in the physics goes back to the authors, and the team hears of it.
    mail.outbox.clear()
    page.get_by_label("What is wrong in the physics").fill("The mass window is 340–350 GeV, not 300.")
    page.get_by_role("button", name="Request changes to the science").click()
    expect(
        page.get_by_text(
            "The story has gone back to its authors with your request. The outreach team has been told."
        )
    ).to_be_visible()
    story.refresh_from_db()
    assert story.status == Status.CHANGES_REQUESTED
    told = {m.to[0]: m for m in mail.outbox}
    assert set(told) == {author.email, people["outreach"].email}
    assert "The mass window is 340–350 GeV, not 300." in told[author.email].body

    # Fixed and resubmitted: the reviewer is told again and signs off.
    services.story_update(story=story, user=author, expected_version=story.version, caption="340–350 GeV.")
    mail.outbox.clear()
    services.story_resubmit(story=story, user=author)
    assert [m.subject for m in mail.outbox if m.to == [people["science"].email]] == [
        "[cmsatdesy] Science sign-off needed: Toponium"
    ]
    mail.outbox.clear()
    page.goto(f"/stories/{story.pk}/")
    page.get_by_role("button", name="Sign off the science").click()
    expect(
        page.get_by_text("You have signed off the science of this story. The outreach team has been told.")
    ).to_be_visible()
    expect(page.get_by_text("the story is now")).to_have_count(0)
    # Nobody of the team has taken the story yet: the team is told.
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        (people["outreach"].email, "[cmsatdesy] Science signed off: Toponium")
    ]
