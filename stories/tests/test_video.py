"""Phone videos for reels and stories: checked by content, converted for Instagram, refused
with a reason when they cannot be, uploaded in pieces that survive a dropped connection."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from stories import services
from stories.models import Format, Status, Story, StoryVideo
from stories.storage import private_storage
from stories.tests import video_samples as clips
from stories.tests.factories import complete_story, story_in
from stories.videos import VideoState


@pytest.fixture
def converted_inline(tasks_run_inline: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Conversions queued after commit run at once in this process, as the worker would run them."""
    return django_capture_on_commit_callbacks


def _status(client: Any, story: Any) -> dict[str, Any]:
    return dict(client.get(f"/stories/{story.pk}/video/status/").json())


def _draft(people: dict[str, Any], fmt: str, **kwargs: Any) -> Any:
    return complete_story(author=people["contributor"].contributor, format=fmt, images=0, **kwargs)


def _rendition(story: Any) -> tuple[StoryVideo, dict[str, Any], str]:
    video = StoryVideo.objects.get(story=story)
    assert video.state == VideoState.READY, video.problem
    path = default_storage.path(video.rendition.name)
    return video, clips.ffprobe(path), path


def _streams(info: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [stream for stream in info["streams"] if stream["codec_type"] == kind]


def _assert_instagram_ready(info: dict[str, Any], path: str) -> dict[str, Any]:
    [video] = _streams(info, "video")
    [audio] = _streams(info, "audio")
    assert "mp4" in info["format"]["format_name"]
    assert video["codec_name"] == "h264" and video["pix_fmt"] == "yuv420p"
    assert audio["codec_name"] == "aac"
    assert clips.moov_before_mdat(path), "the moov atom must come first"
    numerator, denominator = (int(n) for n in video["avg_frame_rate"].split("/"))
    assert 23 <= numerator / denominator <= 60
    assert not video.get("side_data_list"), "no rotation left for players to apply"
    tags = {**info["format"].get("tags", {}), **video.get("tags", {})}
    assert not [key for key in tags if "location" in key.lower()], tags
    return video


def test_an_iphone_hevc_mov_with_rotation_and_gps_becomes_an_upright_h264_mp4_without_location(
    client: Any, people: dict[str, Any], tmp_path: Path, converted_inline: Any
) -> None:
    source = clips.iphone_hevc_mov(tmp_path)
    original = clips.ffprobe(source)
    assert _streams(original, "video")[0]["codec_name"] == "hevc"
    assert "location" in original["format"]["tags"]
    story = _draft(people, Format.REEL)
    client.force_login(people["contributor"])

    with converted_inline(execute=True):
        answer = clips.upload(client, story, source, piece=16 * 1024)

    assert answer.status_code == 200 and answer.json()["state"] == VideoState.CHECKING
    video, info, path = _rendition(story)
    stream = _assert_instagram_ready(info, path)
    # Filmed sideways (320 × 180 with a 90° tag): upright it is a portrait, 180 × 320.
    assert (stream["width"], stream["height"]) == (180, 320)
    assert float(info["format"]["duration"]) == pytest.approx(4.0, abs=0.15)
    assert video.progress == 100
    # The original is kept as it came, privately.
    assert (
        hashlib.sha256(Path(video.original.path).read_bytes()).digest()
        == hashlib.sha256(source.read_bytes()).digest()
    )
    assert str(video.original.path).startswith(str(Path(video.original.storage.location)))
    assert not Path(video.original.path).is_relative_to(Path(default_storage.location))


def test_an_android_portrait_mp4_stays_a_portrait_of_the_same_length(
    client: Any, people: dict[str, Any], tmp_path: Path, converted_inline: Any
) -> None:
    source = clips.android_portrait_mp4(tmp_path, seconds=5)
    story = _draft(people, Format.STORY)
    client.force_login(people["contributor"])

    with converted_inline(execute=True):
        clips.upload(client, story, source)

    _video, info, path = _rendition(story)
    stream = _assert_instagram_ready(info, path)
    assert (stream["width"], stream["height"]) == (144, 256)
    assert float(info["format"]["duration"]) == pytest.approx(5.0, abs=0.15)


def test_a_story_clip_over_a_minute_is_kept_whole_until_the_scientist_agrees_to_its_first_60_seconds(
    client: Any, people: dict[str, Any], tmp_path: Path, converted_inline: Any
) -> None:
    source = clips.long_clip(tmp_path, seconds=70)
    story = _draft(people, Format.STORY)
    client.force_login(people["contributor"])

    with converted_inline(execute=True):
        answer = clips.upload(client, story, source)
    assert answer.json()["state"] == VideoState.CHECKING  # the last piece does not wait for the check
    assert _status(client, story)["state"] == VideoState.TOO_LONG
    assert StoryVideo.objects.get(story=story).progress == 0  # nothing converted before the scientist chose
    page = client.get(f"/stories/{story.pk}/").content.decode()
    assert "This video is 1 min 10 s long; a story may be at most 60 seconds." in page
    assert "Keep the first 60 seconds" in page
    assert StoryVideo.objects.get(story=story).rendition.name == ""

    with converted_inline(execute=True):
        client.post(f"/stories/{story.pk}/video/keep-first-minute/")

    _video, info, path = _rendition(story)
    _assert_instagram_ready(info, path)
    assert float(info["format"]["duration"]) == pytest.approx(60.0, abs=0.3)
    assert "chose to keep the first 60 seconds" in client.get(f"/stories/{story.pk}/").content.decode()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (clips.broken_clip, "This file is not a video that can be read: it may be damaged or incomplete."),
        (clips.audio_only, "This file has sound but no picture. Upload a video."),
        (clips.two_second_clip, "This video is 2 s long; Instagram needs at least 3 seconds."),
        (clips.renamed_photo, "This file is a photo, not a video. Add photos under “Photos”."),
    ],
    ids=["broken", "audio-only", "two-seconds", "renamed-photo"],
)
def test_a_file_that_cannot_become_a_reel_is_refused_with_the_reason(
    client: Any, people: dict[str, Any], tmp_path: Path, converted_inline: Any, make: Any, message: str
) -> None:
    story = _draft(people, Format.REEL)
    client.force_login(people["contributor"])

    with converted_inline(execute=True):
        answer = clips.upload(client, story, make(tmp_path))

    assert answer.status_code == 200 and answer.json()["state"] == VideoState.CHECKING
    status = _status(client, story)
    assert status["state"] == VideoState.REFUSED and status["problem"] == message
    video = StoryVideo.objects.get(story=story)
    assert not video.original and not video.rendition  # nothing kept, nothing converted
    assert message in client.get(f"/stories/{story.pk}/").content.decode()
    assert f"The video was refused: {message}" in services.submission_problems(story)


def test_a_dropped_connection_carries_on_from_what_arrived(
    client: Any, people: dict[str, Any], tmp_path: Path, converted_inline: Any
) -> None:
    source = clips.android_portrait_mp4(tmp_path)
    content = source.read_bytes()
    story = _draft(people, Format.REEL)
    client.force_login(people["contributor"])
    url = f"/stories/{story.pk}/video/upload/?total={len(content)}&name=clip.mp4"
    half = len(content) // 2
    client.post(f"{url}&offset=0", data=content[:half], content_type="application/octet-stream")

    # The connection dropped while the next piece was on its way; the page asks where it stands.
    status = client.get(f"/stories/{story.pk}/video/status/").json()
    assert (status["state"], status["received"], status["total"]) == ("uploading", half, len(content))
    # A piece sent again from an older offset is refused with where to go on from.
    again = client.post(f"{url}&offset=10", data=content[10:half], content_type="application/octet-stream")
    assert again.status_code == 409 and again.json()["received"] == half
    with converted_inline(execute=True):
        rest = client.post(
            f"{url}&offset={half}", data=content[half:], content_type="application/octet-stream"
        )

    assert rest.json()["state"] == VideoState.CHECKING
    video, _info, _path = _rendition(story)
    assert Path(video.original.path).read_bytes() == content


def test_a_check_whose_message_comes_twice_keeps_the_original_and_queues_one_conversion(
    client: Any, people: dict[str, Any], tmp_path: Path, converted_inline: Any
) -> None:
    from stories.services.videos import video_check_upload

    content = clips.android_portrait_mp4(tmp_path).read_bytes()
    story = _draft(people, Format.REEL)
    client.force_login(people["contributor"])
    with converted_inline(execute=False):
        clips.upload(client, story, clips.android_portrait_mp4(tmp_path))
    video = StoryVideo.objects.get(story=story)
    assert _status(client, story)["state"] == VideoState.CHECKING

    with converted_inline(execute=False) as queued:
        assert video_check_upload(video_id=video.pk) == VideoState.QUEUED
        assert video_check_upload(video_id=video.pk) == VideoState.QUEUED  # the same message again

    assert len(queued) == 1  # one conversion
    video.refresh_from_db()
    assert private_storage.open(video.original.name).read() == content
    assert not private_storage.listdir(f"{video.original.name}.pieces")[1]  # the pieces are gone


def test_a_video_over_the_size_cap_is_refused_before_anything_is_stored(
    client: Any, people: dict[str, Any], settings: Any
) -> None:
    settings.STORY_VIDEO_MAX_UPLOAD_MB = 1
    story = _draft(people, Format.REEL)
    client.force_login(people["contributor"])

    answer = client.post(
        f"/stories/{story.pk}/video/upload/?offset=0&total={3 * 1024 * 1024}&name=long.mov",
        data=b"\0" * 1024,
        content_type="application/octet-stream",
    )

    assert answer.status_code == 400
    assert (
        answer.json()["error"]
        == "This video is 3 MB; at most 1 MB can be uploaded. Shorten it and try again."
    )
    assert not StoryVideo.objects.filter(story=story).exists()


def test_the_story_form_offers_the_video_upload_with_its_cap(client: Any, people: dict[str, Any]) -> None:
    from cmsatdesy_cms.tests.test_accessibility import client_for

    story = _draft(people, Format.REEL)
    client.force_login(people["contributor"])

    page = client.get(f"/stories/{story.pk}/edit/").content.decode()

    assert 'id="video-file"' in page and "up to 1,024 MB" in page
    german = client_for(people, "contributor", "de").get(f"/stories/{story.pk}/edit/").content.decode()
    assert "bis 1.024 MB" in german
    assert f'data-upload-url="/stories/{story.pk}/video/upload/"' in page


@pytest.mark.parametrize(
    ("language", "button", "explained"),
    [
        ("en", "Save the draft and add the video", "The video uploads as soon as you choose it"),
        (
            "de",
            "Entwurf speichern und Video hinzufügen",
            "Das Video wird hochgeladen, sobald Sie es auswählen",
        ),
    ],
)
def test_a_new_story_saves_its_draft_and_goes_to_the_video_field_and_the_edit_form_says_how_it_uploads(
    people: dict[str, Any], language: str, button: str, explained: str
) -> None:
    from cmsatdesy_cms.tests.test_accessibility import client_for

    client = client_for(people, "contributor", language)
    form = client.get("/stories/new/").content.decode()
    assert (
        f'name="action" value="add_video" aria-describedby="video-first-save" data-then-hash="video">{button}<'
        in form
    )

    answer = client.post(
        "/stories/new/",
        {
            "title": "Night shift",
            "objective": "outreach",
            "format": "reel",
            "caption": "",
            "action": "add_video",
        },
    )
    story = Story.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/stories/{story.pk}/edit/#video"
    assert (story.title, story.format, story.status) == ("Night shift", Format.REEL, Status.DRAFT)
    page = client.get(answer["Location"]).content.decode()
    assert explained in page and 'id="video-file"' in page


def test_save_and_add_the_video_with_a_mistake_saves_nothing_and_keeps_what_was_typed(
    client: Any, people: dict[str, Any]
) -> None:
    client.force_login(people["contributor"])
    answer = client.post(
        "/stories/new/",
        {
            "title": "",
            "objective": "outreach",
            "format": "reel",
            "caption": "Thirty seconds.",
            "action": "add_video",
        },
    )
    page = answer.content.decode()
    assert answer.status_code == 200 and 'id="error-summary"' in page
    assert "Thirty seconds.</textarea>" in page and '<option value="reel" selected>' in page
    assert not Story.objects.exists()


def test_without_ffmpeg_video_is_switched_off_with_a_clear_message_and_photos_still_work(
    client: Any, people: dict[str, Any], settings: Any
) -> None:
    settings.FFMPEG_BINARY = "/nonexistent/ffmpeg"
    notice = "Video upload is switched off: ffmpeg is not installed on this server."
    story = _draft(people, Format.REEL)
    client.force_login(people["contributor"])

    form = client.get(f"/stories/{story.pk}/edit/").content.decode()
    assert notice in form and 'id="video-file"' not in form
    assert 'name="photos"' in form
    answer = client.post(
        f"/stories/{story.pk}/video/upload/?offset=0&total=10&name=a.mp4",
        data=b"0123456789",
        content_type="application/octet-stream",
    )
    assert answer.status_code == 400 and "ffmpeg is not installed" in answer.json()["error"]
    client.force_login(people["outreach"])
    assert notice in client.get("/").content.decode()


def test_the_start_page_says_nothing_about_video_when_ffmpeg_is_there(
    client: Any, people: dict[str, Any]
) -> None:
    client.force_login(people["outreach"])

    assert "Video upload is switched off" not in client.get("/").content.decode()


def test_a_reel_needs_its_video_and_a_caption_but_no_alt_text(people: dict[str, Any], tmp_path: Path) -> None:
    reel = _draft(people, Format.REEL, caption="")
    assert services.submission_problems(reel) == ["Add the reel's video.", "A reel needs a caption."]

    ready = clips.ready_video_story(Status.SUBMITTED, clips.android_portrait_mp4(tmp_path),
                                    author=people["contributor"].contributor, format=Format.REEL)  # fmt: skip
    assert services.approval_problems(ready) == []
    StoryVideo.objects.filter(story=ready).update(consent_confirmed_at=None, consent_confirmed_by=None)
    assert services.approval_problems(ready) == [
        "Confirm that everyone who can be recognised in the video agreed, or that nobody can be recognised."
    ]


def test_the_review_plays_the_video_in_a_9_by_16_frame_and_a_story_shows_no_caption(
    client: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    story = clips.ready_video_story(Status.SUBMITTED, clips.android_portrait_mp4(tmp_path),
                                    author=people["contributor"].contributor, format=Format.STORY)  # fmt: skip
    client.force_login(people["outreach"])

    page = client.get(f"/stories/{story.pk}/").content.decode()

    assert 'class="ig-frame ig-frame-9x16"' in page
    assert f'<video class="ig-video" src="/stories/{story.pk}/video/rendition/"' in page
    assert 'data-testid="preview-caption"' not in page
    video = client.get(f"/stories/{story.pk}/video/rendition/")
    assert video["Content-Type"] == "video/mp4" and b"".join(video.streaming_content)[4:8] == b"ftyp"


def _served(answer: Any) -> bytes:
    return b"".join(answer.streaming_content) if answer.streaming else bytes(answer.content)


def test_the_team_picks_a_reels_cover_frame_or_photo_and_the_feed_choice(
    client: Any, people: dict[str, Any], tmp_path: Path, converted_inline: Any
) -> None:
    from graph_emulator.testing import png
    from stories.services.videos import video_make_cover

    story = clips.ready_video_story(Status.IN_REVIEW, clips.android_portrait_mp4(tmp_path),
                                    author=people["contributor"].contributor, format=Format.REEL)  # fmt: skip
    client.force_login(people["outreach"])
    url, cover_url = f"/stories/{story.pk}/video/settings/", f"/stories/{story.pk}/video/cover/"
    first_frame = StoryVideo.objects.get(story=story).cover_frame.name
    assert _served(client.get(cover_url)) == default_storage.open(first_frame).read()

    with converted_inline(execute=False):  # the worker has not cut the new frame yet
        client.post(url, {"cover": "frame", "cover_seconds": "2.5", "consent": "on"})
    video = StoryVideo.objects.get(story=story)
    assert (video.cover, video.cover_offset_ms, video.share_to_feed) == ("frame", 2500, False)
    assert video.consent_confirmed_by == people["contributor"]  # kept from the author's confirmation
    assert _status(client, story)["cover_state"] == "making"
    page = client.get(f"/stories/{story.pk}/").content.decode()
    assert "The cover is being made in the background; this page shows it when it is ready." in page

    assert video_make_cover(video_id=video.pk) == "ready"
    video.refresh_from_db()
    assert video.cover_frame.name != first_frame and not default_storage.exists(first_frame)
    served = _served(client.get(cover_url))
    assert served[:3] == b"\xff\xd8\xff" and served == default_storage.open(video.cover_frame.name).read()
    assert 'data-testid="video-cover"' in client.get(f"/stories/{story.pk}/").content.decode()

    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("cover.png", png(600, 900), content_type="image/png")
    with converted_inline(execute=True):
        client.post(
            url, {"cover": "photo", "cover_seconds": "0", "cover_photo": photo, "share_to_feed": "on"}
        )
    video.refresh_from_db()
    assert (video.cover, video.share_to_feed, video.cover_state) == ("photo", True, "ready")
    assert video.consent_confirmed_at is None  # the box was left unticked this time
    assert not video.cover_original  # the upload as it came is not kept once the cover is made
    assert not private_storage.listdir("video-cover-originals")[1]
    page = client.get(f"/stories/{story.pk}/").content.decode()
    assert "Nobody has confirmed the consent of the people in the video yet." in page
    assert video.cover_photo.name.startswith("video-covers/")  # where Meta may fetch it from
    with default_storage.open(video.cover_photo.name) as handle:
        assert handle.read(3) == b"\xff\xd8\xff"  # a JPEG, as Meta takes covers
    assert _served(client.get(cover_url)) == default_storage.open(video.cover_photo.name).read()


def test_a_failed_video_settings_form_keeps_what_was_entered_and_says_what_to_fix_beside_the_field(
    client: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    story = clips.ready_video_story(Status.IN_REVIEW, clips.android_portrait_mp4(tmp_path),
                                    author=people["contributor"].contributor, format=Format.REEL)  # fmt: skip
    client.force_login(people["outreach"])

    answer = client.post(f"/stories/{story.pk}/video/settings/", {"cover": "frame", "cover_seconds": "9"})

    assert answer.status_code == 400
    page = answer.content.decode()
    field = page[page.index('id="div_id_cover_seconds"') :]
    field = field[: field.index("</div>", field.index("Pick a moment")) + 6]
    assert 'value="9"' in field and "Pick a moment between 0 and 4.0 seconds." in field
    assert 'name="share_to_feed"' in page and 'name="share_to_feed" checked' not in page  # left unticked
    assert 'name="consent"' in page and 'name="consent" checked' not in page
    video = StoryVideo.objects.get(story=story)
    assert (video.cover_offset_ms, video.share_to_feed) == (1500, True)  # nothing saved


def test_removing_a_reels_video_deletes_its_files_and_its_cover_frame(
    client: Any, people: dict[str, Any], tmp_path: Path, converted_inline: Any
) -> None:
    story = clips.ready_video_story(Status.CHANGES_REQUESTED, clips.android_portrait_mp4(tmp_path),
                                    author=people["contributor"].contributor, format=Format.REEL)  # fmt: skip
    video = StoryVideo.objects.get(story=story)
    files = [video.rendition.name, video.cover_frame.name]
    assert all(default_storage.exists(name) for name in files)
    client.force_login(people["contributor"])

    with converted_inline(execute=True):
        client.post(f"/stories/{story.pk}/video/remove/")

    assert not StoryVideo.objects.filter(story=story).exists()
    assert not [name for name in files if default_storage.exists(name)]
    assert client.get(f"/stories/{story.pk}/video/cover/").status_code == 404


def _huge_png() -> bytes:
    """A PNG whose header announces 20 000 × 20 000 pixels (400 megapixels)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Just some text, not a photo.", "This file is not a photo we can read."),
        (
            _huge_png(),
            "This photo has more than 60 megapixels. Please upload a smaller version of the photo.",
        ),
    ],
    ids=["text-file", "huge-png"],
)
def test_a_cover_photo_that_is_no_usable_photo_is_refused_at_once_by_its_header(
    client: Any, people: dict[str, Any], tmp_path: Path, converted_inline: Any, content: bytes, message: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    story = clips.ready_video_story(Status.IN_REVIEW, clips.android_portrait_mp4(tmp_path),
                                    author=people["contributor"].contributor, format=Format.REEL)  # fmt: skip
    client.force_login(people["outreach"])
    photo = SimpleUploadedFile("cover.png", content, content_type="image/png")

    with converted_inline(execute=True) as queued:
        answer = client.post(
            f"/stories/{story.pk}/video/settings/",
            {"cover": "photo", "cover_seconds": "1", "cover_photo": photo},
        )

    assert answer.status_code == 400 and queued == []
    page = answer.content.decode()
    field = page[page.index('id="div_id_cover_photo"') :]
    assert message in field[: field.index("</div>", field.index(message)) + 6]
    video = StoryVideo.objects.get(story=story)
    assert (video.cover, video.cover_original.name, video.cover_state) == ("frame", "", "ready")


def test_a_truncated_cover_photo_is_refused_by_the_worker_with_a_reason_and_the_frame_stays_the_cover(
    client: Any, people: dict[str, Any], tmp_path: Path, converted_inline: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from graph_emulator.testing import jpeg

    story = clips.ready_video_story(Status.IN_REVIEW, clips.android_portrait_mp4(tmp_path),
                                    author=people["contributor"].contributor, format=Format.REEL)  # fmt: skip
    client.force_login(people["outreach"])
    whole = jpeg(600, 900)
    photo = SimpleUploadedFile("cover.jpg", whole[: len(whole) // 2], content_type="image/jpeg")

    with converted_inline(execute=True):
        answer = client.post(
            f"/stories/{story.pk}/video/settings/",
            {"cover": "photo", "cover_seconds": "1", "cover_photo": photo},
        )

    assert answer.status_code == 302
    video = StoryVideo.objects.get(story=story)
    assert (video.cover, video.cover_state, video.cover_photo.name) == ("frame", "failed", "")
    assert video.cover_problem_shown.startswith(
        "The cover photo could not be used: This photo is incomplete or damaged"
    )
    assert video.cover_problem_shown in client.get(f"/stories/{story.pk}/").content.decode()
    assert not video.cover_original and not private_storage.listdir("video-cover-originals")[1]


def test_a_story_that_is_not_a_reel_or_story_has_no_video(client: Any, people: dict[str, Any]) -> None:
    story = story_in(Status.DRAFT, author=people["contributor"].contributor)
    client.force_login(people["contributor"])

    answer = client.post(
        f"/stories/{story.pk}/video/upload/?offset=0&total=4&name=a.mp4",
        data=b"0123",
        content_type="application/octet-stream",
    )

    assert answer.status_code == 400
    assert answer.json()["error"].startswith("Only reels and stories have a video.")


@pytest.mark.parametrize("state", ["checking", "too_long", "converting", "ready", "cover-making", "refused"])
def test_a_reel_page_and_form_with_its_video_read_well_in_english_and_german(
    state: str, people: dict[str, Any], tmp_path: Path
) -> None:
    from cmsatdesy_cms.tests.test_accessibility import check_both, client_for

    story = clips.ready_video_story(Status.CHANGES_REQUESTED, clips.android_portrait_mp4(tmp_path),
                                    author=people["contributor"].contributor, format=Format.REEL)  # fmt: skip
    if state == "cover-making":
        StoryVideo.objects.filter(story=story).update(cover_state="making")
    else:
        StoryVideo.objects.filter(story=story).update(state=state, problem="", progress=40)
    for role in ("contributor", "outreach"):
        english, german = client_for(people, role, "en"), client_for(people, role, "de")
        check_both(f"/stories/{story.pk}/", english, german)
        check_both(f"/stories/{story.pk}/edit/", english, german)


def test_a_check_or_conversion_whose_message_was_lost_or_whose_worker_died_is_queued_again_by_the_sweep(
    client: Any, people: dict[str, Any], tmp_path: Path, converted_inline: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from stories.services.videos import requeue_waiting_videos, video_check_upload

    source = clips.android_portrait_mp4(tmp_path)
    lost, died, unchecked = (
        _draft(people, Format.REEL),
        _draft(people, Format.REEL),
        _draft(people, Format.REEL),
    )
    client.force_login(people["contributor"])
    with converted_inline(execute=False):  # the messages never reach a worker
        for story in (lost, died, unchecked):
            clips.upload(client, story, source)
        for story in (lost, died):  # checked, but the conversion's message is lost
            video_check_upload(video_id=StoryVideo.objects.get(story=story).pk)
    long_ago = timezone.now() - timedelta(minutes=20)
    StoryVideo.objects.filter(story=lost).update(queued_at=long_ago)
    StoryVideo.objects.filter(story=died).update(
        state=VideoState.CONVERTING, progress=30, updated_at=long_ago
    )
    StoryVideo.objects.filter(story=unchecked).update(updated_at=long_ago)
    fresh = _draft(people, Format.REEL)
    with converted_inline(execute=False):
        clips.upload(client, fresh, source)

    with converted_inline(execute=True):
        assert requeue_waiting_videos() == 3

    for story in (lost, died, unchecked):
        video = StoryVideo.objects.get(story=story)
        assert video.state == VideoState.READY and video.cover_frame, (story, video.state)
    assert StoryVideo.objects.get(story=fresh).state == VideoState.CHECKING  # its message may still come


def test_an_upload_abandoned_for_a_day_is_given_up_and_its_pieces_deleted(
    client: Any, people: dict[str, Any], tmp_path: Path, converted_inline: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from stories.services.videos import requeue_waiting_videos

    content = clips.android_portrait_mp4(tmp_path).read_bytes()
    abandoned, recent = _draft(people, Format.REEL), _draft(people, Format.REEL)
    client.force_login(people["contributor"])
    for story in (abandoned, recent):
        client.post(
            f"/stories/{story.pk}/video/upload/?offset=0&total={len(content)}&name=clip.mp4",
            data=content[:1000],
            content_type="application/octet-stream",
        )
    pieces = f"{StoryVideo.objects.get(story=abandoned).original.name}.pieces/000000000000"
    kept = f"{StoryVideo.objects.get(story=recent).original.name}.pieces/000000000000"
    assert private_storage.exists(pieces) and private_storage.exists(kept)
    StoryVideo.objects.filter(story=abandoned).update(updated_at=timezone.now() - timedelta(hours=25))
    StoryVideo.objects.filter(story=recent).update(updated_at=timezone.now() - timedelta(hours=23))

    with converted_inline(execute=True):
        requeue_waiting_videos()

    assert not StoryVideo.objects.filter(story=abandoned).exists()
    assert not private_storage.exists(pieces)
    assert _status(client, abandoned) == {"state": "none"}  # the page offers the upload afresh
    assert StoryVideo.objects.get(story=recent).received_bytes == 1000 and private_storage.exists(kept)


def test_a_conversion_that_runs_past_its_time_limit_is_stopped_with_a_reason(
    client: Any, people: dict[str, Any], tmp_path: Path, converted_inline: Any, settings: Any
) -> None:
    settings.VIDEO_TRANSCODE_BASE_SECONDS = 0.05
    settings.VIDEO_TRANSCODE_SECONDS_PER_SECOND = 0
    story = _draft(people, Format.REEL)
    client.force_login(people["contributor"])

    with converted_inline(execute=True):
        clips.upload(client, story, clips.android_portrait_mp4(tmp_path, seconds=12, rate=25, size="360x640"))

    video = StoryVideo.objects.get(story=story)
    assert video.state == VideoState.REFUSED and not video.rendition
    assert video.problem_shown == "Converting this video took longer than allowed. Upload a shorter clip."


def test_the_time_limit_grows_with_the_length_of_the_clip() -> None:
    from stories.video import time_limit_for

    assert time_limit_for(10) == (160.0, 250)
    assert time_limit_for(15 * 60)[0] == 120 + 4 * 900


def test_nonsense_sent_to_the_video_addresses_is_answered_with_a_reason_never_a_server_error(
    client: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    story = clips.ready_video_story(Status.CHANGES_REQUESTED, clips.android_portrait_mp4(tmp_path),
                                    author=people["contributor"].contributor, format=Format.REEL)  # fmt: skip
    client.force_login(people["contributor"])
    upload = f"/stories/{story.pk}/video/upload/"

    odd = client.post(
        f"{upload}?offset=abc&total=-5&name=x", data=b"1", content_type="application/octet-stream"
    )
    assert odd.status_code == 400 and odd.json()["error"] == "The upload sent no video."
    late = client.post(
        f"{upload}?offset=7&total=10&name=x", data=b"1234", content_type="application/octet-stream"
    )
    assert (
        late.status_code == 400 and late.json()["error"] == "The upload sent more than the size it announced."
    )
    not_a_photo = SimpleUploadedFile("cover.jpg", b"not a picture", content_type="image/jpeg")
    answer = client.post(
        f"/stories/{story.pk}/video/settings/", {"cover": "photo", "cover_photo": not_a_photo}
    )
    assert answer.status_code == 400 and "This file is not a photo we can read." in answer.content.decode()
    assert StoryVideo.objects.get(story=story).cover == "frame"
    gone = client.post(f"/stories/{story.pk}/video/keep-first-minute/", follow=True)
    assert "There is no video waiting for this choice." in gone.content.decode()
    # Someone who may not see the story learns nothing about its video.
    client.force_login(people["other_contributor"])
    assert client.get(f"/stories/{story.pk}/video/status/").status_code == 404


def test_an_approved_storys_video_can_no_longer_be_replaced(
    client: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    story = clips.ready_video_story(Status.APPROVED, clips.android_portrait_mp4(tmp_path),
                                    author=people["contributor"].contributor, format=Format.REEL)  # fmt: skip
    client.force_login(people["outreach"])

    answer = client.post(
        f"/stories/{story.pk}/video/upload/?offset=0&total=4&name=new.mp4",
        data=b"0123",
        content_type="application/octet-stream",
    )

    assert answer.status_code == 403
    assert answer.json()["error"] == "You cannot change this story's video now."
    assert StoryVideo.objects.get(story=story).state == VideoState.READY
