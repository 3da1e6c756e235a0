"""The carousel's ratio follows its first photo (or the team's choice); heavy losses are flagged."""

from __future__ import annotations

from typing import Any

import pytest

from stories import crops, services
from stories.models import Format, Status, Story, StoryImage
from stories.tests.factories import StoryFactory, upload
from stories.tests.image_samples import jpeg_bytes

pytestmark = pytest.mark.django_db

LANDSCAPE = (1200, 900)  # 4:3
PORTRAIT = (900, 1200)  # 3:4


def carousel(people: dict[str, Any], *sizes: tuple[int, int]) -> Story:
    story = StoryFactory(author=people["contributor"].contributor, format=Format.CAROUSEL)
    for width, height in sizes:
        services.image_add(
            story=story,
            user=people["contributor"],
            upload=upload(data=jpeg_bytes(width, height)),
            alt_text="A",
        )
    return story


def ratios(story: Story) -> list[float]:
    return [
        round(image.rendition_width / image.rendition_height, 2)
        for image in StoryImage.objects.filter(story=story)
    ]


def test_the_rule_in_numbers() -> None:
    assert crops.carousel_ratio(1200, 900) == pytest.approx(4 / 3)
    assert crops.carousel_ratio(900, 1200) == 0.8  # 3:4 brought up to 4:5
    assert crops.carousel_ratio(900, 1200, "1:1") == 1.0
    assert crops.kept_by_default(900, 1200, 4 / 3) == pytest.approx(0.5625)
    assert crops.loses_too_much(0.5625)
    assert not crops.loses_too_much(0.75)  # exactly a quarter lost is allowed
    assert crops.ratio_label(4 / 3) == "4:3"
    assert crops.ratio_label(0.8) == "4:5"


def test_a_portrait_after_a_landscape_is_flagged(people: dict[str, Any]) -> None:
    story = carousel(people, LANDSCAPE, PORTRAIT)
    assert ratios(story) == [1.33, 1.33]
    warnings = services.approval_warnings(story)
    assert warnings == [
        "Photo 2 loses 44 % of itself at 4:3: check its crop, or choose another ratio for the carousel."
    ]


def test_moving_the_portrait_first_changes_every_ratio(people: dict[str, Any]) -> None:
    story = carousel(people, LANDSCAPE, PORTRAIT)
    landscape, portrait = StoryImage.objects.filter(story=story)
    services.image_reorder(story=story, user=people["contributor"], image_ids=[portrait.pk, landscape.pk])
    assert ratios(story) == [0.8, 0.8]
    portrait.refresh_from_db()
    # The portrait is now whole but for the 3:4 → 4:5 trim; the landscape loses 40 %.
    assert (portrait.crop_width, portrait.crop_height) == pytest.approx((1.0, 0.9375))
    assert services.approval_warnings(story) == [
        "Photo 2 loses 40 % of itself at 4:5: check its crop, or choose another ratio for the carousel."
    ]


def test_removing_the_first_photo_lets_the_next_one_set_the_ratio(people: dict[str, Any]) -> None:
    story = carousel(people, LANDSCAPE, PORTRAIT, PORTRAIT)
    services.image_remove(image=StoryImage.objects.filter(story=story).first(), user=people["contributor"])
    assert ratios(story) == [0.8, 0.8]


def test_the_team_chooses_one_ratio_for_all(people: dict[str, Any]) -> None:
    story = carousel(people, LANDSCAPE, PORTRAIT)
    services.story_submit(story=story, user=people["contributor"])
    services.story_set_carousel_ratio(story=story, user=people["outreach"], ratio="1:1")
    assert ratios(story) == [1.0, 1.0]
    assert services.approval_warnings(story) == []  # each keeps 75 %


def test_only_the_team_chooses_the_ratio(people: dict[str, Any]) -> None:
    story = carousel(people, LANDSCAPE, PORTRAIT)
    with pytest.raises(services.NotAllowed):
        services.story_set_carousel_ratio(story=story, user=people["contributor"], ratio="1:1")
    with pytest.raises(services.InvalidInput):
        services.story_set_carousel_ratio(story=story, user=people["outreach"], ratio="16:9")


def test_a_hand_crop_that_still_fits_is_kept_and_one_that_does_not_is_flagged(people: dict[str, Any]) -> None:
    story = carousel(people, LANDSCAPE, LANDSCAPE, PORTRAIT)
    services.story_submit(story=story, user=people["contributor"])
    first, second, third = StoryImage.objects.filter(story=story)
    # The team moves the second photo's crop to its left edge (at the carousel's 4:3).
    box = crops_box(x=0.0, y=0.125, width=0.75, height=0.75)
    services.image_update(image=second, user=people["outreach"], crop=box)
    second.refresh_from_db()
    assert second.crop_x == pytest.approx(0.0) and second.crop_by_hand

    # A new photo in front that has the same ratio: the hand crop still fits and stays.
    services.image_reorder(story=story, user=people["outreach"], image_ids=[first.pk, second.pk, third.pk])
    services.image_remove(image=first, user=people["outreach"])  # the second (4:3) is first now
    second.refresh_from_db()
    assert second.crop_x == pytest.approx(0.0) and not second.crop_refitted

    # The portrait first: 4:5 no longer fits the 4:3 hand crop; it is fitted anew and flagged.
    services.image_reorder(story=story, user=people["outreach"], image_ids=[third.pk, second.pk])
    second.refresh_from_db()
    assert second.crop_refitted
    assert round(second.rendition_width / second.rendition_height, 2) == 0.8
    assert any("fitted anew" in warning for warning in services.approval_warnings(story))


def test_changing_the_format_to_carousel_refits_the_photos(people: dict[str, Any]) -> None:
    story = StoryFactory(author=people["contributor"].contributor, format=Format.SINGLE_IMAGE)
    for size in (LANDSCAPE, PORTRAIT):
        services.image_add(
            story=story, user=people["contributor"], upload=upload(data=jpeg_bytes(*size)), alt_text="A"
        )
    assert ratios(story) == [1.33, 0.8]
    services.story_update(
        story=story, user=people["contributor"], expected_version=story.version, format=Format.CAROUSEL
    )
    assert ratios(story) == [1.33, 1.33]
    assert story.status == Status.DRAFT


def crops_box(**values: float) -> Any:
    from stories.images import CropBox

    return CropBox(**values)
