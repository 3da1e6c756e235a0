from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from contributors.testing import log_in
from graph_emulator import DEMO_APP_ID, DEMO_IG_USER_ID
from instagram.models import AccountEvent, InstagramAccount

from .test_token_secrecy import allow_in_dialog


def admin_client(people: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(people["admin"])
    return client


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.django_db
def test_connect_sends_the_admin_to_the_dialog_with_a_session_bound_state(
    people: dict[str, Any], graph_emulator: Any
) -> None:
    client = admin_client(people)
    response = client.get(reverse("instagram:connect"))
    target = urlsplit(response["Location"])
    query = {key: values[0] for key, values in parse_qs(target.query).items()}
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{graph_emulator.base_url}/oauth/authorize"
    assert query["client_id"] == DEMO_APP_ID
    assert query["redirect_uri"] == "http://testserver/instagram/callback/"
    assert "instagram_business_content_publish" in query["scope"]
    assert query["state"] == client.session["instagram_oauth_state"]


@pytest.mark.django_db
def test_production_sends_the_admin_to_meta(people: dict[str, Any], settings: Any) -> None:
    settings.GRAPH_API_BASE_URL = ""
    settings.INSTAGRAM_OAUTH_DIALOG_URL = ""
    response = admin_client(people).get(reverse("instagram:connect"))
    assert response["Location"].startswith("https://www.instagram.com/oauth/authorize?")
    settings.INSTAGRAM_LOGIN_FLAVOUR = "facebook_login"
    response = admin_client(people).get(reverse("instagram:connect"))
    assert response["Location"].startswith("https://www.facebook.com/v25.0/dialog/oauth?")


@pytest.mark.django_db
def test_the_whole_flow_stores_a_long_lived_token(people: dict[str, Any], graph_emulator: Any) -> None:
    client = admin_client(people)
    back = urlsplit(allow_in_dialog(client.get(reverse("instagram:connect"))["Location"]))
    response = client.get(f"{back.path}?{back.query}", follow=True)
    account = InstagramAccount.objects.get(is_active=True)
    assert (account.ig_user_id, account.username, account.connected_by) == (
        DEMO_IG_USER_ID,
        "cmsatdesy",
        people["admin"],
    )
    assert account.days_left() == 59
    assert account.get_token().startswith("IGAA")
    assert any("Connected the Instagram account @cmsatdesy" in m for m in messages_of(response))
    assert account.events.filter(kind=AccountEvent.Kind.CONNECTED).count() == 1
    # The code was traded once: short-lived, then long-lived.
    assert [c["endpoint"] for c in graph_emulator.calls(match="access_token")] == [
        "/oauth/access_token",
        "/access_token",
    ]


@pytest.mark.django_db
def test_a_state_from_another_session_is_refused(people: dict[str, Any], graph_emulator: Any) -> None:
    attacker = admin_client(people)
    back = urlsplit(allow_in_dialog(attacker.get(reverse("instagram:connect"))["Location"]))
    victim = admin_client(people)
    response = victim.get(f"{back.path}?{back.query}", follow=True)
    assert any("did not match this session" in m for m in messages_of(response))
    assert not InstagramAccount.objects.exists()
    assert graph_emulator.calls(match="access_token") == []


@pytest.mark.django_db
def test_cancelling_in_the_dialog_connects_nothing(people: dict[str, Any], graph_emulator: Any) -> None:
    import requests

    client = admin_client(people)
    dialog = client.get(reverse("instagram:connect"))["Location"]
    query = {key: values[0] for key, values in parse_qs(urlsplit(dialog).query).items()}
    answer = requests.post(
        dialog.split("?")[0], data={**query, "decision": "cancel"}, allow_redirects=False, timeout=5
    )
    back = urlsplit(answer.headers["Location"])
    response = client.get(f"{back.path}?{back.query}", follow=True)
    assert any("access was not allowed" in m for m in messages_of(response))
    assert not InstagramAccount.objects.exists()


@pytest.mark.django_db
def test_a_failed_exchange_says_why(people: dict[str, Any], graph_emulator: Any, settings: Any) -> None:
    settings.INSTAGRAM_APP_SECRET = "wrong-secret"
    client = admin_client(people)
    back = urlsplit(allow_in_dialog(client.get(reverse("instagram:connect"))["Location"]))
    response = client.get(f"{back.path}?{back.query}", follow=True)
    assert any("could not be connected" in m for m in messages_of(response))
    assert not InstagramAccount.objects.exists()


@pytest.mark.django_db
def test_test_connection_button_records_the_outcome(
    people: dict[str, Any], demo_account: Any, graph_emulator: Any
) -> None:
    client = admin_client(people)
    response = client.post(reverse("instagram:test_connection"), follow=True)
    assert any("works" in m for m in messages_of(response))
    graph_emulator.add_fault("token_expired", match="/me$")
    response = client.post(reverse("instagram:test_connection"), follow=True)
    assert any("does not work" in m and "connect Instagram again" in m for m in messages_of(response))
    demo_account.refresh_from_db()
    assert demo_account.last_check_ok is False and demo_account.last_checked_at


@pytest.mark.django_db
def test_the_admin_action_tests_the_connection(
    people: dict[str, Any], demo_account: Any, graph_emulator: Any
) -> None:
    client = admin_client(people)
    response = client.post(
        reverse("admin:instagram_instagramaccount_changelist"),
        {"action": "test_connection_action", "_selected_action": [demo_account.pk]},
        follow=True,
    )
    assert any("works" in m for m in messages_of(response))
    assert len(graph_emulator.calls(match="/me$")) == 1


@pytest.mark.django_db
def test_the_admin_can_replace_the_token_without_seeing_it(people: dict[str, Any], demo_account: Any) -> None:
    client = admin_client(people)
    url = reverse("admin:instagram_instagramaccount_change", args=[demo_account.pk])
    form = client.get(url).content.decode()
    assert 'name="replace_token"' in form and "EMULATOR-DEMO-TOKEN" not in form
    data = {
        "flavour": "instagram_login",
        "ig_user_id": demo_account.ig_user_id,
        "username": "cmsatdesy",
        "is_active": "on",
        "token_expires_at_0": "2030-01-01",
        "token_expires_at_1": "10:00:00",
        "replace_token": "IGAAreplaced",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 302
    demo_account.refresh_from_db()
    assert demo_account.get_token() == "IGAAreplaced"
    data["replace_token"] = ""
    client.post(url, data)
    demo_account.refresh_from_db()
    assert demo_account.get_token() == "IGAAreplaced"  # empty keeps it


@pytest.mark.django_db
def test_replacing_the_token_in_the_admin_records_who_did_it_but_not_the_token(
    people: dict[str, Any], demo_account: Any
) -> None:
    client = admin_client(people)
    url = reverse("admin:instagram_instagramaccount_change", args=[demo_account.pk])
    data = {
        "flavour": "instagram_login",
        "ig_user_id": demo_account.ig_user_id,
        "username": "cmsatdesy",
        "is_active": "on",
        "token_expires_at_0": "2030-01-01",
        "token_expires_at_1": "10:00:00",
        "replace_token": "IGAAsecret-by-hand",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 302

    event = demo_account.events.get(kind=AccountEvent.Kind.TOKEN_REPLACED)
    assert event.by == people["admin"]
    assert "IGAAsecret-by-hand" not in f"{event.detail} {event}"
    page = client.get(url).content.decode()
    assert "token replaced by hand" in page and "IGAAsecret-by-hand" not in page
    # Saving without a new token records nothing.
    data["replace_token"] = ""
    client.post(url, data)
    assert demo_account.events.filter(kind=AccountEvent.Kind.TOKEN_REPLACED).count() == 1


@pytest.mark.django_db
def test_the_status_page_shows_the_team_the_account_and_admins_the_buttons(
    people: dict[str, Any], demo_account: Any
) -> None:
    outreach = Client()
    outreach.force_login(people["outreach"])
    html = outreach.get(reverse("instagram:status")).content.decode()
    assert "@cmsatdesy" in html and "49 days left" in html
    assert "Test connection" not in html and "Connect Instagram" not in html
    html = admin_client(people).get(reverse("instagram:status")).content.decode()
    assert "Test connection" in html and "Connect Instagram" in html


@pytest.mark.browser
def test_an_admin_connects_instagram_in_the_browser(
    page: Any, people: dict[str, Any], graph_emulator: Any
) -> None:
    log_in(page, people["admin"].username)
    page.goto("/instagram/")
    page.get_by_text("No Instagram account is connected").wait_for()
    page.get_by_role("link", name="Connect Instagram").click()
    page.get_by_role("heading", name="Allow access?").wait_for()
    assert page.url.startswith(graph_emulator.base_url)
    page.get_by_role("button", name="Allow").click()
    page.get_by_text("Connected the Instagram account @cmsatdesy").wait_for()
    assert "/instagram/" in page.url
    expect(page.get_by_test_id("connected-account")).to_contain_text("@cmsatdesy")
    page.get_by_role("button", name="Test connection").click()
    page.get_by_text("The connection to @cmsatdesy works.").wait_for()
    assert InstagramAccount.objects.get(is_active=True).connected_by == people["admin"]
