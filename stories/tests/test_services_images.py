"""Photos through the services: checked by content, kept private, rendered for Instagram."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from contributors.tests.factories import contributor_user, outreach_user
from stories import services
from stories.images import CropBox, ImageRejected, crop_ratio
from stories.models import ImageState, Status, StoryImage, private_storage
from stories.tasks import make_rendition
from stories.tests import image_samples
from stories.tests.factories import StoryFactory, story_in, upload

pytestmark = pytest.mark.django_db


def ratio_of(image: StoryImage) -> float:
    return image.rendition_width / image.rendition_height  # type: ignore[operator]


def test_added_photo_is_kept_private_and_rendered_without_metadata() -> None:
    story = StoryFactory()
    data = image_samples.jpeg_with_exif_orientation(1600, 1200, orientation=6, gps=True)
    image = services.image_add(
        story=story, user=story.author.user, upload=upload("IMG_1.JPG", data), alt_text=" A "
    )
    assert image.processing_state == ImageState.READY
    assert image.alt_text == "A"
    assert image.original_name == "IMG_1.JPG"
    # Upright: a landscape file shown rotated is a portrait photo.
    assert (image.original_width, image.original_height) == (1200, 1600)
    assert private_storage.exists(image.original.name)
    assert image.original.name.startswith("originals/") and "IMG_1" not in image.original.name
    with pytest.raises(ValueError):
        image.original.url  # noqa: B018 - originals have no public URL
    assert image.rendition.name.startswith("renditions/") and image.rendition.name.endswith(".jpg")
    with default_storage.open(image.rendition.name) as stored, Image.open(stored) as rendition:
        assert rendition.format == "JPEG"
        assert not rendition.getexif()
        assert 320 <= rendition.width <= 1440
        assert 0.8 <= rendition.width / rendition.height <= 1.91


def test_file_that_is_no_photo_is_refused_and_nothing_is_stored() -> None:
    story = StoryFactory()
    with pytest.raises(ImageRejected) as excinfo:
        services.image_add(
            story=story, user=story.author.user, upload=upload("evil.jpg", b"<svg onload=alert(1)>")
        )
    assert excinfo.value.code == "not_an_image"
    assert not story.images.exists()


def test_eleventh_photo_is_refused() -> None:
    story = StoryFactory(format="carousel")
    for _ in range(10):
        services.image_add(story=story, user=story.author.user, upload=upload())
    with pytest.raises(services.InvalidInput) as excinfo:
        services.image_add(story=story, user=story.author.user, upload=upload())
    assert "at most 10 photos" in str(excinfo.value.message)
    assert story.images.count() == 10


def test_other_contributor_cannot_add_photos() -> None:
    story = StoryFactory()
    with pytest.raises(services.NotAllowed):
        services.image_add(story=story, user=contributor_user(), upload=upload())


def test_alt_text_over_1000_characters_is_refused() -> None:
    story = StoryFactory()
    with pytest.raises(services.InvalidInput):
        services.image_add(story=story, user=story.author.user, upload=upload(), alt_text="x" * 1001)
    image = services.image_add(story=story, user=story.author.user, upload=upload(), alt_text="x" * 1000)
    with pytest.raises(services.InvalidInput):
        services.image_update(image=image, user=story.author.user, alt_text="y" * 1001)


def test_carousel_items_take_the_first_items_ratio() -> None:
    story = StoryFactory(format="carousel")
    author = story.author.user
    portrait = services.image_add(
        story=story, user=author, upload=upload(data=image_samples.jpeg_bytes(900, 1200))
    )
    landscape = services.image_add(
        story=story, user=author, upload=upload(data=image_samples.jpeg_bytes(1600, 900))
    )
    assert ratio_of(portrait) == pytest.approx(0.8, abs=0.01)
    assert ratio_of(landscape) == pytest.approx(ratio_of(portrait), abs=0.01)


def test_moving_the_first_crop_re_renders_the_others() -> None:
    story = StoryFactory(format="carousel")
    author = story.author.user
    first = services.image_add(
        story=story, user=author, upload=upload(data=image_samples.jpeg_bytes(1600, 1200))
    )
    second = services.image_add(
        story=story, user=author, upload=upload(data=image_samples.jpeg_bytes(1600, 1200))
    )
    assert ratio_of(second) == pytest.approx(4 / 3, abs=0.01)
    reviewer = outreach_user()
    services.story_submit(story=story, user=author)
    services.image_update(image=first, user=reviewer, crop=CropBox(x=0.2, y=0.0, width=0.6, height=1.0))
    first.refresh_from_db()
    second.refresh_from_db()
    expected = crop_ratio(first.crop, 1600, 1200)
    assert ratio_of(first) == pytest.approx(expected, abs=0.01)
    assert ratio_of(second) == pytest.approx(expected, abs=0.01)


def test_reordering_makes_the_new_first_item_set_the_ratio() -> None:
    story = StoryFactory(format="carousel")
    author = story.author.user
    wide = services.image_add(
        story=story, user=author, upload=upload(data=image_samples.jpeg_bytes(1800, 1000))
    )
    tall = services.image_add(
        story=story, user=author, upload=upload(data=image_samples.jpeg_bytes(1000, 1400))
    )
    services.image_reorder(story=story, user=author, image_ids=[tall.pk, wide.pk])
    tall.refresh_from_db()
    wide.refresh_from_db()
    assert (tall.position, wide.position) == (0, 1)
    assert ratio_of(wide) == pytest.approx(ratio_of(tall), abs=0.01)
    with pytest.raises(services.InvalidInput):
        services.image_reorder(story=story, user=author, image_ids=[tall.pk])


def test_image_added_at_a_position_moves_the_others_down() -> None:
    story = StoryFactory(format="carousel")
    author = story.author.user
    a = services.image_add(story=story, user=author, upload=upload())
    b = services.image_add(story=story, user=author, upload=upload())
    c = services.image_add(story=story, user=author, upload=upload(), position=1)
    assert [image.pk for image in story.ordered_images()] == [a.pk, c.pk, b.pk]


def test_removing_a_photo_deletes_its_files_after_commit(django_capture_on_commit_callbacks: Any) -> None:
    story = StoryFactory(format="carousel")
    author = story.author.user
    first = services.image_add(story=story, user=author, upload=upload())
    second = services.image_add(story=story, user=author, upload=upload())
    names = (first.original.name, first.rendition.name)
    with django_capture_on_commit_callbacks(execute=True):
        services.image_remove(image=first, user=author)
    assert not private_storage.exists(names[0])
    assert not default_storage.exists(names[1])
    second.refresh_from_db()
    assert second.position == 0


def test_large_photo_is_handed_to_its_rendition_task_after_commit(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    """The task runs in this process here (eagerly); test_rendition_worker.py runs it in a real worker."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    app = make_rendition.app
    app.conf.task_always_eager = True
    try:
        story = StoryFactory()
        data = image_samples.jpeg_bytes(4000, 3400)  # 13.6 megapixels: over the inline limit
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            image = services.image_add(story=story, user=story.author.user, upload=upload(data=data))
        assert image.processing_state == ImageState.PENDING
        assert len(callbacks) == 1
        callbacks[0]()
        image.refresh_from_db()
        assert image.processing_state == ImageState.READY
        assert image.rendition_width == 1440
    finally:
        app.conf.task_always_eager = False


def test_photo_that_cannot_be_rendered_is_marked_failed() -> None:
    story = StoryFactory()
    image = services.image_add(story=story, user=story.author.user, upload=upload())
    # The original went missing or was damaged on disk.
    with private_storage.open(image.original.name, "wb") as damaged:
        damaged.write(image_samples.truncated(image_samples.jpeg_bytes(), keep=0.3))
    image = services.image_make_rendition(image=image)
    assert image.processing_state == ImageState.FAILED
    assert "incomplete or damaged" in image.processing_error


def test_photos_of_a_story_in_review_are_changed_by_the_team_only() -> None:
    story = story_in(Status.SUBMITTED)
    image = story.ordered_images()[0]
    with pytest.raises(services.NotAllowed):
        services.image_update(image=image, user=story.author.user, alt_text="Changed")
    services.image_update(image=image, user=outreach_user(), alt_text="Changed by the team")
    image.refresh_from_db()
    assert image.alt_text == "Changed by the team"


def test_heic_from_a_phone_is_accepted() -> None:
    story = StoryFactory()
    image = services.image_add(
        story=story,
        user=story.author.user,
        upload=upload("IMG_0001.HEIC", image_samples.heic_bytes(1200, 900)),
    )
    assert image.original.name.endswith(".heic")
    assert image.processing_state == ImageState.READY
    with default_storage.open(image.rendition.name) as stored:
        assert Image.open(io.BytesIO(stored.read())).format == "JPEG"


def stored_files(settings: Any) -> set[str]:
    return {
        str(path)
        for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)
        for path in Path(root).rglob("*")
        if path.is_file()
    }


@pytest.mark.parametrize(
    "data",
    [
        image_samples.truncated(image_samples.jpeg_bytes(1600, 1000)),
        image_samples.jpeg_with_broken_huffman_table(1600, 1000),
        image_samples.truncated(image_samples.heic_bytes(1200, 900)),
    ],
    ids=["cut-jpeg", "jpeg-damaged-inside", "cut-heic"],
)
def test_a_damaged_photo_is_refused_at_once_and_nothing_is_stored(data: bytes, settings: Any) -> None:
    story = StoryFactory()
    before = stored_files(settings)
    with pytest.raises(ImageRejected) as excinfo:
        services.image_add(story=story, user=story.author.user, upload=upload("IMG_2.JPG", data))
    assert "incomplete or damaged" in str(excinfo.value.message)
    assert not story.images.exists()
    assert stored_files(settings) == before


def test_a_photo_rendered_at_once_is_upright_scaled_and_without_metadata() -> None:
    story = StoryFactory()
    data = image_samples.jpeg_with_exif_orientation(3000, 2000, orientation=3, gps=True)
    image = services.image_add(story=story, user=story.author.user, upload=upload("IMG_3.JPG", data))
    assert image.processing_state == ImageState.READY
    assert (image.rendition_width, image.rendition_height) == (1440, 960)
    with default_storage.open(image.rendition.name) as stored, Image.open(stored) as rendition:
        assert rendition.size == (1440, 960) and not rendition.getexif()
        # Orientation 3 turns the stored top-left corner (the red marker) into the bottom-right one.
        assert is_marker(rendition.getpixel((rendition.width - 5, rendition.height - 5)))
        assert not is_marker(rendition.getpixel((5, 5)))
    with private_storage.open(image.original.name) as original:
        assert original.read() == data


def is_marker(pixel: Any) -> bool:
    return all(abs(a - b) < 24 for a, b in zip(pixel, image_samples.MARKER_COLOUR, strict=True))


def test_a_carousel_photo_too_narrow_for_its_ratio_is_kept_and_marked_failed() -> None:
    story = StoryFactory(format="carousel", carousel_ratio="4:5")
    # 2000×300 can be posted on its own (at 1.91:1), but at 4:5 it would be 240 px wide.
    image = services.image_add(
        story=story, user=story.author.user, upload=upload(data=image_samples.jpeg_bytes(2000, 300))
    )
    assert image.processing_state == ImageState.FAILED
    assert "too small" in image.processing_error
    assert private_storage.exists(image.original.name)
