"""/healthz tells a monitor the truth: each failure path with the real thing unreachable."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from cmsatdesy_cms.celery import app
from cmsatdesy_cms.models import Heartbeat
from cmsatdesy_cms.tests.network import ROOT, Relay, WebProcess, closed_port
from conftest import database_url_for_processes
from contributors.testing import wait_until

PARTS = {"database", "broker", "worker", "video", "beat"}
STATES = {"ok", "down", "starting", "unknown", "off"}


def healthz() -> tuple[int, dict[str, Any]]:
    response = Client().get("/healthz")
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


def assert_says_nothing_more(body: dict[str, Any]) -> None:
    """Only part names and states: no versions, host names or error texts for whoever asks."""
    assert set(body) == PARTS | {"status", "down"}
    assert {body[part] for part in PARTS} <= STATES
    assert set(body["down"]) <= PARTS


def beat_now(process: str, *, ago: float = 0) -> None:
    Heartbeat.objects.update_or_create(
        process=process, hostname="host-1", defaults={"seen_at": timezone.now() - timedelta(seconds=ago)}
    )


@pytest.fixture
def no_grace(settings: Any) -> None:
    settings.HEALTH_STARTUP_GRACE = 0
    settings.HEALTH_HEARTBEAT_TIMEOUT = 120


@pytest.mark.django_db(transaction=True)
def test_healthz_is_healthy_when_every_part_answers(no_grace: None) -> None:
    beat_now("worker")
    beat_now("video")
    beat_now("beat")

    status, body = healthz()

    assert status == 200
    assert body == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "worker": "ok",
        "video": "ok",
        "beat": "ok",
        "down": [],
    }


@pytest.mark.django_db(transaction=True)
def test_a_worker_not_heard_from_within_the_interval_is_down(no_grace: None) -> None:
    beat_now("beat")
    beat_now("video")
    beat_now("worker", ago=121)

    status, body = healthz()

    assert status == 503
    assert body["worker"] == "down" and body["beat"] == "ok"
    assert body["down"] == ["worker"]
    assert_says_nothing_more(body)


@pytest.mark.django_db(transaction=True)
def test_a_stopped_beat_is_reported_as_its_own_part(no_grace: None) -> None:
    beat_now("worker")
    beat_now("video")
    beat_now("beat", ago=121)

    status, body = healthz()

    assert status == 503
    assert (body["worker"], body["beat"], body["down"]) == ("ok", "down", ["beat"])


@pytest.mark.django_db(transaction=True)
def test_without_any_worker_healthz_is_503_once_the_start_up_grace_is_over(settings: Any) -> None:
    from cmsatdesy_cms.health import STARTED_AT

    settings.HEALTH_STARTUP_GRACE = 300

    # Grace counts from the start of this (web) process.
    with time_machine.travel(STARTED_AT + timedelta(seconds=10), tick=False):
        beat_now("beat")
        status, body = healthz()
    assert (status, body["worker"]) == (200, "starting")

    with time_machine.travel(STARTED_AT + timedelta(seconds=301), tick=False):
        beat_now("beat")
        status, body = healthz()
    assert status == 503
    assert body["worker"] == "down" and body["down"] == ["worker", "video"]


@pytest.mark.django_db(transaction=True)
def test_nothing_consuming_the_video_queue_is_named_unless_video_is_switched_off(
    no_grace: None, settings: Any
) -> None:
    beat_now("worker")
    beat_now("beat")
    beat_now("video", ago=121)

    status, body = healthz()
    assert status == 503
    assert (body["worker"], body["video"], body["down"]) == ("ok", "down", ["video"])

    settings.FFMPEG_BINARY = "no-such-ffmpeg"  # video upload is off: no conversions to wait for
    status, body = healthz()
    assert (status, body["video"], body["down"]) == (200, "off", [])
    assert_says_nothing_more(body)


# --- The database and the broker out of reach, seen by a web process of its own --------------------
@pytest.fixture
def web(tmp_path: Path, transactional_db: Any, settings: Any) -> Iterator[Any]:
    processes = []

    def start(**env: str) -> WebProcess:
        base = {
            "DATABASE_URL": database_url_for_processes(),
            # The test's own broker folder (filesystem transport), not one more under var/.
            "CELERY_BROKER_DIR": str(settings.BROKER_DIR),
            "HEALTH_STARTUP_GRACE": "0",
            "HEALTH_CHECK_TIMEOUT": "1.5",
        }
        process = WebProcess({**base, **env}, tmp_path / f"web-{len(processes)}.log")
        processes.append(process)
        # The first request of a process loads the URLconf and the broker's transport: not
        # what a monitor meets, so not what is timed.
        process.get_json("/healthz")
        return process

    yield start
    for process in processes:
        process.stop()


def test_a_database_nobody_listens_on_is_named_at_once(web: Any) -> None:
    server = web(DATABASE_URL=f"postgres://cms:secret@127.0.0.1:{closed_port()}/cms")

    status, body, seconds = server.get_json("/healthz")

    assert status == 503
    assert (body["database"], body["worker"], body["video"], body["beat"]) == (
        "down",
        "unknown",
        "unknown",
        "unknown",
    )
    assert "database" in body["down"]
    assert seconds < 5
    assert_says_nothing_more(body)


def test_a_database_behind_a_cut_link_is_named_within_the_check_timeout(web: Any) -> None:
    from django.db import connection

    db = connection.settings_dict
    postgres = not db["ENGINE"].endswith("sqlite3")
    relay = Relay(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)) if postgres else Relay("127.0.0.1", 9)
    try:
        if postgres:
            url = database_url_for_processes().replace(f":{db['PORT'] or 5432}/", f":{relay.port}/")
        else:
            relay.cut()  # no database server here: a link that answers nothing from the start
            url = f"postgres://cms:secret@127.0.0.1:{relay.port}/cms"
        server = web(DATABASE_URL=url)
        if postgres:
            assert wait_until(lambda: server.get_json("/healthz")[1]["database"] == "ok", timeout=30)
            relay.cut()

        status, body, seconds = server.get_json("/healthz")

        assert status == 503
        assert body["database"] == "down" and "database" in body["down"]
        assert seconds < 5
        assert_says_nothing_more(body)
    finally:
        relay.close()


def test_a_broker_nobody_listens_on_is_named(web: Any) -> None:
    server = web(CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port()}/0")

    status, body, seconds = server.get_json("/healthz")

    assert status == 503
    assert body["broker"] == "down" and body["database"] == "ok"
    assert "broker" in body["down"]
    assert seconds < 5
    assert_says_nothing_more(body)


def test_a_broker_behind_a_cut_link_is_named_within_the_check_timeout(web: Any, settings: Any) -> None:
    redis = settings.CELERY_BROKER_URL.startswith("redis://")
    target = settings.CELERY_BROKER_URL.split("//", 1)[1].split("/", 1)[0] if redis else "127.0.0.1:9"
    host, port = target.rsplit(":", 1)
    relay = Relay(host, int(port))
    try:
        if not redis:
            relay.cut()  # no Redis here: a link that answers nothing from the start
        server = web(CELERY_BROKER_URL=f"redis://127.0.0.1:{relay.port}/0")
        if redis:
            assert wait_until(lambda: server.get_json("/healthz")[1]["broker"] == "ok", timeout=30)
            relay.cut()

        status, body, seconds = server.get_json("/healthz")

        assert status == 503
        assert body["broker"] == "down" and body["database"] == "ok"
        assert seconds < 5
    finally:
        relay.close()


# --- A real worker and a real beat --------------------------------------------------------------
@pytest.mark.worker
def test_a_busy_worker_is_alive_and_a_stopped_one_is_named(celery_worker_process: Any, settings: Any) -> None:
    settings.HEALTH_STARTUP_GRACE = 0
    settings.HEALTH_HEARTBEAT_TIMEOUT = 2
    wait_until(lambda: Heartbeat.objects.filter(process="worker").exists(), timeout=20)
    beat_now("beat")
    # The test worker takes the default queue and the video queue: it stands for both.
    assert (healthz()[1]["worker"], healthz()[1]["video"]) == ("ok", "ok")

    # One long task on a solo worker: longer than the heartbeat timeout.
    app.send_task("tests.keep_the_worker_busy", kwargs={"seconds": 6})
    wait_until(lambda: "keep_the_worker_busy" in celery_worker_process.log(), timeout=20)
    busy_since = timezone.now()
    wait_until(
        lambda: Heartbeat.objects.filter(process="worker", seen_at__gt=busy_since + timedelta(seconds=2.5)),
        timeout=10,
    )
    beat_now("beat")
    status, body = healthz()
    assert "succeeded" not in celery_worker_process.log()  # still busy
    assert (status, body["worker"]) == (200, "ok")

    celery_worker_process.process.terminate()
    celery_worker_process.process.wait(timeout=15)
    last = Heartbeat.objects.get(process="worker").seen_at
    with time_machine.travel(last + timedelta(seconds=3), tick=False):
        beat_now("beat")
        status, body = healthz()
    assert status == 503
    assert body["worker"] == "down" and body["down"] == ["worker", "video"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_beat_records_its_own_tick(tmp_path: Path, settings: Any) -> None:
    settings.HEALTH_STARTUP_GRACE = 0
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_processes(),
        "CELERY_TASK_DEFAULT_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "CELERY_BROKER_DIR": str(settings.BROKER_DIR),
        "HEALTH_HEARTBEAT_INTERVAL": "0.5",
        "CMS_TESTING": "1",
    }
    log_path = tmp_path / "beat.log"
    with log_path.open("wb") as log:
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cmsatdesy_cms", "beat", "--loglevel=INFO",
             "-s", str(tmp_path / "schedule"), "--pidfile="],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        first = wait_until(lambda: Heartbeat.objects.filter(process="beat").first(), timeout=30)
        wait_until(lambda: Heartbeat.objects.filter(process="beat", seen_at__gt=first.seen_at), timeout=10)
        beat_now("worker")
        beat_now("video")
        status, body = healthz()
        assert (status, body["beat"]) == (200, "ok"), log_path.read_text()
    finally:
        beat.terminate()
        beat.wait(timeout=10)
