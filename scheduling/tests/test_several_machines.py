"""Several machines share nothing but PostgreSQL, Redis and an S3-compatible store: media live in
the store (moto's server, real HTTP), never on a disk that web and worker would have to share."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from PIL import Image

from contributors.testing import wait_until
from scheduling import publishing, tasks
from scheduling.models import Post, PostStatus
from scheduling.services import post_create_for_story
from stories.models import Format, ImageState, Status, StoryImage, private_storage
from stories.tests import image_samples
from stories.tests import video_samples as clips
from stories.tests.factories import complete_story
from stories.tests.test_views import image_fields, story_fields
from stories.tests.video_samples import walk_to
from stories.videos import StoryVideo, VideoState


def _files_under(*folders: Path) -> list[Path]:
    return [path for folder in folders if folder.exists() for path in folder.rglob("*") if path.is_file()]


def _keys(store: Any, bucket: str) -> list[str]:
    return [item["Key"] for item in store.client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def _upload(client: Client, story: Any, name: str, data: bytes) -> Any:
    story.refresh_from_db()
    fields = {
        **story_fields(title=story.title, caption=story.caption, format=story.format),
        **image_fields(story),
    }
    return client.post(f"/stories/{story.pk}/edit/", {**fields, "photos": [_named(name, data)]})


def _named(name: str, data: bytes) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


@pytest.mark.django_db
def test_a_photo_goes_to_the_store_and_the_team_sees_it_with_no_file_on_this_machine(
    s3_store: Any, people: dict[str, Any], settings: Any
) -> None:
    author = people["contributor"]
    story = complete_story(author=author.contributor, format=Format.SINGLE_IMAGE, images=0)
    client = Client()
    client.force_login(author)

    response = _upload(
        client, story, "control-room.jpg", image_samples.jpeg_with_exif_orientation(1600, 1200)
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    image = StoryImage.objects.get(story=story)
    assert image.processing_state == ImageState.READY
    # The original in the private bucket, the rendition in the media bucket; nothing on disk.
    assert _keys(s3_store, s3_store.private_bucket) == [image.original.name]
    assert _keys(s3_store, s3_store.media_bucket) == [image.rendition.name]
    assert _files_under(settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT) == []
    # The page shows the rendition, read back from the store.
    assert (
        f"/stories/{story.pk}/images/{image.pk}/rendition/"
        in client.get(f"/stories/{story.pk}/").content.decode()
    )
    shown = client.get(f"/stories/{story.pk}/images/{image.pk}/rendition/")
    assert shown.status_code == 200
    with Image.open(io.BytesIO(b"".join(shown.streaming_content))) as rendition:
        assert rendition.size == (image.rendition_width, image.rendition_height)
        assert rendition.width * 5 == rendition.height * 4
    # An original has no address in the store at all; a rendition's is signed and short-lived.
    with pytest.raises(ValueError):
        private_storage.url(image.original.name)
    address = default_storage.url(image.rendition.name)
    signed = parse_qs(urlsplit(address).query)
    assert "X-Amz-Signature" in signed and int(signed["X-Amz-Expires"][0]) <= 3600
    assert requests.get(address, timeout=10).content == b"".join(
        client.get(f"/stories/{story.pk}/images/{image.pk}/rendition/").streaming_content
    )


@pytest.fixture
def worker_settings(
    tmp_path: Path, graph_emulator: Any, publish_settings: Any, monkeypatch: Any
) -> dict[str, str]:
    """The worker is another machine: local folders of its own, the same store, database and broker."""
    monkeypatch.setenv("GRAPH_API_BASE_URL", graph_emulator.base_url)
    monkeypatch.setenv("PUBLIC_BASE_URL", publish_settings.PUBLIC_BASE_URL)
    for name in ("PUBLISH_POLL_SECONDS", "PUBLISH_BACKOFF_SECONDS"):
        monkeypatch.setenv(name, "1")
    monkeypatch.setenv("GRAPH_API_TIMEOUT", "3")
    return {
        "MEDIA_ROOT": str(tmp_path / "worker-media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "worker-private"),
    }


@pytest.mark.worker
def test_web_and_worker_on_different_disks_share_only_the_store(
    s3_store: Any,
    worker_settings: dict[str, str],
    demo_account: Any,
    people: dict[str, Any],
    public_site: Any,
    graph_emulator: Any,
    settings: Any,
    tmp_path: Path,
    celery_worker_process: Any,
) -> None:
    # Too large to render in the request: the worker decodes it, from the store.
    settings.STORY_IMAGE_DECODE_BUDGET_PIXELS = 1_000_000
    author = people["contributor"]
    story = complete_story(
        author=author.contributor, format=Format.SINGLE_IMAGE, images=0, caption="Beam is back"
    )
    client = Client()
    client.force_login(author)

    response = _upload(
        client, story, "portrait.jpg", image_samples.jpeg_with_exif_orientation(2000, 1500, orientation=6)
    )

    assert response.status_code == 302
    image = StoryImage.objects.get(story=story)
    assert image.processing_state == ImageState.PENDING
    done = wait_until(
        lambda: StoryImage.objects.filter(pk=image.pk).exclude(processing_state=ImageState.PENDING).first(),
        timeout=60,
    )
    assert done.processing_state == ImageState.READY, (done.processing_error, celery_worker_process.log())
    assert done.rendition.name in _keys(s3_store, s3_store.media_bucket)
    page = client.get(f"/stories/{story.pk}/").content.decode()
    assert f"/stories/{story.pk}/images/{image.pk}/rendition/" in page
    shown = client.get(f"/stories/{story.pk}/images/{image.pk}/rendition/")
    with Image.open(io.BytesIO(b"".join(shown.streaming_content))) as rendition:
        assert rendition.height > rendition.width  # upright: orientation 6 makes it a portrait

    # A reel in several pieces (each stored on its own, then joined into the original in the
    # store), converted by the worker from the store.
    reel = complete_story(author=author.contributor, format=Format.REEL, images=0)
    sent = clips.upload(client, reel, clips.android_portrait_mp4(tmp_path, seconds=3), piece=4096)
    assert sent.status_code == 200, sent.content
    video = wait_until(
        lambda: StoryVideo.objects.filter(
            story=reel, state__in=(VideoState.READY, VideoState.REFUSED)
        ).first(),
        timeout=60,
    )
    assert video.state == VideoState.READY, (video.problem, celery_worker_process.log())
    assert video.original.name in _keys(s3_store, s3_store.private_bucket)
    assert not [key for key in _keys(s3_store, s3_store.private_bucket) if ".pieces/" in key]
    assert video.rendition.name in _keys(s3_store, s3_store.media_bucket)
    played = client.get(f"/stories/{reel.pk}/video/rendition/")
    assert b"".join(played.streaming_content)[4:8] == b"ftyp"
    # The worker cuts the cover frame from the rendition in the store, and stores it there.
    video = wait_until(
        lambda: StoryVideo.objects.filter(pk=video.pk, cover_state__in=("ready", "failed")).first(),
        timeout=60,
    )
    assert video.cover_state == "ready", (video.cover_problem, celery_worker_process.log())
    assert video.cover_frame.name in _keys(s3_store, s3_store.media_bucket)
    cover = client.get(f"/stories/{reel.pk}/video/cover/")
    assert b"".join(cover.streaming_content)[:3] == b"\xff\xd8\xff"

    StoryImage.objects.filter(pk=image.pk).update(
        alt_text="The beam pipe, open.", no_identifiable_person=True
    )
    walk_to(story, Status.APPROVED)
    post = post_create_for_story(story=story)
    Post.objects.filter(pk=post.pk).update(
        status=PostStatus.SCHEDULED, scheduled_at=timezone.now() - timedelta(seconds=1)
    )
    started = time.monotonic()
    publishing.publish_due_posts(wake=tasks.wake)
    wait_until(
        lambda: Post.objects.get(pk=post.pk).status not in (PostStatus.SCHEDULED, PostStatus.PUBLISHING),
        timeout=60,
    )

    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED, (post.reason, celery_worker_process.log())
    [item] = [item for item in graph_emulator.published() if item["media_id"] == post.media_id]
    # Meta downloaded the rendition from this site, which read it from the store.
    [url] = item["image_urls"]
    assert url.startswith(f"{public_site.base_url}/public/media/")
    assert time.monotonic() - started < 30
    # No machine wrote a file to its own disk.
    folders = [settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT, *map(Path, worker_settings.values())]
    assert _files_under(*folders) == []
