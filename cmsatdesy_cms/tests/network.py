"""Real servers made unreachable for tests, without touching the shared PostgreSQL and Redis.

``closed_port()`` is a port nobody listens on (connections are refused at once). ``Relay``
forwards a port to a real server until it is cut; then it accepts connections and answers
nothing, as a firewall that drops packets or a hung proxy would.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Relay:
    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.cut_off = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        """From now on nothing passes either way; connections stay open and silent."""
        self.cut_off.set()

    def close(self) -> None:
        self.cut_off.set()
        self._listener.close()
        for sock in self._open:
            sock.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._open.append(client)
            if self.cut_off.is_set():
                continue  # held, never answered
            upstream = socket.create_connection(self.target)
            self._open.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                if self.cut_off.is_set():
                    # Swallow everything from now on, as a dropped link would.
                    while source.recv(65536):
                        pass
                    return
                sink.sendall(chunk)
        except OSError:
            return


class WebProcess:
    """The project served by ``cmsatdesy_cms.tests.serve`` with an environment of its own."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        port = closed_port()
        self.base_url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cmsatdesy_cms.tests.serve", str(port)],
                cwd=ROOT,
                env={**os.environ, "CMS_TESTING": "1", "PYTHONUNBUFFERED": "1", **env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while "serving" not in log_path.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"The web process did not start:\n{log_path.read_text()}")
            time.sleep(0.05)

    def get_json(self, path: str, timeout: float = 30.0) -> tuple[int, dict[str, Any], float]:
        """Status, JSON body and the seconds the answer took."""
        started = time.monotonic()
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=timeout) as response:  # noqa: S310
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        return status, json.loads(body), time.monotonic() - started

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
