"""The nightly pull against the Graph API emulator: every snapshot kind, once per day."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from analytics.insights import BERLIN, pull_insights, sweep_story_insights
from analytics.models import (
    AccountInsight,
    AudienceKind,
    AudienceSnapshot,
    InsightPull,
    PostInsight,
    PullOutcome,
)
from graph_emulator.insights import expected_media_metrics
from scheduling.models import Post
from stories.models import Format

pytestmark = pytest.mark.django_db


def row_counts() -> tuple[int, int, int]:
    return PostInsight.objects.count(), AccountInsight.objects.count(), AudienceSnapshot.objects.count()


def test_pull_fills_every_snapshot_kind_with_the_emulators_figures(
    demo_account: Any, graph_emulator: Any, bind_emulator_media: Any
) -> None:
    graph_emulator.freeze_clock()
    posts = bind_emulator_media()
    run = pull_insights()
    assert run.outcome == PullOutcome.COMPLETE, run.message
    today = timezone.now().astimezone(BERLIN).date()

    media = {m["id"]: m for m in graph_emulator.media()}
    feed_and_reels = [p for p in posts if p.format != Format.STORY]
    assert PostInsight.objects.filter(day=today).count() == len(feed_and_reels)
    # Type-specific figures: every post of the last 14 days, and a seventh of the older ones.
    recent = [p for p in feed_and_reels if p.published_at >= timezone.now() - timedelta(days=14)]
    with_extras = PostInsight.objects.filter(day=today, extras_pulled_on=today)
    assert with_extras.count() == len(recent) + math.ceil((len(feed_and_reels) - len(recent)) / 7)
    assert {p.pk for p in recent} <= set(with_extras.values_list("post_id", flat=True))
    for post in feed_and_reels:
        row = PostInsight.objects.get(post=post, day=today)
        item = media[post.media_id]
        expected = expected_media_metrics(
            graph_emulator.seed, post.media_id, item["media_product_type"], item["elapsed_seconds"]
        )
        assert (row.views, row.reach, row.likes, row.saves, row.total_interactions) == (
            expected["views"], expected["reach"], expected["likes"], expected["saved"], expected["total_interactions"],
        )  # fmt: skip
        if row.extras_pulled_on is None:
            assert row.follows is None and row.avg_watch_time_ms is None
        elif post.format == Format.REEL:
            assert row.avg_watch_time_ms == expected["ig_reels_avg_watch_time"]
            assert row.total_watch_time_ms == expected["ig_reels_video_view_total_time"]
        else:
            assert row.follows == expected["follows"]
            assert row.profile_visits == expected["profile_visits"]

    yesterday = AccountInsight.objects.get(day=today - timedelta(days=1))
    assert yesterday.reach and yesterday.reach_followers is not None and yesterday.reach_non_followers
    assert yesterday.reach_followers + yesterday.reach_non_followers == yesterday.reach
    assert sum(yesterday.reach_by_product_type.values()) == yesterday.reach
    assert yesterday.views and yesterday.accounts_engaged is not None
    assert yesterday.follower_count and yesterday.follower_count > 1000

    followers = AudienceSnapshot.objects.get(day=today, kind=AudienceKind.FOLLOWERS)
    engaged = AudienceSnapshot.objects.get(day=today, kind=AudienceKind.ENGAGED)
    for audience in (followers, engaged):
        assert {"18-24", "25-34"} <= set(audience.age)
        assert set(audience.gender) == {"F", "M", "U"}
        assert max(audience.country, key=audience.country.get) == "DE"
        assert "Hamburg, Hamburg" in audience.city
        assert sum(audience.age_gender.values()) == sum(audience.age.values())
    assert engaged.timeframe == "THIS_MONTH"

    stories = [p for p in posts if p.format == Format.STORY]
    assert len(stories) == 2
    sweep = sweep_story_insights()
    assert sweep is not None and sweep.outcome == PullOutcome.COMPLETE, sweep.message
    for story in stories:
        row = PostInsight.objects.get(post=story, day=today)
        expected = expected_media_metrics(
            graph_emulator.seed, story.media_id, "STORY", media[story.media_id]["elapsed_seconds"]
        )
        assert (row.reach, row.replies, row.navigation) == (
            expected["reach"], expected["replies"], expected["navigation"],
        )  # fmt: skip
        assert sum(row.navigation_breakdown.values()) == row.navigation
        assert set(row.navigation_breakdown) >= {"tap_forward", "tap_exit"}


def test_a_second_pull_the_same_day_updates_rows_and_adds_none(
    demo_account: Any, graph_emulator: Any, bind_emulator_media: Any
) -> None:
    bind_emulator_media()
    call_command("pull_insights", "--days", "3")
    sweep_story_insights()
    first = row_counts()
    assert first[1] == 3  # three past days of account figures
    reel = PostInsight.objects.exclude(media_product_type="STORY").order_by("-post__published_at").first()
    assert reel is not None
    views_before = reel.views

    graph_emulator.advance_clock(2 * 3600)  # the figures grow meanwhile
    call_command("pull_insights", "--days", "3")
    sweep_story_insights()
    assert row_counts() == first
    reel.refresh_from_db()
    assert reel.views is not None and views_before is not None and reel.views > views_before
    assert InsightPull.objects.filter(outcome=PullOutcome.COMPLETE).count() == 4


def test_a_post_published_outside_the_app_is_not_counted_as_missed(
    demo_account: Any, graph_emulator: Any, bind_emulator_media: Any
) -> None:
    posts = bind_emulator_media()
    Post.objects.filter(pk=next(p for p in posts if p.format != Format.STORY).pk).delete()
    run = pull_insights()
    assert run.outcome == PullOutcome.COMPLETE
    assert run.post_rows == len([p for p in posts if p.format != Format.STORY]) - 1


def test_without_a_connected_account_the_pull_fails_and_says_why(db: Any) -> None:
    run = pull_insights()
    assert run.outcome == PullOutcome.FAILED
    assert "No Instagram account is connected" in run.message
