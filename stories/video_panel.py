"""The story page's video panel: where the conversion stands, the choice a story that is too
long needs, the reel's cover and feed setting."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .models import Format
from .panels import Panel
from .permissions import can_edit
from .services.videos import video_of
from .video_forms import VideoSettingsForm
from .videos import CoverChoice


def video_panel(request: Any, story: Any) -> Panel | None:
    video = video_of(story)
    if video is None and story.format != Format.REEL:
        return None
    form = None
    may_edit = can_edit(request.user, story)
    if video is not None and video.is_ready and may_edit:
        # A settings form that failed comes back bound, with what was entered and its errors.
        form = getattr(request, "video_settings_form", None) or VideoSettingsForm(
            initial={
                "consent": video.consent_confirmed_at is not None,
                "cover": video.cover or CoverChoice.FRAME,
                "cover_seconds": round(video.cover_offset_ms / 1000, 2),
                "share_to_feed": video.share_to_feed,
            }
        )
    html = render_to_string(
        "stories/_video_panel.html",
        {"story": story, "video": video, "may_edit": may_edit, "settings_form": form},
        request=request,
    )
    return Panel(title=_("The video"), html=html, order=10)
