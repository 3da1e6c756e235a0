"""On any failure the pull keeps what it got and its run row says what it missed."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from analytics.insights import BERLIN, pull_insights, sweep_story_insights
from analytics.models import AccountInsight, AudienceSnapshot, InsightPull, PostInsight, PullOutcome
from scheduling.models import Post, PostStatus
from stories.models import Format

pytestmark = pytest.mark.django_db


def today() -> Any:
    return timezone.now().astimezone(BERLIN).date()


def test_a_failed_account_call_keeps_the_posts_and_the_audience(
    demo_account: Any, graph_emulator: Any, bind_emulator_media: Any
) -> None:
    posts = bind_emulator_media()
    graph_emulator.add_fault("error", match=r"/insights$", code=100, message="Invalid parameter", count=1)
    run = pull_insights()
    assert run.outcome == PullOutcome.PARTIAL
    yesterday = (today() - timedelta(days=1)).isoformat()
    [missed] = run.missed
    assert missed["what"] == f"account figures of {yesterday}"
    assert missed["why"].startswith("[permanent] Invalid parameter (code 100)")
    assert f"Missed: account figures of {yesterday} ([permanent] Invalid parameter" in run.message
    assert PostInsight.objects.count() == len([p for p in posts if p.format != Format.STORY])
    assert AudienceSnapshot.objects.count() == 2
    # The follower count came in after the failed day: that day's row holds only it.
    row = AccountInsight.objects.get()
    assert row.reach is None and row.follower_count


def test_a_post_gone_from_instagram_is_named_and_costs_no_calls(
    demo_account: Any, graph_emulator: Any, make_published: Any
) -> None:
    posts = make_published([(Format.SINGLE_IMAGE, 2), (Format.SINGLE_IMAGE, 3), (Format.REEL, 4)])
    gone = posts[1]
    Post.objects.filter(pk=gone.pk).update(media_id="17959999999999999")
    run = pull_insights()
    assert run.outcome == PullOutcome.COMPLETE, run.message
    assert (
        f"1 published posts are not among the account's media on Instagram (removed there?): posts {gone.pk}."
        in (run.message)
    )
    for post in (posts[0], posts[2]):
        assert PostInsight.objects.get(post=post).extras_pulled_on == today()
    assert not PostInsight.objects.filter(post=gone).exists()
    assert not any("17959999999999999" in str(call["params"]) for call in graph_emulator.calls())


def test_a_failed_multi_id_request_is_asked_again_id_by_id(
    demo_account: Any, graph_emulator: Any, make_published: Any
) -> None:
    posts = make_published([(Format.SINGLE_IMAGE, 2), (Format.CAROUSEL, 3), (Format.SINGLE_IMAGE, 4)])
    graph_emulator.add_fault("error", match=r"^/$", code=100, message="Invalid parameter", count=1)
    run = pull_insights()
    assert run.outcome == PullOutcome.COMPLETE, run.message
    for post in posts:
        assert PostInsight.objects.get(post=post).extras_pulled_on == today()
    singles = [call for call in graph_emulator.calls() if call["endpoint"].endswith("/insights")]
    assert {call["endpoint"].split("/")[1] for call in singles} >= {p.media_id for p in posts}


def test_throttling_stops_the_pull_and_keeps_what_it_got(
    demo_account: Any, graph_emulator: Any, bind_emulator_media: Any
) -> None:
    bind_emulator_media()
    graph_emulator.add_fault("rate_limit", match=r"/insights$", code=80002, minutes=5, count=None)
    run = pull_insights()
    assert run.outcome == PullOutcome.STOPPED
    assert "Instagram throttled the calls" in run.message
    assert run.usage_percent == 100
    assert PostInsight.objects.count() > 0
    assert {m["what"] for m in run.missed} >= {"audience", "type-specific figures"}
    assert AccountInsight.objects.count() == 0


def test_a_story_whose_insights_are_gone_keeps_its_last_figures(
    demo_account: Any, graph_emulator: Any, bind_emulator_media: Any
) -> None:
    stories = [p for p in bind_emulator_media() if p.format == Format.STORY]
    sweep_story_insights()
    reach = {row.post_id: row.reach for row in PostInsight.objects.filter(post__in=stories)}
    assert all(reach.values())
    graph_emulator.advance_clock(25 * 3600)  # Instagram has dropped them; the app still lists them live
    Post.objects.filter(pk__in=[s.pk for s in stories]).update(
        status=PostStatus.PUBLISHED, published_at=timezone.now() - timedelta(hours=23)
    )
    sweep_story_insights()
    assert {row.post_id: row.reach for row in PostInsight.objects.filter(post__in=stories)} == reach


def test_a_refused_token_fails_the_pull_and_the_command_says_so(
    demo_account: Any, graph_emulator: Any, bind_emulator_media: Any
) -> None:
    bind_emulator_media()
    graph_emulator.add_fault("token_expired", count=None)
    with pytest.raises(CommandError, match="The pull failed"):
        call_command("pull_insights", stdout=StringIO())
    run = InsightPull.objects.get()
    assert run.outcome == PullOutcome.FAILED
    assert "Instagram refused the token" in run.message
    assert run.calls == 1  # it does not go on knocking
    assert not PostInsight.objects.exists()


def test_pull_insights_refuses_more_than_30_days(db: Any) -> None:
    with pytest.raises(CommandError, match="--days must be between 1 and 30"):
        call_command("pull_insights", "--days", "31")
    assert not InsightPull.objects.exists()
