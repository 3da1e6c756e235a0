"""Two requests of one person at once cannot both pass the hourly photo limit."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction

from stories import services
from stories.models import StoryImage
from stories.tests.factories import StoryFactory, photo_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)


class HeldUpload:
    """An upload that, once its photo is being stored (inside the service's transaction), waits
    until the test lets it go: the first request is then between its count and its commit."""

    def __init__(self, inner: Any, storing: threading.Event, release: threading.Event) -> None:
        self.inner, self.storing, self.release = inner, storing, release
        self.name = inner.name
        self.size = inner.size

    def _hold_inside_the_transaction(self) -> None:
        if connection.in_atomic_block and not self.storing.is_set():
            self.storing.set()
            assert self.release.wait(20)

    def read(self, *args: Any) -> bytes:
        self._hold_inside_the_transaction()
        return self.inner.read(*args)

    def chunks(self, *args: Any) -> Any:
        self._hold_inside_the_transaction()
        return self.inner.chunks(*args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_two_uploads_at_once_cannot_both_pass_the_hourly_limit(settings: Any) -> None:
    settings.STORY_PHOTOS_PER_HOUR = 1
    story = StoryFactory()
    user = story.author.user
    storing, release = threading.Event(), threading.Event()
    outcomes: dict[str, Any] = {}

    def add(name: str, file: Any) -> None:
        try:
            outcomes[name] = services.image_add(story=story, user=user, upload=file)
        except services.StoryError as exc:  # reported by the assertions below
            outcomes[name] = exc
        finally:
            connections.close_all()

    first = threading.Thread(
        target=add, args=("first", HeldUpload(upload(data=photo_bytes()), storing, release))
    )
    first.start()
    assert storing.wait(20), "the first upload never reached its transaction"
    second = threading.Thread(target=add, args=("second", upload(data=photo_bytes())))
    second.start()
    second.join(1.5)  # it counts now, or waits for the first one's lock
    release.set()
    first.join(20)
    second.join(20)

    assert isinstance(outcomes["first"], StoryImage)
    assert isinstance(outcomes["second"], services.LimitReached)
    assert StoryImage.objects.filter(story=story).count() == 1
    assert not transaction.get_connection().in_atomic_block
