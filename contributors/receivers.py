from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, user_logged_in, user_signed_up
from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models.signals import post_save
from django.dispatch import receiver

from .adapters import email_domain_allowed
from .models import Contributor
from .roles import CONTRIBUTORS


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_contributor_profile(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if created and not kwargs.get("raw"):
        Contributor.objects.get_or_create(user=instance)


@receiver(email_confirmed)
def make_confirmed_user_a_contributor(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    group, _ = Group.objects.get_or_create(name=CONTRIBUTORS)
    email_address.user.groups.add(group)


@receiver(user_signed_up)
def make_verified_institutional_user_a_contributor(
    sender: Any, request: Any, user: Any, **kwargs: Any
) -> None:
    # A sign-up through the institution's OpenID provider arrives with an address the provider
    # has verified, so email_confirmed never fires for it.
    addresses = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    if any(email_domain_allowed(address) for address in addresses):
        group, _ = Group.objects.get_or_create(name=CONTRIBUTORS)
        user.groups.add(group)


@receiver(user_logged_in)
def remember_profile_language(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # The middleware reads it from the session, sparing a query on every request.
    language = Contributor.objects.filter(user=user).values_list("language", flat=True).first()
    if language and request is not None and hasattr(request, "session"):
        request.session["profile_language"] = language
