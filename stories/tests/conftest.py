"""Fixtures of the stories tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture
def notices_sent_here() -> Iterator[None]:
    """Queued e-mails are sent in the test's process when queued (no worker needed)."""
    from contributors.tasks import send_queued_email

    app = send_queued_email.app
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
