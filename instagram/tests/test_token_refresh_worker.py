"""The daily token refresh through a real worker: a transient failure is tried again, a
permanent one is not. The retry countdown is a setting the worker gets short."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from contributors.testing import wait_until
from instagram.models import AccountEvent, InstagramAccount
from instagram.tasks import refresh_instagram_token

pytestmark = pytest.mark.worker


@pytest.fixture
def worker_settings() -> dict[str, str]:
    return {"INSTAGRAM_TOKEN_RETRY_COUNTDOWN": "1"}


def due_for_refresh(account: InstagramAccount) -> InstagramAccount:
    """Back-dated: 29 days left, refreshed 31 days ago."""
    now = timezone.now()
    account.token_expires_at = now + timedelta(days=29)
    account.token_refreshed_at = now - timedelta(days=31)
    account.save()
    return account


def refresh_calls(graph_emulator: Any) -> list[Any]:
    return graph_emulator.calls(match="refresh_access_token")


def test_a_transient_failure_is_retried_by_the_worker_until_the_token_is_refreshed(
    demo_account: Any, graph_emulator: Any, celery_worker_process: Any
) -> None:
    due_for_refresh(demo_account)
    # The client tries three times within the task; all three fail, the task's retry succeeds.
    graph_emulator.add_fault("transient", match="refresh_access_token", count=3)

    refresh_instagram_token.delay()

    wait_until(lambda: demo_account.events.filter(kind=AccountEvent.Kind.REFRESHED).exists(), timeout=60)
    demo_account.refresh_from_db()
    assert demo_account.days_left() == 59
    assert demo_account.last_check_ok is True
    assert len(refresh_calls(graph_emulator)) == 4
    assert "Retry in 1s" in celery_worker_process.log()
    assert demo_account.events.filter(kind=AccountEvent.Kind.REFRESH_FAILED).count() == 1


def test_a_permanent_failure_is_not_retried(
    demo_account: Any, graph_emulator: Any, celery_worker_process: Any
) -> None:
    due_for_refresh(demo_account)
    graph_emulator.add_fault("token_expired", match="refresh_access_token")

    refresh_instagram_token.delay()

    wait_until(lambda: "succeeded" in celery_worker_process.log(), timeout=60)
    demo_account.refresh_from_db()
    assert demo_account.last_check_ok is False
    assert demo_account.events.filter(kind=AccountEvent.Kind.REFRESH_FAILED).count() == 1
    assert not demo_account.events.filter(kind=AccountEvent.Kind.REFRESHED).exists()
    assert len(refresh_calls(graph_emulator)) == 1
    assert "Retry in" not in celery_worker_process.log()
