from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from contributors.models import Contributor
from instagram.models import AccountEvent, InstagramAccount
from instagram.services import RefreshOutcome, refresh_token_if_due, warn_admins_if_expiring
from instagram.tasks import refresh_instagram_token

pytestmark = pytest.mark.django_db


def refresh_calls(graph_emulator: Any) -> list[Any]:
    return graph_emulator.calls(match="refresh_access_token")


def age(account: InstagramAccount, *, days_left: float, refreshed_days_ago: float = 30) -> InstagramAccount:
    now = timezone.now()
    account.token_expires_at = now + timedelta(days=days_left)
    account.token_refreshed_at = now - timedelta(days=refreshed_days_ago)
    account.save()
    return account


def test_a_token_with_more_than_30_days_left_is_left_alone(demo_account: Any, graph_emulator: Any) -> None:
    age(demo_account, days_left=31)
    outcome, _error = refresh_token_if_due(account=demo_account)
    assert outcome == RefreshOutcome.NOT_DUE
    assert refresh_calls(graph_emulator) == []


def test_a_token_with_fewer_than_30_days_left_is_refreshed(demo_account: Any, graph_emulator: Any) -> None:
    age(demo_account, days_left=29)
    outcome, _error = refresh_token_if_due(account=demo_account)
    assert outcome == RefreshOutcome.REFRESHED
    demo_account.refresh_from_db()
    assert demo_account.days_left() == 59
    assert demo_account.token_refreshed_at > timezone.now() - timedelta(minutes=1)
    assert len(refresh_calls(graph_emulator)) == 1
    assert demo_account.events.filter(kind=AccountEvent.Kind.REFRESHED).exists()


def test_a_token_younger_than_a_day_is_not_refreshed(demo_account: Any, graph_emulator: Any) -> None:
    age(demo_account, days_left=20, refreshed_days_ago=0.5)
    assert refresh_token_if_due(account=demo_account)[0] == RefreshOutcome.TOO_YOUNG
    assert refresh_calls(graph_emulator) == []


def test_an_expired_token_is_marked_and_never_sent(demo_account: Any, graph_emulator: Any) -> None:
    age(demo_account, days_left=-1)
    assert refresh_token_if_due(account=demo_account)[0] == RefreshOutcome.EXPIRED
    demo_account.refresh_from_db()
    assert demo_account.last_check_ok is False and "expired" in demo_account.last_error
    assert refresh_calls(graph_emulator) == []
    assert demo_account.events.filter(kind=AccountEvent.Kind.EXPIRED).count() == 1
    refresh_token_if_due(account=demo_account)
    assert demo_account.events.filter(kind=AccountEvent.Kind.EXPIRED).count() == 1  # marked once


def test_an_expired_token_is_marked_once_when_the_task_runs_in_german(
    demo_account: Any, graph_emulator: Any
) -> None:
    age(demo_account, days_left=-1)
    with translation.override("de"):
        refresh_token_if_due(account=demo_account)
        demo_account.refresh_from_db()
        refresh_token_if_due(account=demo_account)

    assert demo_account.events.filter(kind=AccountEvent.Kind.EXPIRED).count() == 1
    demo_account.refresh_from_db()
    assert demo_account.last_error_code == "token_expired"
    # Each reader sees the problem in their own language, whatever language the task ran in.
    assert demo_account.last_error == "The Instagram token expired. An admin must connect Instagram again."
    with translation.override("de"):
        assert "abgelaufen" in demo_account.last_error


def test_a_refused_refresh_is_shown_in_the_readers_language(demo_account: Any, graph_emulator: Any) -> None:
    age(demo_account, days_left=10)
    graph_emulator.add_fault("token_expired", match="refresh_access_token")
    with translation.override("de"):
        refresh_token_if_due(account=demo_account)

    demo_account.refresh_from_db()
    assert demo_account.last_error_code == "token_invalid"
    assert "An admin must connect Instagram again." in demo_account.last_error
    with translation.override("de"):
        assert "Instagram neu verbinden" in demo_account.last_error


def test_the_refresh_happens_as_days_pass(demo_account: Any, graph_emulator: Any) -> None:
    age(demo_account, days_left=40, refreshed_days_ago=20)
    start = timezone.now()
    with time_machine.travel(start + timedelta(days=5), tick=True):
        assert refresh_token_if_due(account=demo_account)[0] == RefreshOutcome.NOT_DUE
    with time_machine.travel(start + timedelta(days=11), tick=True):
        assert refresh_token_if_due(account=demo_account)[0] == RefreshOutcome.REFRESHED
        demo_account.refresh_from_db()
        assert demo_account.days_left() == 59
    with time_machine.travel(start + timedelta(days=12), tick=True):
        assert refresh_token_if_due(account=demo_account)[0] == RefreshOutcome.NOT_DUE


def test_a_revoked_token_fails_the_refresh_and_marks_the_account(
    demo_account: Any, graph_emulator: Any
) -> None:
    age(demo_account, days_left=10)
    graph_emulator.add_fault("token_expired", match="refresh_access_token")
    outcome, error = refresh_token_if_due(account=demo_account)
    assert outcome == RefreshOutcome.FAILED and error is not None and error.code == 190
    demo_account.refresh_from_db()
    assert demo_account.last_check_ok is False
    assert "connect Instagram again" in demo_account.last_error


def test_a_transient_failure_is_retried_within_the_call(
    demo_account: Any, graph_emulator: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("instagram.client.time.sleep", lambda seconds: None)
    age(demo_account, days_left=10)
    graph_emulator.add_fault("transient", match="refresh_access_token", count=2)
    assert refresh_token_if_due(account=demo_account)[0] == RefreshOutcome.REFRESHED
    assert len(refresh_calls(graph_emulator)) == 3


def test_the_daily_task_takes_no_token_and_refreshes(demo_account: Any, graph_emulator: Any) -> None:
    age(demo_account, days_left=25)
    result = refresh_instagram_token.apply()
    assert result.get() == "refreshed"
    assert refresh_instagram_token.soft_time_limit and refresh_instagram_token.time_limit


def test_the_command_refreshes_when_forced(demo_account: Any, graph_emulator: Any) -> None:
    age(demo_account, days_left=45)
    out = StringIO()
    call_command("refresh_instagram_token", stdout=out)
    assert "Not due yet" in out.getvalue()
    call_command("refresh_instagram_token", "--force", stdout=out)
    assert "Refreshed the token of @cmsatdesy" in out.getvalue()
    assert len(refresh_calls(graph_emulator)) == 1


def test_the_command_fails_loudly_on_an_expired_token(demo_account: Any, graph_emulator: Any) -> None:
    age(demo_account, days_left=-2)
    with pytest.raises(CommandError, match="expired"):
        call_command("refresh_instagram_token", stdout=StringIO())


# --- the admins' e-mail --------------------------------------------------------------------------
def test_admins_are_mailed_once_a_day_in_their_language(demo_account: Any, people: dict[str, Any]) -> None:
    german_admin = people["admin"]
    Contributor.objects.update_or_create(user=german_admin, defaults={"language": "de"})
    from contributors.tests.factories import admin_user

    english_admin = admin_user(username="second_admin")
    age(demo_account, days_left=13.5)
    assert warn_admins_if_expiring(account=demo_account) == 2
    assert warn_admins_if_expiring(account=demo_account) == 0  # same day: nothing more
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {german_admin.email, english_admin.email}
    assert "läuft in 13 Tagen ab" in by_address[german_admin.email].subject
    assert "expires in 13 days" in by_address[english_admin.email].subject
    assert "/instagram/" in by_address[english_admin.email].body
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=True):
        assert warn_admins_if_expiring(account=demo_account) == 2
    assert len(mail.outbox) == 4


def test_no_mail_while_more_than_14_days_are_left(demo_account: Any, people: dict[str, Any]) -> None:
    age(demo_account, days_left=14.5)
    assert warn_admins_if_expiring(account=demo_account) == 0
    assert mail.outbox == []


def test_the_task_warns_when_the_refresh_cannot_help(
    demo_account: Any, graph_emulator: Any, people: dict[str, Any]
) -> None:
    age(demo_account, days_left=5)
    graph_emulator.add_fault("token_expired", match="refresh_access_token", count=None)
    assert refresh_instagram_token.apply().get() == "failed"
    assert refresh_instagram_token.apply().get() == "failed"
    assert [message.to for message in mail.outbox] == [[people["admin"].email]]
    assert "Last error" in mail.outbox[0].body
