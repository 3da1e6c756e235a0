"""The pull's cost at Meta: few calls for many posts, every post's extras within a week, and a
stop before the rate limit that says what it left."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine

from analytics.insights import BERLIN, pull_insights
from analytics.models import InsightPull, PostInsight, PullOutcome
from analytics.tests.conftest import counted_calls
from stories.models import Format

pytestmark = pytest.mark.django_db

NIGHT = datetime(2030, 3, 4, 3, 30, tzinfo=BERLIN)


def two_hundred_posts() -> list[tuple[str, float]]:
    """200 posts: 40 reels, 10 of all from the last 14 days, the rest over two years."""
    specs: list[tuple[str, float]] = []
    for number in range(200):
        fmt = (
            Format.REEL if number % 5 == 0 else (Format.CAROUSEL if number % 5 == 1 else Format.SINGLE_IMAGE)
        )
        age = 1 + number * 1.3 if number < 10 else 15 + (number - 10) * 3.7
        specs.append((fmt, age))
    return specs


def test_one_nightly_pull_of_200_posts_costs_at_most_60_calls(
    graph_emulator: Any, make_published: Any, demo_account: Any
) -> None:
    with time_machine.travel(NIGHT, tick=False):
        posts = make_published(two_hundred_posts())
        assert sum(1 for p in posts if p.format == Format.REEL) == 40
        before = len(graph_emulator.calls())
        run = pull_insights()
        calls = counted_calls(graph_emulator) - before
    assert run.outcome == PullOutcome.COMPLETE, run.message
    # One call per post per metric group would be over 400 (200 posts x 2 groups, plus the rest).
    assert calls <= 60, calls
    assert run.calls == calls
    # Every post (and the emulator's own 36, which the app did not publish, are not stored).
    assert PostInsight.objects.filter(day=NIGHT.date()).count() == 200


def test_a_week_of_nightly_pulls_refreshes_every_posts_extras(
    graph_emulator: Any, make_published: Any, demo_account: Any
) -> None:
    with time_machine.travel(NIGHT, tick=False) as traveller:
        posts = make_published(two_hundred_posts())
        for night in range(7):
            run = pull_insights()
            assert run.outcome == PullOutcome.COMPLETE, run.message
            assert run.calls <= 60
            if night < 6:
                traveller.shift(timedelta(days=1))
    refreshed = set(
        PostInsight.objects.filter(extras_pulled_on__isnull=False)
        .values_list("post_id", flat=True)
        .distinct()
    )
    assert refreshed == {p.pk for p in posts}
    # Posts of the last 14 days every night.
    newest = max(posts, key=lambda p: p.published_at)
    assert PostInsight.objects.filter(post=newest).exclude(extras_pulled_on=None).count() == 7
    assert PostInsight.objects.filter(post=newest).count() == 7


def test_the_pull_stops_before_90_percent_of_the_rate_limit_and_says_what_it_left(
    graph_emulator: Any, make_published: Any, demo_account: Any
) -> None:
    graph_emulator.configure(usage_calls_per_hour=20)  # every call uses 5 %
    with time_machine.travel(NIGHT, tick=False):
        make_published(two_hundred_posts())
        before = len(graph_emulator.calls())
        run = pull_insights()
        calls = counted_calls(graph_emulator) - before
    assert run.outcome == PullOutcome.STOPPED
    assert run.usage_percent == 85
    assert "Stopped at 85% of Instagram's rate limit" in run.message
    assert any("type-specific figures" in m["what"] for m in run.missed), run.missed
    # What it got is kept: every post's shared figures and the account's day.
    assert PostInsight.objects.filter(day=NIGHT.date()).count() == 200
    assert run.account_rows == 1
    assert calls == run.calls <= 17


def test_with_the_usage_header_past_90_percent_it_stops_at_once(
    graph_emulator: Any, make_published: Any, demo_account: Any
) -> None:
    graph_emulator.configure(usage_calls_per_hour=1)  # the first answer says 100 %
    with time_machine.travel(NIGHT, tick=False):
        make_published(two_hundred_posts())
        before = len(graph_emulator.calls())
        run = pull_insights()
        calls = len(graph_emulator.calls()) - before
    assert calls == 1
    assert run.outcome == PullOutcome.STOPPED
    assert run.usage_percent == 100
    assert "Stopped at 100%" in run.message
    left = [m["what"] for m in run.missed]
    assert any(what.startswith("media list") for what in left)
    assert {"account figures", "audience", "type-specific figures"} <= set(left)
    # The first page's 100 posts are kept.
    assert PostInsight.objects.count() == 100
    assert InsightPull.objects.get().message == run.message


def test_usage_spent_by_other_work_before_the_pull_does_not_stop_it_early(
    graph_emulator: Any, make_published: Any, demo_account: Any
) -> None:
    import requests

    from graph_emulator import DEMO_TOKEN

    graph_emulator.configure(usage_calls_per_hour=200)  # every call 0.5 %
    with time_machine.travel(NIGHT, tick=False):
        make_published(two_hundred_posts())
        for _ in range(100):  # publishing and token checks used half the hour's calls already
            requests.get(
                f"{graph_emulator.base_url}/me", headers={"Authorization": f"Bearer {DEMO_TOKEN}"}, timeout=10
            )
        run = pull_insights()
    assert run.outcome == PullOutcome.COMPLETE, run.message
    assert 50 < run.usage_percent < 85
