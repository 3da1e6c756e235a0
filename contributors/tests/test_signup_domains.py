"""Only institutional addresses may sign up, by password or through the institution's OpenID
Connect: look-alike domains are refused in both."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.auth import get_user_model
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory

from contributors.adapters import InstitutionSocialAccountAdapter

ALLOWED = [
    "anna@desy.de",
    "Anna.Schmidt@DESY.DE",
    "anna@Desy.De",
    "anna@mail.desy.de",
    "anna@cern.ch",
    " anna@desy.de ",
]
REFUSED = [
    "anna@evildesy.de",
    "anna@desy.de.evil.com",
    "anna@desy.de.",
    "anna@desy.dee",
    "anna@desy.de-evil.com",
    "anna@desyde",
    "anna@.desy.de",
    "anna@mail..desy.de",
    "anna@xn--dsy-qdd.de",  # dеsy.de with a Cyrillic е, in punycode
    "anna@d\u0435sy.de",  # the same, as typed
    "anna@desy.de@evil.com",
    "desy.de",
    "anna@example.com",
    "anna@cern.ch.evil.org",
    "anna@notcern.ch",
]


@pytest.fixture
def domains(settings: Any) -> None:
    settings.ALLOWED_SIGNUP_DOMAINS = ["desy.de", "cern.ch"]


ADDRESSES = itertools.count(1)


def sign_up(email: str) -> Any:
    # Each from an address of its own, so sign-up rate limits stay out of the way.
    return Client(REMOTE_ADDR=f"192.0.2.{next(ADDRESSES) % 250 + 1}").post(
        "/accounts/signup/",
        {
            "email": email,
            "username": "anna",
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize("email", REFUSED)
def test_the_sign_up_form_refuses_a_look_alike_domain(email: str, domains: None) -> None:
    response = sign_up(email)

    assert response.status_code == 200  # the form again, with the error
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_the_refusal_says_which_domains_are_open(domains: None) -> None:
    response = sign_up("anna@evildesy.de")

    assert "Sign-up is open to addresses at desy.de, cern.ch only" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("email", ALLOWED)
def test_the_sign_up_form_takes_an_institutional_address(email: str, domains: None) -> None:
    response = sign_up(email)

    assert response.status_code == 302
    assert get_user_model().objects.get().email.lower() == email.strip().lower()


def institutional_login(email: str) -> SocialLogin:
    """What allauth builds from the institution's OpenID Connect answer."""
    user = get_user_model()(username="anna", email=email)
    account = SocialAccount(provider="institution", uid="anna-uid", extra_data={"email": email})
    return SocialLogin(user=user, account=account, email_addresses=[EmailAddress(email=email, verified=True)])


def oidc_request() -> Any:
    request = RequestFactory().get("/accounts/oidc/institution/login/callback/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.django_db
@pytest.mark.parametrize("email", REFUSED)
def test_institutional_sign_in_refuses_a_look_alike_domain(email: str, domains: None) -> None:
    adapter = InstitutionSocialAccountAdapter()
    login = institutional_login(email)

    assert adapter.is_open_for_signup(oidc_request(), login) is False
    with pytest.raises(ImmediateHttpResponse):
        adapter.pre_social_login(oidc_request(), login)


@pytest.mark.django_db
@pytest.mark.parametrize("email", [e.strip() for e in ALLOWED])
def test_institutional_sign_in_takes_an_institutional_address(email: str, domains: None) -> None:
    adapter = InstitutionSocialAccountAdapter()
    login = institutional_login(email)

    assert adapter.is_open_for_signup(oidc_request(), login) is True
    adapter.pre_social_login(oidc_request(), login)  # lets it through
