"""Sign-up only with an institutional address, by password or OpenID Connect."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _


def email_domain_allowed(email: str) -> bool:
    domain = email.rpartition("@")[2].strip().lower()
    return any(
        domain == allowed or domain.endswith("." + allowed) for allowed in settings.ALLOWED_SIGNUP_DOMAINS
    )


def domain_refusal_message() -> str:
    return _(
        "Sign-up is open to addresses at %(domains)s only. Please use your institutional e-mail address."
    ) % {"domains": ", ".join(settings.ALLOWED_SIGNUP_DOMAINS)}


class InstitutionAccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            raise forms.ValidationError(domain_refusal_message())
        return email


class InstitutionSocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return any(email_domain_allowed(address.email) for address in sociallogin.email_addresses) or (
            bool(sociallogin.user.email) and email_domain_allowed(sociallogin.user.email)
        )

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        emails = [a.email for a in sociallogin.email_addresses] or [sociallogin.user.email]
        if not any(e and email_domain_allowed(e) for e in emails):
            from allauth.core.exceptions import ImmediateHttpResponse
            from django.contrib import messages
            from django.shortcuts import redirect

            messages.error(request, domain_refusal_message())
            raise ImmediateHttpResponse(redirect(settings.LOGIN_URL))


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """allauth logs in with ``login=`` or ``email=``; axes counts failures under the account the
    login names (see `contributors.login`), however it was typed."""
    from .login import credentials_login, lockout_name

    value = credentials_login(request, credentials)
    return lockout_name(value) if value else None


def client_ip(request: HttpRequest) -> str | None:
    """The address axes counts failed logins from: the one allauth's own rate limits use, so both
    see the person and not the reverse proxy when TRUSTED_PROXY_COUNT says how many proxies
    there are (the last entries of X-Forwarded-For, which a client cannot forge)."""
    from allauth.account.adapter import get_adapter
    from django.core.exceptions import PermissionDenied

    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # a request made in code (force_login in tests) has no address
        return None
