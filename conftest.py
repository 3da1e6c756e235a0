"""Fixtures every app's tests share: people in each role, a real browser, a real worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from contributors.testing import WorkerProcess

ROOT = Path(__file__).resolve().parent

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in English, whatever language an earlier test left active."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def people(db: Any) -> dict[str, Any]:
    """One person per role of the design, with a confirmed address."""
    from contributors.tests.factories import (
        admin_user,
        contributor_user,
        outreach_user,
        science_user,
    )

    return {
        "contributor": contributor_user(username="anna"),
        "other_contributor": contributor_user(username="jonas"),
        "outreach": outreach_user(username="mira"),
        "science": science_user(username="lukas"),
        "admin": admin_user(username="root"),
    }


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    # A page that answers after a form is sent may take a few seconds on a busy CI machine with
    # two test processes: assertions wait as long as actions do (the contexts' 10 s), not 5 s.
    expect.set_options(timeout=10_000)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A desktop browser page; ``phone_page`` for a phone-sized one."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def database_url_for_processes() -> str:
    """The URL of the test database, for processes the tests start (worker, web)."""
    from urllib.parse import quote

    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def tasks_run_inline() -> Iterator[None]:
    """Celery tasks queued during this test run at once in this process (the live server's
    thread included), as a worker would run them, so their effects (mail.outbox) can be read.
    Tests of the worker itself use ``celery_worker_process`` instead."""
    from cmsatdesy_cms.celery import app

    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = False, False


@pytest.fixture
def worker_settings() -> dict[str, str]:
    """Environment for the test's worker process; a test module overrides this fixture to make
    countdowns and intervals short (settings read from the environment)."""
    return {}


@pytest.fixture
def start_celery_worker(
    transactional_db: Any, tmp_path: Path, settings: Any, worker_settings: dict[str, str]
) -> Iterator[Callable[[], WorkerProcess]]:
    """Starts real Celery workers, each in its own process, on this test's database and broker;
    ``celery_worker_process`` is the first. A test that kills one starts a fresh one with this.

    Redis when CELERY_BROKER_URL is set, else kombu's filesystem transport; the database
    is the test database (a SQLite file or PostgreSQL), so the worker sees committed rows.
    It writes its heartbeat every half second and also knows the tasks of
    ``cmsatdesy_cms/tests/worker_tasks.py``.
    """
    from cmsatdesy_cms.celery import app

    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    video_queue = settings.VIDEO_QUEUE  # conversions have a queue of their own; this worker takes both
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_processes(),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_BROKER_DIR": str(settings.BROKER_DIR),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "GRAPH_API_BASE_URL": settings.GRAPH_API_BASE_URL,
        "HEALTH_HEARTBEAT_INTERVAL": "0.5",
        "CMS_TESTING": "1",
        "PYTHONUNBUFFERED": "1",
        **worker_settings,
    }
    with app.connection_for_write() as conn:
        # Leftovers of earlier tests are not this test's work.
        for name in (queue, video_queue):
            app.amqp.queues.select_add(name)
            app.amqp.queues[name].bind(conn.default_channel).purge()
    started: list[subprocess.Popen[bytes]] = []

    def start() -> WorkerProcess:
        log_path = tmp_path / f"worker-{len(started) + 1}.log"
        with log_path.open("wb") as log_file:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "cmsatdesy_cms",
                    "worker",
                    "--pool=solo",
                    "--loglevel=INFO",
                    "-Q",
                    f"{queue},{video_queue}",
                    "--include",
                    "cmsatdesy_cms.tests.worker_tasks",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "-n",
                    f"test-{os.getpid()}-{len(started) + 1}@%h",
                ],
                cwd=ROOT,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        started.append(process)
        worker = WorkerProcess(process, log_path)
        deadline = time.monotonic() + 90  # a loaded two-core machine starts Python slowly
        while "ready." not in worker.log():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"The Celery worker did not start:\n{worker.log()}")
            time.sleep(0.1)
        return worker

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def celery_worker_process(start_celery_worker: Callable[[], WorkerProcess]) -> WorkerProcess:
    """A real Celery worker in its own process (see ``start_celery_worker``)."""
    return start_celery_worker()


# --- The Graph API emulator over real HTTP (graph_emulator/), for every layer's tests -----------
EMULATOR_SEED = 7


@pytest.fixture(scope="session")
def _graph_emulator_server() -> Iterator[Any]:
    from graph_emulator.server import start_emulator

    handle = start_emulator(port=0, seed=EMULATOR_SEED)
    yield handle
    handle.stop()


@pytest.fixture
def graph_emulator(_graph_emulator_server: Any, settings: Any) -> Any:
    """A freshly reset emulator; the product's settings (and a worker started after this
    fixture) point at it for this test. ``add_fault(...)`` injects Meta's failures."""
    _graph_emulator_server.reset(EMULATOR_SEED)
    settings.GRAPH_API_BASE_URL = _graph_emulator_server.base_url
    settings.INSTAGRAM_OAUTH_DIALOG_URL = ""
    return _graph_emulator_server


@pytest.fixture(scope="session")
def public_media() -> Iterator[Any]:
    from graph_emulator.testing import MediaServer

    server = MediaServer()
    yield server
    server.stop()


def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """Each test process removes the filesystem broker folder it made under var/."""
    from django.conf import settings

    broker_dir = Path(getattr(settings, "BROKER_DIR", ""))
    if broker_dir.name == f"test-broker-{os.getpid()}":
        import shutil

        shutil.rmtree(broker_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def _s3_server() -> Iterator[str]:
    """moto's S3 in server mode (real HTTP) on a free port, for the whole test process."""
    import socket

    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_store(_s3_server: str, settings: Any, monkeypatch: Any) -> Iterator[Any]:
    """Media on an S3-compatible store (two fresh buckets) instead of local folders, for this
    process and for workers started after this fixture (they read the environment). Yields a boto3
    client of the store and the two buckets' names."""
    import uuid
    from types import SimpleNamespace

    import boto3

    from cmsatdesy_cms.settings import s3_storage

    suffix = uuid.uuid4().hex[:12]
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_S3_ENDPOINT_URL": _s3_server,
        "AWS_S3_REGION_NAME": "us-east-1",
        "MEDIA_BUCKET": f"media-{suffix}",
        "PRIVATE_MEDIA_BUCKET": f"private-{suffix}",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=_s3_server, region_name="us-east-1")
    for bucket in (env["MEDIA_BUCKET"], env["PRIVATE_MEDIA_BUCKET"]):
        client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage("storages.backends.s3.S3Storage", env["MEDIA_BUCKET"]),
        "private": s3_storage("stories.storage.PrivateS3Storage", env["PRIVATE_MEDIA_BUCKET"]),
    }
    yield SimpleNamespace(
        client=client, media_bucket=env["MEDIA_BUCKET"], private_bucket=env["PRIVATE_MEDIA_BUCKET"]
    )
