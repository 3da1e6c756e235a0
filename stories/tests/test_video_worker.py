"""A real worker checks and converts an uploaded video on the video queue and cuts the reel's cover
frame; the upload does not wait for any of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from contributors.testing import wait_until
from stories.models import Format, StoryVideo
from stories.tests import video_samples as clips
from stories.tests.factories import complete_story
from stories.videos import VideoState


def test_conversions_go_to_the_video_queue_not_the_one_publishing_and_mail_use() -> None:
    from cmsatdesy_cms.celery import app

    for task in ("transcode_video", "check_uploaded_video", "make_video_cover"):
        route = app.amqp.router.route({}, f"stories.tasks.{task}")
        assert route["queue"].name == settings.VIDEO_QUEUE != settings.CELERY_TASK_DEFAULT_QUEUE, task
    assert (
        app.amqp.router.route({}, "scheduling.tasks.wake")["queue"].name == settings.CELERY_TASK_DEFAULT_QUEUE
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
# The slowest encoder preset, so the conversion lasts seconds however idle the machine is and its
# progress can be seen between the polls.
@pytest.mark.parametrize("worker_settings", [{"VIDEO_X264_PRESET": "veryslow"}])
def test_the_upload_answers_before_the_conversion_and_the_worker_shows_its_progress(
    client: Any, people: dict[str, Any], tmp_path: Path, celery_worker_process: Any
) -> None:
    # Big enough that converting takes the worker a few seconds, small enough to upload at once.
    source = clips.android_portrait_mp4(tmp_path, seconds=12, rate=25, size="360x640")
    story = complete_story(author=people["contributor"].contributor, format=Format.REEL, images=0)
    client.force_login(people["contributor"])

    answer = clips.upload(client, story, source, piece=settings.VIDEO_CHUNK_BYTES)

    assert answer.status_code == 200 and answer.json()["state"] == VideoState.CHECKING
    assert not StoryVideo.objects.get(story=story).rendition
    seen: set[tuple[str, int]] = set()

    def converted() -> bool:
        status = client.get(f"/stories/{story.pk}/video/status/").json()
        seen.add((status["state"], status["progress"]))
        return status["state"] not in (VideoState.CHECKING, VideoState.QUEUED, VideoState.CONVERTING)

    wait_until(converted, timeout=90, interval=0.2)
    video = StoryVideo.objects.get(story=story)
    assert video.state == VideoState.READY, (video.problem, celery_worker_process.log())
    assert any(state == VideoState.CONVERTING and 0 < progress < 100 for state, progress in seen), seen
    info = clips.ffprobe(video.rendition.path)
    assert float(info["format"]["duration"]) == pytest.approx(12.0, abs=0.2)
    # Then the worker cuts the cover frame; the page gets it as a stored file.
    wait_until(lambda: client.get(f"/stories/{story.pk}/video/status/").json()["cover_state"] == "ready",
               timeout=30, interval=0.2)  # fmt: skip
    cover = client.get(f"/stories/{story.pk}/video/cover/")
    assert cover.status_code == 200 and b"".join(cover.streaming_content)[:3] == b"\xff\xd8\xff"
