"""The addresses Meta downloads a post's photos and videos from: absolute, unguessable, short-lived.

Only the publishing step makes them, at container creation, and only for the renditions of the
post it is publishing. An address names the post and the rendition, signed with the site's secret
and the time it was made (`django.core.signing`); it works for `PUBLIC_MEDIA_URL_SECONDS` (an
hour) and only while the post is approved for Instagram. Originals are never served, and there is
no listing: nothing else under this path answers.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "scheduling.public-media"
# What Meta may fetch: photo renditions, converted videos and reel covers. Never originals.
SERVABLE_PREFIXES = ("renditions/", "videos/", "video-covers/")
VIDEO_SUFFIX = ".mp4"


def public_url(*, post_id: int, name: str) -> str:
    """The absolute address of one rendition of a post, valid from now for the configured time."""
    token = signing.dumps({"p": post_id, "n": name}, salt=SALT, compress=True)
    route = "scheduling:public_media_video" if name.endswith(VIDEO_SUFFIX) else "scheduling:public_media"
    return f"{settings.PUBLIC_BASE_URL}{reverse(route, args=[token])}"


def read_token(token: str) -> tuple[int, str] | None:
    """The post and rendition an address names, or None when it is forged, altered or too old."""
    try:
        value: Any = signing.loads(token, salt=SALT, max_age=settings.PUBLIC_MEDIA_URL_SECONDS)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    if (
        not isinstance(value, dict)
        or not isinstance(value.get("p"), int)
        or not isinstance(value.get("n"), str)
    ):
        return None
    name = value["n"]
    if not name.startswith(SERVABLE_PREFIXES) or ".." in name:
        return None
    return value["p"], name
