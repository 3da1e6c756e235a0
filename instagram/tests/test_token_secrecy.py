"""The token appears in no log line, no URL the emulator received, no page and not in clear in
the database, through a whole connect → test → refresh → publish → fail cycle."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.db import connection
from django.test import Client
from django.urls import reverse

from graph_emulator.testing import jpeg
from instagram.client import FACEBOOK_LOGIN, INSTAGRAM_LOGIN, GraphAPIError, GraphClient
from instagram.models import InstagramAccount
from instagram.services import check_connection, refresh_token_if_due


def allow_in_dialog(dialog_url: str) -> str:
    """What the admin's browser does on the dialog: press Allow; returns where it is sent back."""
    query = {key: values[0] for key, values in parse_qs(urlsplit(dialog_url).query).items()}
    answer = requests.post(
        dialog_url.split("?")[0],
        data={**query, "decision": "allow", "ig_user_id": "17841400000000001"},
        allow_redirects=False,
        timeout=5,
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def connect_through_the_pages(client: Client) -> InstagramAccount:
    dialog = client.get(reverse("instagram:connect"))
    assert dialog.status_code == 302
    back = urlsplit(allow_in_dialog(dialog["Location"]))
    page = client.get(f"{back.path}?{back.query}", follow=True)
    assert page.status_code == 200
    return InstagramAccount.objects.get(is_active=True)


@pytest.mark.django_db
@pytest.mark.parametrize("flavour", [INSTAGRAM_LOGIN, FACEBOOK_LOGIN])
def test_the_token_leaks_nowhere(
    graph_emulator: Any, people: dict[str, Any], caplog: Any, public_media: Any, settings: Any, flavour: str
) -> None:
    settings.INSTAGRAM_LOGIN_FLAVOUR = flavour
    caplog.set_level(logging.DEBUG)
    for name in ("urllib3", "requests", "instagram", "django"):
        caplog.set_level(logging.DEBUG, logger=name)
    admin = Client()
    admin.force_login(people["admin"])

    account = connect_through_the_pages(admin)
    assert account.flavour == flavour
    assert check_connection(account=account)
    account.token_refreshed_at = account.connected_at.replace(year=account.connected_at.year - 1)
    account.save()
    refresh_token_if_due(account=account, force=True)
    account.refresh_from_db()
    graph = GraphClient(account)
    container = graph.create_image_container(public_media.add("secret.jpg", jpeg()), caption="x")
    graph.publish(container.id)
    graph.list_media(limit=3, insight_metrics=["reach"])
    token = account.get_token()
    # An error whose text carries the token: the client scrubs it.
    graph_emulator.add_fault(
        "error", match="/me(/accounts)?$", code=190, message=f"Malformed access token {token}"
    )
    with pytest.raises(GraphAPIError) as caught:
        graph.me()
    assert token not in str(caught.value) and token not in repr(caught.value)
    assert all(token not in str(arg) for arg in caught.value.args)
    logging.getLogger("instagram").warning("failed: %s / %r", caught.value, caught.value)

    pages = [
        admin.get(reverse("instagram:status")),
        admin.get(reverse("admin:instagram_instagramaccount_change", args=[account.pk])),
        admin.get(reverse("admin:instagram_instagramaccount_changelist")),
        admin.post(reverse("instagram:test_connection"), follow=True),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT token_encrypted FROM instagram_instagramaccount")
        raw_rows = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT detail FROM instagram_accountevent")
        raw_rows += [row[0] for row in cursor.fetchall()]

    tokens = list(graph_emulator.emulator.state.tokens)  # every token issued: short- and long-lived
    assert len(tokens) >= 3
    logged = [record.getMessage() for record in caplog.records]
    assert any("Graph API GET" in line for line in logged)  # the client does log its calls
    assert any("urllib3" in record.name for record in caplog.records)
    calls = graph_emulator.calls()
    assert len(calls) >= 8
    for secret in tokens:
        for line in logged:
            assert secret not in line
        for call in calls:
            assert secret not in json.dumps(call)
        for page in pages:
            assert page.status_code == 200
            assert secret not in page.content.decode()
        for raw in raw_rows:
            assert secret not in raw
    for call in calls:
        in_url = set(parse_qs(urlsplit(call["url"]).query, keep_blank_values=True))
        assert not {"access_token", "fb_exchange_token", "input_token", "client_secret", "code"} & in_url, (
            call
        )
        if call["endpoint"] != "/oauth/access_token":  # the exchanges carry them in POST bodies
            assert not {"access_token", "fb_exchange_token", "input_token"} & set(call["params"]), call
            assert call["authorization"] is None or call["authorization"].startswith("Bearer ")
        else:
            assert call["method"] == "POST", call
    # Decided by the emulator on each URL as received, before its log redacts anything.
    assert graph_emulator.tokens_in_urls() == []

    # The check above can fail: one request with the token in its query string is caught.
    requests.get(f"{graph_emulator.base_url}/v25.0/me", params={"access_token": token}, timeout=5)
    [leak] = graph_emulator.tokens_in_urls()
    assert leak["url"] == "/v25.0/me?access_token=[REDACTED]" and token not in json.dumps(leak)
