"""Which account a login field names, the one rule both sign-in and the lockout count by.

A person may type their username (any case), their primary e-mail address, or any address
they have confirmed. An address that is not confirmed, or that is on several accounts (allauth
keeps only confirmed addresses unique), names no account: signing in with it fails exactly as
a wrong password does, so the answer tells nothing about a lock or a right password, and
nobody gains extra guesses, or locks someone else out, by adding an address to an account.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.http import HttpRequest


def account_for_login(value: str) -> Any | None:
    """The active or inactive user that ``value`` signs in as, or None."""
    value = (value or "").strip()
    if not value:
        return None
    users = get_user_model().objects
    if "@" not in value:
        return users.filter(username__iexact=value).first()
    confirmed = set(
        EmailAddress.objects.filter(email__iexact=value, verified=True).values_list("user_id", flat=True)
    )
    primary = set(users.filter(email__iexact=value).values_list("pk", flat=True))
    owners = confirmed | primary
    if len(owners) != 1:
        return None
    return users.filter(pk=owners.pop()).first()


def lockout_name(value: str) -> str:
    """What failed logins are counted under: the account's username, else what was typed."""
    user = account_for_login(value)
    if user is not None:
        return str(user.get_username()).lower()
    return (value or "").strip().lower()


class LoginBackend(AuthenticationBackend):
    """allauth's backend, with addresses resolved by `account_for_login`."""

    def _authenticate_by_email(self, email: str, password: str) -> Any | None:
        if "@" not in (email or ""):
            return None
        return self._check_password(account_for_login(email), password)

    def _authenticate_by_username(self, username: str, password: str) -> Any | None:
        if "@" in (username or ""):
            return None
        return self._check_password(account_for_login(username), password)


def credentials_login(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The login value of a sign-in attempt, however allauth or a form named it."""
    for source in (credentials or {}, request.POST if request is not None else {}):
        for key in ("login", "email", "username"):
            value = str(source.get(key) or "").strip()
            if value:
                return value
    return ""
