"""Where originals are kept: private storage, served only by a view that checks permissions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateMediaStorage(FileSystemStorage):
    """Originals: on disk under PRIVATE_MEDIA_ROOT, never under a public URL.

    The location is read from settings on every use, so tests that point the media roots
    at a temporary folder take the private one along.
    """

    def __init__(self) -> None:
        super().__init__()

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

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        return ("stories.models.PrivateMediaStorage", (), {})


private_storage = PrivateMediaStorage()
