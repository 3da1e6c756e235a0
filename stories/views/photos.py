"""Photos: the original, the rendition, the preview for the crop tool, the crop; consent."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from PIL import Image

from .. import services
from ..forms import (
    CarouselRatioForm,
    CropForm,
)
from ..images import ImageRejected, max_pixels, within_decode_budget
from ..models import (
    PersonShown,
    Story,
    StoryImage,
)
from ..permissions import can_crop
from .common import visible_story

# Photos


def _story_image(request: HttpRequest, pk: int, image_id: int) -> tuple[Story, StoryImage]:
    story = visible_story(request, pk)
    image = get_object_or_404(StoryImage.objects.select_related("story"), pk=image_id, story=story)
    return story, image


_CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".heic": "image/heic"}


@login_required
@require_GET
def image_original(request: HttpRequest, pk: int, image_id: int) -> FileResponse:
    """The uploaded file as it came, for people who may see the story; never cached publicly."""
    _story, image = _story_image(request, pk, image_id)
    try:
        handle = image.original.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    suffix = "." + image.original.name.rsplit(".", 1)[-1].lower() if "." in image.original.name else ""
    content_type = _CONTENT_TYPES.get(suffix) or mimetypes.guess_type(image.original.name)[0]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=image.original_name or f"photo-{image.pk}{suffix}",
        content_type=content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def image_rendition(request: HttpRequest, pk: int, image_id: int) -> FileResponse:
    """The Instagram JPEG, for the story page (published renditions are public anyway)."""
    _story, image = _story_image(request, pk, image_id)
    if not image.rendition:
        raise Http404
    try:
        handle = image.rendition.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    _cache_if_versioned(request, response, image.rendition_version)
    return response


# A year: the address changes with the content, so a kept copy is never stale.
_LONG = 365 * 24 * 3600


def _cache_if_versioned(request: HttpRequest, response: HttpResponseBase, version: str) -> None:
    """Kept long (privately: the file was served after a permission check) when the address names
    the current version; otherwise asked for afresh each time."""
    if version and request.GET.get("v") == version:
        response["Cache-Control"] = f"private, max-age={_LONG}, immutable"
    else:
        response["Cache-Control"] = "private, no-cache"


@login_required
@require_GET
def image_preview(request: HttpRequest, pk: int, image_id: int) -> FileResponse:
    """The whole upright photo, small enough for a browser, for the crop tool (HEIC included).
    Decoded from the original once; afterwards the stored JPEG is sent as it is."""
    _story, image = _story_image(request, pk, image_id)
    if image.original_width * image.original_height > max_pixels():
        raise Http404
    fmt = "HEIF" if image.original.name.endswith(".heic") else "JPEG"
    if not image.preview_is_current and not within_decode_budget(
        fmt, image.original_width, image.original_height
    ):
        # A big photo's preview is made by the worker with its rendition; until then there is none.
        raise Http404
    try:
        name = services.image_preview(image=image)
        if name is None:
            raise Http404
        handle = image.preview.storage.open(name, "rb")
    except (OSError, ValueError, ImageRejected, Image.DecompressionBombError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    _cache_if_versioned(request, response, Path(image.original.name).stem)
    return response


@login_required
@require_POST
def image_crop(request: HttpRequest, pk: int, image_id: int) -> HttpResponse:
    story, image = _story_image(request, pk, image_id)
    if not can_crop(request.user, story):
        raise PermissionDenied
    form = CropForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(reverse("stories:detail", args=[story.pk]) + f"#photo-{image.pk}")
    try:
        services.image_update(image=image, user=request.user, crop=form.box())
    except services.StoryError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The crop has been saved."))
    return redirect(reverse("stories:detail", args=[story.pk]) + f"#photo-{image.pk}")


@login_required
@require_POST
def carousel_ratio(request: HttpRequest, pk: int) -> HttpResponse:
    story = visible_story(request, pk)
    if not can_crop(request.user, story):
        raise PermissionDenied
    form = CarouselRatioForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose 4:5, 1:1 or 1.91:1."))
    else:
        try:
            services.story_set_carousel_ratio(
                story=story, user=request.user, ratio=form.cleaned_data["ratio"]
            )
        except services.StoryError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The ratio of the carousel has been saved."))
    return redirect(reverse("stories:detail", args=[story.pk]) + "#photos")


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int, person_id: int) -> HttpResponse:
    story = visible_story(request, pk)
    person = get_object_or_404(
        PersonShown.objects.select_related("image__story"), pk=person_id, image__story=story
    )
    try:
        services.consent_withdraw(person=person, user=request.user)
    except services.StoryError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The withdrawal of consent has been recorded."))
    return redirect("stories:detail", pk=story.pk)
