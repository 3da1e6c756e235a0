"""Short clips made with ffmpeg for the video tests: tiny pictures and few frames, so they are
quick to make and to convert, but real files as phones write them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from stories.models import Story, StoryVideo
from stories.tests.factories import STEP_TEXTS, _path_to, complete_story
from stories.videos import CoverState, VideoState

# A place in Hamburg (DESY), written the way iPhones store it.
GPS = "+53.5753+009.8780/"


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-y", *args], check=True, timeout=60)  # noqa: S607


def _sources(seconds: float, size: str, rate: int, *, audio: bool = True) -> list[str]:
    sources = ["-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        sources += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
    return sources


def iphone_hevc_mov(folder: Path, seconds: float = 4) -> Path:
    """HEVC in a QuickTime file, filmed "sideways" (rotation tag 90) with the place it was filmed."""
    raw, clip = folder / "raw.mov", folder / "IMG_0001.MOV"
    _ffmpeg(*_sources(seconds, "320x180", 10), "-c:v", "libx265", "-preset", "ultrafast",
            "-x265-params", "log-level=none", "-tag:v", "hvc1", "-c:a", "aac", "-shortest", str(raw))  # fmt: skip
    # The rotation tag is written only when the stream is copied (ffmpeg 5.1, see TRAPS.md).
    _ffmpeg("-i", str(raw), "-c", "copy", "-metadata:s:v", "rotate=90", "-metadata", f"location={GPS}",
            "-metadata", f"com.apple.quicktime.location.ISO6709={GPS}", str(clip))  # fmt: skip
    return clip


def android_portrait_mp4(folder: Path, seconds: float = 4, *, rate: int = 10, size: str = "144x256") -> Path:
    clip = folder / "VID_20260301.mp4"
    _ffmpeg(*_sources(seconds, size, rate), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-shortest", "-metadata", f"location={GPS}", str(clip))  # fmt: skip
    return clip


def long_clip(folder: Path, seconds: float = 70) -> Path:
    clip = folder / "cavern-walk.mp4"
    _ffmpeg(*_sources(seconds, "96x160", 4), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "32k", "-shortest", str(clip))  # fmt: skip
    return clip


def audio_only(folder: Path) -> Path:
    clip = folder / "interview.mp4"
    _ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:duration=5", "-c:a", "aac", str(clip))
    return clip


def two_second_clip(folder: Path) -> Path:
    return android_portrait_mp4(folder, seconds=2)


def broken_clip(folder: Path) -> Path:
    """The first part of a real video whose index comes last, as an interrupted copy leaves it."""
    whole = folder / "whole.mp4"
    _ffmpeg(*_sources(4, "144x256", 10), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest",
            str(whole))  # fmt: skip
    broken = folder / "broken.mp4"
    broken.write_bytes(whole.read_bytes()[:4000])
    return broken


def renamed_photo(folder: Path) -> Path:
    from graph_emulator.testing import jpeg

    clip = folder / "holiday.mp4"
    clip.write_bytes(jpeg(640, 480))
    return clip


def ffprobe(path: Path | str) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],  # noqa: S607
        capture_output=True,
        check=True,
    )
    return dict(json.loads(result.stdout))


def moov_before_mdat(path: Path | str) -> bool:
    from graph_emulator.media_checks import moov_before_mdat as check

    return check(Path(path).read_bytes())


def upload(client: Any, story: Story, path: Path, *, piece: int = 64 * 1024, name: str | None = None) -> Any:
    """Send a file the way the form's script does: in pieces, each where the last one ended."""
    content = path.read_bytes()
    url = f"/stories/{story.pk}/video/upload/"
    offset, response = 0, None
    while offset < len(content) or offset == 0:
        chunk = content[offset : offset + piece]
        response = client.post(
            f"{url}?offset={offset}&total={len(content)}&name={name or path.name}",
            data=chunk,
            content_type="application/octet-stream",
        )
        if response.status_code != 200:
            return response
        offset = response.json()["received"]
        if not chunk:
            break
    return response


def ready_video_story(status: str, clip: Path, **kwargs: Any) -> Story:
    """A reel or video story with a converted video, brought to `status` through the services."""
    story = complete_story(images=0, **kwargs)
    name = default_storage.save("videos/ready.mp4", ContentFile(clip.read_bytes()))
    StoryVideo.objects.create(
        story=story,
        state=VideoState.READY,
        original_name=clip.name,
        upload_size=clip.stat().st_size,
        received_bytes=clip.stat().st_size,
        rendition=name,
        probe={"duration": 4.0},
        rendition_probe={"duration": 4.0, "width": 144, "height": 256},
        progress=100,
        cover_offset_ms=1500,
        cover_state=CoverState.MAKING,
        consent_confirmed_by=story.author.user,
        consent_confirmed_at=timezone.now(),
    )
    from stories.services.videos import video_make_cover

    video_make_cover(video_id=story.video.pk)  # as the worker does once the conversion is done
    return walk_to(story, status)


def walk_to(story: Story, status: str) -> Story:
    """Take the story from a draft to `status` along the workflow table, as people would."""
    from contributors.tests.factories import outreach_user, science_user

    reviewer = outreach_user()
    for action in _path_to(status):
        user = next((c for c in (story.author.user, reviewer) if action.who.allows(c, story)), None)
        action.take(story=story, user=user or science_user(), text=STEP_TEXTS.get(action.name, "Later."))
    return story
