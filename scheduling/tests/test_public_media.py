"""The addresses Meta downloads photos from: absolute, signed, short-lived, renditions of posts on
their way to Instagram only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from graph_emulator.testing import MP4
from scheduling.models import Post, PostStatus
from scheduling.public_media import public_url
from scheduling.tests.factories import approved_post
from stories.models import Format, Status, StoryVideo
from stories.tests.factories import story_in
from stories.videos import VideoState

pytestmark = pytest.mark.django_db


def _scheduled_post() -> Post:
    post = approved_post()
    Post.objects.filter(pk=post.pk).update(status=PostStatus.SCHEDULED, scheduled_at=timezone.now())
    post.refresh_from_db()
    return post


def _path(url: str, settings: Any) -> str:
    assert url.startswith(settings.PUBLIC_BASE_URL + "/public/media/")
    return url.removeprefix(settings.PUBLIC_BASE_URL)


def test_a_signed_address_serves_the_rendition_to_anyone(settings: Any) -> None:
    settings.PUBLIC_BASE_URL = "https://cms.example.org"
    post = _scheduled_post()
    url = public_url(post_id=post.pk, name=post.renditions[0])
    response = Client().get(_path(url, settings))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    with default_storage.open(post.renditions[0]) as handle:
        assert b"".join(response.streaming_content) == handle.read()
    # The address does not show where the file lies, and a second one differs.
    assert post.renditions[0] not in url


def test_originals_other_stories_and_posts_not_on_their_way_are_not_served(settings: Any) -> None:
    post = _scheduled_post()
    client = Client()
    original = post.story.images.first().original.name
    assert client.get(_path(public_url(post_id=post.pk, name=original), settings)).status_code == 404
    # A rendition of a story that is not approved, under an approved post's name.
    under_review = story_in(Status.SUBMITTED)
    rendition = under_review.images.first().rendition.name
    assert rendition.startswith("renditions/")
    assert client.get(_path(public_url(post_id=post.pk, name=rendition), settings)).status_code == 404
    for status in (PostStatus.UNSCHEDULED, PostStatus.FAILED, PostStatus.TO_BE_REMOVED, PostStatus.REMOVED):
        Post.objects.filter(pk=post.pk).update(status=status)
        url = public_url(post_id=post.pk, name=post.renditions[0])
        assert client.get(_path(url, settings)).status_code == 404, status
    # No listing of anything.
    assert client.get("/public/media/").status_code == 404
    assert client.get("/media/").status_code == 404


def test_an_expired_or_altered_address_is_refused(settings: Any) -> None:
    post = _scheduled_post()
    client = Client()
    with time_machine.travel(timezone.now(), tick=False):
        path = _path(public_url(post_id=post.pk, name=post.renditions[0]), settings)
    with time_machine.travel(timezone.now() + timedelta(minutes=59), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        assert client.get(path).status_code == 404
    token = path.removeprefix("/public/media/").removesuffix(".jpg")
    altered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.get(f"/public/media/{altered}.jpg").status_code == 404
    assert client.get("/public/media/not-a-token.jpg").status_code == 404


def test_a_reels_video_and_its_cover_photo_are_served_and_another_storys_cover_is_not(settings: Any) -> None:
    post = _scheduled_post()
    video_name = default_storage.save("videos/cavern.mp4", ContentFile(MP4))
    Post.objects.filter(pk=post.pk).update(format=Format.REEL, renditions=[video_name])
    cover = default_storage.save("video-covers/cavern.jpg", ContentFile(b"\xff\xd8cover"))
    StoryVideo.objects.create(
        story=post.story, state=VideoState.READY, rendition=video_name, cover_photo=cover
    )
    client = Client()

    video_url = public_url(post_id=post.pk, name=video_name)
    assert video_url.endswith(".mp4")
    answer = client.get(_path(video_url, settings))
    assert answer.status_code == 200 and answer["Content-Type"] == "video/mp4"
    assert b"".join(answer.streaming_content) == MP4
    answer = client.get(_path(public_url(post_id=post.pk, name=cover), settings))
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"

    # Another story's cover, or its original video, under this post's name: nothing.
    other = approved_post()
    other_cover = default_storage.save("video-covers/other.jpg", ContentFile(b"\xff\xd8other"))
    StoryVideo.objects.create(story=other.story, state=VideoState.READY, cover_photo=other_cover)
    assert client.get(_path(public_url(post_id=post.pk, name=other_cover), settings)).status_code == 404
    assert (
        client.get(_path(public_url(post_id=post.pk, name="video-originals/x"), settings)).status_code == 404
    )
