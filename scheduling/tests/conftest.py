from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def eager_tasks(settings: Any) -> Iterator[None]:
    """Celery tasks run in the test's process when queued (still only after commit)."""
    from cmsatdesy_cms.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
