from __future__ import annotations

from typing import Any

import pytest

import graph_emulator as emulator_package
from instagram import demo
from instagram.models import InstagramAccount
from instagram.services import check_connection


def test_the_demo_values_are_the_emulators() -> None:
    assert demo.DEMO_TOKEN == emulator_package.DEMO_TOKEN
    assert demo.DEMO_IG_USER_ID == emulator_package.DEMO_IG_USER_ID
    assert demo.DEMO_USERNAME == emulator_package.DEMO_USERNAME


@pytest.mark.django_db
def test_seeding_twice_connects_one_working_account(graph_emulator: Any) -> None:
    first = demo.seed(log=lambda *args: None)["instagram_account"]
    second = demo.seed(log=lambda *args: None)["instagram_account"]
    assert first.pk == second.pk
    assert InstagramAccount.objects.count() == 1
    account = InstagramAccount.objects.get()
    assert account.is_active and account.username == "cmsatdesy"
    assert account.days_left() == 49
    assert check_connection(account=account)


@pytest.mark.django_db
def test_seed_demo_command_connects_the_account(graph_emulator: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("seed_demo", stdout=out)
    account = InstagramAccount.objects.get(is_active=True)
    assert account.connected_by is not None and account.connected_by.username == "admin"
    assert "@cmsatdesy" in out.getvalue()
