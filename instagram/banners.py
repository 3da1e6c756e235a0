"""Banners every team page shows about the Instagram connection (see the context processor)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from contributors.roles import roles_of

from .models import InstagramAccount

_CACHE_ATTRIBUTE = "_instagram_token_expiry"


def _token_expiry(user: Any) -> tuple[bool, Any]:
    """(read, expires_at) of the active account's token: one query, remembered on the user
    object, which lives as long as the request."""
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        expires_at = (
            InstagramAccount.objects.active()
            .exclude(token_expires_at=None)
            .values_list("token_expires_at", flat=True)
            .first()
        )
        cached = (True, expires_at)
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def token_banners(user: Any) -> list[dict[str, str]]:
    """From INSTAGRAM_TOKEN_WARNING_DAYS before the token expires, the team sees how long is left."""
    if not roles_of(user).team:
        return []
    _read, expires_at = _token_expiry(user)
    if expires_at is None:
        return []
    remaining = expires_at - timezone.now()
    if remaining.total_seconds() > settings.INSTAGRAM_TOKEN_WARNING_DAYS * 86400:
        return []
    if remaining.total_seconds() <= 0:
        return [
            {
                "level": "danger",
                "text": _(
                    "The connection to Instagram has expired: nothing can be published. "
                    "An admin must connect Instagram again."
                ),
            }
        ]
    days = int(remaining.total_seconds() // 86400)
    text = ngettext(
        "The connection to Instagram expires in %(days)d day. An admin must renew it before then.",
        "The connection to Instagram expires in %(days)d days. An admin must renew it before then.",
        days,
    ) % {"days": days}
    return [{"level": "danger" if days <= 3 else "warning", "text": text}]
