"""Meta's real answers (../shared/graph-api-samples, copied to instagram/tests/samples) become
snapshot rows, removed metrics included, and read back without error."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from analytics.insights import account_reach_figures, account_total_figures, audience_figures, post_figures
from analytics.models import AccountInsight, AudienceKind, AudienceSnapshot, PostInsight
from instagram.parsing import parse_error, parse_insights
from scheduling.tests.factories import approved_post

SAMPLES = Path(__file__).resolve().parents[2] / "instagram" / "tests" / "samples"
DAY = date(2026, 11, 2)


def values(name: str) -> Any:
    return parse_insights(json.loads((SAMPLES / name).read_text()))


def stored_post_row(name: str) -> PostInsight:
    post = approved_post()
    PostInsight.objects.create(post=post, day=DAY, **post_figures(values(name)))
    return PostInsight.objects.get(post=post)


@pytest.mark.django_db
def test_feed_post_sample_with_the_removed_video_views() -> None:
    row = stored_post_row("ab_media_insights_feed_post.json")
    assert (row.reach, row.saves, row.likes, row.comments, row.shares, row.follows, row.profile_visits) == (
        8000, 200, 150, 50, 25, 53, 9,
    )  # fmt: skip
    assert row.views is None
    assert row.raw == {"video_views": 5000}
    assert row.views_or_legacy == 5000


@pytest.mark.django_db
def test_reels_sample_with_removed_plays() -> None:
    row = stored_post_row("ab_media_insights_reels.json")
    assert (row.reach, row.avg_watch_time_ms, row.total_watch_time_ms) == (2006, 12549, 30017581)
    assert row.views_or_legacy == 2385  # plays
    assert row.raw == {"plays": 2385, "ig_reels_aggregated_all_plays_count": 383, "clips_replays_count": 102}


@pytest.mark.django_db
def test_legacy_impressions_sample() -> None:
    row = stored_post_row("pf_media_insights_legacy_impressions.json")
    assert (row.reach, row.saves) == (5, 0)
    assert row.raw == {"impressions": 8}
    assert row.views_or_legacy == 8


@pytest.mark.django_db
def test_profile_activity_sample_is_kept_with_its_parts() -> None:
    row = stored_post_row("pf_media_insights_profile_activity_breakdown.json")
    assert row.raw == {"profile_activity": {"bio_link_clicked": 11}}


@pytest.mark.django_db
def test_story_navigation_sample() -> None:
    row = stored_post_row("meta_media_insights_story_navigation.json")
    assert row.navigation == 25
    assert row.navigation_breakdown == {"tap_forward": 19, "tap_back": 4, "tap_exit": 1, "swipe_forward": 1}


@pytest.mark.django_db
def test_account_reach_samples(demo_account: Any) -> None:
    by_type = account_reach_figures(values("meta_user_insights_reach_media_product_type.json"))
    assert by_type == {"reach": 224, "reach_by_product_type": {"CAROUSEL_CONTAINER": 100, "POST": 124}}
    split = account_reach_figures(values("pf_user_insights_reach_total_value_breakdown.json"))
    assert split["reach"] == 14516883
    assert split["reach_followers"] == 9 + 67608 + 78567 + 191 + 31274 + 58345 + 6
    assert split["reach_non_followers"] == 109 + 14357147 + 26514 + 39 + 3279 + 23079 + 7
    assert split["reach_by_product_type"]["REEL"] == 58345 + 23079
    AccountInsight.objects.create(account=demo_account, day=DAY, **split)
    row = AccountInsight.objects.get()
    # The parts overlap (an account reached by a post and a reel counts in both): the share is of the parts.
    parts = split["reach_followers"] + split["reach_non_followers"]
    assert row.non_follower_share == pytest.approx(split["reach_non_followers"] / parts)


def test_account_time_series_samples_with_removed_metrics() -> None:
    day = account_reach_figures(values("ab_user_insights_follower_count_reach_day.json"))
    assert day == {"reach": 500}
    legacy = values("pf_user_insights_legacy_time_series.json")
    assert account_reach_figures(legacy) == {"reach": 36}  # the last day
    assert set(account_total_figures(legacy)["raw"]) == {"impressions", "reach", "profile_views"}


@pytest.mark.django_db
def test_audience_samples(demo_account: Any) -> None:
    followers = audience_figures(values("ab_follower_demographics_age_gender.json"))[AudienceKind.FOLLOWERS]
    assert followers["age"] == {"18-24": 18, "25-34": 46}
    assert followers["gender"] == {"F": 35, "M": 26, "U": 3}
    assert followers["age_gender"]["25-34|F"] == 25
    engaged = audience_figures(values("meta_engaged_audience_demographics_country.json"))[
        AudienceKind.ENGAGED
    ]
    assert engaged["country"]["US"] == 7 and engaged["country"]["ES"] == 3
    assert engaged["timeframe"] == "LAST_90_DAYS"
    for kind, figures in ((AudienceKind.FOLLOWERS, followers), (AudienceKind.ENGAGED, engaged)):
        AudienceSnapshot.objects.create(account=demo_account, day=DAY, kind=kind, **figures)
    assert AudienceSnapshot.objects.get(kind=AudienceKind.ENGAGED).country["US"] == 7


def test_error_samples_read_as_errors() -> None:
    for name in sorted(SAMPLES.glob("*error*.json")):
        error = parse_error(json.loads(name.read_text()))
        assert error.code is not None, name
