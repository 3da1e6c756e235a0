"""The connected demo account; the emulator fixtures (``graph_emulator``, ``public_media``)
live in the root conftest.py for every layer's tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def demo_account(db: Any, graph_emulator: Any) -> Any:
    """The emulator's demo account, connected, its token good for 50 days."""
    from instagram.demo import seed

    return seed(log=lambda *args: None)["instagram_account"]
