"""Celery entry points of contributors: take ids, call one service."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.conf import settings

from . import mail

logger = logging.getLogger(__name__)


def retry_delay(retries_so_far: int) -> int:
    """Seconds before the next attempt: EMAIL_RETRY_DELAYS in turn, then its last one again."""
    delays = settings.EMAIL_RETRY_DELAYS
    return int(delays[min(retries_so_far, len(delays) - 1)])


@shared_task(bind=True, soft_time_limit=120, time_limit=150)
def send_queued_email(self: Any, email_id: int) -> bool:
    try:
        return mail.send_queued_email(email_id=email_id)
    except mail.MailServerUnavailable as error:
        if self.request.retries + 1 >= settings.EMAIL_MAX_ATTEMPTS:
            logger.error("E-mail %s given up after %s attempts", email_id, settings.EMAIL_MAX_ATTEMPTS)
            return False
        # Short delays only: a message held past the broker's visibility timeout comes back twice.
        raise self.retry(exc=error, countdown=retry_delay(self.request.retries), max_retries=None) from error


@shared_task(soft_time_limit=120, time_limit=150)
def requeue_waiting_emails() -> int:
    return mail.requeue_waiting_emails()
