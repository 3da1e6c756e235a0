"""Uploads that could tie up the server: big photos are decoded by the worker, and one person
may add only so many photos and start only so many stories per hour."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from PIL import Image

from contributors.tests.factories import contributor_user
from stories import services, tasks
from stories.models import ImageState, Story
from stories.tests import image_samples
from stories.tests.factories import StoryFactory, upload
from stories.tests.test_views import image_fields, story_fields

pytestmark = pytest.mark.django_db


def _png(width: int, height: int, *, cut: float = 0.0) -> bytes:
    # Noise does not compress, so cutting the end surely removes pixel data, not only the trailer.
    image = Image.frombytes("RGB", (width, height), bytes(range(256)) * (width * height * 3 // 256 + 1))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    data = buffer.getvalue()
    return data[: int(len(data) * (1 - cut))] if cut else data


def _upload_to(client: Client, story: Story, files: list[Any]) -> Any:
    story.refresh_from_db()
    data = {
        **story_fields(title=story.title, caption=story.caption, format=story.format),
        **image_fields(story),
        "photos": files,
    }
    return client.post(f"/stories/{story.pk}/edit/", data)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def small_budget(settings: Any) -> None:
    # 1600×1000 is over this budget: such a photo is read only from its header in the request.
    settings.STORY_IMAGE_DECODE_BUDGET_PIXELS = 1_000_000


@pytest.mark.usefixtures("small_budget")
def test_a_damaged_photo_over_the_budget_is_taken_and_then_marked_failed_by_the_worker() -> None:
    story = StoryFactory()
    image = services.image_add(
        story=story, user=story.author.user, upload=upload("big.png", _png(1600, 1000, cut=0.3), "image/png")
    )
    assert image.processing_state == ImageState.PENDING
    page = _client(story.author.user).get(f"/stories/{story.pk}/edit/").content.decode()
    assert "Being prepared" in page
    # Not decoded in a request: its crop preview waits for the worker too.
    assert (
        _client(story.author.user).get(f"/stories/{story.pk}/images/{image.pk}/preview/").status_code == 404
    )
    assert tasks.make_rendition(image.pk) == ImageState.FAILED
    image.refresh_from_db()
    assert "incomplete or damaged" in image.processing_error
    page = _client(story.author.user).get(f"/stories/{story.pk}/").content.decode()
    assert "incomplete or damaged" in page


@pytest.mark.usefixtures("small_budget")
def test_a_big_jpeg_cut_short_is_refused_at_once_and_nothing_is_stored(settings: Any) -> None:
    story = StoryFactory()
    client = _client(story.author.user)
    cut = image_samples.truncated(image_samples.jpeg_bytes(1600, 1000))

    response = _upload_to(client, story, [upload("IMG_4.JPG", cut)])

    assert "IMG_4.JPG was not added: This photo is incomplete or damaged" in response.content.decode()
    assert not story.images.exists()
    assert not any(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.jpg"))


@pytest.mark.usefixtures("small_budget")
def test_a_big_jpeg_damaged_inside_is_taken_and_then_marked_failed_by_the_worker() -> None:
    story = StoryFactory()
    damaged = image_samples.jpeg_with_broken_huffman_table(1600, 1000)
    image = services.image_add(story=story, user=story.author.user, upload=upload("IMG_5.JPG", damaged))
    assert image.processing_state == ImageState.PENDING
    assert tasks.make_rendition(image.pk) == ImageState.FAILED
    image.refresh_from_db()
    assert "incomplete or damaged" in image.processing_error
    assert "incomplete or damaged" in _client(story.author.user).get(f"/stories/{story.pk}/").content.decode()


@pytest.mark.usefixtures("small_budget")
def test_a_sound_photo_over_the_budget_gets_its_rendition_and_preview_from_the_worker() -> None:
    story = StoryFactory()
    image = services.image_add(
        story=story, user=story.author.user, upload=upload("big.png", _png(1600, 1000), "image/png")
    )
    assert image.processing_state == ImageState.PENDING and not image.preview
    assert tasks.make_rendition(image.pk) == ImageState.READY
    image.refresh_from_db()
    assert image.rendition and image.preview_is_current
    response = _client(story.author.user).get(f"/stories/{story.pk}/images/{image.pk}/preview/")
    assert response.status_code == 200


def test_a_damaged_photo_within_the_budget_is_refused_at_once() -> None:
    story = StoryFactory()
    with pytest.raises(services.ImageRejected):
        services.image_add(
            story=story, user=story.author.user, upload=upload("b.png", _png(800, 600, cut=0.3), "image/png")
        )


def test_photos_per_hour_are_limited_with_a_clear_message(settings: Any) -> None:
    settings.STORY_PHOTOS_PER_HOUR = 2
    author = contributor_user()
    story = StoryFactory(author=author.contributor)
    client = _client(author)
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC), tick=False):
        response = _upload_to(client, story, [upload("1.jpg"), upload("2.jpg"), upload("3.jpg")])
        assert story.images.count() == 2
        assert (
            "3.jpg was not added: You have reached the limit of 2 photos per hour."
            in response.content.decode()
        )
    with time_machine.travel(dt.datetime(2026, 5, 4, 11, 1, tzinfo=dt.UTC), tick=False):
        _upload_to(client, story, [upload("4.jpg")])
        assert story.images.count() == 3


def test_new_stories_per_hour_are_limited_with_a_clear_message(settings: Any) -> None:
    settings.STORY_DRAFTS_PER_HOUR = 1
    author = contributor_user()
    client = _client(author)
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, tzinfo=dt.UTC), tick=False):
        client.post("/stories/new/", story_fields(title="First"))
        response = client.post("/stories/new/", story_fields(title="Second"))
        assert "You have reached the limit of 1 new stories per hour." in response.content.decode()
        assert list(Story.objects.values_list("title", flat=True)) == ["First"]
    with time_machine.travel(dt.datetime(2026, 5, 4, 11, 1, tzinfo=dt.UTC), tick=False):
        client.post("/stories/new/", story_fields(title="Third"))
        assert Story.objects.filter(title="Third").exists()
