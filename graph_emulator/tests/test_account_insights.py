"""Account insights: totals with breakdowns, time series, the 30-day window, demographics."""

from __future__ import annotations

import pytest

from graph_emulator import DEMO_IG_USER_ID
from graph_emulator.tests.conftest import assert_error

INSIGHTS = f"/v25.0/{DEMO_IG_USER_ID}/insights"
DAY = 86400


def _window(emulator, days: float) -> dict[str, int]:
    now = int(emulator.now())
    return {"since": now - int(days * DAY), "until": now}


def test_it_splits_reach_into_followers_and_non_followers_that_add_up(graph, emulator):
    response = graph.get(
        INSIGHTS,
        metric="reach",
        period="day",
        metric_type="total_value",
        breakdown="follow_type",
        **_window(emulator, 14),
    )

    row = response.json()["data"][0]
    assert row["name"] == "reach" and row["period"] == "day"
    assert row["id"] == f"{DEMO_IG_USER_ID}/insights/reach/day"
    breakdown = row["total_value"]["breakdowns"][0]
    assert breakdown["dimension_keys"] == ["follow_type"]
    by_type = {r["dimension_values"][0]: r["value"] for r in breakdown["results"]}
    assert set(by_type) == {"FOLLOWER", "NON_FOLLOWER"}
    assert sum(by_type.values()) == row["total_value"]["value"] > 0


def test_it_breaks_reach_down_by_media_product_type(graph, emulator):
    response = graph.get(
        INSIGHTS,
        metric="reach,views",
        period="day",
        metric_type="total_value",
        breakdown="media_product_type",
        **_window(emulator, 30),
    )

    for row in response.json()["data"]:
        results = row["total_value"]["breakdowns"][0]["results"]
        assert {r["dimension_values"][0] for r in results} <= {"POST", "CAROUSEL_CONTAINER", "REEL", "STORY"}
        assert sum(r["value"] for r in results) == row["total_value"]["value"]
    reach, views = (row["total_value"]["value"] for row in response.json()["data"])
    assert reach <= views


def test_it_combines_two_breakdowns_like_meta(graph, emulator):
    response = graph.get(
        INSIGHTS,
        metric="reach",
        period="day",
        metric_type="total_value",
        breakdown="media_product_type,follow_type",
        **_window(emulator, 7),
    )

    total_value = response.json()["data"][0]["total_value"]
    breakdown = total_value["breakdowns"][0]
    assert breakdown["dimension_keys"] == ["media_product_type", "follow_type"]
    assert all(len(r["dimension_values"]) == 2 for r in breakdown["results"])
    assert sum(r["value"] for r in breakdown["results"]) == total_value["value"]


def test_it_moves_account_reach_when_a_new_post_gathers_views(graph, emulator, image_url):
    graph.publish(graph.create_image_container(image_url))
    emulator.advance_clock(12 * 3600)
    params = {"metric": "views", "period": "day", "metric_type": "total_value"}
    before = graph.get(INSIGHTS, **params).json()["data"][0]["total_value"]["value"]
    graph.publish(graph.create_image_container(image_url))
    emulator.advance_clock(6 * 3600)

    after = graph.get(INSIGHTS, **params).json()["data"][0]["total_value"]["value"]

    assert after > before


def test_it_looks_back_24_hours_without_since_and_until(graph, emulator):
    default = graph.get(INSIGHTS, metric="accounts_engaged", period="day", metric_type="total_value").json()
    explicit = graph.get(
        INSIGHTS, metric="accounts_engaged", period="day", metric_type="total_value", **_window(emulator, 1)
    ).json()

    assert default["data"] == explicit["data"]


def test_it_refuses_a_window_longer_than_30_days(graph, emulator):
    assert graph.get(
        INSIGHTS, metric="reach", period="day", metric_type="total_value", **_window(emulator, 30)
    ).ok

    response = graph.get(
        INSIGHTS, metric="reach", period="day", metric_type="total_value", **_window(emulator, 31)
    )

    error = assert_error(response, 100)
    assert "30 days" in error["message"]


def test_it_answers_reach_and_follower_count_as_daily_time_series(graph, emulator):
    response = graph.get(INSIGHTS, metric="reach,follower_count", period="day", **_window(emulator, 7))

    for row in response.json()["data"]:
        assert row["period"] == "day"
        assert 7 <= len(row["values"]) <= 8
        assert all(v["end_time"].endswith("T07:00:00+0000") for v in row["values"])
        assert all(isinstance(v["value"], int) for v in row["values"])
    assert "next" in response.json()["paging"]


def test_it_asks_for_total_value_for_metrics_without_time_series(graph):
    error = assert_error(graph.get(INSIGHTS, metric="views", period="day"), 100)

    assert "metric_type=total_value" in error["message"]


def test_it_refuses_follower_count_older_than_30_days(graph, emulator):
    now = int(emulator.now())

    response = graph.get(
        INSIGHTS, metric="follower_count", period="day", since=now - 40 * DAY, until=now - 35 * DAY
    )

    assert_error(response, 100)


@pytest.mark.parametrize("metric", ["impressions", "profile_views"])
def test_it_refuses_removed_account_metrics(graph, metric):
    assert_error(graph.get(INSIGHTS, metric=metric, period="day"), 100)


def test_it_refuses_a_breakdown_the_metric_does_not_support(graph):
    response = graph.get(
        INSIGHTS, metric="accounts_engaged", period="day", metric_type="total_value", breakdown="follow_type"
    )

    assert_error(response, 100)


def test_it_answers_follower_demographics_by_age_skewed_to_18_to_34(graph, emulator):
    response = graph.get(
        INSIGHTS,
        metric="follower_demographics",
        period="lifetime",
        metric_type="total_value",
        timeframe="this_month",
        breakdown="age",
    )

    row = response.json()["data"][0]
    assert row["id"] == f"{DEMO_IG_USER_ID}/insights/follower_demographics/lifetime"
    breakdown = row["total_value"]["breakdowns"][0]
    assert breakdown["dimension_keys"] == ["age"]
    by_age = {r["dimension_values"][0]: r["value"] for r in breakdown["results"]}
    followers = graph.get(f"/{DEMO_IG_USER_ID}", fields="followers_count").json()["followers_count"]
    assert sum(by_age.values()) == followers
    assert (by_age["18-24"] + by_age["25-34"]) / followers > 0.6


def test_it_answers_age_and_gender_together(graph):
    response = graph.get(
        INSIGHTS,
        metric="follower_demographics",
        period="lifetime",
        metric_type="total_value",
        timeframe="this_week",
        breakdown="age,gender",
    )

    breakdown = response.json()["data"][0]["total_value"]["breakdowns"][0]
    assert breakdown["dimension_keys"] == ["age", "gender"]
    assert ["25-34", "M"] in [r["dimension_values"] for r in breakdown["results"]]
    assert len(breakdown["results"]) <= 45


def test_it_answers_the_engaged_audience_mostly_in_germany(graph):
    response = graph.get(
        INSIGHTS,
        metric="engaged_audience_demographics",
        period="lifetime",
        metric_type="total_value",
        timeframe="this_month",
        breakdown="country",
    )

    breakdown = response.json()["data"][0]["total_value"]["breakdowns"][0]
    assert breakdown["dimension_keys"] == ["timeframe", "country"]
    top = breakdown["results"][0]
    assert top["dimension_values"] == ["THIS_MONTH", "DE"]
    assert top["value"] > sum(r["value"] for r in breakdown["results"]) / 2


def test_it_answers_cities_with_hamburg_first(graph):
    response = graph.get(
        INSIGHTS,
        metric="follower_demographics",
        period="lifetime",
        metric_type="total_value",
        timeframe="this_month",
        breakdown="city",
    )

    results = response.json()["data"][0]["total_value"]["breakdowns"][0]["results"]
    assert results[0]["dimension_values"] == ["Hamburg, Hamburg"]


def test_it_requires_a_timeframe_for_demographics(graph):
    response = graph.get(
        INSIGHTS,
        metric="follower_demographics",
        period="lifetime",
        metric_type="total_value",
        breakdown="age",
    )

    error = assert_error(response, 100)
    assert "timeframe" in error["message"]


def test_it_refuses_demographics_for_an_account_under_100_followers(graph, emulator):
    small = emulator.create_account(username="tiny_lab", followers=40)

    response = graph.get(
        f"/{small['ig_user_id']}/insights",
        token=small["token"],
        metric="follower_demographics",
        period="lifetime",
        metric_type="total_value",
        timeframe="this_month",
        breakdown="country",
    )

    assert_error(response, 10)
