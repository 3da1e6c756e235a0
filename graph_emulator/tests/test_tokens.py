"""Tokens: how they are accepted, refused, exchanged and refreshed, and the login dialog."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import requests

from graph_emulator import DEMO_APP_ID, DEMO_APP_SECRET, DEMO_IG_USER_ID, DEMO_TOKEN
from graph_emulator.tests.conftest import assert_error

REDIRECT = "https://cms.example.org/instagram/callback"


def test_it_refuses_a_call_without_a_token_with_190(graph):
    assert_error(graph.get("/v25.0/me", token=""), 190)


def test_it_refuses_an_unknown_token_with_190(graph):
    assert_error(graph.get("/v25.0/me", token="NOT-A-TOKEN"), 190)


def test_it_refuses_an_expired_token_with_190_463(graph, emulator):
    token = emulator.create_token(expires_in=3600)["token"]
    assert graph.get("/me", token=token).ok

    emulator.advance_clock(3600)

    error = assert_error(graph.get("/me", token=token), 190, 463)
    assert "expired" in error["message"]


def test_it_accepts_the_token_as_header_or_query_param_with_or_without_version(graph):
    as_header = graph.get("/v25.0/me", fields="id")
    as_param = graph.get("/me", token="", access_token=DEMO_TOKEN, fields="id")
    old_version = graph.get("/v19.0/me", fields="id")

    assert as_header.json() == as_param.json() == old_version.json() == {"id": DEMO_IG_USER_ID}


def test_it_tells_the_client_which_account_the_token_belongs_to(graph):
    me = graph.get("/me", fields="user_id,username,id").json()
    node = graph.get(f"/{DEMO_IG_USER_ID}", fields="username,followers_count,media_count").json()

    assert me == {"user_id": DEMO_IG_USER_ID, "username": "cmsatdesy", "id": DEMO_IG_USER_ID}
    assert node["username"] == "cmsatdesy"
    assert node["followers_count"] >= 1650
    assert node["media_count"] == 38


def test_it_lists_the_instagram_account_behind_a_facebook_page(graph):
    pages = graph.get("/v25.0/me/accounts", fields="instagram_business_account").json()["data"]

    assert pages[0]["instagram_business_account"]["id"] == DEMO_IG_USER_ID


def test_it_refreshes_a_long_lived_instagram_token(graph, emulator):
    token = emulator.create_token(expires_in=10 * 86400)["token"]

    response = graph.get("/refresh_access_token", token="", grant_type="ig_refresh_token", access_token=token)

    answer = response.json()
    assert set(answer) == {"access_token", "token_type", "expires_in"}
    assert answer["token_type"] == "bearer"
    assert answer["expires_in"] == 60 * 86400
    emulator.advance_clock(30 * 86400)
    assert graph.get("/me", token=answer["access_token"]).ok


def test_it_refuses_to_refresh_an_expired_token(graph, emulator):
    token = emulator.create_token(expires_in=60, age_seconds=120)["token"]

    response = graph.get("/refresh_access_token", token=token, grant_type="ig_refresh_token")

    assert_error(response, 190, 463)


def test_it_refuses_to_refresh_a_token_younger_than_a_day_when_configured(graph, emulator):
    emulator.configure(refresh_requires_token_age=True)
    young = emulator.create_token(age_seconds=3600)["token"]
    old = emulator.create_token(age_seconds=25 * 3600)["token"]

    assert_error(graph.get("/refresh_access_token", token=young, grant_type="ig_refresh_token"), 100)
    assert graph.get("/refresh_access_token", token=old, grant_type="ig_refresh_token").ok


def test_it_exchanges_a_facebook_token_for_a_long_lived_one(graph, emulator):
    short = emulator.create_token(login="facebook", long_lived=False)["token"]

    response = graph.get(
        "/v25.0/oauth/access_token",
        token="",
        grant_type="fb_exchange_token",
        client_id=DEMO_APP_ID,
        client_secret=DEMO_APP_SECRET,
        fb_exchange_token=short,
    )

    answer = response.json()
    assert answer["token_type"] == "bearer" and answer["expires_in"] == 60 * 86400
    assert graph.get("/me", token=answer["access_token"], fields="id").json() == {"id": DEMO_IG_USER_ID}


def test_it_refuses_an_exchange_with_the_wrong_app_secret(graph, emulator):
    short = emulator.create_token(login="facebook", long_lived=False)["token"]

    response = graph.get(
        "/oauth/access_token",
        token="",
        grant_type="fb_exchange_token",
        client_id=DEMO_APP_ID,
        client_secret="wrong",
        fb_exchange_token=short,
    )

    assert_error(response, 1)


def _authorize(emulator, decision: str) -> dict[str, list[str]]:
    page = requests.get(
        f"{emulator.base_url}/oauth/authorize",
        params={
            "client_id": DEMO_APP_ID,
            "redirect_uri": REDIRECT,
            "state": "xyz-123",
            "scope": "instagram_business_basic,instagram_business_content_publish",
            "response_type": "code",
        },
        timeout=10,
    )
    assert page.status_code == 200
    assert "<script" not in page.text.lower()
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text))
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    response = requests.post(
        f"{emulator.base_url}{action}",
        data={**fields, "ig_user_id": DEMO_IG_USER_ID, "decision": decision},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return parse_qs(location.query)


def test_it_logs_in_through_the_dialog_and_exchanges_the_code(graph, emulator):
    query = _authorize(emulator, "allow")
    assert query["state"] == ["xyz-123"]

    exchange = requests.post(
        f"{emulator.base_url}/oauth/access_token",
        data={
            "client_id": DEMO_APP_ID,
            "client_secret": DEMO_APP_SECRET,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
            "code": query["code"][0],
        },
        timeout=10,
    ).json()
    assert exchange["user_id"] == int(DEMO_IG_USER_ID)
    assert "instagram_business_content_publish" in exchange["permissions"]

    long_lived = graph.get(
        "/access_token",
        token="",
        grant_type="ig_exchange_token",
        client_secret=DEMO_APP_SECRET,
        access_token=exchange["access_token"],
    ).json()
    assert long_lived["expires_in"] == 60 * 86400
    me = graph.get("/me", token=long_lived["access_token"], fields="user_id,username").json()
    assert me == {"user_id": DEMO_IG_USER_ID, "username": "cmsatdesy"}


def test_it_refuses_a_code_used_twice_or_with_another_redirect_uri(emulator):
    code = _authorize(emulator, "allow")["code"][0]
    form = {
        "client_id": DEMO_APP_ID,
        "client_secret": DEMO_APP_SECRET,
        "grant_type": "authorization_code",
        "code": code,
    }

    assert_error(
        requests.post(
            f"{emulator.base_url}/oauth/access_token",
            data={**form, "redirect_uri": "https://x.example/"},
            timeout=10,
        ),
        100,
        36008,
    )
    assert requests.post(
        f"{emulator.base_url}/oauth/access_token", data={**form, "redirect_uri": REDIRECT}, timeout=10
    ).ok
    assert_error(
        requests.post(
            f"{emulator.base_url}/oauth/access_token", data={**form, "redirect_uri": REDIRECT}, timeout=10
        ),
        100,
        36009,
    )


def test_it_redirects_with_access_denied_when_the_person_cancels(emulator):
    query = _authorize(emulator, "cancel")

    assert query["error"] == ["access_denied"]
    assert query["state"] == ["xyz-123"]
    assert "code" not in query


def test_it_exchanges_a_facebook_login_code(emulator):
    code = _authorize(emulator, "allow")["code"][0]

    answer = requests.get(
        f"{emulator.base_url}/v25.0/oauth/access_token",
        params={
            "client_id": DEMO_APP_ID,
            "client_secret": DEMO_APP_SECRET,
            "redirect_uri": REDIRECT,
            "code": code,
        },
        timeout=10,
    ).json()

    assert answer["token_type"] == "bearer"
    assert answer["access_token"]


def test_it_describes_a_token_with_debug_token(graph, emulator):
    response = graph.get("/debug_token", token=f"{DEMO_APP_ID}|{DEMO_APP_SECRET}", input_token=DEMO_TOKEN)

    data = response.json()["data"]
    assert data["is_valid"] is True
    assert data["app_id"] == DEMO_APP_ID
    assert data["user_id"] == DEMO_IG_USER_ID
    assert data["type"] == "USER"
    assert data["expires_at"] == 0
    assert "instagram_business_content_publish" in data["scopes"]


def test_it_reports_an_unknown_token_as_invalid_in_debug_token(graph):
    data = graph.get("/debug_token", input_token="NOPE").json()["data"]

    assert data["is_valid"] is False
    assert data["error"]["code"] == 190


def test_it_serves_the_facebook_dialog_path_and_posts_back_to_it(emulator):
    page = requests.get(
        f"{emulator.base_url}/v25.0/dialog/oauth",
        params={"client_id": DEMO_APP_ID, "redirect_uri": REDIRECT, "state": "s"},
        timeout=10,
    )

    assert '<form method="post" action="/v25.0/dialog/oauth">' in page.text
    assert 'value="allow"' in page.text and 'value="cancel"' in page.text


def test_it_shows_an_error_page_for_an_unknown_app(emulator):
    page = requests.get(
        f"{emulator.base_url}/oauth/authorize",
        params={"client_id": "999", "redirect_uri": REDIRECT},
        timeout=10,
    )

    assert page.status_code == 400
    assert "Invalid App ID" in page.text


# --- /oauth/access_token is routed on grant_type, not on the HTTP method ------------------------
def test_it_exchanges_a_facebook_login_code_sent_as_a_post_form(graph, emulator):
    code = _authorize(emulator, "allow")["code"][0]

    response = requests.post(
        f"{emulator.base_url}/v25.0/oauth/access_token",
        data={
            "client_id": DEMO_APP_ID,
            "client_secret": DEMO_APP_SECRET,
            "redirect_uri": REDIRECT,
            "code": code,
        },
        timeout=10,
    )

    assert response.status_code == 200, response.text
    answer = response.json()
    assert set(answer) == {"access_token", "token_type", "expires_in"}
    assert answer["access_token"].startswith("EAA")
    assert (answer["token_type"], answer["expires_in"]) == ("bearer", 3600)
    pages = graph.get("/v25.0/me/accounts", token=answer["access_token"], fields="instagram_business_account")
    assert pages.json()["data"][0]["instagram_business_account"]["id"] == DEMO_IG_USER_ID


def test_it_exchanges_a_facebook_token_for_a_long_lived_one_sent_as_a_post_form(graph, emulator):
    short = emulator.create_token(login="facebook", long_lived=False)["token"]

    response = graph.post(
        "/v25.0/oauth/access_token",
        token="",
        grant_type="fb_exchange_token",
        client_id=DEMO_APP_ID,
        client_secret=DEMO_APP_SECRET,
        fb_exchange_token=short,
    )

    answer = response.json()
    assert answer["token_type"] == "bearer" and answer["expires_in"] == 60 * 86400
    assert answer["access_token"] not in (short, DEMO_TOKEN)
    assert graph.get("/me", token=answer["access_token"], fields="id").json() == {"id": DEMO_IG_USER_ID}
    assert_error(
        graph.post(
            "/v25.0/oauth/access_token",
            token="",
            grant_type="fb_exchange_token",
            client_id=DEMO_APP_ID,
            client_secret="wrong",
            fb_exchange_token=short,
        ),
        1,
    )


def test_it_answers_the_instagram_code_exchange_by_grant_type_whatever_the_method(emulator):
    code = _authorize(emulator, "allow")["code"][0]

    answer = requests.get(
        f"{emulator.base_url}/oauth/access_token",
        params={
            "client_id": DEMO_APP_ID,
            "client_secret": DEMO_APP_SECRET,
            "grant_type": "authorization_code",
            "redirect_uri": REDIRECT,
            "code": code,
        },
        timeout=10,
    ).json()

    assert answer["user_id"] == int(DEMO_IG_USER_ID)
    assert answer["access_token"].startswith("IGAA")


def test_a_posted_code_exchange_without_grant_type_is_facebook_logins(emulator):
    code = _authorize(emulator, "allow")["code"][0]
    form = {"client_id": DEMO_APP_ID, "client_secret": DEMO_APP_SECRET, "redirect_uri": REDIRECT}

    missing = requests.post(f"{emulator.base_url}/oauth/access_token", data=form, timeout=10)
    answer = requests.post(f"{emulator.base_url}/oauth/access_token", data={**form, "code": code}, timeout=10)

    assert "code is required" in assert_error(missing, 100)["message"]
    assert "user_id" not in answer.json() and answer.json()["token_type"] == "bearer"


def test_it_refuses_an_unsupported_grant_type(emulator):
    short = emulator.create_token(long_lived=False)["token"]

    response = requests.post(
        f"{emulator.base_url}/oauth/access_token",
        data={"grant_type": "ig_exchange_token", "client_secret": DEMO_APP_SECRET, "access_token": short},
        timeout=10,
    )

    assert "Unsupported grant_type: ig_exchange_token" in assert_error(response, 100)["message"]
