"""Celery entry points of the pull: the nightly pull and the hourly story sweep (beat)."""

from __future__ import annotations

from celery import shared_task


@shared_task(soft_time_limit=1500, time_limit=1560)
def pull_nightly_insights() -> str:
    """Beat, nightly at 03:30 Europe/Berlin: every post, yesterday's account figures, the audience."""
    from .insights import pull_insights

    return pull_insights().outcome


@shared_task(soft_time_limit=240, time_limit=300)
def sweep_story_insights() -> str:
    """Beat, hourly: the figures of every live story, before Instagram drops them at 24 hours."""
    from .insights import sweep_story_insights as sweep

    run = sweep()
    return run.outcome if run else "no live story"
