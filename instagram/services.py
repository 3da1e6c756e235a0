"""State changes of the Instagram connection: connect, test, refresh, warn."""

from __future__ import annotations

import enum
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .client import GraphClient
from .errors import GraphAPIError, describe_error
from .models import AccountEvent, InstagramAccount, Problem

logger = logging.getLogger(__name__)

# Meta refreshes only tokens at least 24 hours old.
MIN_TOKEN_AGE = timedelta(hours=24)


class InstagramConnectionError(Exception):
    """Connecting or checking the account failed; ``str()`` is a sentence for people."""


def active_account() -> InstagramAccount | None:
    return InstagramAccount.objects.active().first()


# What an account stores about its last problem: codes and Meta's own words, never our translated
# text, so that code decides by the code and every reader sees the text in their own language.
NO_PROBLEM: dict[str, Any] = {
    "last_error_code": "",
    "last_error_subcode": None,
    "last_error_detail": "",
    "last_error_trace": "",
}


def problem_of(error: GraphAPIError) -> dict[str, Any]:
    return {
        "last_error_code": Problem(error.kind.value),
        "last_error_subcode": error.subcode,
        "last_error_detail": error.user_message,
        "last_error_trace": error.fbtrace_id,
    }


def connect_account(
    *, code: str, redirect_uri: str, user: Any, flavour: str | None = None
) -> InstagramAccount:
    """Finish "Connect Instagram": code → short-lived → long-lived token, then who it is."""
    flavour = flavour or settings.INSTAGRAM_LOGIN_FLAVOUR
    app = {
        "client_id": settings.INSTAGRAM_APP_ID,
        "client_secret": settings.INSTAGRAM_APP_SECRET,
    }
    anonymous = GraphClient(None, flavour=flavour)
    try:
        short = anonymous.exchange_code(code, redirect_uri=redirect_uri, **app)
        long_lived = anonymous.exchange_for_long_lived(short.access_token, **app)
        client = GraphClient(long_lived.access_token, flavour=flavour)
        me = client.me()
    except GraphAPIError as error:
        logger.warning("Connecting Instagram failed: %s", error)
        raise InstagramConnectionError(describe_error(error)) from error
    now = timezone.now()
    with transaction.atomic():
        # One active account: the new one replaces whatever was connected before.
        InstagramAccount.objects.active().exclude(ig_user_id=me.user_id).update(is_active=False)
        account = InstagramAccount.objects.select_for_update().filter(ig_user_id=me.user_id).first()
        account = account or InstagramAccount(ig_user_id=me.user_id)
        account.flavour = flavour
        account.username = me.username
        account.is_active = True
        account.set_token(long_lived.access_token)
        account.token_expires_at = (
            now + timedelta(seconds=long_lived.expires_in) if long_lived.expires_in else None
        )
        account.token_refreshed_at = now
        account.connected_by = user
        account.connected_at = now
        account.last_checked_at = now
        account.last_check_ok = True
        account.clear_problem()
        account.expiry_warning_sent_on = None
        account.save()
        AccountEvent.objects.create(
            account=account,
            kind=AccountEvent.Kind.CONNECTED,
            by=user,
            detail=f"@{me.username}",
        )
    return account


def check_connection(*, account: InstagramAccount, user: Any = None) -> bool:
    """Ask Meta who the token belongs to; record the outcome on the account."""
    now = timezone.now()
    detail = ""
    problem: dict[str, Any] = NO_PROBLEM
    try:
        me = GraphClient(account).me()
        ok = me.user_id == account.ig_user_id
        if not ok:
            detail = _("The token belongs to another account (%(user_id)s).") % {"user_id": me.user_id}
            problem = {
                **NO_PROBLEM,
                "last_error_code": Problem.WRONG_ACCOUNT,
                "last_error_detail": me.user_id,
            }
    except GraphAPIError as error:
        ok = False
        detail = describe_error(error)
        problem = problem_of(error)
    with transaction.atomic():
        InstagramAccount.objects.filter(pk=account.pk).update(
            last_checked_at=now, last_check_ok=ok, **problem
        )
        AccountEvent.objects.create(
            account=account,
            kind=AccountEvent.Kind.CHECKED,
            ok=ok,
            by=user,
            detail=detail,
        )
    account.last_checked_at, account.last_check_ok = now, ok
    for name, value in problem.items():
        setattr(account, name, value)
    return ok


class RefreshOutcome(enum.StrEnum):
    NOT_DUE = "not_due"
    TOO_YOUNG = "too_young"
    REFRESHED = "refreshed"
    EXPIRED = "expired"
    FAILED = "failed"


def refresh_token_if_due(
    *, account: InstagramAccount, now: datetime | None = None, force: bool = False
) -> tuple[RefreshOutcome, GraphAPIError | None]:
    """Refresh the long-lived token when fewer than INSTAGRAM_TOKEN_REFRESH_DAYS remain.

    Never before it is 24 hours old (Meta refuses) and never after it expired (Meta refuses
    too: a person must connect again, so the account is marked and the team warned).
    """
    now = now or timezone.now()
    if account.token_expired(now):
        if account.last_check_ok is not False or account.last_error_code != Problem.TOKEN_EXPIRED:
            problem = {**NO_PROBLEM, "last_error_code": Problem.TOKEN_EXPIRED}
            with transaction.atomic():
                InstagramAccount.objects.filter(pk=account.pk).update(last_check_ok=False, **problem)
                AccountEvent.objects.create(account=account, kind=AccountEvent.Kind.EXPIRED, ok=False, at=now)
            account.last_check_ok = False
            for name, value in problem.items():
                setattr(account, name, value)
        logger.warning(
            "The Instagram token of @%s expired on %s",
            account.username,
            account.token_expires_at,
        )
        return RefreshOutcome.EXPIRED, None
    due_from = timedelta(days=settings.INSTAGRAM_TOKEN_REFRESH_DAYS)
    if not force and account.token_expires_at is not None and account.token_expires_at - now >= due_from:
        return RefreshOutcome.NOT_DUE, None
    issued = account.token_refreshed_at or account.connected_at
    if issued is not None and now - issued < MIN_TOKEN_AGE:
        return RefreshOutcome.TOO_YOUNG, None
    try:
        fresh = GraphClient(account).refresh_token(retries=2)
    except GraphAPIError as error:
        with transaction.atomic():
            InstagramAccount.objects.filter(pk=account.pk).update(last_check_ok=False, **problem_of(error))
            AccountEvent.objects.create(
                account=account,
                kind=AccountEvent.Kind.REFRESH_FAILED,
                ok=False,
                at=now,
                detail=str(error),
            )
        logger.warning("Refreshing the Instagram token failed: %s", error)
        return RefreshOutcome.FAILED, error
    with transaction.atomic():
        account.set_token(fresh.access_token)
        account.token_expires_at = now + timedelta(seconds=fresh.expires_in) if fresh.expires_in else None
        account.token_refreshed_at = now
        account.last_check_ok = True
        account.clear_problem()
        account.save(
            update_fields=[
                "token_encrypted",
                "token_expires_at",
                "token_refreshed_at",
                "last_check_ok",
                *NO_PROBLEM,
            ]
        )
        AccountEvent.objects.create(account=account, kind=AccountEvent.Kind.REFRESHED, at=now)
    logger.info(
        "Refreshed the Instagram token of @%s; it now expires on %s",
        account.username,
        account.token_expires_at,
    )
    return RefreshOutcome.REFRESHED, None


def replace_token(*, account: InstagramAccount, token: str, user: Any) -> None:
    """An admin typed a new token by hand: store it (encrypted) and record who did it, never what."""
    with transaction.atomic():
        locked = InstagramAccount.objects.select_for_update().get(pk=account.pk)
        locked.set_token(token)
        locked.save(update_fields=["token_encrypted"])
        AccountEvent.objects.create(account=locked, kind=AccountEvent.Kind.TOKEN_REPLACED, by=user)
    account.token_encrypted = locked.token_encrypted


def token_needs_warning(account: InstagramAccount | None, now: datetime | None = None) -> bool:
    if account is None or account.token_expires_at is None:
        return False
    now = now or timezone.now()
    return account.token_expires_at - now <= timedelta(days=settings.INSTAGRAM_TOKEN_WARNING_DAYS)


def _admins_language(user: object) -> str:
    contributor = getattr(user, "contributor", None)
    return getattr(contributor, "language", None) or settings.LANGUAGE_CODE


def warn_admins_if_expiring(*, account: InstagramAccount, now: datetime | None = None) -> int:
    """E-mail every admin, in their language, that the token expires soon (or did).

    At most once a day: the day is claimed with a compare-and-set update, so the task and the
    command running together send one mail, not two. Returns how many mails went out.
    """
    now = now or timezone.now()
    if not token_needs_warning(account, now):
        return 0
    today = timezone.localdate(now)
    claimed = (
        InstagramAccount.objects.filter(pk=account.pk)
        .filter(Q(expiry_warning_sent_on__isnull=True) | Q(expiry_warning_sent_on__lt=today))
        .update(expiry_warning_sent_on=today)
    )
    if not claimed:
        return 0
    account.expiry_warning_sent_on = today
    admins = (
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .select_related("contributor")
        .order_by("pk")
    )
    days = account.days_left(now)
    sent = 0
    for admin in admins:
        with translation.override(_admins_language(admin)):
            context = {
                "account": account,
                "days_left": days,
                "expired": account.token_expired(now),
                "user": admin,
                "status_url": settings.PUBLIC_BASE_URL + reverse("instagram:status"),
            }
            subject = render_to_string("instagram/email/token_expiry_subject.txt", context).strip()
            body = render_to_string("instagram/email/token_expiry.txt", context)
        send_mail(subject, body, None, [admin.email])
        sent += 1
    AccountEvent.objects.create(
        account=account, kind=AccountEvent.Kind.WARNED, at=now, detail=f"{sent} admins"
    )
    return sent
