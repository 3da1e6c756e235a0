"""Why a video was refused or its cover could not be made is stored by the worker, which has no
reader, and said on each page in the reader's language. A reason stored as a plain sentence
before keeps showing as it was stored."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone, translation

from graph_emulator.testing import jpeg
from scheduling.models import Post
from scheduling.services import post_create_for_story
from stories import services
from stories.models import Format, Status, Story, StoryVideo
from stories.services.videos import video_make_cover
from stories.tests import video_samples as clips
from stories.tests.factories import complete_story
from stories.videos import video_cover_original_upload_to

pytestmark = pytest.mark.django_db

TOO_SHORT = {
    "en": "This video is 2 s long; Instagram needs at least 3 seconds.",
    "de": "Dieses Video ist 2 s lang; Instagram braucht mindestens 3 Sekunden.",
}
REFUSED = {"en": "The video was refused: ", "de": "Das Video wurde abgelehnt: "}
NO_FRAME = {
    "en": "No frame could be cut from the video at 1.5 s; pick another moment.",
    "de": "Bei 1.5 s ließ sich kein Standbild aus dem Video schneiden; wählen Sie einen anderen Moment.",
}
PHOTO_REFUSED = {
    "en": "The cover photo could not be used: This photo is incomplete or damaged, perhaps because "
    "the upload was interrupted. Please upload it again.",
    "de": "Das Titelfoto konnte nicht verwendet werden: Dieses Foto ist unvollständig oder beschädigt, "
    "vielleicht wurde das Hochladen unterbrochen. Bitte laden Sie es noch einmal hoch.",
}


@pytest.fixture
def worker_inline(tasks_run_inline: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Work queued after commit runs at once in this process, as the worker would run it."""
    return django_capture_on_commit_callbacks


def _reader(people: dict[str, Any], role: str, language: str) -> Client:
    client = Client()
    client.force_login(people[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _pages(client: Client, story: Story) -> dict[str, str]:
    pages = {"story": client.get(f"/stories/{story.pk}/").content.decode()}
    post = Post.objects.filter(story=story).first()
    if post is not None:
        pages["post"] = client.get(post.get_absolute_url()).content.decode()
    return pages


def _status(client: Client, story: Story) -> dict[str, Any]:
    return dict(client.get(f"/stories/{story.pk}/video/status/").json())


def _reel_post(tmp_path: Path) -> Post:
    story = clips.ready_video_story(Status.APPROVED, clips.android_portrait_mp4(tmp_path), format=Format.REEL)
    post = post_create_for_story(story=story)
    Post.objects.filter(pk=post.pk).update(
        status="scheduled", scheduled_at=timezone.now() + timedelta(days=3)
    )
    return post


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_refused_video_is_said_in_the_readers_language(
    people: dict[str, Any], tmp_path: Path, worker_inline: Any, language: str
) -> None:
    story = complete_story(author=people["contributor"].contributor, format=Format.REEL, images=0)
    with worker_inline(execute=True):
        clips.upload(_reader(people, "contributor", "en"), story, clips.two_second_clip(tmp_path))

    client = _reader(people, "contributor", language)
    assert _status(client, story)["problem"] == TOO_SHORT[language]
    html = _pages(client, story)["story"]
    assert TOO_SHORT[language] in html
    other = "de" if language == "en" else "en"
    assert TOO_SHORT[other] not in html
    with translation.override(language):  # what still keeps it from review
        assert REFUSED[language] + TOO_SHORT[language] in services.submission_problems(story)


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_cover_frame_that_could_not_be_cut_is_said_in_the_readers_language_on_every_page(
    people: dict[str, Any], tmp_path: Path, language: str
) -> None:
    post = _reel_post(tmp_path)
    video = StoryVideo.objects.get(story_id=post.story_id)
    default_storage.delete(video.rendition.name)  # nothing left to cut a frame from
    StoryVideo.objects.filter(pk=video.pk).update(cover_state="making")
    assert video_make_cover(video_id=video.pk) == "failed"

    client = _reader(people, "outreach", language)
    pages = _pages(client, post.story)
    assert set(pages) == {"story", "post"}
    for name, html in pages.items():
        assert NO_FRAME[language] in html, name
    assert _status(client, post.story)["cover_problem"] == NO_FRAME[language]


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_refused_cover_photo_is_said_in_the_readers_language_on_every_page(
    people: dict[str, Any], tmp_path: Path, language: str
) -> None:
    post = _reel_post(tmp_path)
    video = StoryVideo.objects.get(story_id=post.story_id)
    whole = jpeg(600, 900)  # an upload cut off halfway: its header reads well, the rest is missing
    video.cover_original.save(
        video_cover_original_upload_to(video, "cover"), ContentFile(whole[: len(whole) // 2])
    )
    StoryVideo.objects.filter(pk=video.pk).update(cover_state="making")
    assert video_make_cover(video_id=video.pk) == "failed"

    client = _reader(people, "outreach", language)
    for name, html in _pages(client, post.story).items():
        assert PHOTO_REFUSED[language] in html, name
    assert _status(client, post.story)["cover_problem"] == PHOTO_REFUSED[language]


def test_a_reason_stored_as_a_plain_sentence_before_still_shows(
    people: dict[str, Any], tmp_path: Path
) -> None:
    post = _reel_post(tmp_path)
    plain = "The cover photo could not be used: the file went missing."
    StoryVideo.objects.filter(story_id=post.story_id).update(cover_state="failed", cover_problem=plain)
    story = complete_story(author=people["contributor"].contributor, format=Format.REEL, images=0)
    refused = "This file is not a video that can be read (checked last year)."
    StoryVideo.objects.create(story=story, state="refused", original_name="old.mp4", problem=refused)

    for name, html in _pages(_reader(people, "outreach", "de"), post.story).items():
        assert plain in html, name
    author = _reader(people, "contributor", "de")
    assert refused in _pages(author, story)["story"]
    assert _status(author, story)["problem"] == refused
