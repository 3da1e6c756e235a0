"""Upload handling before any view runs.

Django writes every uploaded file to memory or a temporary file in full, and only then can a view
see that it is too large. The first handler in FILE_UPLOAD_HANDLERS passes on at most one byte
more than the cap of each file, so the size check still refuses it, while a huge upload costs
neither memory nor disk.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler

from .images import max_upload_bytes


class PerFileCapUploadHandler(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.cap = max_upload_bytes()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        keep = self.cap + 1 - start
        if keep <= 0:
            return None  # the handlers after this one see no more of this file
        return raw_data if len(raw_data) <= keep else raw_data[:keep]

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file from what was passed on
