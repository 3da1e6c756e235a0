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


# --- Every address of an account counts towards that account's lock -------------------------


def _second_address(user, email: str, *, verified: bool):
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.create(user=user, email=email, verified=verified, primary=False)


def _answer(response) -> tuple[int, str, str]:
    """What a person (or an attacker) can read from a login answer: status, where it leads, and
    the page with its per-request CSRF token blanked."""
    import re

    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return response.status_code, response.get("Location", ""), body


def test_an_unconfirmed_second_address_answers_a_right_password_as_a_wrong_one() -> None:
    anna = contributor_user(username="anna")
    _second_address(anna, "anna@cern.ch", verified=False)

    right = attempt("anna@cern.ch", PASSWORD, "10.0.0.1")
    wrong = attempt("anna@cern.ch", "wrong-password", "10.0.0.1")

    assert right.status_code == 200
    assert _answer(right) == _answer(wrong)


def test_a_locked_account_answers_the_same_through_a_second_address_whatever_the_password() -> None:
    anna = contributor_user(username="anna")
    _second_address(anna, "anna@cern.ch", verified=False)
    for _ in range(5):
        attempt("anna", "wrong-password", "10.0.0.1")

    right = attempt("anna@cern.ch", PASSWORD, "10.0.0.1")
    wrong = attempt("anna@cern.ch", "wrong-password", "10.0.0.1")
    assert _answer(right) == _answer(wrong)
    assert "_auth_user_id" not in Client(REMOTE_ADDR="10.0.0.1").session

    # Once the address is confirmed it names the account, and the account is locked.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(email="anna@cern.ch").update(verified=True)
    assert attempt("anna@cern.ch", PASSWORD, "10.0.0.1").status_code == 429
    assert attempt("ANNA@CERN.CH", "wrong-password", "10.0.0.1").status_code == 429


def test_failures_through_a_confirmed_second_address_count_towards_the_same_lock() -> None:
    anna = contributor_user(username="anna")
    _second_address(anna, "anna@cern.ch", verified=True)
    for login in ["anna", "anna@cern.ch", "Anna", "ANNA@cern.ch", "anna@desy.de"]:
        attempt(login, "wrong-password", "10.0.0.1")

    assert attempt("anna", PASSWORD, "10.0.0.1").status_code == 429
    assert attempt("anna@cern.ch", PASSWORD, "10.0.0.1").status_code == 429


def test_a_confirmed_second_address_logs_in_when_nothing_is_locked() -> None:
    anna = contributor_user(username="anna")
    _second_address(anna, "anna@cern.ch", verified=True)

    assert attempt("anna@cern.ch", PASSWORD, "10.0.0.1").status_code == 302


def test_an_address_on_several_accounts_names_none_of_them() -> None:
    jonas = contributor_user(username="jonas")
    mallory = contributor_user(username="mallory")
    _second_address(jonas, "lab@cern.ch", verified=False)
    _second_address(mallory, "lab@cern.ch", verified=False)

    right = attempt("lab@cern.ch", PASSWORD, "10.0.0.1")
    assert _answer(right) == _answer(attempt("lab@cern.ch", "wrong-password", "10.0.0.1"))


def test_adding_someone_elses_address_locks_nobody_out() -> None:
    contributor_user(username="anna")
    mallory = contributor_user(username="mallory")
    # Mallory adds Anna's future address and fails with it from Anna's office address.
    _second_address(mallory, "anna.neu@desy.de", verified=False)
    for _ in range(6):
        attempt("anna.neu@desy.de", "wrong-password", "10.0.0.1")

    assert attempt("anna", PASSWORD, "10.0.0.1").status_code == 302
    assert attempt("mallory", PASSWORD, "10.0.0.1").status_code == 302
