"""Sign-up only with an institutional address, by password or OpenID Connect; allauth's own
e-mails (confirmation, password reset, notices) go out through the worker."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django import forms
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from .mail import queue_email


def _ascii_domain(domain: str) -> str | None:
    """The domain as DNS spells it (IDNA, lower case), or None when it is not one: empty
    labels (``.desy.de``, ``desy..de``, a trailing dot) or characters IDNA refuses."""
    try:
        ascii_domain = domain.strip().encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    if not ascii_domain or any(not label for label in ascii_domain.split(".")):
        return None
    return ascii_domain


def email_domain_allowed(email: str) -> bool:
    """Whether the address is at one of ALLOWED_SIGNUP_DOMAINS or a sub-domain of one. A look-alike
    (``evildesy.de``, ``desy.de.evil.com``, a homoglyph) is another domain and is refused."""
    local, at, domain = email.strip().rpartition("@")
    ascii_domain = _ascii_domain(domain) if at and local else None
    if ascii_domain is None:
        return False
    for allowed in settings.ALLOWED_SIGNUP_DOMAINS:
        allowed_domain = _ascii_domain(allowed)
        if allowed_domain and (ascii_domain == allowed_domain or ascii_domain.endswith("." + allowed_domain)):
            return True
    return False


def domain_refusal_message() -> str:
    return _(
        "Sign-up is open to addresses at %(domains)s only. Please use your institutional e-mail address."
    ) % {"domains": ", ".join(settings.ALLOWED_SIGNUP_DOMAINS)}


def language_of_address(email: str) -> str:
    """The language of the person with this address; the page's language for an unknown one."""
    from .models import Contributor

    language = (
        Contributor.objects.filter(user__email__iexact=email)
        .order_by("user_id")
        .values_list("language", flat=True)
        .first()
    )
    return language or translation.get_language() or settings.LANGUAGE_CODE


class InstitutionAccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        if not email_domain_allowed(email):
            raise forms.ValidationError(domain_refusal_message())
        return email

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render in the request (allauth's context needs it), in the recipient's language, and
        leave the sending to the worker: a mail server that is down never fails the page."""
        from allauth.core import context as allauth_context

        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        with translation.override(language_of_address(email)):
            message = self.render_mail(template_prefix, email, ctx)
        queue_email(message=message, purpose=template_prefix)


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
