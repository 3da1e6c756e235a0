"""E-mail notices: one row per recipient, written with the change, sent by a worker.

`notify` decides who is told, in the transaction of the change, and queues one task per
recipient after commit. `notice_send` (run by the task) claims the row, makes the e-mail in the
recipient's language, sends it and marks it sent; a failure is retried with exponential backoff
(never longer than NOTICE_RETRY_MAX_DELAY, far under the broker's visibility timeout) and a
periodic sweep queues again what a lost message left waiting. A mail server that is down
delays the e-mail; it never undoes or hides the change that caused it.
"""

from __future__ import annotations

import functools
import logging
import smtplib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from contributors.roles import OUTREACH_TEAM, SCIENCE_REVIEWERS

from .. import emails
from ..models import Comment, Notice, NoticeState, Story
from .common import now

logger = logging.getLogger(__name__)

# A worker holds a notice this long while it sends (longer than the task's hard time limit).
CLAIM = timedelta(seconds=120)
# The sweep leaves alone what a worker should be busy with already.
SWEEP_GRACE = timedelta(minutes=2)


def _team() -> list[Any]:
    return list(
        get_user_model().objects.filter(groups__name=OUTREACH_TEAM, is_active=True).distinct().order_by("pk")
    )


def _authors(story: Story) -> list[Any]:
    return [story.author.user, *(c.user for c in story.co_authors.select_related("user"))]


def _science(story: Story) -> list[Any]:
    authors = {story.author.user_id, *story.co_authors.values_list("user_id", flat=True)}
    return [
        user
        for user in get_user_model()
        .objects.filter(groups__name=SCIENCE_REVIEWERS, is_active=True)
        .distinct()
        .order_by("pk")
        if user.pk not in authors
    ]


def _reviewer_or_team(story: Story) -> list[Any]:
    return [story.reviewer] if story.reviewer else _team()


def _recipients(kind: str, story: Story) -> list[Any]:
    if kind == "submit":
        return _team()
    if kind == "signoff_needed":
        return _science(story)
    if kind in ("science_signoff", "take_back"):
        return _reviewer_or_team(story)
    if kind == "science_request_changes":
        return _authors(story) + _reviewer_or_team(story)
    if kind == "resubmit":
        return [story.reviewer] if story.reviewer else _team()
    if kind == "comment":
        return _authors(story) + ([story.reviewer] if story.reviewer else [])
    return _authors(story)


def notify(
    kind: str,
    *,
    story: Story,
    actor: Any,
    quote: str = "",
    comment: Comment | None = None,
    recipients: list[Any] | None = None,
) -> int:
    """Write a notice for everyone `kind` concerns (or `recipients`; never the actor) and queue each
    after commit."""
    if kind not in emails.MESSAGES:
        raise ValueError(kind)
    story = Story.objects.select_related("author__user", "reviewer").get(pk=story.pk)
    seen: set[int] = set()
    notices = []
    for user in _recipients(kind, story) if recipients is None else recipients:
        if user is None or user.pk == getattr(actor, "pk", None) or user.pk in seen:
            continue
        if not user.email or not user.is_active:
            continue
        seen.add(user.pk)
        notices.append(
            Notice.objects.create(
                story=story, recipient=user, actor=actor, comment=comment, kind=kind, quote=quote
            )
        )
    for notice in notices:
        # robust: a broker that is down must not turn the committed change into an error page;
        # the sweep queues the notice again.
        transaction.on_commit(functools.partial(_queue, notice.pk), robust=True)
    return len(notices)


def _queue(notice_id: int) -> None:
    from ..tasks import send_notice

    send_notice.delay(notice_id)


def retry_delay(attempts: int) -> int:
    """Seconds before attempt `attempts + 1`: doubling from the base, capped."""
    base = settings.NOTICE_RETRY_BASE_DELAY
    return int(min(base * 2 ** max(attempts - 1, 0), settings.NOTICE_RETRY_MAX_DELAY))


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    code = getattr(exc, "smtp_code", 0)
    return isinstance(code, int) and 500 <= code < 600


def notice_send(*, notice_id: int) -> int | None:
    """Send one notice unless it is sent (or being sent) already.

    Returns the seconds to wait before trying again, or None when there is nothing more to do.
    """
    started = now()
    claimed = (
        Notice.objects.filter(pk=notice_id, state=NoticeState.PENDING)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=started))
        .update(claimed_until=started + CLAIM)
    )
    if claimed != 1:
        return None
    notice = Notice.objects.select_related("recipient__contributor", "actor__contributor", "comment").get(
        pk=notice_id
    )
    try:
        message = emails.render_notice(notice)
        if message is not None:
            message.send()
    except (smtplib.SMTPException, OSError) as exc:
        attempts = notice.attempts + 1
        error = f"{type(exc).__name__}: {exc}"[:1000]
        if _permanent(exc) or attempts >= settings.NOTICE_MAX_ATTEMPTS:
            Notice.objects.filter(pk=notice_id).update(
                state=NoticeState.FAILED, attempts=attempts, last_error=error, claimed_until=None
            )
            logger.error("Gave up e-mail notice %s after %d attempts: %s", notice_id, attempts, error)
            return None
        delay = retry_delay(attempts)
        Notice.objects.filter(pk=notice_id).update(
            attempts=attempts,
            last_error=error,
            claimed_until=None,
            next_attempt_at=now() + timedelta(seconds=delay),
        )
        logger.warning(
            "E-mail notice %s not sent (attempt %d), again in %d s: %s", notice_id, attempts, delay, error
        )
        return delay
    Notice.objects.filter(pk=notice_id).update(
        state=NoticeState.SENT, sent_at=now(), claimed_until=None, attempts=notice.attempts + 1, last_error=""
    )
    return None


def resend_waiting_notices(*, at: Any = None) -> int:
    """Queue again every notice still waiting whose message may have been lost. Returns how many."""
    at = at or now()
    due = (
        Notice.objects.filter(state=NoticeState.PENDING, created_at__lte=at - SWEEP_GRACE)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=at - SWEEP_GRACE))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=at))
        .values_list("pk", flat=True)
    )
    ids = list(due[:1000])
    for notice_id in ids:
        _queue(notice_id)
    return len(ids)
