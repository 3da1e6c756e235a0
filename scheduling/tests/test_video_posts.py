"""A video post on the team's pages: its cover where a photo post shows its first photo, and
what it lacks said as a video, not a photo."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from PIL import Image

from graph_emulator.testing import jpeg
from scheduling.models import Post
from scheduling.services import post_create_for_story
from stories.models import Format, Status, StoryVideo
from stories.tests import video_samples as clips

pytestmark = pytest.mark.django_db


def _team(people: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(people["outreach"])
    return client


def _reel_post(tmp_path: Path) -> Post:
    story = clips.ready_video_story(Status.APPROVED, clips.android_portrait_mp4(tmp_path), format=Format.REEL)
    return post_create_for_story(story=story)


def test_a_reels_post_page_and_calendar_show_its_cover_frame_then_its_cover_photo(
    people: dict[str, Any], tmp_path: Path
) -> None:
    client = _team(people)
    post = _reel_post(tmp_path)
    cover_url = f"/stories/{post.story_id}/video/cover/"
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'src="{cover_url}"' in page
    assert 'alt="Cover of the video"' in page
    # A frame of the converted video (144 × 256), scaled for the page.
    frame = client.get(cover_url)
    assert (frame.status_code, frame["Content-Type"]) == (200, "image/jpeg")
    with Image.open(
        io.BytesIO(b"".join(frame.streaming_content if frame.streaming else [frame.content]))
    ) as image:
        assert (image.format, image.width, image.height) == ("JPEG", 540, 960)

    when = timezone.now() + timedelta(days=3)
    Post.objects.filter(pk=post.pk).update(status="scheduled", scheduled_at=when)
    window = {"start": (when - timedelta(days=2)).isoformat(), "end": (when + timedelta(days=2)).isoformat()}
    items = client.get("/calendar/events/", window).json()
    shown = next(i for i in items if i["id"] == f"post-{post.pk}")
    assert shown["extendedProps"]["thumbnail"] == cover_url

    photo = jpeg(540, 960)
    StoryVideo.objects.filter(story_id=post.story_id).update(
        cover="photo", cover_photo=default_storage.save("video-covers/chosen.jpg", ContentFile(photo))
    )
    chosen = client.get(cover_url)
    assert b"".join(chosen.streaming_content) == photo


def test_a_reel_without_its_video_says_it_has_no_video_not_no_photo(
    people: dict[str, Any], tmp_path: Path
) -> None:
    post = _reel_post(tmp_path)
    Post.objects.filter(pk=post.pk).update(renditions=[])
    post.refresh_from_db()
    assert "It has no video ready for Instagram." in post.missing()
    assert not any("photo" in problem for problem in post.missing())
    page = _team(people).get(f"/stories/{post.story_id}/").content.decode()
    assert "It has no video ready for Instagram." in page
    assert "It has no photo ready for Instagram." not in page
