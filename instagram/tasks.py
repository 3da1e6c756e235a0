from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from .services import (
    RefreshOutcome,
    active_account,
    refresh_token_if_due,
    warn_admins_if_expiring,
)

logger = logging.getLogger(__name__)


@shared_task(bind=True, soft_time_limit=120, time_limit=180, max_retries=3, acks_late=True)
def refresh_instagram_token(self) -> str:  # type: ignore[no-untyped-def]
    """Daily: refresh the active account's token when due; warn admins as expiry nears.

    Takes no arguments on purpose: the token is a secret and never travels through the broker.
    """
    account = active_account()
    if account is None:
        return "no account"
    outcome, error = refresh_token_if_due(account=account)
    account.refresh_from_db()
    warn_admins_if_expiring(account=account)
    if outcome == RefreshOutcome.FAILED and error is not None and error.is_transient:
        raise self.retry(countdown=settings.INSTAGRAM_TOKEN_RETRY_COUNTDOWN)
    return str(outcome)
