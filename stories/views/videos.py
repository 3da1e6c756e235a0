"""A story's video: the upload in pieces, its status for the page to poll, the choices about it.

The upload is a series of POSTs with raw bytes (`offset`, `total`, `name` in the query string),
each appended where the last one ended; a connection that drops carries on from `received`,
which the status answer gives. Answers are JSON for the page's script.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import services
from ..services import videos as video_services
from ..video_forms import VideoSettingsForm
from ..videos import CoverChoice, StoryVideo
from .common import errors_to_form, visible_story
from .story_page import render_story


def video_status_data(video: StoryVideo | None) -> dict[str, Any]:
    if video is None:
        return {"state": "none"}
    return {
        "state": video.state,
        "label": video.get_state_display(),
        "name": video.original_name,
        "total": video.upload_size,
        "received": video.received_bytes,
        "progress": video.progress,
        "problem": video.problem_shown,
        "cover_state": video.cover_state,
        "cover_label": video.get_cover_state_display() if video.cover_state else "",
        "cover_problem": video.cover_problem_shown,
    }


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return -1


@login_required
@require_POST
def video_upload(request: HttpRequest, pk: int) -> JsonResponse:
    """One piece of the upload; the answer says how much has arrived and what happens next."""
    story = visible_story(request, pk)
    params = request.GET if "offset" in request.GET else request.POST
    if request.content_type == "application/octet-stream":
        data = request.body
    else:
        piece = request.FILES.get("piece")
        data = piece.read() if piece is not None else b""
    if len(data) > settings.VIDEO_CHUNK_BYTES:
        return JsonResponse({"error": _("A piece of the upload was larger than allowed.")}, status=400)
    try:
        video = video_services.video_upload_piece(
            story=story,
            user=request.user,
            offset=_int(params.get("offset")),
            total=_int(params.get("total")),
            name=str(params.get("name", ""))[:255],
            data=data,
        )
    except video_services.UploadOutOfStep as exc:
        return JsonResponse({"error": str(exc), "received": exc.received}, status=409)
    except services.NotAllowed as exc:
        return JsonResponse({"error": str(exc)}, status=403)
    except services.StoryError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse(video_status_data(video))


@login_required
@require_GET
def video_status(request: HttpRequest, pk: int) -> JsonResponse:
    story = visible_story(request, pk)
    response = JsonResponse(video_status_data(video_services.video_of(story)))
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def video_rendition(request: HttpRequest, pk: int) -> FileResponse:
    """The converted MP4, for the review's preview (published videos are public anyway)."""
    story = visible_story(request, pk)
    video = video_services.video_of(story)
    if video is None or not video.rendition:
        raise Http404
    try:
        handle = video.rendition.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="video/mp4")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_GET
def video_cover(request: HttpRequest, pk: int) -> FileResponse:
    """The reel's cover as a JPEG: the cover photo when one is chosen, else the chosen frame. Both
    are made by the worker; until then there is nothing here."""
    story = visible_story(request, pk)
    video = video_services.video_of(story)
    if video is None:
        raise Http404
    stored = video.cover_file
    if stored is None:
        raise Http404
    try:
        response = FileResponse(stored.open("rb"), content_type="image/jpeg")
    except (OSError, ValueError):
        raise Http404 from None
    # The address stays the same when the cover is made again: ask each time.
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_POST
def video_keep_first_minute(request: HttpRequest, pk: int) -> HttpResponse:
    story = visible_story(request, pk)
    try:
        video_services.video_keep_first_minute(story=story, user=request.user)
    except services.StoryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The first 60 seconds are being converted."))
    return redirect(f"{story.get_absolute_url()}#video")


@login_required
@require_POST
def video_settings(request: HttpRequest, pk: int) -> HttpResponse:
    story = visible_story(request, pk)
    form = VideoSettingsForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            video_services.video_update_settings(
                story=story,
                user=request.user,
                cover=data["cover"] or CoverChoice.FRAME,
                cover_seconds=float(data["cover_seconds"] or 0),
                cover_photo=data["cover_photo"],
                share_to_feed=data["share_to_feed"],
                consent=data["consent"],
            )
        except services.InvalidInput as exc:
            errors_to_form(form, exc)
        except services.StoryError as exc:
            messages.error(request, str(exc))
            return redirect(f"{story.get_absolute_url()}#video")
        else:
            messages.success(request, _("The video's settings are saved."))
            return redirect(f"{story.get_absolute_url()}#video")
    # The page again, with what was entered and the problem beside its field (the video panel
    # takes the bound form from the request).
    request.video_settings_form = form  # type: ignore[attr-defined]
    return render_story(request, story, status=400)


@login_required
@require_POST
def video_remove(request: HttpRequest, pk: int) -> HttpResponse:
    story = visible_story(request, pk)
    try:
        video_services.video_remove(story=story, user=request.user)
    except services.StoryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The video is removed."))
    return redirect(f"{story.get_absolute_url()}#video")
