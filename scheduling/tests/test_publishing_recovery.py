"""Publishing with real transactions: sweeps racing, a real worker, a worker killed mid-publish."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from scheduling import publishing, tasks
from scheduling.models import Post, PostStatus
from scheduling.tests.publishing_helpers import due_post
from stories.models import Format


@pytest.fixture
def worker_env(monkeypatch: Any, graph_emulator: Any, public_media: Any, publish_settings: Any) -> None:
    """The worker process reads its settings from the environment: point it at the emulator."""
    monkeypatch.setenv("GRAPH_API_BASE_URL", graph_emulator.base_url)
    monkeypatch.setenv("PUBLIC_BASE_URL", publish_settings.PUBLIC_BASE_URL)
    monkeypatch.setenv("PUBLISH_POLL_SECONDS", "1")
    monkeypatch.setenv("PUBLISH_BACKOFF_SECONDS", "1")
    monkeypatch.setenv("PUBLISH_LEASE_SECONDS", "3")
    monkeypatch.setenv("GRAPH_API_TIMEOUT", "3")
    publish_settings.PUBLISH_LEASE_SECONDS = 3


def _wait_for(post: Post, status: str, seconds: float, log: Any = None) -> Post:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        post.refresh_from_db()
        if post.status == status:
            return post
        time.sleep(0.2)
    raise AssertionError(f"post is {post.status} ({post.reason}); worker log:\n{log() if log else ''}")


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_racing_over_twenty_due_posts_publish_each_once(
    demo_account: Any, publish_settings: Any, public_media: Any, graph_emulator: Any
) -> None:
    posts = [due_post(public_media) for _ in range(20)]
    errors: list[BaseException] = []

    def sweep_and_work() -> None:
        try:
            for _round in range(60):
                for post_id in publishing.publish_due_posts():
                    publishing.advance_publication(post_id=post_id)
                if not Post.objects.filter(status__in=(PostStatus.SCHEDULED, PostStatus.PUBLISHING)).exists():
                    break
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep_and_work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert errors == []
    published = graph_emulator.published()
    for post in posts:
        post.refresh_from_db()
        assert post.status == PostStatus.PUBLISHED, post.reason
        assert [item["media_id"] for item in published if item["caption"] == post.caption] == [post.media_id]
    assert len(graph_emulator.calls(match="media_publish$", method="POST")) == 20
    assert post.transitions.filter(action="publish_due").count() == 1


def test_a_real_worker_publishes_an_image_a_carousel_and_a_story_within_ninety_seconds(
    worker_env: Any, demo_account: Any, public_media: Any, graph_emulator: Any, celery_worker_process: Any
) -> None:
    posts = [
        due_post(public_media, format=kind) for kind in (Format.SINGLE_IMAGE, Format.CAROUSEL, Format.STORY)
    ]
    publishing.publish_due_posts(wake=tasks.wake)
    posts = [_wait_for(post, PostStatus.PUBLISHED, 60, celery_worker_process.log) for post in posts]
    published = graph_emulator.published()
    assert sorted(item["media_id"] for item in published) == sorted(post.media_id for post in posts)
    by_id = {item["media_id"]: item for item in published}
    assert [by_id[post.media_id]["media_type"] for post in posts] == ["IMAGE", "CAROUSEL_ALBUM", "IMAGE"]
    assert by_id[posts[2].media_id]["media_product_type"] == "STORY"
    assert all(post.permalink == by_id[post.media_id]["permalink"] for post in posts)
    image = posts[0]
    [publish_call] = [
        call
        for call in graph_emulator.calls(match="media_publish$", method="POST")
        if call["params"]["creation_id"] == image.container_id
    ]
    assert publish_call["epoch"] <= (image.scheduled_at + timedelta(seconds=90)).timestamp()


# Each kill case runs this many times: twice in CI; `make soak` sets 10 and reads the tally.
KILL_ROUNDS = int(os.environ.get("KILL_TEST_ROUNDS", "2"))
HELD_CALLS = {"container_creation": "/media$", "media_publish": "media_publish$"}


@pytest.fixture(scope="module")
def kill_tally() -> Iterator[dict[str, int]]:
    tally = {"runs": 0, "duplicates": 0, "lost": 0}
    yield tally
    if tally["runs"]:
        print(  # noqa: T201 - the soak's report (make soak runs pytest with -s)
            f"\nkill tests: {tally['runs']} runs, {tally['duplicates']} duplicates, {tally['lost']} lost"
        )


@pytest.mark.parametrize("round_number", range(1, KILL_ROUNDS + 1))
@pytest.mark.parametrize("held", list(HELD_CALLS))
def test_a_worker_killed_mid_call_is_recovered_by_the_sweep_without_a_duplicate(
    held: str,
    round_number: int,
    kill_tally: dict[str, int],
    worker_env: Any,
    demo_account: Any,
    public_media: Any,
    graph_emulator: Any,
    celery_worker_process: Any,
    start_celery_worker: Any,
) -> None:
    """The emulator holds its reply to the call; the whole worker (with --pool=solo its main
    process is its pool) is SIGKILLed; the reply is let go (it happened at Meta); a fresh
    worker takes the post over once the lease has run out."""
    post = due_post(public_media)
    graph_emulator.add_fault("hold", match=HELD_CALLS[held], method="POST", stage="after")
    publishing.publish_due_posts(wake=tasks.wake)
    [hold] = graph_emulator.held(wait=30)
    os.kill(celery_worker_process.process.pid, signal.SIGKILL)
    celery_worker_process.process.wait(timeout=10)
    graph_emulator.release(hold["id"])  # it happened at Meta; nobody hears the reply
    fresh = start_celery_worker()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        publishing.publish_due_posts(wake=tasks.wake)  # what beat does every minute
        post.refresh_from_db()
        if post.status != PostStatus.PUBLISHING:
            break
        time.sleep(0.5)
    ours = [item for item in graph_emulator.published() if item["caption"] == post.caption]
    kill_tally["runs"] += 1
    kill_tally["duplicates"] += len(ours) > 1
    kill_tally["lost"] += post.status != PostStatus.PUBLISHED or not ours
    assert post.status == PostStatus.PUBLISHED, f"{post.reason}\n{fresh.log()}"
    assert [item["media_id"] for item in ours] == [post.media_id]
    assert post.permalink == ours[0]["permalink"]
    assert post.lease_until is None
    assert timezone.now() - post.published_at < timedelta(minutes=2)
