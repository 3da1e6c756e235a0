from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from instagram.banners import token_banners
from instagram.models import InstagramAccount

pytestmark = pytest.mark.django_db

BANNER = "The connection to Instagram expires in"


def connected(days_left: float) -> InstagramAccount:
    account = InstagramAccount(ig_user_id="17841400000000001", username="cmsatdesy")
    account.set_token("IGAAbanner-test")
    account.token_expires_at = timezone.now() + timedelta(days=days_left)
    account.save()
    return account


def test_the_team_sees_the_banner_from_14_days_before_expiry_and_not_before(people: dict[str, Any]) -> None:
    account = connected(days_left=20)

    def team_page() -> str:
        client = Client()
        client.force_login(people["outreach"])
        return client.get("/instagram/").content.decode()

    assert BANNER not in team_page()
    with time_machine.travel(account.token_expires_at - timedelta(days=14, hours=1), tick=False):
        assert BANNER not in team_page()
    with time_machine.travel(account.token_expires_at - timedelta(days=13, hours=23), tick=False):
        html = team_page()
        assert f"{BANNER} 13 days" in html
        assert "alert-warning" in html
    with time_machine.travel(account.token_expires_at - timedelta(days=2), tick=False):
        assert "alert-danger" in team_page()
    with time_machine.travel(account.token_expires_at + timedelta(hours=1), tick=False):
        assert "has expired" in team_page()


def test_every_team_page_carries_it_but_not_contributors_pages(people: dict[str, Any]) -> None:
    connected(days_left=5)
    for role in ("outreach", "admin"):
        client = Client()
        client.force_login(people[role])
        assert BANNER in client.get("/").content.decode(), role
        assert BANNER in client.get("/profile/").content.decode(), role
    for role in ("contributor", "science"):
        client = Client()
        client.force_login(people[role])
        assert BANNER not in client.get("/").content.decode(), role


def test_the_banner_is_german_for_german_readers(people: dict[str, Any]) -> None:
    from django.utils import translation

    connected(days_left=3.5)
    with translation.override("de"):
        (banner,) = token_banners(people["outreach"])
    assert "Instagram" in banner["text"] and "läuft in 3 Tagen ab" in banner["text"]


def test_one_query_per_request_for_the_team_and_none_for_others(
    people: dict[str, Any], django_assert_num_queries: Any
) -> None:
    connected(days_left=5)
    outreach = people["outreach"]
    outreach._cms_group_names = frozenset({"Outreach team"})
    with django_assert_num_queries(1):
        token_banners(outreach)
        token_banners(outreach)
    contributor = people["contributor"]
    contributor._cms_group_names = frozenset({"Contributors"})
    with django_assert_num_queries(0):
        assert token_banners(contributor) == []


def test_no_account_no_banner(people: dict[str, Any]) -> None:
    assert token_banners(people["admin"]) == []
