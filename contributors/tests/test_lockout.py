from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from contributors.tests.factories import PASSWORD, contributor_user

pytestmark = pytest.mark.django_db


def attempt(login: str, password: str, address: str):
    return Client(REMOTE_ADDR=address).post("/accounts/login/", {"login": login, "password": password})


def test_the_fifth_wrong_password_locks_that_account_from_that_address_only() -> None:
    contributor_user(username="anna")
    contributor_user(username="jonas")
    for _ in range(4):
        assert attempt("anna", "wrong-password", "10.0.0.1").status_code == 200

    fifth = attempt("anna", "wrong-password", "10.0.0.1")

    assert fifth.status_code == 429
    assert "Too many failed logins" in fifth.content.decode()
    assert "15 minutes" in fifth.content.decode()
    # Even the right password is refused from that address during the cool-off...
    assert attempt("anna", PASSWORD, "10.0.0.1").status_code == 429
    # ...but the same person elsewhere, and everyone else here, can still log in.
    assert attempt("anna", PASSWORD, "10.0.0.2").status_code == 302
    assert attempt("jonas", PASSWORD, "10.0.0.1").status_code == 302


def test_the_lock_counts_the_same_account_by_e_mail_and_username() -> None:
    contributor_user(username="anna")
    for login in ["anna", "ANNA@desy.de", "anna", "anna@desy.de"]:
        attempt(login, "wrong-password", "10.0.0.1")

    # allauth passes the e-mail or the username; axes must not count them as strangers.
    assert attempt("anna@desy.de", "wrong-password", "10.0.0.1").status_code == 429
    assert attempt("anna", PASSWORD, "10.0.0.1").status_code == 429


def test_the_lock_ends_after_the_cool_off() -> None:
    contributor_user(username="anna")
    for _ in range(5):
        attempt("anna", "wrong-password", "10.0.0.1")
    assert attempt("anna", PASSWORD, "10.0.0.1").status_code == 429

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert attempt("anna", PASSWORD, "10.0.0.1").status_code == 302


def test_the_lockout_page_is_translated() -> None:
    contributor_user(username="anna")
    client = Client(REMOTE_ADDR="10.0.0.9", HTTP_ACCEPT_LANGUAGE="de")
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": "anna", "password": "wrong-password"})

    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldungen" in response.content.decode()
