"""The Graph API emulator over real HTTP, for the client's tests and for later layers' tests.

Other apps reuse it with ``from instagram.tests.conftest import graph_emulator  # noqa: F401``
in their own conftest (or a test module).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from graph_emulator.server import EmulatorHandle, start_emulator

EMULATOR_SEED = 7


@pytest.fixture(scope="session")
def _graph_emulator_server() -> Iterator[EmulatorHandle]:
    handle = start_emulator(port=0, seed=EMULATOR_SEED)
    yield handle
    handle.stop()


@pytest.fixture
def graph_emulator(_graph_emulator_server: EmulatorHandle, settings: Any) -> EmulatorHandle:
    """A freshly reset emulator; the product's settings point at it for this test."""
    _graph_emulator_server.reset(EMULATOR_SEED)
    settings.GRAPH_API_BASE_URL = _graph_emulator_server.base_url
    settings.INSTAGRAM_OAUTH_DIALOG_URL = ""
    return _graph_emulator_server


@pytest.fixture
def demo_account(db: Any, graph_emulator: EmulatorHandle) -> Any:
    """The emulator's demo account, connected, its token good for 50 days."""
    from instagram.demo import seed

    return seed(log=lambda *args: None)["instagram_account"]


class PublicMedia:
    """Serves bytes at public URLs, as the site's public media URL does for Meta."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


def jpeg(width: int = 1080, height: int = 1350) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


@pytest.fixture(scope="session")
def public_media() -> Iterator[PublicMedia]:
    server = PublicMedia()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
