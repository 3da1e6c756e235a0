"""Small template filters of the story pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def who(user: Any) -> str:
    """A person's name as the group knows it; the account may be gone (SET_NULL)."""
    if user is None:
        return _("a former member")
    # An account without a profile raises RelatedObjectDoesNotExist, an AttributeError.
    contributor = getattr(user, "contributor", None)
    if contributor is not None and contributor.name:
        return str(contributor.name)
    return str(user.get_full_name() or user.get_username())
