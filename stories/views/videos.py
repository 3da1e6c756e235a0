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
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import services
from ..services import videos as video_services
from ..video import frame_jpeg
from ..video_forms import VideoSettingsForm
from ..videos import CoverChoice, StoryVideo
from .common import visible_story


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
        "problem": video.problem,
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
def video_cover(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    """The reel's cover as a JPEG: the cover photo when one is chosen, else the chosen frame."""
    story = visible_story(request, pk)
    video = video_services.video_of(story)
    if video is None:
        raise Http404
    response: HttpResponse | FileResponse
    if video.cover == CoverChoice.PHOTO and video.cover_photo:
        try:
            response = FileResponse(video.cover_photo.open("rb"), content_type="image/jpeg")
        except (OSError, ValueError):
            raise Http404 from None
    else:
        if not video.rendition:
            raise Http404
        key = f"video-cover:{video.pk}:{video.rendition.name}:{video.cover_offset_ms}"
        data = cache.get(key)
        if data is None:
            try:
                source = video.rendition.path
            except NotImplementedError:  # storage without local files: ffmpeg reads the address
                source = video.rendition.url
            # A frame past the end (a shortened clip) falls back to the first.
            data = frame_jpeg(source, video.cover_offset_ms / 1000) or frame_jpeg(source, 0)
            if not data:
                raise Http404
            cache.set(key, data, 24 * 3600)
        response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
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
    if not form.is_valid():
        for field, field_errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for problem in field_errors:
                messages.error(request, f"{label}: {problem}" if label else str(problem))
        return redirect(f"{story.get_absolute_url()}#video")
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
        for problems in exc.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
        if not exc.errors:
            messages.error(request, str(exc))
    except services.StoryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The video's settings are saved."))
    return redirect(f"{story.get_absolute_url()}#video")


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
