"""The pure parsers and the error mapping over every real payload in ``samples/``.

Each sample file must be claimed by a check below: a new sample without one fails the suite.
Payload-driven client tests use ``responses`` at the client's choke point (requests); the
client's behaviour against a live server is tested on the emulator (test_client_emulator.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import responses

from instagram.client import GraphClient
from instagram.errors import ErrorKind, GraphAPIError, classify
from instagram.parsing import (
    parse_container_status,
    parse_error,
    parse_insights,
    parse_publishing_limit,
    parse_token,
    parse_usage,
)

SAMPLES = Path(__file__).parent / "samples"
BASE = "https://graph.example.test"
TOKEN = "IGAAsample-token-value"
USER = "17841400000000001"


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


def client() -> GraphClient:
    return GraphClient(TOKEN, flavour="instagram_login", ig_user_id=USER, base_url=BASE, version="v25.0")


# --- errors -------------------------------------------------------------------------------------
ERROR_SAMPLES = {
    # file: (kind, code, subcode, has a user message)
    "ab_error_100_subcode_2108006.json": (ErrorKind.PERMANENT, 100, 2108006, True),
    "meta_error_32_platform_rate_limit.json": (ErrorKind.RATE_LIMITED, 32, None, False),
    "meta_error_36000_2207004.json": (ErrorKind.PERMANENT, 36000, 2207004, True),
    "meta_error_80001_buc_rate_limit.json": (ErrorKind.RATE_LIMITED, 80001, None, False),
    "pf_error_100_permission.json": (ErrorKind.PERMANENT, 100, None, False),
}


@pytest.mark.parametrize("name", sorted(ERROR_SAMPLES))
def test_error_samples_map_to_their_kind(name: str) -> None:
    kind, code, subcode, has_user_message = ERROR_SAMPLES[name]
    payload = sample(name)
    error = parse_error(payload, {}, 400)
    assert (error.kind, error.code, error.subcode) == (kind, code, subcode)
    assert error.fbtrace_id == payload["error"]["fbtrace_id"]
    assert error.user_message == payload["error"].get("error_user_msg", "")
    assert bool(error.user_message) is has_user_message
    assert error.fix_hint()


@pytest.mark.parametrize("name", sorted(ERROR_SAMPLES))
@responses.activate
def test_the_client_raises_error_samples_as_graph_api_errors(name: str) -> None:
    responses.get(f"{BASE}/v25.0/me", json=sample(name), status=400)
    with pytest.raises(GraphAPIError) as caught:
        client().me()
    assert caught.value.kind == ERROR_SAMPLES[name][0]
    assert caught.value.http_status == 400


def test_the_image_size_error_says_what_to_fix() -> None:
    error = parse_error(sample("meta_error_36000_2207004.json"), {}, 400)
    assert "8 MB" in error.fix_hint()
    assert error.user_title == "Image size too large"


@pytest.mark.parametrize(
    ("code", "subcode", "is_transient", "status", "kind"),
    [
        (-1, 2207001, True, 400, ErrorKind.TRANSIENT),
        (-2, 2207003, True, 400, ErrorKind.TRANSIENT),
        (-1, 2207032, True, 400, ErrorKind.TRANSIENT),
        (24, 2207008, True, 400, ErrorKind.TRANSIENT),
        (-2, 2207020, False, 400, ErrorKind.NEW_CONTAINER_NEEDED),
        (-1, 2207053, False, 400, ErrorKind.NEW_CONTAINER_NEEDED),
        (24, 2207006, False, 400, ErrorKind.NEW_CONTAINER_NEEDED),
        (9007, 2207027, False, 400, ErrorKind.NOT_READY),
        (9007, None, False, 400, ErrorKind.NOT_READY),
        (190, None, False, 400, ErrorKind.TOKEN_INVALID),
        (190, 463, False, 400, ErrorKind.TOKEN_INVALID),
        (190, 467, False, 400, ErrorKind.TOKEN_INVALID),
        (190, 460, False, 400, ErrorKind.TOKEN_INVALID),
        (190, 458, False, 400, ErrorKind.TOKEN_INVALID),
        (4, None, True, 400, ErrorKind.RATE_LIMITED),
        (17, None, True, 400, ErrorKind.RATE_LIMITED),
        (32, None, False, 400, ErrorKind.RATE_LIMITED),
        (613, None, False, 400, ErrorKind.RATE_LIMITED),
        (80001, None, False, 400, ErrorKind.RATE_LIMITED),
        (80002, None, True, 400, ErrorKind.RATE_LIMITED),
        (9, 2207042, False, 400, ErrorKind.RATE_LIMITED),
        (4, 2207051, False, 400, ErrorKind.PERMANENT),
        (9, 2207050, False, 400, ErrorKind.PERMANENT),
        (9004, 2207052, False, 400, ErrorKind.PERMANENT),
        (36001, 2207005, False, 400, ErrorKind.PERMANENT),
        (36003, 2207009, False, 400, ErrorKind.PERMANENT),
        (36004, 2207010, False, 400, ErrorKind.PERMANENT),
        (352, 2207026, False, 400, ErrorKind.PERMANENT),
        (100, 2207028, False, 400, ErrorKind.PERMANENT),
        (100, 2207040, False, 400, ErrorKind.PERMANENT),
        (100, None, False, 400, ErrorKind.PERMANENT),
        (2, None, True, 500, ErrorKind.TRANSIENT),
        (1, None, False, 500, ErrorKind.TRANSIENT),
        (None, None, False, 503, ErrorKind.TRANSIENT),
    ],
)
def test_codes_and_subcodes_map_to_what_can_be_done(
    code: int | None, subcode: int | None, is_transient: bool, status: int, kind: ErrorKind
) -> None:
    assert classify(code=code, subcode=subcode, is_transient=is_transient, http_status=status) == kind


@pytest.mark.parametrize("subcode", [2207052, 2207004, 2207005, 2207009, 2207010, 2207026, 2207028, 2207040])
def test_each_content_error_has_its_own_translated_hint(subcode: int) -> None:
    from django.utils import translation

    error = GraphAPIError("x", kind=ErrorKind.PERMANENT, subcode=subcode)
    generic = GraphAPIError("x", kind=ErrorKind.PERMANENT).fix_hint()
    with translation.override("en"):
        english = error.fix_hint()
    with translation.override("de"):
        german = error.fix_hint()
    assert english != generic
    assert german != english


# --- rate-limit headers -------------------------------------------------------------------------
def header_lines() -> dict[str, list[str]]:
    lines: dict[str, list[str]] = {}
    for line in (SAMPLES / "meta_rate_limit_headers.txt").read_text().splitlines():
        if line.startswith("#") or ":" not in line:
            continue
        name, _, value = line.partition(": ")
        lines.setdefault(name.lower(), []).append(value)
    return lines


def test_usage_headers_in_the_samples_are_read() -> None:
    buc = header_lines()["x-business-use-case-usage"]
    doc_example, real = (parse_usage(value) for value in buc)
    assert doc_example is not None and real is not None
    assert (doc_example.max_percent, doc_example.regain_minutes) == (100, 19)
    assert (real.max_percent, real.regain_minutes) == (1, 0)
    assert header_lines()["x-app-usage"]  # the app-level header is present but not what we rely on


@pytest.mark.parametrize("value", [None, "", "not json", "[]", '{"1": "x"}'])
def test_unreadable_usage_headers_are_ignored(value: str | None) -> None:
    assert parse_usage(value) in (None, parse_usage("{}"))


def test_rate_limited_error_says_when_to_retry_from_the_usage_header() -> None:
    header = header_lines()["x-business-use-case-usage"][0]
    error = parse_error(
        sample("meta_error_80001_buc_rate_limit.json"), {"X-Business-Use-Case-Usage": header}, 400
    )
    assert error.kind == ErrorKind.RATE_LIMITED
    assert error.retry_after == 19 * 60


def test_retry_after_header_is_used_when_usage_gives_no_time() -> None:
    error = parse_error(sample("meta_error_32_platform_rate_limit.json"), {"Retry-After": "120"}, 400)
    assert error.retry_after == 120


@responses.activate
def test_the_client_keeps_the_last_usage() -> None:
    header = header_lines()["x-business-use-case-usage"][1]
    responses.get(
        f"{BASE}/v25.0/me",
        json={"user_id": USER, "username": "x"},
        headers={"X-Business-Use-Case-Usage": header},
    )
    graph = client()
    graph.me()
    assert graph.last_usage is not None and graph.last_usage.max_percent == 1


# --- insights -----------------------------------------------------------------------------------
def values_by_name(items: list[Any]) -> dict[str, Any]:
    return {item.name: item.value for item in items}


def test_feed_post_insights_with_a_removed_metric() -> None:
    values = values_by_name(parse_insights(sample("ab_media_insights_feed_post.json")))
    assert values["reach"] == 8000
    assert values["video_views"] == 5000  # removed in 2025, still read from old answers
    assert values["profile_visits"] == 9


def test_reels_insights_with_removed_metrics() -> None:
    values = values_by_name(parse_insights(sample("ab_media_insights_reels.json")))
    assert values["ig_reels_avg_watch_time"] == 12549
    assert values["plays"] == 2385
    assert values["clips_replays_count"] == 102
    assert len(values) == 10


def test_legacy_impressions_are_read() -> None:
    items = parse_insights(sample("pf_media_insights_legacy_impressions.json"))
    assert values_by_name(items) == {"impressions": 8, "reach": 5, "saved": 0}
    assert all(item.period == "lifetime" and item.end_time is None for item in items)


def test_profile_activity_breakdown_keeps_total_and_parts() -> None:
    (item,) = parse_insights(sample("pf_media_insights_profile_activity_breakdown.json"))
    assert item.value == {"bio_link_clicked": 11}
    assert item.total == 11
    assert item.dimensions == ("action_type",)


def test_story_navigation_breakdown() -> None:
    (item,) = parse_insights(sample("meta_media_insights_story_navigation.json"))
    assert item.total == 25
    assert item.value == {"tap_forward": 19, "tap_back": 4, "tap_exit": 1, "swipe_forward": 1}


def test_account_reach_by_media_product_type() -> None:
    (item,) = parse_insights(sample("meta_user_insights_reach_media_product_type.json"))
    assert item.value == {"CAROUSEL_CONTAINER": 100, "POST": 124}
    assert item.total == 224 and item.period == "day"


def test_account_reach_by_product_and_follow_type() -> None:
    (item,) = parse_insights(sample("pf_user_insights_reach_total_value_breakdown.json"))
    assert isinstance(item.value, dict)
    assert item.dimensions == ("media_product_type", "follow_type")
    assert item.value["POST|FOLLOWER"] == 78567
    assert item.value["REEL|NON_FOLLOWER"] == 23079
    assert item.total == 14516883  # Meta's own total; it need not equal the sum of the parts


def test_legacy_time_series_keeps_every_day() -> None:
    items = parse_insights(sample("pf_user_insights_legacy_time_series.json"))
    reach = [item for item in items if item.name == "reach"]
    assert [(item.value, item.end_time) for item in reach] == [
        (3, datetime(2017, 5, 4, 7, tzinfo=UTC)),
        (36, datetime(2017, 5, 5, 7, tzinfo=UTC)),
    ]
    assert {item.name for item in items} == {"impressions", "reach", "profile_views"}


def test_follower_count_and_reach_per_day() -> None:
    items = parse_insights(sample("ab_user_insights_follower_count_reach_day.json"))
    assert values_by_name(items) == {"follower_count": 1000, "reach": 500}
    assert items[0].end_time == datetime(2024, 1, 15, 7, tzinfo=UTC)


def test_follower_demographics_by_age_and_gender() -> None:
    (item,) = parse_insights(sample("ab_follower_demographics_age_gender.json"))
    assert item.dimensions == ("age", "gender")
    assert item.value["25-34|F"] == 25
    assert item.total is None


def test_engaged_audience_by_country() -> None:
    (item,) = parse_insights(sample("meta_engaged_audience_demographics_country.json"))
    assert item.value["LAST_90_DAYS|US"] == 7
    assert sum(item.value.values()) == 20


@responses.activate
def test_demographics_collapse_to_the_asked_dimension() -> None:
    responses.get(f"{BASE}/v25.0/{USER}/insights", json=sample("ab_follower_demographics_age_gender.json"))
    assert client().demographics("follower_demographics", breakdown="age", timeframe="this_month") == {
        "18-24": 18,
        "25-34": 46,
    }


@responses.activate
def test_country_demographics_drop_the_timeframe_dimension() -> None:
    responses.get(
        f"{BASE}/v25.0/{USER}/insights", json=sample("meta_engaged_audience_demographics_country.json")
    )
    result = client().demographics(
        "engaged_audience_demographics", breakdown="country", timeframe="this_month"
    )
    assert result["US"] == 7 and result["ES"] == 3


# --- publishing ---------------------------------------------------------------------------------
@responses.activate
def test_container_create_and_publish_samples() -> None:
    responses.post(f"{BASE}/v25.0/{USER}/media", json=sample("pf_container_create.json"))
    responses.post(f"{BASE}/v25.0/{USER}/media_publish", json=sample("pf_media_publish.json"))
    graph = client()
    assert graph.create_image_container("https://example.org/a.jpg", caption="Hi").id == "17889455560051444"
    assert graph.publish("17889455560051444") == "17920238422030506"


def test_container_status_sample() -> None:
    status = parse_container_status(sample("pf_container_status_finished.json"))
    assert (status.id, status.status_code) == ("17966279578433554", "FINISHED")


@responses.activate
def test_many_container_statuses_in_one_call() -> None:
    responses.get(f"{BASE}/v25.0/", json=sample("pf_containers_status_multi_ids.json"))
    statuses = client().containers_status(["17883019676403955", "17966279578433554"])
    assert {key: value.status_code for key, value in statuses.items()} == {
        "17883019676403955": "FINISHED",
        "17966279578433554": "FINISHED",
    }


@pytest.mark.parametrize(
    ("name", "expected"),
    [("pf_content_publishing_limit.json", (0, 25)), ("meta_content_publishing_limit.json", (2, 50))],
)
def test_publishing_limit_is_read_not_assumed(name: str, expected: tuple[int, int]) -> None:
    limit = parse_publishing_limit(sample(name))
    assert (limit.quota_usage, limit.quota_total, limit.quota_duration) == (*expected, 86400)


# --- tokens -------------------------------------------------------------------------------------
def test_long_lived_token_sample() -> None:
    token = parse_token(sample("pf_long_lived_token.json"))
    assert token.expires_in == 5184000
    assert "token" not in repr(token).replace("TokenInfo", "").replace("token_type", "")


def test_debug_token_sample_is_not_an_error() -> None:
    payload = sample("pf_debug_token.json")
    assert parse_error(payload, {}, 200).kind == ErrorKind.PERMANENT  # not an error shape: nothing to map
    assert payload["data"]["is_valid"] is True


# --- every sample is claimed --------------------------------------------------------------------
CLAIMED = set(ERROR_SAMPLES) | {
    "meta_rate_limit_headers.txt",
    "ab_media_insights_feed_post.json",
    "ab_media_insights_reels.json",
    "pf_media_insights_legacy_impressions.json",
    "pf_media_insights_profile_activity_breakdown.json",
    "meta_media_insights_story_navigation.json",
    "meta_user_insights_reach_media_product_type.json",
    "pf_user_insights_reach_total_value_breakdown.json",
    "pf_user_insights_legacy_time_series.json",
    "ab_user_insights_follower_count_reach_day.json",
    "ab_follower_demographics_age_gender.json",
    "meta_engaged_audience_demographics_country.json",
    "pf_container_create.json",
    "pf_media_publish.json",
    "pf_container_status_finished.json",
    "pf_containers_status_multi_ids.json",
    "pf_content_publishing_limit.json",
    "meta_content_publishing_limit.json",
    "pf_long_lived_token.json",
    "pf_debug_token.json",
}


def test_every_sample_is_checked_and_every_insight_sample_parses() -> None:
    files = {path.name for path in SAMPLES.iterdir() if path.name != "SOURCES.txt"}
    assert files == CLAIMED
    sources = (SAMPLES / "SOURCES.txt").read_text()
    for name in files:
        assert name in sources, f"{name} has no origin in SOURCES.txt"
    for name in sorted(files):
        if name.endswith(".json") and "insights" in name or "demographics" in name:
            assert parse_insights(sample(name)), name


@responses.activate
def test_facebook_login_exchanges_keep_secrets_out_of_the_url() -> None:
    responses.post(f"{BASE}/v25.0/oauth/access_token", json=sample("pf_long_lived_token.json"))
    anonymous = GraphClient(None, flavour="facebook_login", base_url=BASE, version="v25.0")
    token = anonymous.exchange_for_long_lived("EAAshort-lived", client_id="1", client_secret="app-secret")
    assert token.expires_in == 5184000
    (call,) = responses.calls
    assert call.request.method == "POST"
    assert "EAAshort-lived" not in call.request.url and "app-secret" not in call.request.url
    assert "fb_exchange_token=EAAshort-lived" in call.request.body


@pytest.mark.parametrize(
    ("status", "kind"), [(502, ErrorKind.TRANSIENT), (503, ErrorKind.TRANSIENT), (404, ErrorKind.PERMANENT)]
)
@responses.activate
def test_an_answer_that_is_not_json_is_classified_by_its_status(status: int, kind: ErrorKind) -> None:
    # What a proxy or load balancer in front of Meta sends: an HTML page, not Meta's error shape.
    responses.get(f"{BASE}/v25.0/me", body="<html><body>Bad gateway</body></html>", status=status)
    with pytest.raises(GraphAPIError) as caught:
        client().me()
    assert (caught.value.kind, caught.value.http_status) == (kind, status)
