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


def attempt_through_proxy(login: str, password: str, forwarded_for: str):
    client = Client(REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR=forwarded_for)
    return client.post("/accounts/login/", {"login": login, "password": password})


def test_behind_a_proxy_the_lock_holds_the_attacker_not_everyone_behind_it(settings) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    contributor_user(username="anna")
    # The attacker makes up a new first address each time; the proxy appends the real one.
    for n in range(5):
        attempt_through_proxy("anna", "wrong-password", f"198.51.100.{n}, 203.0.113.7")

    assert attempt_through_proxy("anna", PASSWORD, "203.0.113.7").status_code == 429
    # Anna herself, through the same proxy from her own address, still gets in.
    assert attempt_through_proxy("anna", PASSWORD, "192.0.2.44").status_code == 302
