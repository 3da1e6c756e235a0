"""The crop tool's preview: decoded from the private original once, then sent as stored."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from stories import images, services
from stories.models import StoryImage, private_storage
from stories.tests import image_samples
from stories.tests.factories import StoryFactory, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every time Pillow is asked to open an image (as the image pipeline calls it)."""
    calls: list[Any] = []
    real_open = images.Image.open

    def counting_open(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(images.Image, "open", counting_open)
    return calls


def photo_with(data: bytes, name: str = "photo.jpg") -> tuple[Client, StoryImage]:
    story = StoryFactory()
    image = services.image_add(story=story, user=story.author.user, upload=upload(name, data))
    client = Client()
    client.force_login(story.author.user)
    return client, image


def preview_url(image: StoryImage) -> str:
    return image.preview_url


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def stored_previews() -> list[str]:
    return private_storage.listdir("previews")[1] if private_storage.exists("previews") else []


def test_the_preview_is_made_once_and_then_sent_as_stored(opens: list[Any]) -> None:
    client, image = photo_with(image_samples.heic_bytes(1600, 1200), "IMG_0001.HEIC")
    opens.clear()

    first = client.get(preview_url(image))
    assert first.status_code == 200
    assert first["Content-Type"] == "image/jpeg"
    # The address names the original it shows: kept long, never by a shared cache.
    assert first["Cache-Control"] == "private, max-age=31536000, immutable"
    assert opens, "the first request decodes the original"
    image.refresh_from_db()
    assert image.preview.name.startswith("previews/") and image.preview_is_current
    with private_storage.open(image.preview.name, "rb") as stored:
        content = stored.read()
    assert body(first) == content
    picture = Image.open(io.BytesIO(content))
    assert picture.format == "JPEG" and max(picture.size) == images.PREVIEW_MAX_SIDE
    assert not picture.getexif()

    decoded = len(opens)
    second = client.get(preview_url(image))
    assert second.status_code == 200
    assert body(second) == content
    assert len(opens) == decoded, "the second request opens no image"
    assert stored_previews() == [image.preview.name.split("/")[-1]]


def test_the_preview_shows_the_photo_upright() -> None:
    client, image = photo_with(image_samples.jpeg_with_exif_orientation(1200, 900, orientation=6))
    picture = Image.open(io.BytesIO(body(client.get(preview_url(image)))))
    assert picture.size == (900, 1200)


def test_a_new_original_gets_a_new_preview_and_the_old_one_goes(
    opens: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    client, image = photo_with(image_samples.jpeg_bytes(1200, 900))
    client.get(preview_url(image))
    image.refresh_from_db()
    old_preview = image.preview.name
    # The original is replaced (a landscape photo by a portrait one).
    image.original.save("upload.jpg", ContentFile(image_samples.jpeg_bytes(600, 900)), save=False)
    StoryImage.objects.filter(pk=image.pk).update(original=image.original.name)
    image.refresh_from_db()
    assert not image.preview_is_current
    opens.clear()

    with django_capture_on_commit_callbacks(execute=True):
        picture = Image.open(io.BytesIO(body(client.get(preview_url(image)))))
    assert opens
    assert picture.size == (600, 900)
    image.refresh_from_db()
    assert image.preview.name != old_preview and image.preview_is_current
    assert not private_storage.exists(old_preview)


def test_two_first_requests_at_once_keep_one_preview() -> None:
    _client, image = photo_with(image_samples.jpeg_bytes(1200, 900))
    one, other = StoryImage.objects.get(pk=image.pk), StoryImage.objects.get(pk=image.pk)
    kept = services.image_preview(image=one)
    # The other request loaded the row before the first stored its preview, and made its own.
    assert services.image_preview(image=other) == kept
    assert StoryImage.objects.get(pk=image.pk).preview.name == kept
    assert stored_previews() == [kept.split("/")[-1]]


def test_a_preview_whose_file_is_gone_is_made_again() -> None:
    client, image = photo_with(image_samples.jpeg_bytes(1200, 900))
    client.get(preview_url(image))
    image.refresh_from_db()
    private_storage.delete(image.preview.name)
    response = client.get(preview_url(image))
    assert response.status_code == 200
    image.refresh_from_db()
    assert private_storage.exists(image.preview.name)


def test_a_removed_photo_takes_its_preview_along(django_capture_on_commit_callbacks: Any) -> None:
    client, image = photo_with(image_samples.jpeg_bytes(1200, 900))
    client.get(preview_url(image))
    image.refresh_from_db()
    name = image.preview.name
    with django_capture_on_commit_callbacks(execute=True):
        services.image_remove(image=image, user=image.story.author.user)
    assert not private_storage.exists(name)


def test_a_damaged_original_gives_no_preview_and_no_error_page() -> None:
    client, image = photo_with(image_samples.jpeg_bytes(1200, 900))
    with private_storage.open(image.original.name, "wb") as damaged:
        damaged.write(image_samples.truncated(image_samples.jpeg_bytes(), keep=0.3))
    assert client.get(preview_url(image)).status_code == 404
    image.refresh_from_db()
    assert not image.preview
