"""The beat's two insight tasks in a real worker, against the emulator."""

from __future__ import annotations

from typing import Any

import pytest

from analytics.models import AccountInsight, AudienceSnapshot, InsightPull, PostInsight, PullKind, PullOutcome
from analytics.tasks import pull_nightly_insights, sweep_story_insights
from contributors.testing import wait_until
from stories.models import Format

pytestmark = pytest.mark.worker


def test_the_nightly_pull_and_the_story_sweep_run_in_the_worker(
    demo_account: Any, graph_emulator: Any, bind_emulator_media: Any, celery_worker_process: Any
) -> None:
    posts = bind_emulator_media()
    pull_nightly_insights.delay()
    wait_until(
        lambda: InsightPull.objects.filter(kind=PullKind.NIGHTLY).exclude(outcome="running").exists(), 60
    )
    run = InsightPull.objects.get(kind=PullKind.NIGHTLY)
    assert run.outcome == PullOutcome.COMPLETE, run.message
    assert PostInsight.objects.count() == len([p for p in posts if p.format != Format.STORY])
    assert AccountInsight.objects.exists() and AudienceSnapshot.objects.count() == 2

    sweep_story_insights.delay()
    wait_until(
        lambda: InsightPull.objects.filter(kind=PullKind.STORIES).exclude(outcome="running").exists(), 60
    )
    assert InsightPull.objects.get(kind=PullKind.STORIES).outcome == PullOutcome.COMPLETE
    assert PostInsight.objects.filter(media_product_type="STORY").count() == 2
