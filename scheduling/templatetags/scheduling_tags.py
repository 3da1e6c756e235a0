"""Template filters of the scheduling pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def in_reader_language(reason: str) -> str:
    """A stored reason in the reader's language. Workers store Instagram's "what to fix" sentences
    in English (the catalogue's message ids); a sentence no catalogue knows is shown as stored."""
    return gettext(reason) if reason else reason
