"""The Graph API emulator over real HTTP, for the client's tests and for later layers' tests.

Other apps reuse it with ``from instagram.tests.conftest import graph_emulator  # noqa: F401``
in their own conftest (or a test module).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from graph_emulator.server import EmulatorHandle, start_emulator
from graph_emulator.testing import MediaServer

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


@pytest.fixture(scope="session")
def public_media() -> Iterator[MediaServer]:
    server = MediaServer()
    yield server
    server.stop()
