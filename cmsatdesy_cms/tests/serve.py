"""Serve the project over HTTP in a process of its own, for tests that need a web process
whose environment differs from the test's (``python -m cmsatdesy_cms.tests.serve PORT``)."""

from __future__ import annotations

import os
import sys
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmsatdesy_cms.settings")


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def main() -> None:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    server = make_server(
        "127.0.0.1", int(sys.argv[1]), application, server_class=_ThreadingServer, handler_class=_Quiet
    )
    print("serving", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
