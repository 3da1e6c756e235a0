"""Reels converted before covers were made by the worker get their frame cut once, by the sweep."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from stories.models import Format
from stories.tests import video_samples as clips
from stories.tests.factories import complete_story

BEFORE = [("stories", "0011_notice_photo_number")]


@pytest.mark.django_db(transaction=True)
def test_a_reel_converted_before_the_change_gets_its_cover_frame_from_the_sweep(
    people: dict[str, Any], tmp_path: Path, tasks_run_inline: Any
) -> None:
    story = complete_story(author=people["contributor"].contributor, format=Format.REEL, images=0)
    clip = clips.android_portrait_mp4(tmp_path)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    old.get_model("stories", "StoryVideo").objects.create(
        story_id=story.pk,
        state="ready",
        rendition=default_storage.save("videos/old.mp4", ContentFile(clip.read_bytes())),
        rendition_probe={"duration": 4.0, "width": 144, "height": 256},
        cover_offset_ms=1500,
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from stories.models import StoryVideo
    from stories.services.videos import requeue_waiting_videos

    assert StoryVideo.objects.get(story_id=story.pk).cover_state == "making"
    assert requeue_waiting_videos(now=timezone.now() + timedelta(hours=1)) == 1
    video = StoryVideo.objects.get(story_id=story.pk)
    assert video.cover_state == "ready" and default_storage.exists(video.cover_frame.name)
