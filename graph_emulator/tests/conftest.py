"""One emulator per test session, reset before each test; a second server hands out media."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from graph_emulator import DEMO_IG_USER_ID, DEMO_TOKEN
from graph_emulator.server import EmulatorHandle, start_emulator
from graph_emulator.testing import MediaServer, jpeg

SEED = 11


class Graph:
    """Plain HTTP calls to the emulator, the token in the Authorization header by default."""

    def __init__(self, base_url: str, token: str = DEMO_TOKEN) -> None:
        self.base_url = base_url
        self.token = token

    def _headers(self, token: str | None) -> dict[str, str]:
        token = self.token if token is None else token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def get(
        self, path: str, token: str | None = None, timeout: float = 10, **params: Any
    ) -> requests.Response:
        return requests.get(
            f"{self.base_url}{path}", params=params, headers=self._headers(token), timeout=timeout
        )

    def post(
        self, path: str, token: str | None = None, timeout: float = 10, **data: Any
    ) -> requests.Response:
        return requests.post(
            f"{self.base_url}{path}", data=data, headers=self._headers(token), timeout=timeout
        )

    def create_image_container(self, image_url: str, **data: Any) -> str:
        response = self.post(f"/v25.0/{DEMO_IG_USER_ID}/media", image_url=image_url, **data)
        assert response.status_code == 200, response.text
        return response.json()["id"]

    def status(self, container_id: str) -> dict[str, Any]:
        response = self.get(f"/v25.0/{container_id}", fields="status_code,status")
        assert response.status_code == 200, response.text
        return response.json()

    def publish(self, container_id: str) -> requests.Response:
        return self.post(f"/v25.0/{DEMO_IG_USER_ID}/media_publish", creation_id=container_id)


def assert_error(
    response: requests.Response, code: int, subcode: int | None = None, status: int = 400
) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code, error
    assert error.get("error_subcode") == subcode, error
    assert error["type"] == "OAuthException" or error["code"] == 100
    assert error["fbtrace_id"]
    return error


@pytest.fixture(scope="session")
def _running_emulator() -> Iterator[EmulatorHandle]:
    handle = start_emulator(port=0, seed=SEED)
    yield handle
    handle.stop()


@pytest.fixture
def emulator(_running_emulator: EmulatorHandle) -> EmulatorHandle:
    _running_emulator.reset(SEED)
    _running_emulator.freeze_clock()
    return _running_emulator


@pytest.fixture(scope="session")
def media_server() -> Iterator[MediaServer]:
    server = MediaServer()
    yield server
    server.stop()


@pytest.fixture
def graph(emulator: EmulatorHandle) -> Graph:
    return Graph(emulator.base_url)


@pytest.fixture
def image_url(media_server: MediaServer) -> str:
    return media_server.add("portrait.jpg", jpeg(1080, 1350))
