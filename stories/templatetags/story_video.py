"""The video parts of the story pages, each its own template: the upload field of the story form,
the notice that video is switched off, and the preview in the Instagram frame."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.utils.formats import number_format

from ..services.videos import VIDEO_FORMATS, max_video_bytes, video_of
from ..video import ffmpeg_available

register = template.Library()


@register.inclusion_tag("stories/_video_field.html", takes_context=True)
def video_field(context: Any, story: Any = None) -> dict[str, Any]:
    return {
        "story": story or None,
        "video": video_of(story) if story else None,
        "available": ffmpeg_available(),
        "max_mb": number_format(settings.STORY_VIDEO_MAX_UPLOAD_MB, force_grouping=True),
        "max_bytes": max_video_bytes(),
        "chunk_bytes": settings.VIDEO_CHUNK_BYTES,
        "formats": " ".join(VIDEO_FORMATS),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("stories/_video_tools_notice.html")
def video_tools_notice() -> dict[str, Any]:
    return {"available": ffmpeg_available()}
