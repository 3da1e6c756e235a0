"""Test helpers shared by the emulator's tests and the product's: a public media server and sample files."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from PIL import Image

_FTYP = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
# Boxes only, no real picture: "fast start" (moov before mdat), as Meta needs, and the other way round.
MP4 = _FTYP + b"\x00\x00\x00\x10moov" + b"\x00" * 8 + b"\x00\x00\x00\x48mdat" + b"\x00" * 64
MP4_MOOV_LAST = _FTYP + b"\x00\x00\x00\x48mdat" + b"\x00" * 64 + b"\x00\x00\x00\x10moov" + b"\x00" * 8


def jpeg(width: int = 1080, height: int = 1350, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def png(width: int = 1080, height: int = 1080) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


class MediaServer:
    """Serves registered bytes at public URLs, as the site's public media URL does for Meta."""

    def __init__(self) -> None:
        files: dict[str, bytes] = {}
        self.files = files

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = files.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def add(self, name: str, content: bytes) -> str:
        self.files["/" + name] = content
        return f"{self.base_url}/{name}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
