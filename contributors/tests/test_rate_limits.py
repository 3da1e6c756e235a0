"""allauth keeps its own limits on password resets and sign-ups (axes counts only failed logins):
per address and per e-mail, answered with a translated page in the site's layout."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from contributors.tests.factories import contributor_user

pytestmark = pytest.mark.django_db


def test_only_the_failed_login_limit_is_left_to_axes() -> None:
    from allauth.account import app_settings

    limits = app_settings.RATE_LIMITS
    assert limits["login_failed"] is False
    assert limits["reset_password"] and limits["signup"] and limits["login"]
    # Logins from one address keep allauth's default; only `make load` raises it (LOGIN_RATE_LIMIT).
    assert settings.ACCOUNT_RATE_LIMITS == {"login_failed": False, "login": "30/m/ip"}
    assert limits["login"] == "30/m/ip"


def reset(email: str, address: str, language: str = "en") -> Any:
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)
    return client.post("/accounts/password/reset/", {"email": email})


@pytest.mark.parametrize(("language", "heading"), [("en", "Too many requests"), ("de", "Zu viele Anfragen")])
def test_password_resets_for_one_address_are_limited_per_e_mail(language: str, heading: str) -> None:
    user = contributor_user(username=f"reset-{language}")
    other = contributor_user(username=f"other-{language}")
    for _ in range(5):
        assert reset(user.email, "10.1.0.1").status_code == 302

    refused = reset(user.email, "10.1.0.2", language)

    page = refused.content.decode()
    assert refused.status_code == 429
    assert re.search(rf"<h1[^>]*>{heading}</h1>", page)
    assert 'class="navbar' in page
    # Someone else's reset is not held up by it.
    assert reset(other.email, "10.1.0.2").status_code == 302


def signup(n: int, address: str) -> Any:
    return Client(REMOTE_ADDR=address).post(
        "/accounts/signup/",
        {
            "email": f"new{n}-{address}@desy.de",
            "username": f"new{n}-{address.replace('.', '-')}",
            "password1": "a-long-enough-password-9",
            "password2": "a-long-enough-password-9",
        },
    )


def test_sign_ups_are_limited_per_address() -> None:
    for n in range(20):
        assert signup(n, "10.2.0.1").status_code == 302

    assert signup(20, "10.2.0.1").status_code == 429
    assert signup(21, "10.2.0.2").status_code == 302
