"""Wherever a reel's cover is shown (the story page, the post page, the calendar), a cover that is
being made or could not be made is said in words, in the reader's language, and no image points
at the cover's address while it would answer 404."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from scheduling.models import Post
from scheduling.services import post_create_for_story
from stories.models import Format, Status, StoryVideo
from stories.tests import video_samples as clips

pytestmark = pytest.mark.django_db

MAKING = {"en": "Cover being made…", "de": "Titelbild wird erstellt …"}
FAILED = {"en": "The cover could not be made.", "de": "Das Titelbild konnte nicht erstellt werden."}
PROBLEM = "No frame could be cut from the video at 9.0 s; pick another moment."


def _team(people: dict[str, Any], language: str) -> Client:
    client = Client()
    client.force_login(people["outreach"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _reel_post(tmp_path: Path) -> Post:
    story = clips.ready_video_story(Status.APPROVED, clips.android_portrait_mp4(tmp_path), format=Format.REEL)
    post = post_create_for_story(story=story)
    when = timezone.now() + timedelta(days=3)
    Post.objects.filter(pk=post.pk).update(status="scheduled", scheduled_at=when)
    post.refresh_from_db()
    return post


def _cover_url(post: Post) -> str:
    return f"/stories/{post.story_id}/video/cover/"


def _image_sources(html: str) -> list[str]:
    return re.findall(r"<img\b[^>]*\bsrc=\"([^\"]*)\"", html)


def _cover_images(client: Client, html: str) -> dict[str, int]:
    """Each image on the page that shows a video's cover, with what its address answers."""
    return {src: client.get(src).status_code for src in _image_sources(html) if "/video/cover/" in src}


def _calendar_item(client: Client, post: Post) -> dict[str, Any]:
    assert post.scheduled_at is not None
    window = {
        "start": (post.scheduled_at - timedelta(days=2)).isoformat(),
        "end": (post.scheduled_at + timedelta(days=2)).isoformat(),
    }
    items = client.get("/calendar/events/", window).json()
    return dict(next(i for i in items if i["id"] == f"post-{post.pk}")["extendedProps"])


def _pages(client: Client, post: Post) -> dict[str, str]:
    return {
        "story": client.get(f"/stories/{post.story_id}/").content.decode(),
        "post": client.get(post.get_absolute_url()).content.decode(),
    }


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_cover_being_made_for_the_first_time_is_said_in_words_on_every_page(
    people: dict[str, Any], tmp_path: Path, language: str
) -> None:
    post = _reel_post(tmp_path)
    # Just converted: the worker has not cut the frame yet.
    StoryVideo.objects.filter(story_id=post.story_id).update(cover_state="making", cover_frame="")
    client = _team(people, language)
    assert client.get(_cover_url(post)).status_code == 404  # what an image would have shown

    for name, html in _pages(client, post).items():
        assert _cover_images(client, html) == {}, name
        assert MAKING[language] in html, name
        assert 'data-testid="video-cover-placeholder"' in html, name
    item = _calendar_item(client, post)
    assert (item["thumbnail"], item["coverNote"]) == ("", MAKING[language])


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_cover_made_again_shows_words_not_the_old_picture_until_it_is_ready(
    people: dict[str, Any], tmp_path: Path, language: str
) -> None:
    post = _reel_post(tmp_path)
    client = _team(people, language)
    # A new moment was picked: the old frame is still stored, the new one is being cut.
    StoryVideo.objects.filter(story_id=post.story_id).update(cover_state="making", cover_offset_ms=2500)

    pages = _pages(client, post)
    for name, html in pages.items():
        assert _cover_images(client, html) == {}, name
        assert MAKING[language] in html, name
    # The story page and the post page both ask for the status, to load again once it is made.
    status_url = f'data-status-url="/stories/{post.story_id}/video/status/"'
    assert all(status_url in html and 'data-cover-state="making"' in html for html in pages.values())
    assert _calendar_item(client, post)["thumbnail"] == ""


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_cover_that_could_not_be_made_says_so_and_why_on_every_page(
    people: dict[str, Any], tmp_path: Path, language: str
) -> None:
    post = _reel_post(tmp_path)
    StoryVideo.objects.filter(story_id=post.story_id).update(
        cover_state="failed", cover_frame="", cover_problem=PROBLEM
    )
    client = _team(people, language)
    assert client.get(_cover_url(post)).status_code == 404

    for name, html in _pages(client, post).items():
        assert _cover_images(client, html) == {}, name
        assert FAILED[language] in html, name
        assert PROBLEM in html, name
        assert MAKING[language] not in html, name
    item = _calendar_item(client, post)
    assert (item["thumbnail"], item["coverNote"]) == ("", FAILED[language])


def test_a_cover_photo_refused_leaves_the_frame_shown_with_the_problem_beside_it(
    people: dict[str, Any], tmp_path: Path
) -> None:
    post = _reel_post(tmp_path)
    problem = "The cover photo could not be used: This photo is incomplete or damaged."
    StoryVideo.objects.filter(story_id=post.story_id).update(cover_state="failed", cover_problem=problem)
    client = _team(people, "en")

    for name, html in _pages(client, post).items():
        assert _cover_images(client, html) == {_cover_url(post): 200}, name
        assert problem in html, name


def test_a_ready_cover_is_shown_everywhere_and_every_cover_image_loads(
    people: dict[str, Any], tmp_path: Path
) -> None:
    post = _reel_post(tmp_path)
    client = _team(people, "en")

    for name, html in _pages(client, post).items():
        assert _cover_images(client, html) == {_cover_url(post): 200}, name
        assert 'data-testid="video-cover-placeholder"' not in html, name
    item = _calendar_item(client, post)
    assert (item["thumbnail"], item["coverNote"]) == (_cover_url(post), "")
    assert client.get(item["thumbnail"]).status_code == 200
