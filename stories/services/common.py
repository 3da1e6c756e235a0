"""What every story service shares: the lock, the audit row, the after-commit queue, text checks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import InvalidInput, LimitReached
from ..models import COMMENT_MAX_CHARS, Story, StoryEvent


def now() -> Any:
    return timezone.now()


def locked(story: Story) -> Story:
    """The stored row, locked until the transaction ends (SQLite serialises writers anyway)."""
    return Story.objects.select_for_update().select_related("author").get(pk=story.pk)


def sync(story: Story, fresh: Story) -> Story:
    """Bring the caller's object up to date, so that views can go on using it."""
    fresh.refresh_from_db()
    for field in Story._meta.concrete_fields:
        setattr(story, field.attname, getattr(fresh, field.attname))
    # Cached relations may be stale now.
    story._state.fields_cache.clear()
    if hasattr(story, "_prefetched_objects_cache"):
        story._prefetched_objects_cache.clear()
    return story


def record(
    story: Story,
    user: Any,
    kind: str,
    *,
    from_status: str = "",
    to_status: str = "",
    text: str = "",
    **params: Any,
) -> StoryEvent:
    """The audit row of one change: who, what (`kind` and `params`), and what they wrote."""
    return StoryEvent.objects.create(
        story=story,
        actor=user if getattr(user, "pk", None) else None,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        text=text,
        params=params,
    )


def _lock_profile(user: Any) -> None:
    from django.contrib.auth import get_user_model

    from contributors.models import Contributor

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("The profile lock is held only inside a transaction.")
    # The profile where there is one, else the account (an admin without a profile).
    if not list(Contributor.objects.select_for_update().filter(user=user).values_list("pk", flat=True)):
        list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput({field: [message]}, message)
    return value


def comment_text(value: str, field: str, empty_message: str) -> str:
    value = required_text(value, field, empty_message)
    if len(value) > COMMENT_MAX_CHARS:
        raise InvalidInput(
            {field: [_("A comment has at most %(max)d characters.") % {"max": COMMENT_MAX_CHARS}]}
        )
    return value


def check_hourly_limit(user: Any, kind: str, limit: int, message: str, *, serialise: bool = False) -> None:
    """Refuse with LimitReached when `user` has left `limit` events of `kind` within the last
    hour (the audit rows are the count: nothing else to keep in step).

    With `serialise` (inside the transaction that writes the new audit row), the person's profile
    row is locked first: a second request of the same person waits here until the first has
    committed its row, and then counts it. Without the lock, two requests at once could both
    count the same number and both pass.
    """
    if serialise:
        _lock_profile(user)
    since = now() - timedelta(hours=1)
    if StoryEvent.objects.filter(actor=user, kind=kind, created_at__gte=since).count() >= limit:
        raise LimitReached(message % {"limit": limit})
