"""Phone videos: what ffprobe says about a file, what Meta accepts, and the ffmpeg rendition.

Everything is decided from the content (ffprobe), never from the file's name. What cannot be fixed
is refused with a sentence for the person who uploaded it; what can be fixed (codec, container,
frame rate, size, rotation, metadata, a story that is too long once the scientist agrees) is
fixed by `transcode`, which runs in the worker on the video queue.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_noop

from . import reasons

# Meta's limits (GRAPH_API.md): reels 3 s–15 min, ≤ 300 MB; stories ≤ 60 s, ≤ 100 MB;
# H.264/HEVC + AAC in MP4/MOV with the moov atom first, 23–60 fps, ≤ 1920 px.
MIN_SECONDS = 3.0
REEL_MAX_SECONDS = 15 * 60.0
STORY_MAX_SECONDS = 60.0
REEL_MAX_BYTES = 300 * 1024 * 1024
STORY_MAX_BYTES = 100 * 1024 * 1024
MIN_FPS, MAX_FPS, TARGET_FPS = 23.0, 60.0, 30
MAX_LONG_SIDE, MAX_SHORT_SIDE = 1920, 1080
MIN_SIDE = 64

# Containers ffmpeg reads that phones and cameras write. Image "containers" (image2, *_pipe)
# mean a photo with a video's name.
VIDEO_CONTAINERS = {"mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi", "mpegts", "mpeg"}
IMAGE_CODECS = {"mjpeg", "png", "webp", "gif", "bmp", "tiff", "hevc_image", "jpegxl", "av1_image"}


def ffmpeg_available() -> bool:
    """Both tools are on the PATH (Debian's `ffmpeg` package brings them)."""
    return bool(shutil.which(settings.FFMPEG_BINARY) and shutil.which(settings.FFPROBE_BINARY))


class VideoRefused(Exception):
    """A file that cannot become a post; ``message`` says why, for the person who uploaded it, and
    ``reason`` is what the worker stores (shown later in the reader's language)."""

    def __init__(self, message_id: str, **params: Any) -> None:
        self.reason = reasons.reason(message_id, **params)
        self.message = reasons.text(self.reason)
        super().__init__(self.message)


@dataclass(frozen=True)
class Probe:
    container: str
    duration: float
    width: int
    height: int
    fps: float
    video_codec: str
    audio_codec: str
    rotation: int
    size: int

    @property
    def upright_size(self) -> tuple[int, int]:
        """Width and height as the clip is watched (a phone's rotation tag applied)."""
        if self.rotation % 180:
            return self.height, self.width
        return self.width, self.height

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Probe:
        return cls(**{name: values[name] for name in cls.__dataclass_fields__})


def _rate(value: str) -> float:
    try:
        top, _slash, bottom = value.partition("/")
        return float(top) / float(bottom or 1)
    except (ValueError, ZeroDivisionError):
        return 0.0


def _rotation(stream: dict[str, Any]) -> int:
    for side in stream.get("side_data_list") or []:
        if "rotation" in side:
            return int(round(float(side["rotation"]))) % 360
    try:
        return int(stream.get("tags", {}).get("rotate", 0)) % 360
    except ValueError:
        return 0


def run_ffprobe(path: Path) -> dict[str, Any]:
    result = subprocess.run(  # noqa: S603 - fixed arguments, the path is ours
        [settings.FFPROBE_BINARY, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        capture_output=True,
        timeout=settings.VIDEO_PROBE_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        return {}
    try:
        return dict(json.loads(result.stdout or b"{}"))
    except ValueError:
        return {}


def probe(path: Path) -> Probe:
    """What the file holds, or VideoRefused when it is not a video that can be made into one."""
    try:
        info = run_ffprobe(path)
    except subprocess.TimeoutExpired:
        info = {}
    fmt = info.get("format") or {}
    streams = info.get("streams") or []
    if not fmt or not streams:
        raise VideoRefused(
            gettext_noop("This file is not a video that can be read: it may be damaged or incomplete.")
        )
    videos = [
        s
        for s in streams
        if s.get("codec_type") == "video" and not s.get("disposition", {}).get("attached_pic")
    ]
    audios = [s for s in streams if s.get("codec_type") == "audio"]
    container = str(fmt.get("format_name", ""))
    if (
        container.startswith("image2")
        or container.endswith("_pipe")
        or (videos and videos[0].get("codec_name") in IMAGE_CODECS and container not in VIDEO_CONTAINERS)
    ):
        raise VideoRefused(gettext_noop("This file is a photo, not a video. Add photos under “Photos”."))
    if not videos:
        if audios:
            raise VideoRefused(gettext_noop("This file has sound but no picture. Upload a video."))
        raise VideoRefused(
            gettext_noop("This file is not a video that can be read: it may be damaged or incomplete.")
        )
    if container not in VIDEO_CONTAINERS:
        raise VideoRefused(
            gettext_noop(
                "This kind of file (%(container)s) cannot be used. Upload an MP4 or MOV video, as phones make them."
            ),
            container=container.split(",")[0],
        )
    video = videos[0]
    try:
        duration = float(fmt.get("duration") or video.get("duration") or 0)
    except ValueError:
        duration = 0.0
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if duration <= 0 or width <= 0 or height <= 0:
        raise VideoRefused(
            gettext_noop("This file is not a video that can be read: it may be damaged or incomplete.")
        )
    return Probe(
        container=container,
        duration=round(duration, 3),
        width=width,
        height=height,
        fps=round(_rate(str(video.get("avg_frame_rate") or video.get("r_frame_rate") or "0/1")), 3),
        video_codec=str(video.get("codec_name", "")),
        audio_codec=str(audios[0].get("codec_name", "")) if audios else "",
        rotation=_rotation(video),
        size=int(fmt.get("size") or 0),
    )


def seconds(value: float) -> str:
    """A duration as people read it: 42 s, 2 min 5 s."""
    return reasons.text(seconds_reason(value))


def seconds_reason(value: float) -> dict[str, Any]:
    """A duration as a stored reason's parameter, said in the reader's language."""
    whole = int(round(value))
    if whole < 60:
        return reasons.reason(gettext_noop("%(s)d s"), s=whole)
    return reasons.reason(gettext_noop("%(m)d min %(s)d s"), m=whole // 60, s=whole % 60)


def check(found: Probe, *, is_story: bool) -> bool:
    """Refuse what cannot be fixed; True when a story is too long (it may keep its first 60 s)."""
    if found.duration < MIN_SECONDS:
        raise VideoRefused(
            gettext_noop("This video is %(length)s long; Instagram needs at least 3 seconds."),
            length=seconds_reason(found.duration),
        )
    if min(found.width, found.height) < MIN_SIDE:
        raise VideoRefused(
            gettext_noop(
                "This video is only %(width)d × %(height)d pixels; it is too small to show on Instagram."
            ),
            width=found.width,
            height=found.height,
        )
    if found.fps and found.fps < 1:
        raise VideoRefused(gettext_noop("This file holds a still picture, not a moving video."))
    if not is_story and found.duration > REEL_MAX_SECONDS:
        raise VideoRefused(
            gettext_noop(
                "This video is %(length)s long; a reel may be at most 15 minutes. Shorten it and upload it again."
            ),
            length=seconds_reason(found.duration),
        )
    return is_story and found.duration > STORY_MAX_SECONDS + 0.05


def time_limit_for(duration: float) -> tuple[float, int]:
    """How long one conversion may run (ffmpeg is stopped then), and the task's hard limit after
    it: longer clips get longer."""
    soft = settings.VIDEO_TRANSCODE_BASE_SECONDS + settings.VIDEO_TRANSCODE_SECONDS_PER_SECOND * duration
    return soft, int(soft) + 90


def _scale_filter(found: Probe) -> str:
    width, height = found.upright_size
    long_cap, short_cap = MAX_LONG_SIDE, MAX_SHORT_SIDE
    cap_w, cap_h = (short_cap, long_cap) if height >= width else (long_cap, short_cap)
    return (
        f"scale=w='min({cap_w},iw)':h='min({cap_h},ih)':force_original_aspect_ratio=decrease"
        ":force_divisible_by=2"
    )


def transcode_command(
    source: Path, target: Path, found: Probe, *, keep_seconds: float | None, max_bytes: int
) -> list[str]:
    length = min(found.duration, keep_seconds or found.duration)
    # Keep under Meta's size cap: the average bitrate the cap allows, with room for the container.
    total_kbit = int(max_bytes * 8 * 0.9 / 1000 / max(length, 1.0))
    video_kbit = max(300, min(8000, total_kbit - 160))
    fps = found.fps if MIN_FPS <= found.fps <= MAX_FPS else TARGET_FPS
    command = [
        settings.FFMPEG_BINARY,
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-i",
        str(source),
    ]
    if keep_seconds:
        command += ["-t", f"{keep_seconds:.3f}"]
    command += [
        # Only the first picture and sound; no metadata (GPS, device, names), no chapters.
        "-map", "0:v:0", "-map", "0:a:0?",
        "-map_metadata", "-1", "-map_metadata:s:v", "-1", "-map_metadata:s:a", "-1", "-map_chapters", "-1",
        # The decoder turns rotated phone video upright (autorotate); the output has no rotation tag.
        "-vf", f"{_scale_filter(found)},fps={fps:g},format=yuv420p",
        "-c:v", "libx264", "-preset", settings.VIDEO_X264_PRESET, "-profile:v", "high", "-crf", "23",
        "-maxrate", f"{video_kbit}k", "-bufsize", f"{video_kbit * 2}k",
        "-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-ac", "2",
        "-movflags", "+faststart",
        "-progress", "pipe:1", "-nostats",
        str(target),
    ]  # fmt: skip
    return command


def transcode(
    source: Path,
    target: Path,
    found: Probe,
    *,
    keep_seconds: float | None,
    max_bytes: int,
    on_progress: Callable[[float], None],
    time_limit: float | None = None,
) -> None:
    """H.264/AAC MP4, moov first, upright, no location; raises VideoRefused when ffmpeg fails or
    runs past `time_limit` seconds (enforced here: a solo-pool worker enforces no task limits)."""
    length = min(found.duration, keep_seconds or found.duration)
    command = transcode_command(source, target, found, keep_seconds=keep_seconds, max_bytes=max_bytes)
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors)  # noqa: S603
        watchdog = threading.Timer(time_limit, process.kill) if time_limit else None
        if watchdog is not None:
            watchdog.daemon = True
            watchdog.start()
        try:
            assert process.stdout is not None
            for raw in process.stdout:
                key, _eq, value = raw.decode("ascii", "replace").strip().partition("=")
                if key == "out_time_us" and value.isdigit():
                    on_progress(min(0.99, int(value) / 1e6 / max(length, 0.001)))
            returncode = process.wait()
        finally:
            if watchdog is not None:
                watchdog.cancel()
            if process.poll() is None:  # interrupted: ffmpeg must not outlive the conversion
                process.kill()
                process.wait()
        errors.seek(0)
        stderr = errors.read()[-2000:].decode("utf-8", "replace").strip()
    if time_limit and returncode == -9:
        raise VideoRefused(
            gettext_noop("Converting this video took longer than allowed. Upload a shorter clip.")
        )
    if returncode != 0 or not target.exists():
        raise VideoRefused(
            gettext_noop("The video could not be converted for Instagram (%(detail)s)."),
            detail=stderr[-300:] or str(returncode),
        )
    if target.stat().st_size > max_bytes:
        raise VideoRefused(
            gettext_noop("The converted video is larger than Instagram takes. Upload a shorter clip.")
        )


def frame_jpeg(source: str, at_seconds: float, *, width: int = 540, timeout: float = 20) -> bytes:
    """One frame of a video as a JPEG `width` pixels wide (the reel's cover when no photo is
    chosen); empty when ffmpeg cannot make one (no picture there, a damaged file, too slow)."""
    command = [
        settings.FFMPEG_BINARY, "-hide_banner", "-nostdin", "-loglevel", "error",
        "-ss", f"{max(at_seconds, 0.0):.3f}", "-i", source,
        "-frames:v", "1", "-vf", f"scale={width}:-2", "-f", "image2", "-c:v", "mjpeg", "-q:v", "4", "pipe:1",
    ]  # fmt: skip
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return b""
    return result.stdout if result.returncode == 0 else b""
