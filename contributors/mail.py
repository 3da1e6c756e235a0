"""E-mail through the worker: queue a rendered message as rows, hand each to the mail server once.

A request never talks to the mail server: it stores the message (one row per recipient) and
queues a task after commit, so a mail server that is down delays the mail, never the answer.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db.models import F, Q
from django.utils import timezone

from .models import OutgoingEmail
from .queueing import after_commit

logger = logging.getLogger(__name__)


class MailServerUnavailable(Exception):
    """The mail server could not take the message now; trying again later can help."""


def queue_email(*, message: EmailMessage, purpose: str) -> list[OutgoingEmail]:
    """Store ``message`` for each recipient and send it through the worker after commit."""
    html = ""
    if isinstance(message, EmailMultiAlternatives):
        html = next(
            (str(content) for content, mimetype in message.alternatives if mimetype == "text/html"), ""
        )
    text = "" if message.content_subtype == "html" else str(message.body)
    if not text:
        html = html or str(message.body)
    rows = [
        OutgoingEmail.objects.create(
            purpose=purpose[:120],
            to=recipient,
            from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
            subject=message.subject[:400],
            body_text=text,
            body_html=html,
        )
        for recipient in message.to
    ]
    from .tasks import send_queued_email  # tasks import this module

    for row in rows:  # a lost wake-up is the sweep's (`requeue_waiting_emails`)
        after_commit(send_queued_email.delay, row.pk)
    return rows


def _is_transient(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    # Refused or lost connections, timeouts, a server that hung up: all of them pass.
    return isinstance(error, (OSError, smtplib.SMTPException))


def send_queued_email(*, email_id: int) -> bool:
    """Hand one stored e-mail to the mail server, unless it went already. True when it went now.

    The row is claimed with a compare-and-set update (and a lease, in case this worker dies), so
    a retried or repeated task never sends it a second time while it is sent or after.
    """
    now = timezone.now()
    claimed = (
        OutgoingEmail.objects.filter(pk=email_id, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + timedelta(seconds=settings.EMAIL_SEND_LEASE), attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    row = OutgoingEmail.objects.get(pk=email_id)
    message = EmailMultiAlternatives(
        row.subject, row.body_text or row.body_html, row.from_email, [row.to], connection=get_connection()
    )
    if row.body_text and row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    elif row.body_html:
        message.content_subtype = "html"
    try:
        message.send()
    except Exception as error:
        failure = f"{type(error).__name__}: {error}"[:400]
        OutgoingEmail.objects.filter(pk=email_id).update(claimed_until=None, last_failure=failure)
        logger.warning("E-mail %s (%s) not sent, attempt %s: %s", row.pk, row.purpose, row.attempts, failure)
        if _is_transient(error):
            raise MailServerUnavailable(failure) from error
        raise
    # The mail server has it: forget the bodies, which may hold a one-time key.
    OutgoingEmail.objects.filter(pk=email_id).update(
        sent_at=timezone.now(), claimed_until=None, body_text="", body_html="", last_failure=""
    )
    logger.info("E-mail %s (%s) sent", row.pk, row.purpose)
    return True


def requeue_waiting_emails(*, now: object = None) -> int:
    """Queue again every unsent e-mail whose message may have been lost (a broker restart, a
    worker killed while holding it): queued longer ago than the longest retry delay, not claimed
    by a worker now, with attempts left. The claim in `send_queued_email` keeps each sent once."""
    moment = now or timezone.now()
    waiting = list(
        OutgoingEmail.objects.filter(
            sent_at__isnull=True,
            attempts__lt=settings.EMAIL_MAX_ATTEMPTS,
            created_at__lt=moment - timedelta(seconds=max(settings.EMAIL_RETRY_DELAYS) + 60),  # type: ignore[operator]
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=moment))
        .values_list("pk", flat=True)
    )
    from .tasks import send_queued_email  # tasks import this module

    for email_id in waiting:
        after_commit(send_queued_email.delay, email_id)
    return len(waiting)
