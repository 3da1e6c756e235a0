"""Reels and video stories, from the phone's file to Instagram, with a real worker: the video is
converted on the video queue, then published as an asynchronous container polled until ready."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from contributors.testing import wait_until
from scheduling import publishing, tasks
from scheduling.models import Post, PostStatus, PublishStep
from scheduling.services import post_create_for_story
from stories import services
from stories.models import Format, Status, StoryVideo
from stories.tests import video_samples as clips
from stories.tests.factories import complete_story
from stories.videos import VideoState


@pytest.fixture
def worker_env(monkeypatch: Any, graph_emulator: Any, publish_settings: Any) -> None:
    """The worker reads its settings from the environment: the emulator, this site as Meta
    reaches it, short waits."""
    monkeypatch.setenv("GRAPH_API_BASE_URL", graph_emulator.base_url)
    monkeypatch.setenv("PUBLIC_BASE_URL", publish_settings.PUBLIC_BASE_URL)
    monkeypatch.setenv("PUBLISH_POLL_SECONDS", "1")
    monkeypatch.setenv("PUBLISH_VIDEO_POLL_SECONDS", "1")
    monkeypatch.setenv("PUBLISH_BACKOFF_SECONDS", "1")
    monkeypatch.setenv("PUBLISH_LEASE_SECONDS", "5")
    monkeypatch.setenv("GRAPH_API_TIMEOUT", "3")
    graph_emulator.configure(video_processing_seconds=2)


@pytest.mark.worker
def test_a_phone_video_goes_out_as_a_reel_and_another_as_a_video_story(
    worker_env: Any,
    demo_account: Any,
    people: dict[str, Any],
    public_site: Any,
    graph_emulator: Any,
    client: Any,
    tmp_path: Path,
    celery_worker_process: Any,
) -> None:
    author = people["contributor"]
    client.force_login(author)
    source = clips.iphone_hevc_mov(tmp_path)
    posts = {}
    for fmt in (Format.REEL, Format.STORY):
        story = complete_story(
            author=author.contributor, format=fmt, images=0, caption=f"Night at the test beam ({fmt})"
        )
        clips.upload(client, story, source)
        wait_until(
            lambda story=story: StoryVideo.objects.get(story=story).state == VideoState.READY, timeout=60
        )
        services.videos.video_update_settings(
            story=story, user=author, cover="frame", cover_seconds=1.5, share_to_feed=False, consent=True
        )
        clips.walk_to(story, Status.APPROVED)
        post = post_create_for_story(story=story)  # as the approval's receiver does
        Post.objects.filter(pk=post.pk).update(
            status=PostStatus.SCHEDULED, scheduled_at=timezone.now() - timedelta(seconds=1)
        )
        posts[fmt] = post
    started = time.monotonic()

    publishing.publish_due_posts(wake=tasks.wake)

    def settled() -> bool:
        return not Post.objects.filter(status__in=(PostStatus.SCHEDULED, PostStatus.PUBLISHING)).exists()

    wait_until(settled, timeout=60)
    published = {item["media_product_type"]: item for item in graph_emulator.published()}
    assert set(published) == {"REELS", "STORY"}
    for fmt, post in posts.items():
        post.refresh_from_db()
        assert post.status == PostStatus.PUBLISHED, (post.reason, celery_worker_process.log())
        item = published["REELS" if fmt == Format.REEL else "STORY"]
        # Meta fetched the converted video (never the original) by a signed address of this site.
        [video_url] = item["video_urls"]
        assert video_url.startswith(f"{public_site.base_url}/public/media/") and video_url.endswith(".mp4")
        assert StoryVideo.objects.get(story=post.story).original.name not in video_url
        assert item["media_type"] == "VIDEO" and item["alt_text"] in (None, "")
        # Polled while Instagram processed it (IN_PROGRESS, then FINISHED), published once.
        reads = list(post.publish_steps.filter(call="read_status").values_list("detail", flat=True))
        assert reads[0] == "IN_PROGRESS" and reads[-1] == "FINISHED", reads
        assert post.publish_steps.filter(call="media_publish", outcome=PublishStep.Outcome.OK).count() == 1
    assert published["REELS"]["caption"] == posts[Format.REEL].caption
    assert published["REELS"]["video_options"] == {"thumb_offset": "1500", "share_to_feed": "false"}
    assert not published["STORY"]["caption"] and published["STORY"]["video_options"] == {}
    assert time.monotonic() - started < 30


def test_a_video_container_is_read_again_after_a_growing_wait_up_to_the_cap(
    settings: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    settings.PUBLISH_VIDEO_POLL_SECONDS = 10
    settings.PUBLISH_VIDEO_POLL_MAX_SECONDS = 300
    story = clips.ready_video_story(Status.APPROVED, clips.android_portrait_mp4(tmp_path),
                                    author=people["contributor"].contributor, format=Format.REEL)  # fmt: skip
    post = post_create_for_story(story=story)
    waits = []
    for _read in range(7):
        PublishStep.objects.create(post=post, call="read_status", container_id="c1", outcome="ok")
        waits.append(publishing._video_poll_delay(post, "c1"))

    assert waits == [10, 20, 40, 80, 160, 300, 300]
