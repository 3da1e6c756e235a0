"""Facebook Login against the Graph API emulator over real HTTP: the code exchange, the
long-lived exchange (which is also how such a token is refreshed) and the connect pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from graph_emulator import DEMO_APP_ID, DEMO_APP_SECRET, DEMO_IG_USER_ID, DEMO_USERNAME
from instagram.client import FACEBOOK_LOGIN, ErrorKind, GraphAPIError, GraphClient
from instagram.models import InstagramAccount
from instagram.services import RefreshOutcome, refresh_token_if_due

from .test_client_emulator import dialog_code
from .test_token_secrecy import allow_in_dialog

REDIRECT_URI = "http://testserver/instagram/callback/"
APP = {"client_id": DEMO_APP_ID, "client_secret": DEMO_APP_SECRET}


def exchanges(graph_emulator: Any) -> list[dict[str, Any]]:
    return graph_emulator.calls(match="access_token$")


def test_a_code_becomes_a_short_then_a_long_lived_token_in_post_bodies(graph_emulator: Any) -> None:
    code = dialog_code(graph_emulator.base_url, REDIRECT_URI)
    anonymous = GraphClient(None, flavour=FACEBOOK_LOGIN)

    short = anonymous.exchange_code(code, redirect_uri=REDIRECT_URI, **APP)
    long_lived = anonymous.exchange_for_long_lived(short.access_token, **APP)

    assert short.access_token.startswith("EAA")
    assert short.expires_in is not None and 3500 < short.expires_in <= 3600
    assert long_lived.access_token != short.access_token
    assert long_lived.expires_in is not None and 59 * 86400 < long_lived.expires_in <= 60 * 86400
    me = GraphClient(long_lived.access_token, flavour=FACEBOOK_LOGIN).me()
    assert (me.user_id, me.username) == (DEMO_IG_USER_ID, DEMO_USERNAME)
    code_call, exchange_call = exchanges(graph_emulator)
    for call in (code_call, exchange_call):
        assert (call["method"], call["url"], call["status"]) == ("POST", "/v25.0/oauth/access_token", 200)
    assert "grant_type" not in code_call["params"]
    assert set(code_call["params"]) == {"client_id", "client_secret", "redirect_uri", "code"}
    assert exchange_call["params"]["grant_type"] == "fb_exchange_token"
    assert graph_emulator.tokens_in_urls() == []


def test_a_wrong_app_secret_is_refused_without_repeating_it(graph_emulator: Any) -> None:
    code = dialog_code(graph_emulator.base_url, REDIRECT_URI)
    anonymous = GraphClient(None, flavour=FACEBOOK_LOGIN)

    with pytest.raises(GraphAPIError) as caught:
        anonymous.exchange_code(code, redirect_uri=REDIRECT_URI, client_id=DEMO_APP_ID, client_secret="wrong")

    # Meta's answer: code 1, "Error validating client secret." (code 1 alone also means "unknown").
    assert caught.value.code == 1 and "client secret" in caught.value.message
    assert caught.value.kind == ErrorKind.PERMANENT
    assert GraphClient(None, flavour=FACEBOOK_LOGIN).exchange_code(code, redirect_uri=REDIRECT_URI, **APP)


def test_a_code_works_once_and_only_for_its_redirect_uri(graph_emulator: Any) -> None:
    code = dialog_code(graph_emulator.base_url, REDIRECT_URI)
    anonymous = GraphClient(None, flavour=FACEBOOK_LOGIN)

    with pytest.raises(GraphAPIError) as elsewhere:
        anonymous.exchange_code(code, redirect_uri="http://testserver/elsewhere/", **APP)
    anonymous.exchange_code(code, redirect_uri=REDIRECT_URI, **APP)
    with pytest.raises(GraphAPIError) as again:
        anonymous.exchange_code(code, redirect_uri=REDIRECT_URI, **APP)

    assert (elsewhere.value.kind, elsewhere.value.subcode) == (ErrorKind.PERMANENT, 36008)
    assert (again.value.kind, again.value.subcode) == (ErrorKind.PERMANENT, 36009)


def test_an_expired_short_lived_token_cannot_be_exchanged(graph_emulator: Any) -> None:
    short = graph_emulator.create_token(login="facebook", long_lived=False, age_seconds=7200)["token"]

    with pytest.raises(GraphAPIError) as caught:
        GraphClient(None, flavour=FACEBOOK_LOGIN).exchange_for_long_lived(short, **APP)

    assert (caught.value.kind, caught.value.code, caught.value.subcode) == (ErrorKind.TOKEN_INVALID, 190, 463)


def test_refreshing_a_facebook_login_token_exchanges_it_again(graph_emulator: Any) -> None:
    token = graph_emulator.create_token(login="facebook", expires_in=20 * 86400)["token"]

    fresh = GraphClient(token, flavour=FACEBOOK_LOGIN).refresh_token()

    assert fresh.access_token != token
    assert fresh.expires_in is not None and fresh.expires_in > 59 * 86400
    assert GraphClient(fresh.access_token, flavour=FACEBOOK_LOGIN).me().user_id == DEMO_IG_USER_ID
    [call] = exchanges(graph_emulator)
    assert (call["method"], call["url"], call["params"]["grant_type"]) == (
        "POST",
        "/v25.0/oauth/access_token",
        "fb_exchange_token",
    )
    assert graph_emulator.calls(match="refresh_access_token") == []
    assert graph_emulator.tokens_in_urls() == []


@pytest.mark.django_db
def test_an_admin_connects_with_facebook_login_and_the_token_is_refreshed(
    people: dict[str, Any], graph_emulator: Any, settings: Any
) -> None:
    settings.INSTAGRAM_LOGIN_FLAVOUR = FACEBOOK_LOGIN
    admin = Client()
    admin.force_login(people["admin"])

    back = urlsplit(allow_in_dialog(admin.get(reverse("instagram:connect"))["Location"]))
    admin.get(f"{back.path}?{back.query}", follow=True)

    account = InstagramAccount.objects.get(is_active=True)
    assert (account.flavour, account.ig_user_id, account.username) == (
        FACEBOOK_LOGIN,
        DEMO_IG_USER_ID,
        "cmsatdesy",
    )
    assert account.get_token().startswith("EAA") and account.days_left() == 59
    assert [(c["method"], c["url"]) for c in exchanges(graph_emulator)] == [
        ("POST", "/v25.0/oauth/access_token"),
        ("POST", "/v25.0/oauth/access_token"),
    ]
    connected_token = account.get_token()
    account.token_refreshed_at = account.connected_at.replace(year=account.connected_at.year - 1)
    account.save()

    outcome, error = refresh_token_if_due(account=account, force=True)

    account.refresh_from_db()
    assert (outcome, error) == (RefreshOutcome.REFRESHED, None)
    assert account.get_token() != connected_token
    assert GraphClient(account).me().user_id == DEMO_IG_USER_ID
    assert graph_emulator.tokens_in_urls() == []
