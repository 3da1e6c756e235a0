"""Phone videos for reels and stories: checked by content, converted for Instagram, refused
with a reason when they cannot be, uploaded in pieces that survive a dropped connection."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from stories import services
from stories.models import Format, Status, StoryVideo
from stories.tests import video_samples as clips
from stories.tests.factories import complete_story, story_in
from stories.videos import VideoState


@pytest.fixture
def converted_inline(tasks_run_inline: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Conversions queued after commit run at once in this process, as the worker would run them."""
    return django_capture_on_commit_callbacks


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

    assert answer.status_code == 200 and answer.json()["state"] == VideoState.QUEUED
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

    with converted_inline(execute=True) as queued:
        answer = clips.upload(client, story, source)
    assert answer.json()["state"] == VideoState.TOO_LONG
    assert queued == []  # nothing converted before the scientist chose
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

    with converted_inline(execute=True) as queued:
        answer = clips.upload(client, story, make(tmp_path))

    assert answer.status_code == 200
    assert answer.json()["state"] == VideoState.REFUSED and answer.json()["problem"] == message
    assert queued == []
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

    assert rest.json()["state"] == VideoState.QUEUED
    video, _info, _path = _rendition(story)
    assert Path(video.original.path).read_bytes() == content


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


def test_the_team_picks_a_reels_cover_frame_or_photo_and_the_feed_choice(
    client: Any, people: dict[str, Any], tmp_path: Path
) -> None:
    from graph_emulator.testing import png

    story = clips.ready_video_story(Status.IN_REVIEW, clips.android_portrait_mp4(tmp_path),
                                    author=people["contributor"].contributor, format=Format.REEL)  # fmt: skip
    client.force_login(people["outreach"])
    url = f"/stories/{story.pk}/video/settings/"

    client.post(url, {"cover": "frame", "cover_seconds": "2.5", "consent": "on"})
    video = StoryVideo.objects.get(story=story)
    assert (video.cover, video.cover_offset_ms, video.share_to_feed) == ("frame", 2500, False)
    assert video.consent_confirmed_by == people["contributor"]  # kept from the author's confirmation

    too_late = client.post(url, {"cover": "frame", "cover_seconds": "9", "share_to_feed": "on"}, follow=True)
    assert "Pick a moment between 0 and 4.0 seconds." in too_late.content.decode()

    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile("cover.png", png(600, 900), content_type="image/png")
    client.post(url, {"cover": "photo", "cover_seconds": "0", "cover_photo": photo, "share_to_feed": "on"})
    video.refresh_from_db()
    assert (video.cover, video.share_to_feed) == ("photo", True)
    assert video.consent_confirmed_at is None  # the box was left unticked this time
    page = client.get(f"/stories/{story.pk}/").content.decode()
    assert "Nobody has confirmed the consent of the people in the video yet." in page
    with default_storage.open(video.cover_photo.name) as handle:
        assert handle.read(3) == b"\xff\xd8\xff"  # a JPEG, as Meta takes covers


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


@pytest.mark.parametrize("state", ["too_long", "converting", "ready", "refused"])
def test_a_reel_page_and_form_with_its_video_read_well_in_english_and_german(
    state: str, people: dict[str, Any], tmp_path: Path
) -> None:
    from cmsatdesy_cms.tests.test_accessibility import check_both, client_for

    story = clips.ready_video_story(Status.CHANGES_REQUESTED, clips.android_portrait_mp4(tmp_path),
                                    author=people["contributor"].contributor, format=Format.REEL)  # fmt: skip
    StoryVideo.objects.filter(story=story).update(state=state, problem="", progress=40)
    for role in ("contributor", "outreach"):
        english, german = client_for(people, role, "en"), client_for(people, role, "de")
        check_both(f"/stories/{story.pk}/", english, german)
        check_both(f"/stories/{story.pk}/edit/", english, german)


def test_a_conversion_whose_message_was_lost_or_whose_worker_died_is_queued_again_by_the_sweep(
    client: Any, people: dict[str, Any], tmp_path: Path, converted_inline: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from stories.services.videos import requeue_waiting_videos

    source = clips.android_portrait_mp4(tmp_path)
    lost, died = _draft(people, Format.REEL), _draft(people, Format.REEL)
    client.force_login(people["contributor"])
    with converted_inline(execute=False):  # the messages never reach a worker
        clips.upload(client, lost, source)
        clips.upload(client, died, source)
    long_ago = timezone.now() - timedelta(minutes=20)
    StoryVideo.objects.filter(story=lost).update(queued_at=long_ago)
    StoryVideo.objects.filter(story=died).update(
        state=VideoState.CONVERTING, progress=30, updated_at=long_ago
    )
    fresh = _draft(people, Format.REEL)
    with converted_inline(execute=False):
        clips.upload(client, fresh, source)

    with converted_inline(execute=True):
        assert requeue_waiting_videos() == 2

    assert StoryVideo.objects.get(story=lost).state == VideoState.READY
    assert StoryVideo.objects.get(story=died).state == VideoState.READY
    assert StoryVideo.objects.get(story=fresh).state == VideoState.QUEUED  # its message may still come


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
    assert video.problem == "Converting this video took longer than allowed. Upload a shorter clip."


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
    answer = client.post(f"/stories/{story.pk}/video/settings/", {"cover": "photo", "cover_photo": not_a_photo},
                         follow=True)  # fmt: skip
    assert answer.status_code == 200 and "Cover photo:" in answer.content.decode()
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
