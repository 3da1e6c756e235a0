"""Fixtures of the stories tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def notices_sent_here() -> Iterator[None]:
    """E-mail notice tasks run in the test's process when queued (no worker needed)."""
    from stories.tasks import send_notice

    app = send_notice.app
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
