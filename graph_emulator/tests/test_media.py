"""Reading media: nodes, newest-first listing with cursors, and field expansion."""

from __future__ import annotations

import requests

from graph_emulator import DEMO_IG_USER_ID
from graph_emulator.insights import expected_media_metrics
from graph_emulator.tests.conftest import SEED, assert_error

MEDIA = f"/v25.0/{DEMO_IG_USER_ID}/media"


def test_it_lists_seeded_media_newest_first_with_cursor_paging(graph, emulator):
    seen: list[dict] = []
    response = graph.get(MEDIA, fields="id,timestamp,media_product_type", limit=10)
    while True:
        answer = response.json()
        seen.extend(answer["data"])
        assert answer["paging"]["cursors"]["after"]
        if "next" not in answer["paging"]:
            break
        assert answer["paging"]["next"].startswith(emulator.base_url + "/v25.0/")
        response = requests.get(
            answer["paging"]["next"], headers={"Authorization": f"Bearer {graph.token}"}, timeout=10
        )

    assert len(seen) == 36
    assert len({m["id"] for m in seen}) == 36
    assert [m["timestamp"] for m in seen] == sorted((m["timestamp"] for m in seen), reverse=True)
    assert {m["media_product_type"] for m in seen} <= {"FEED", "REELS"}


def test_it_pages_with_the_after_cursor(graph):
    first = graph.get(MEDIA, fields="id", limit=5).json()
    second = graph.get(MEDIA, fields="id", limit=5, after=first["paging"]["cursors"]["after"]).json()
    everything = graph.get(MEDIA, fields="id", limit=10).json()

    assert [m["id"] for m in first["data"] + second["data"]] == [m["id"] for m in everything["data"]]
    assert "previous" in second["paging"]


def test_it_keeps_the_access_token_param_in_the_next_url_when_it_came_as_a_param(graph):
    response = graph.get(MEDIA, token="", access_token=graph.token, fields="id", limit=2)

    next_page = requests.get(response.json()["paging"]["next"], timeout=10)

    assert next_page.status_code == 200


def test_it_expands_insights_for_each_media_in_the_listing(graph, emulator):
    answer = graph.get(
        MEDIA, fields="id,media_product_type,timestamp,insights.metric(reach,views)", limit=5
    ).json()

    state = emulator.emulator.state
    for item in answer["data"]:
        media = state.media[item["id"]]
        expected = expected_media_metrics(
            SEED, item["id"], media.product_type, emulator.now() - media.timestamp
        )
        values = {row["name"]: row["values"][0]["value"] for row in item["insights"]["data"]}
        assert values == {"reach": expected["reach"], "views": expected["views"]}


def test_it_fails_the_whole_page_when_a_metric_does_not_fit_a_media_type(graph):
    response = graph.get(MEDIA, fields="id,insights.metric(reach,ig_reels_avg_watch_time)", limit=100)

    error = assert_error(response, 100)
    assert "ig_reels_avg_watch_time" in error["message"]


def test_it_refuses_a_field_that_media_does_not_have(graph):
    error = assert_error(graph.get(MEDIA, fields="id,colour"), 100)

    assert "nonexisting field (colour)" in error["message"]


def test_it_lists_only_current_stories_on_the_stories_edge(graph, emulator):
    stories = graph.get(f"/{DEMO_IG_USER_ID}/stories", fields="id,media_product_type").json()["data"]

    assert len(stories) == 2
    assert {s["media_product_type"] for s in stories} == {"STORY"}
    emulator.advance_clock(24 * 3600)
    assert graph.get(f"/{DEMO_IG_USER_ID}/stories").json()["data"] == []


def test_it_reports_like_and_comment_counts_consistent_with_insights(graph):
    item = graph.get(MEDIA, fields="id,like_count,comments_count", limit=1).json()["data"][0]
    figures = graph.get(f"/{item['id']}/insights", metric="likes,comments").json()["data"]

    assert [row["values"][0]["value"] for row in figures] == [item["like_count"], item["comments_count"]]


def test_it_answers_100_33_for_media_of_another_account(graph, emulator):
    other = emulator.create_account(username="other_lab", media_count=3)
    foreign_id = emulator.media(other["ig_user_id"])[0]["id"]

    assert_error(graph.get(f"/{foreign_id}", fields="id"), 100, 33)
    own = graph.get(f"/{foreign_id}", token=other["token"], fields="id,username")
    assert own.json() == {"id": foreign_id, "username": "other_lab"}
