"""Media insights per product type, their growth, and Meta's refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph_emulator import DEMO_IG_USER_ID
from graph_emulator.insights import FEED_METRICS, REELS_METRICS, STORY_METRICS, expected_media_metrics
from graph_emulator.testing import MP4
from graph_emulator.tests.conftest import SEED, assert_error

SAMPLES = Path(__file__).resolve().parent / "samples"


def _first(emulator, product_type: str, media_type: str | None = None) -> dict:
    return next(
        m
        for m in emulator.media(DEMO_IG_USER_ID)
        if m["media_product_type"] == product_type
        and m["parent_id"] is None
        and (media_type is None or m["media_type"] == media_type)
    )


def _values(response) -> dict[str, int]:
    assert response.status_code == 200, response.text
    return {row["name"]: row["values"][0]["value"] for row in response.json()["data"]}


def test_it_answers_feed_metrics_as_the_published_formula_predicts(graph, emulator):
    media = _first(emulator, "FEED", "IMAGE")

    response = graph.get(f"/v25.0/{media['id']}/insights", metric=",".join(FEED_METRICS))

    expected = expected_media_metrics(SEED, media["id"], "FEED", emulator.now() - media["epoch"])
    assert _values(response) == expected
    assert expected["views"] > 0


def test_it_shapes_each_metric_like_meta(graph, emulator):
    media = _first(emulator, "FEED")

    row = graph.get(f"/{media['id']}/insights", metric="reach").json()["data"][0]

    assert set(row) == {"name", "period", "values", "title", "description", "id"}
    assert row["period"] == "lifetime"
    assert row["id"] == f"{media['id']}/insights/reach/lifetime"
    sample = json.loads((SAMPLES / "ab_media_insights_feed_post.json").read_text())["data"][0]
    assert set(row) == set(sample)


def test_it_keeps_figures_consistent(graph, emulator):
    for media in emulator.media(DEMO_IG_USER_ID):
        figures = media["metrics"]
        if figures is None:
            continue
        assert figures["reach"] <= figures["views"]
        if media["media_product_type"] != "STORY":
            parts = figures["likes"] + figures["comments"] + figures["saved"] + figures["shares"]
            assert parts <= figures["total_interactions"]


def test_it_grows_figures_with_time_since_publishing(graph, emulator, image_url):
    media_id = graph.publish(graph.create_image_container(image_url)).json()["id"]
    url = f"/{media_id}/insights"

    at_publish = _values(graph.get(url, metric="views,reach,likes"))
    emulator.advance_clock(6 * 3600)
    after_six_hours = _values(graph.get(url, metric="views,reach,likes"))
    emulator.advance_clock(6 * 24 * 3600)
    after_a_week = _values(graph.get(url, metric="views,reach,likes"))

    assert at_publish == {"views": 0, "reach": 0, "likes": 0}
    assert 0 < after_six_hours["views"] < after_a_week["views"]
    assert after_six_hours["reach"] <= after_a_week["reach"]
    assert after_a_week == {
        k: v
        for k, v in expected_media_metrics(SEED, media_id, "FEED", 6.25 * 24 * 3600).items()
        if k in after_a_week
    }


def test_it_answers_reels_metrics_including_watch_time(graph, emulator):
    media = _first(emulator, "REELS")

    figures = _values(graph.get(f"/{media['id']}/insights", metric=",".join(REELS_METRICS)))

    assert figures["ig_reels_video_view_total_time"] == figures["views"] * figures["ig_reels_avg_watch_time"]
    assert figures["reach"] <= figures["views"]


def test_it_refuses_reel_only_metrics_on_a_feed_post(graph, emulator):
    media = _first(emulator, "FEED")

    error = assert_error(graph.get(f"/{media['id']}/insights", metric="reach,ig_reels_avg_watch_time"), 100)

    assert "ig_reels_avg_watch_time" in error["message"]


def test_it_refuses_profile_visits_on_a_reel(graph, emulator):
    media = _first(emulator, "REELS")

    assert_error(graph.get(f"/{media['id']}/insights", metric="profile_visits"), 100)


@pytest.mark.parametrize("metric", ["impressions", "plays", "video_views"])
def test_it_refuses_removed_metrics_with_error_100(graph, emulator, metric):
    media = _first(emulator, "REELS")

    error = assert_error(graph.get(f"/{media['id']}/insights", metric=f"reach,{metric}"), 100)

    assert metric in error["message"]
    assert "no longer supported" in error["message"]


def test_it_answers_story_metrics_with_navigation_breakdown(graph, emulator):
    story = _first(emulator, "STORY")

    response = graph.get(
        f"/{story['id']}/insights", metric="navigation", breakdown="story_navigation_action_type"
    )

    row = response.json()["data"][0]
    results = row["total_value"]["breakdowns"][0]["results"]
    assert row["total_value"]["breakdowns"][0]["dimension_keys"] == ["story_navigation_action_type"]
    assert sum(r["value"] for r in results) == row["values"][0]["value"] == row["total_value"]["value"]
    assert {r["dimension_values"][0] for r in results} <= {
        "tap_forward",
        "tap_back",
        "tap_exit",
        "swipe_forward",
    }


def test_it_answers_story_replies_only_within_24_hours(graph, emulator):
    story = _first(emulator, "STORY")
    url = f"/{story['id']}/insights"

    figures = _values(graph.get(url, metric=",".join(STORY_METRICS)))
    assert figures["total_interactions"] == figures["replies"] + figures["shares"]
    emulator.advance_clock(24 * 3600)

    assert graph.get(url, metric="replies,reach").json() == {"data": []}


def test_it_refuses_likes_on_a_story(graph, emulator):
    story = _first(emulator, "STORY")

    assert_error(graph.get(f"/{story['id']}/insights", metric="likes"), 100)


def test_it_breaks_profile_activity_down_by_action_type(graph, emulator):
    media = max(
        (m for m in emulator.media(DEMO_IG_USER_ID) if m["media_product_type"] == "FEED" and m["metrics"]),
        key=lambda m: m["metrics"]["profile_activity"],
    )

    row = graph.get(f"/{media['id']}/insights", metric="profile_activity", breakdown="action_type").json()[
        "data"
    ][0]

    assert row["total_value"]["breakdowns"][0]["dimension_keys"] == ["action_type"]
    assert (
        sum(r["value"] for r in row["total_value"]["breakdowns"][0]["results"]) == row["values"][0]["value"]
    )


def test_it_has_no_insights_for_carousel_children(graph, emulator):
    child = next(m for m in emulator.media(DEMO_IG_USER_ID) if m["parent_id"])

    assert_error(graph.get(f"/{child['id']}/insights", metric="reach"), 100)


def test_it_requires_the_metric_parameter(graph, emulator):
    media = _first(emulator, "FEED")

    assert_error(graph.get(f"/{media['id']}/insights"), 100)


def test_it_answers_reel_insights_for_a_reel_published_through_the_api(graph, emulator, media_server):
    response = graph.post(
        f"/{DEMO_IG_USER_ID}/media", media_type="REELS", video_url=media_server.add("r.mp4", MP4)
    )
    emulator.advance_clock(60)
    media_id = graph.publish(response.json()["id"]).json()["id"]
    emulator.advance_clock(3 * 3600)

    figures = _values(graph.get(f"/{media_id}/insights", metric="views,ig_reels_avg_watch_time"))

    expected = expected_media_metrics(SEED, media_id, "REELS", 3 * 3600)
    assert figures == {
        "views": expected["views"],
        "ig_reels_avg_watch_time": expected["ig_reels_avg_watch_time"],
    }
