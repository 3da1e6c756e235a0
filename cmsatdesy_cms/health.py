"""What /healthz checks: the database, the broker, the signs of life of the workers (publishing
and mail; video conversions) and of beat.

Every check runs in a thread of its own and is given up after ``HEALTH_CHECK_TIMEOUT``
seconds, so an unreachable server (a firewall that drops packets, a hung proxy) makes the
answer "down" in time instead of hanging the monitor. The answer names the part that is down
and nothing more: no versions, host names or error texts go to whoever asks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from stories.video import ffmpeg_available

from .celery import app as celery_app

logger = logging.getLogger(__name__)

OK, DOWN, STARTING, UNKNOWN, OFF = "ok", "down", "starting", "unknown", "off"
# When this web process started: the grace for the first heartbeats counts from here.
STARTED_AT = timezone.now()
# Threads of checks that timed out may still hang until their own socket timeouts end them; a
# pool per part, with spare threads, keeps one stuck part from starving the other's check.
_pools = {
    "database": ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz-database"),
    "broker": ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz-broker"),
}


def _database_and_heartbeats() -> dict[str, datetime | None]:
    from .models import Heartbeat

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        latest = {}
        for process in Heartbeat.Process.values:
            beat = Heartbeat.objects.filter(process=process).order_by("-seen_at").first()
            latest[process] = beat.seen_at if beat else None
        return latest
    finally:
        connection.close()


def _broker() -> None:
    timeout = settings.HEALTH_CHECK_TIMEOUT
    # A broker that accepts the connection and then says nothing must not hold the thread
    # (the options are merged into the broker's own).
    options = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    with celery_app.connection_for_write(transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)


def _run(check: Callable[[], object], name: str) -> tuple[bool, object]:
    future = _pools[name].submit(check)
    try:
        return True, future.result(timeout=settings.HEALTH_CHECK_TIMEOUT)
    except FutureTimeout:
        logger.warning("Health check of the %s timed out", name)
    except Exception:  # noqa: BLE001 - a health check reports, it does not raise
        logger.warning("Health check of the %s failed", name, exc_info=True)
    return False, None


def _liveness(seen_at: datetime | None, now: datetime) -> str:
    if seen_at is not None and now - seen_at <= timedelta(seconds=settings.HEALTH_HEARTBEAT_TIMEOUT):
        return OK
    if now - STARTED_AT <= timedelta(seconds=settings.HEALTH_STARTUP_GRACE):
        return STARTING
    return DOWN


def health() -> dict[str, str]:
    """Each part's state: ``ok``, ``down``, ``starting`` (within the start-up grace) or
    ``unknown`` (a heartbeat cannot be read while the database is down)."""
    with ThreadPoolExecutor(max_workers=1) as waiter:
        database_future = waiter.submit(_run, _database_and_heartbeats, "database")
        broker_ok, _ = _run(_broker, "broker")
        database_ok, latest = database_future.result()
    now = timezone.now()
    parts = {"database": OK if database_ok else DOWN, "broker": OK if broker_ok else DOWN}
    for process in ("worker", "video", "beat"):
        parts[process] = _liveness(latest.get(process), now) if isinstance(latest, dict) else UNKNOWN
    if not ffmpeg_available():
        parts["video"] = OFF  # video is switched off: no conversions to wait for
    return parts


def is_healthy(parts: dict[str, str]) -> bool:
    return all(state in (OK, STARTING, OFF) for state in parts.values())
