"""Where originals are kept: private storage, served only by a view that checks permissions.

On one machine that is a folder (PRIVATE_MEDIA_ROOT); on several, a bucket of an S3-compatible
store of its own (PRIVATE_MEDIA_BUCKET), never readable by address. Which one is the
``"private"`` entry of ``settings.STORAGES``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn, cast

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty
from storages.backends.s3 import S3Storage


class PrivateFileSystemStorage(FileSystemStorage):
    """Originals on disk under PRIVATE_MEDIA_ROOT, never under a public URL.

    The location is read from settings on every use, so tests that point the media roots
    at a temporary folder take the private one along.
    """

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    @property  # type: ignore[override]
    def base_url(self) -> None:  # type: ignore[override]
        # url() then raises: originals are served by a view that checks permissions.
        return None


class PrivateS3Storage(S3Storage):  # type: ignore[misc]
    """Originals in a bucket of their own: private objects, and no address is ever made for one."""

    def url(self, name: Any, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("Originals have no address; a view that checks permissions serves them.")


class PrivateMediaStorage(LazyObject):
    """The ``"private"`` storage of ``settings.STORAGES``, looked up on first use (and again after
    a test changes STORAGES)."""

    def _setup(self) -> None:
        self._wrapped = storages["private"]

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        return ("stories.models.PrivateMediaStorage", (), {})


# Typed as the storage it stands for: every use goes through to it.
private_storage = cast(Storage, PrivateMediaStorage())


def _storages_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        cast(Any, private_storage)._wrapped = empty


setting_changed.connect(_storages_changed)
