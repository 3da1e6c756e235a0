"""A photo too large to render during the request is rendered by a real worker process."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from contributors.testing import wait_until
from stories import services
from stories.models import ImageState, StoryImage
from stories.tests import image_samples
from stories.tests.factories import StoryFactory, upload


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_large_photo_is_rendered_by_the_worker_after_commit(celery_worker_process: Any) -> None:
    story = StoryFactory()
    data = image_samples.jpeg_with_exif_orientation(4000, 3500, orientation=6, gps=True)
    image = services.image_add(story=story, user=story.author.user, upload=upload("big.jpg", data))
    assert image.processing_state == ImageState.PENDING

    def rendered() -> StoryImage | None:
        stored = StoryImage.objects.get(pk=image.pk)
        return stored if stored.processing_state != ImageState.PENDING else None

    done = wait_until(rendered, timeout=60)
    assert done.processing_state == ImageState.READY, (done.processing_error, celery_worker_process.log())
    with default_storage.open(done.rendition.name) as stored, Image.open(stored) as rendition:
        assert rendition.width == 1440
        assert rendition.height > rendition.width  # upright: orientation 6 makes it a portrait
        assert not rendition.getexif()
