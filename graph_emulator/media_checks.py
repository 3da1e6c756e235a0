"""What Meta checks when a container is created: the caption, and the media it downloads.

Meta fetches ``image_url`` / ``video_url`` itself, so the emulator does too, over real HTTP.
"""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from PIL import Image, UnidentifiedImageError

from graph_emulator.errors import GraphError, invalid_parameter, publishing_error

MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_REEL_BYTES = 300 * 1024 * 1024
MAX_STORY_VIDEO_BYTES = 100 * 1024 * 1024
MIN_ASPECT, MAX_ASPECT = 0.8, 1.91
MIN_WIDTH, MAX_WIDTH = 320, 1440
MAX_CAPTION = 2200
MAX_HASHTAGS = 30
MAX_MENTIONS = 20
MAX_ALT_TEXT = 1000

HASHTAG = re.compile(r"(?<![\w&])#\w+")
MENTION = re.compile(r"(?<![\w@])@[\w.]+")


def check_caption(caption: str) -> None:
    # len() counts code points, which is what Meta counts too.
    if len(caption) > MAX_CAPTION:
        raise publishing_error(2207010)
    if len(HASHTAG.findall(caption)) > MAX_HASHTAGS:
        raise publishing_error(2207040, limit=MAX_HASHTAGS, what="hashtags")
    if len(MENTION.findall(caption)) > MAX_MENTIONS:
        raise publishing_error(2207040, limit=MAX_MENTIONS, what="tags")


def check_alt_text(alt_text: str) -> None:
    if len(alt_text) > MAX_ALT_TEXT:
        raise invalid_parameter(f"alt_text must be at most {MAX_ALT_TEXT} characters")


@dataclass
class Download:
    content: bytes
    content_type: str


def download(url: str, *, limit: int, timeout: float) -> Download:
    """Fetch at most ``limit + 1`` bytes; refuse what Meta could not fetch."""
    if not url.startswith(("http://", "https://")):
        raise publishing_error(2207052, uri=url)
    # Only http(s) gets this far (checked above), so urlopen cannot read local files.
    request = urllib.request.Request(url, headers={"User-Agent": "facebookexternalhit/1.1"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            content = response.read(limit + 1)
            content_type = response.headers.get("Content-Type", "")
    except TimeoutError as exc:
        raise publishing_error(2207003) from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        if isinstance(getattr(exc, "reason", None), TimeoutError):
            raise publishing_error(2207003) from exc
        raise publishing_error(2207052, uri=url) from exc
    return Download(content, content_type)


def fetch_image(url: str, *, timeout: float, check_aspect: bool = True) -> dict[str, Any]:
    """Download and inspect an image; return what Meta would store about it.

    Widths outside 320-1440 px are not refused: like Meta, the emulator rescales them
    (keeping the aspect ratio) and reports the stored size.
    """
    fetched = download(url, limit=MAX_IMAGE_BYTES, timeout=timeout)
    if len(fetched.content) > MAX_IMAGE_BYTES:
        raise publishing_error(2207004)
    try:
        with Image.open(io.BytesIO(fetched.content)) as image:
            image_format = image.format
            width, height = image.size
    except (UnidentifiedImageError, OSError) as exc:
        raise publishing_error(2207005) from exc
    if image_format != "JPEG":
        raise publishing_error(2207005)
    ratio = width / height
    if check_aspect and not (MIN_ASPECT - 1e-3 <= ratio <= MAX_ASPECT + 1e-3):
        raise publishing_error(2207009, ratio=f"{ratio:.2f}")
    stored_width = min(max(width, MIN_WIDTH), MAX_WIDTH)
    return {
        "url": url,
        "format": image_format,
        "bytes": len(fetched.content),
        "width": width,
        "height": height,
        "stored_width": stored_width,
        "stored_height": round(height * stored_width / width),
    }


def fetch_video(url: str, *, limit: int, timeout: float) -> int | None:
    """Download a video; return the error subcode its container will end in, if any.

    Video is not decoded: an MP4/MOV ``ftyp`` box first and ``moov`` before ``mdat`` is all that
    is looked for.
    """
    try:
        fetched = download(url, limit=limit, timeout=timeout)
    except GraphError as error:
        return error.subcode
    if len(fetched.content) > limit:
        return 2207026
    if fetched.content[4:8] != b"ftyp":
        return 2207026
    if not moov_before_mdat(fetched.content):
        return 2207026  # Meta needs the moov atom first ("fast start")
    return None


def moov_before_mdat(content: bytes) -> bool:
    """Walk the top-level MP4 boxes: the index (moov) must come before the media data (mdat)."""
    offset = 0
    while offset + 8 <= len(content):
        size = int.from_bytes(content[offset : offset + 4], "big")
        kind = content[offset + 4 : offset + 8]
        if kind == b"moov":
            return True
        if kind == b"mdat":
            return False
        if size == 1 and offset + 16 <= len(content):
            size = int.from_bytes(content[offset + 8 : offset + 16], "big")
        if size < 8:
            return False
        offset += size
    return False
