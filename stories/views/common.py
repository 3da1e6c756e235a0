"""What every story page needs: the story the user may see, form errors, caption counts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from .. import services
from ..captions import (
    CAPTION_MAX_CHARS,
    MAX_HASHTAGS,
    MAX_MENTIONS,
    count_chars,
    count_hashtags,
    count_mentions,
)
from ..models import (
    Story,
)


def visible_story(request: HttpRequest, pk: int) -> Story:
    return get_object_or_404(
        Story.objects.visible_to(request.user).select_related("author__user", "publication", "reviewer"),
        pk=pk,
    )


def errors_to_form(form: Any, exc: services.InvalidInput, renames: dict[str, str] | None = None) -> None:
    renames = renames or {}
    placed = False
    for name, problems in exc.errors.items():
        field = renames.get(name, name)
        for problem in problems:
            if field in form.fields:
                form.add_error(field, problem)
                placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def caption_counts(caption: str) -> dict[str, int]:
    return {
        "chars": count_chars(caption),
        "hashtags": count_hashtags(caption),
        "mentions": count_mentions(caption),
        "max_chars": CAPTION_MAX_CHARS,
        "max_hashtags": MAX_HASHTAGS,
        "max_mentions": MAX_MENTIONS,
    }
