"""The video field in real Chromium: the upload goes in pieces with a progress bar and carries on
after the connection drops; the story page follows the conversion and then plays the video."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from contributors.testing import log_in, wait_for_js
from stories.models import Format, Status, Story, StoryVideo
from stories.tests import video_samples as clips
from stories.tests.factories import complete_story, photo_bytes
from stories.videos import VideoState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dropped_connection_does_not_lose_the_upload_and_the_page_shows_the_conversion(
    page: Any, people: dict[str, Any], settings: Any, tmp_path: Path
) -> None:
    settings.VIDEO_CHUNK_BYTES = 16 * 1024
    source = clips.android_portrait_mp4(tmp_path)
    assert source.stat().st_size > 3 * settings.VIDEO_CHUNK_BYTES
    story = complete_story(author=people["contributor"].contributor, format=Format.REEL, images=0)
    dropped: list[str] = []

    def drop_the_second_piece_once(route: Any) -> None:
        if "offset=16384" in route.request.url and not dropped:
            dropped.append(route.request.url)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/video/upload/**", drop_the_second_piece_once)
    log_in(page, "anna")
    page.goto(f"/stories/{story.pk}/edit/")
    expect(page.get_by_role("heading", name="Video (reels and stories)")).to_be_visible()

    page.get_by_label("Video file").set_input_files(str(source))

    # The last piece is answered at once; the page says the worker is checking the file.
    expect(page.get_by_text("Checking the video…")).to_be_visible()
    expect(page.get_by_label("Upload progress")).to_have_attribute("value", "100")
    assert dropped, "the second piece was never sent"
    from stories.services.videos import video_check_upload, video_make_cover, video_transcode

    video_check_upload(video_id=StoryVideo.objects.get(story=story).pk)  # what the worker does
    expect(page.get_by_text("Uploaded. Open the story page to follow the conversion.")).to_be_visible()
    video = StoryVideo.objects.get(story=story)
    assert Path(video.original.path).read_bytes() == source.read_bytes()
    assert video.state == VideoState.QUEUED  # no worker here: the page waits for one

    page.get_by_role("link", name="Follow the conversion").click()
    expect(page.get_by_test_id("video-state")).to_have_text("Waiting to be converted")
    # A worker converts it and cuts the cover frame meanwhile; the page follows without a reload
    # by the person.
    video_transcode(video_id=video.pk)
    expect(page.get_by_test_id("video-state")).to_have_text("Ready", timeout=20_000)
    expect(page.get_by_test_id("video-cover-state")).to_be_visible()
    video_make_cover(video_id=video.pk)
    expect(page.get_by_test_id("video-cover")).to_be_visible(timeout=20_000)
    expect(page.get_by_test_id("video-preview")).to_be_visible(timeout=20_000)
    # The browser plays it: a portrait, in the 9:16 frame.
    wait_for_js(page.get_by_test_id("video-preview"), "video => video.readyState >= 1", timeout=30)
    width, height = page.get_by_test_id("video-preview").evaluate("v => [v.videoWidth, v.videoHeight]")
    assert (width, height) == (144, 256)
    box = page.locator(".ig-frame-9x16").bounding_box()
    assert box["height"] / box["width"] == pytest.approx(16 / 9, rel=0.02)


def test_the_video_field_shows_only_for_reels_and_stories(page: Any, people: dict[str, Any]) -> None:
    story = complete_story(author=people["contributor"].contributor, format=Format.SINGLE_IMAGE)
    log_in(page, "anna")
    page.goto(f"/stories/{story.pk}/edit/")
    heading = page.get_by_role("heading", name="Video (reels and stories)")

    expect(heading).to_be_hidden()
    page.get_by_label("Format").select_option(label="Reel")
    expect(heading).to_be_visible()


def test_a_new_reel_is_saved_as_a_draft_and_opens_at_the_video_field_ready_for_the_file(
    page: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    log_in(page, "anna")
    page.goto("/stories/new/")
    add_video = page.get_by_role("button", name="Save the draft and add the video")
    expect(add_video).to_be_hidden()  # a photo post has no video
    page.get_by_label("Format").select_option(label="Reel")
    expect(add_video).to_be_visible()
    expect(page.get_by_text("The video is added to a saved draft.")).to_be_visible()

    # The same checks as Save: without a title nothing is saved, and what was typed stays.
    page.get_by_label("Caption").fill("A night at the detector, in 30 seconds.")
    add_video.click()
    expect(page.locator("#error-summary")).to_contain_text("Title")
    assert not Story.objects.exists()
    expect(page.get_by_label("Caption")).to_have_value("A night at the detector, in 30 seconds.")
    expect(page.get_by_label("Format")).to_have_value("reel")

    page.get_by_label("Title").fill("Night shift at CMS")
    page.get_by_role("button", name="Save the draft and add the video").click()
    story = Story.objects.get()
    expect(page).to_have_url(re.compile(rf"/stories/{story.pk}/edit/#video$"))
    assert (story.title, story.format, story.status) == ("Night shift at CMS", Format.REEL, Status.DRAFT)
    expect(page.get_by_text("Your draft is saved. Now choose the video.")).to_be_visible()
    expect(page.get_by_text("The video uploads as soon as you choose it")).to_be_visible()
    chooser = page.get_by_label("Video file")
    expect(chooser).to_be_focused()
    expect(chooser).to_be_in_viewport()

    # The upload goes in pieces, as from any saved draft.
    chooser.set_input_files(str(clips.android_portrait_mp4(tmp_path)))
    expect(page.get_by_text("Checking the video…")).to_be_visible()
    assert StoryVideo.objects.get(story=story).state == VideoState.CHECKING


def test_a_new_story_with_a_photo_chosen_lands_at_the_video_field_after_its_upload(
    page: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    log_in(page, "anna")
    page.goto("/stories/new/")
    page.get_by_label("Title").fill("Cryostat morning")
    page.get_by_label("Format").select_option(label="Story")
    # A chosen photo makes the save an upload with progress; the answer is written into the page.
    page.get_by_label("Add photos").set_input_files(
        [{"name": "cryostat.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes(1080, 1920)}]
    )
    page.get_by_label("Alt text for photo 1").fill("The cryostat at dawn.")
    page.get_by_role("button", name="Save the draft and add the video").click()

    expect(page.get_by_text("Your draft is saved. Now choose the video.")).to_be_visible()
    story = Story.objects.get()
    expect(page).to_have_url(re.compile(rf"/stories/{story.pk}/edit/#video$"))
    assert story.images.get().original_name == "cryostat.jpg"
    chooser = page.get_by_label("Video file")
    expect(chooser).to_be_focused()
    chooser.set_input_files(str(clips.android_portrait_mp4(tmp_path)))
    expect(page.get_by_text("Checking the video…")).to_be_visible()


def test_the_post_page_and_calendar_say_the_cover_is_being_made_and_the_post_page_shows_it_once_made(
    page: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from scheduling.models import Post
    from scheduling.services import post_create_for_story
    from stories.services.videos import video_make_cover

    story = clips.ready_video_story(Status.APPROVED, clips.android_portrait_mp4(tmp_path), format=Format.REEL)
    post = post_create_for_story(story=story)
    when = timezone.now() + timedelta(days=2)
    Post.objects.filter(pk=post.pk).update(status="scheduled", scheduled_at=when)
    # The team picked another moment: the new frame is being cut, the old one is gone.
    video = StoryVideo.objects.get(story=story)
    StoryVideo.objects.filter(pk=video.pk).update(cover_state="making", cover_offset_ms=2500, cover_frame="")
    broken: list[str] = []
    page.on(
        "response", lambda r: broken.append(r.url) if "/video/cover/" in r.url and r.status >= 400 else None
    )
    log_in(page, "mira")

    page.goto(f"/calendar/?date={when:%Y-%m-%d}")
    item = page.locator("#calendar .calendar-item").filter(has_text=story.title)
    expect(item).to_contain_text("Cover being made…")
    expect(item.locator("img")).to_have_count(0)

    page.goto(f"/calendar/posts/{post.pk}/")
    expect(page.get_by_test_id("video-cover-placeholder")).to_have_text("Cover being made…")
    expect(page.get_by_role("img", name="Cover of the video")).to_have_count(0)
    video_make_cover(video_id=video.pk)  # what the worker does; the page follows by itself
    cover = page.get_by_role("img", name="Cover of the video")
    expect(cover).to_be_visible(timeout=20_000)
    wait_for_js(cover, "img => img.complete && img.naturalWidth > 0", timeout=10)
    expect(page.get_by_test_id("video-cover-placeholder")).to_have_count(0)
    assert broken == []
