"""Media made through the control API for tests, and multi-id requests in the usage header."""

from __future__ import annotations

import json

import requests

from graph_emulator import DEMO_IG_USER_ID
from graph_emulator.insights import expected_media_metrics


def test_it_makes_published_media_of_a_given_type_and_age(graph, emulator):
    made = emulator.add_media(media_type="VIDEO", product_type="REELS", age_seconds=3 * 86400)
    listed = graph.get(f"/v25.0/{DEMO_IG_USER_ID}/media", fields="id,media_product_type,timestamp", limit=100)
    assert {"id": made["id"], "media_product_type": "REELS", "timestamp": made["timestamp"]} in listed.json()[
        "data"
    ]
    insights = graph.get(f"/v25.0/{made['id']}/insights", metric="reach,ig_reels_avg_watch_time").json()
    expected = expected_media_metrics(emulator.seed, made["id"], "REELS", 3 * 86400)
    assert [item["values"][0]["value"] for item in insights["data"]] == [
        expected["reach"], expected["ig_reels_avg_watch_time"],
    ]  # fmt: skip


def test_the_control_api_makes_media_and_refuses_unknown_kinds(emulator):
    answer = requests.post(
        f"{emulator.base_url}/_emulator/media",
        json={"media_type": "CAROUSEL_ALBUM", "product_type": "FEED", "age_seconds": 60},
        timeout=10,
    )
    assert answer.status_code == 200
    children = [m for m in emulator.media() if m["parent_id"] == answer.json()["id"]]
    assert len(children) == 2
    refused = requests.post(
        f"{emulator.base_url}/_emulator/media",
        json={"media_type": "VIDEO", "product_type": "FEED"},
        timeout=10,
    )
    assert refused.status_code == 400
    assert "unsupported media" in refused.json()["error"]


def test_each_id_of_a_multi_id_request_counts_in_the_usage_header(graph, emulator):
    emulator.configure(usage_calls_per_hour=100)
    ids = [emulator.add_media(age_seconds=86400)["id"] for _ in range(5)]
    response = graph.get("/v25.0/", ids=",".join(ids), fields="id,insights.metric(reach,follows)")
    assert response.status_code == 200
    assert set(response.json()) == set(ids)
    usage = json.loads(response.headers["X-Business-Use-Case-Usage"])[DEMO_IG_USER_ID][0]
    assert usage["call_count"] == 5
    usage = json.loads(graph.get("/me").headers["X-Business-Use-Case-Usage"])[DEMO_IG_USER_ID][0]
    assert usage["call_count"] == 6
