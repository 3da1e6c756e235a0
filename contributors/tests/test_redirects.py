"""A `next` address only ever leads back into this site: the language switch, logging in and out."""

from __future__ import annotations

import pytest
from django.test import Client

from contributors.tests.factories import PASSWORD, contributor_user

pytestmark = pytest.mark.django_db

FOREIGN = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    " https://evil.example/",
]


def lands_here(location: str) -> bool:
    return location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.parametrize("target", FOREIGN)
def test_the_language_switch_never_sends_anyone_to_another_site(target: str) -> None:
    client = Client()
    client.force_login(contributor_user())

    response = client.post("/language/", {"language": "de", "next": target}, HTTP_REFERER=target)

    assert response.status_code == 302
    assert lands_here(response["Location"]), response["Location"]


def test_the_language_switch_returns_to_the_page_it_came_from() -> None:
    response = Client().post("/language/", {"language": "de", "next": "/stories/?page=2"})

    assert response["Location"] == "/stories/?page=2"


@pytest.mark.parametrize("target", FOREIGN)
def test_logging_in_never_sends_anyone_to_another_site(target: str) -> None:
    user = contributor_user()
    client = Client()

    response = client.post(
        "/accounts/login/?next=" + target, {"login": user.username, "password": PASSWORD, "next": target}
    )

    assert response.status_code == 302
    assert lands_here(response["Location"]), response["Location"]
    assert "evil" not in response["Location"]


def test_logging_in_returns_to_the_page_asked_for() -> None:
    user = contributor_user()

    response = Client().post(
        "/accounts/login/", {"login": user.username, "password": PASSWORD, "next": "/stories/new/"}
    )

    assert response["Location"] == "/stories/new/"


@pytest.mark.parametrize("target", FOREIGN)
def test_logging_out_never_sends_anyone_to_another_site(target: str) -> None:
    client = Client()
    client.force_login(contributor_user())

    response = client.post("/accounts/logout/", {"next": target})

    assert response.status_code == 302
    assert lands_here(response["Location"]), response["Location"]


def test_the_language_cookie_is_same_site_and_hidden_from_scripts() -> None:
    response = Client().post("/language/", {"language": "de", "next": "/"})

    cookie = response.cookies["django_language"]
    assert cookie.value == "de"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
