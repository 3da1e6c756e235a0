"""The control API, the usage header, call redaction, and running the emulator from the shell."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from graph_emulator import DEMO_APP_ID, DEMO_APP_SECRET, DEMO_IG_USER_ID, DEMO_TOKEN
from graph_emulator.insights import expected_media_metrics
from graph_emulator.tests.conftest import SEED

ROOT = Path(__file__).resolve().parents[2]


def test_it_redacts_every_token_and_secret_in_the_call_log(graph, emulator):
    short = emulator.create_token(login="facebook", long_lived=False)["token"]
    graph.get("/me", fields="id")
    graph.get("/me", token="", access_token=DEMO_TOKEN)
    graph.get(
        "/oauth/access_token",
        token="",
        grant_type="fb_exchange_token",
        client_id=DEMO_APP_ID,
        client_secret=DEMO_APP_SECRET,
        fb_exchange_token=short,
    )

    calls = requests.get(f"{emulator.base_url}/_emulator/calls", timeout=10).json()["calls"]

    dumped = json.dumps(calls)
    for secret in (DEMO_TOKEN, short, DEMO_APP_SECRET):
        assert secret not in dumped
    assert calls[0]["authorization"] == "Bearer [REDACTED]"
    assert calls[1]["params"]["access_token"] == "[REDACTED]"
    assert calls[2]["params"]["client_secret"] == "[REDACTED]"
    assert calls[2]["params"]["fb_exchange_token"] == "[REDACTED]"
    assert calls[2]["params"]["client_id"] == DEMO_APP_ID


def test_it_logs_method_path_status_and_filters_by_pattern(graph, emulator, image_url):
    container_id = graph.create_image_container(image_url)
    graph.publish(container_id)

    [publish] = emulator.calls(match="media_publish")

    assert publish["method"] == "POST"
    assert publish["path"] == f"/v25.0/{DEMO_IG_USER_ID}/media_publish"
    assert publish["params"] == {"creation_id": container_id}
    assert publish["status"] == 200
    assert [c["method"] for c in emulator.calls(method="POST")] == ["POST", "POST"]


def test_it_sends_a_usage_header_whose_percentage_rises_with_calls(graph, emulator):
    emulator.configure(usage_calls_per_hour=10)

    counts = []
    for _ in range(4):
        header = graph.get("/me").headers["X-Business-Use-Case-Usage"]
        counts.append(json.loads(header)[DEMO_IG_USER_ID][0]["call_count"])

    assert counts == [10, 20, 30, 40]
    emulator.advance_clock(3601)
    header = json.loads(graph.get("/me").headers["X-Business-Use-Case-Usage"])
    assert header[DEMO_IG_USER_ID][0] == {
        "type": "instagram",
        "call_count": 10,
        "total_cputime": 5,
        "total_time": 5,
        "estimated_time_to_regain_access": 0,
    }


def test_it_sends_the_usage_header_on_errors_too(graph):
    response = graph.get("/17841499999999999")

    assert response.status_code == 400
    assert DEMO_IG_USER_ID in json.loads(response.headers["X-Business-Use-Case-Usage"])


def test_it_resets_to_the_seeded_state(graph, emulator, image_url):
    graph.publish(graph.create_image_container(image_url))
    emulator.add_fault("transient", match="nothing-matches")

    response = requests.post(f"{emulator.base_url}/_emulator/reset", json={}, timeout=10)

    assert response.json() == {"ok": True, "seed": SEED}
    assert emulator.published() == []
    assert emulator.calls() == []
    assert requests.get(f"{emulator.base_url}/_emulator/faults", timeout=10).json() == {"faults": []}
    assert len(graph.get(f"/{DEMO_IG_USER_ID}/media", limit=100).json()["data"]) == 36


def test_it_advances_the_clock_through_the_control_api(emulator):
    before = emulator.now()

    answer = requests.post(f"{emulator.base_url}/_emulator/clock", json={"advance": 3600}, timeout=10).json()

    assert answer["epoch"] == before + 3600
    assert answer["frozen"] is True


def test_it_refuses_unknown_configuration_keys(emulator):
    response = requests.post(f"{emulator.base_url}/_emulator/config", json={"quota_totl": 5}, timeout=10)

    assert response.status_code == 400
    assert (
        requests.post(f"{emulator.base_url}/_emulator/config", json={"quota_total": 5}, timeout=10).json()[
            "quota_total"
        ]
        == 5
    )


def test_it_creates_accounts_with_their_own_token_and_media(graph, emulator):
    account = requests.post(
        f"{emulator.base_url}/_emulator/accounts",
        json={"username": "zeuthen_lab", "media_count": 4},
        timeout=10,
    ).json()

    me = graph.get("/me", token=account["token"], fields="id,username").json()
    media = graph.get(f"/{account['ig_user_id']}/media", token=account["token"]).json()["data"]

    assert me == {"id": account["ig_user_id"], "username": "zeuthen_lab"}
    assert len(media) == 4
    assert graph.get(f"/{account['ig_user_id']}/media").status_code == 400


def test_it_lists_media_with_the_figures_it_answers(emulator):
    rows = requests.get(f"{emulator.base_url}/_emulator/media/{DEMO_IG_USER_ID}", timeout=10).json()["media"]

    row = next(r for r in rows if r["metrics"])
    assert row["metrics"] == expected_media_metrics(
        SEED, row["id"], row["media_product_type"], row["elapsed_seconds"]
    )


def test_it_runs_from_the_command_line(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "graph_emulator", "--port", str(port), "--seed", "3"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert "Graph API emulator on" in process.stdout.readline()
        deadline = time.monotonic() + 5
        while True:
            try:
                response = requests.get(
                    f"http://127.0.0.1:{port}/v25.0/me",
                    params={"fields": "username"},
                    headers={"Authorization": f"Bearer {DEMO_TOKEN}"},
                    timeout=2,
                )
                break
            except requests.exceptions.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert response.json() == {"username": "cmsatdesy"}
    finally:
        process.terminate()
        process.wait(5)


def test_it_logs_the_url_as_received_with_secret_values_replaced(graph, emulator):
    graph.get("/v25.0/me", fields="id,username", limit="5")
    graph.get("/me", token="", fields="id", access_token=DEMO_TOKEN)
    graph.get(
        "/v25.0/oauth/access_token", token="", client_id=DEMO_APP_ID, client_secret=DEMO_APP_SECRET, code="c1"
    )

    header, in_query, exchange = emulator.calls()

    assert header["url"] == "/v25.0/me?fields=id%2Cusername&limit=5"
    assert in_query["url"] == "/me?fields=id&access_token=[REDACTED]"
    assert (
        exchange["url"]
        == f"/v25.0/oauth/access_token?client_id={DEMO_APP_ID}&client_secret=[REDACTED]&code=[REDACTED]"
    )
    assert [c["token_in_url"] for c in (header, in_query, exchange)] == [False, True, True]


def test_it_lists_the_calls_that_carried_a_token_in_their_url(graph, emulator):
    short = emulator.create_token(login="facebook", long_lived=False)["token"]
    graph.get("/me", fields="id")  # header: fine
    graph.post(  # POST body: fine
        "/v25.0/oauth/access_token",
        token="",
        grant_type="fb_exchange_token",
        client_id=DEMO_APP_ID,
        client_secret=DEMO_APP_SECRET,
        fb_exchange_token=short,
    )
    assert emulator.tokens_in_urls() == []

    graph.get("/refresh_access_token", token="", grant_type="ig_refresh_token", access_token=DEMO_TOKEN)
    graph.get(f"/v25.0/{short}/media", token="")  # a token where an id goes
    graph.get("/me", fields=short)  # under a name that is not a secret's
    encoded = "".join(f"%{byte:02X}" for byte in DEMO_APP_SECRET.encode())
    requests.get(f"{emulator.base_url}/debug_token?input_token=x&secret={encoded}", timeout=10)

    leaks = requests.get(f"{emulator.base_url}/_emulator/tokens_in_urls", timeout=10).json()["tokens_in_urls"]

    assert [c["endpoint"] for c in leaks] == [
        "/refresh_access_token",
        "/[REDACTED]/media",
        "/me",
        "/debug_token",
    ]
    assert leaks == emulator.tokens_in_urls()
    dumped = json.dumps(emulator.calls())
    for secret in (DEMO_TOKEN, short, DEMO_APP_SECRET, encoded):
        assert secret not in dumped
    assert leaks[1]["url"] == "/v25.0/[REDACTED]/media"
    assert leaks[2]["url"] == "/me?fields=[REDACTED]" and leaks[2]["params"] == {"fields": "[REDACTED]"}


def test_it_never_logs_an_authorization_header_without_a_scheme(graph, emulator):
    requests.get(f"{emulator.base_url}/me", headers={"Authorization": DEMO_TOKEN}, timeout=10)
    requests.get(f"{emulator.base_url}/me", headers={"Authorization": f"{DEMO_TOKEN} x"}, timeout=10)
    graph.get("/me")

    assert [c["authorization"] for c in emulator.calls()] == ["[REDACTED]", "[REDACTED]", "Bearer [REDACTED]"]
