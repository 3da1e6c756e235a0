from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from instagram.tests.conftest import demo_account  # noqa: F401 - the connected demo account, reused


class PublicSite:
    """This site over real HTTP on a free port, as Meta reaches it at PUBLIC_BASE_URL.

    In a test inside a transaction, the server's thread uses the test's own database connection,
    so it sees the test's rows (the test waits for the download while the emulator makes it);
    in a transactional test it has its own connection and sees what is committed."""

    def __init__(self, *, share_connection: bool) -> None:
        import threading

        from django.core.handlers.wsgi import WSGIHandler
        from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
        from django.db import connections

        connection = connections["default"]  # the connection itself, not the per-thread proxy

        class QuietHandler(WSGIRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadedWSGIServer):
            def _close_connections(self) -> None:
                if not self.connections_override:  # never close the test's own connection
                    super()._close_connections()

        override = None
        if share_connection:
            connection.inc_thread_sharing()
            # A request's end would close a connection inside a transaction (its autocommit
            # differs from the settings'): that is the test's transaction, so it stays open.
            connection.close_if_unusable_or_obsolete = lambda: None  # type: ignore[method-assign]
            override = {"default": connection}
        self._shared = share_connection
        self.httpd = Server(
            ("127.0.0.1", 0), QuietHandler, allow_reuse_address=False, connections_override=override
        )
        self.httpd.set_app(WSGIHandler())
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        from django.db import connections

        self.httpd.shutdown()
        self.httpd.server_close()
        if self._shared:
            connection = connections["default"]
            connection.dec_thread_sharing()
            del connection.close_if_unusable_or_obsolete


@pytest.fixture
def public_site(db: Any, settings: Any) -> Iterator[PublicSite]:
    from django.db import connection

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    site = PublicSite(share_connection=connection.in_atomic_block)
    yield site
    site.stop()


@pytest.fixture
def publish_settings(settings: Any, public_site: PublicSite) -> Any:
    """No waiting between publishing steps, so a test runs them at once; Meta downloads from this
    site's signed public addresses."""
    settings.PUBLIC_BASE_URL = public_site.base_url
    settings.PUBLISH_POLL_SECONDS = 0
    settings.PUBLISH_BACKOFF_SECONDS = 0
    settings.PUBLISH_LEASE_SECONDS = 60
    settings.GRAPH_API_TIMEOUT = 3.0
    return settings
