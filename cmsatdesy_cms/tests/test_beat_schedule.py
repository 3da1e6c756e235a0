"""Periodic work the beat process wakes the workers up for."""

from cmsatdesy_cms.celery import app


def test_retention_task_is_in_the_beat_schedule() -> None:
    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "stories.tasks.erase_expired_contacts" in tasks


def test_token_refresh_runs_daily_from_the_beat_schedule() -> None:
    assert (
        app.conf.beat_schedule["refresh-instagram-token"]["task"] == "instagram.tasks.refresh_instagram_token"
    )


def test_the_sweep_for_missed_posts_runs_from_the_beat_schedule() -> None:
    entry = app.conf.beat_schedule["create-missing-posts"]
    assert entry["task"] == "scheduling.tasks.create_missing_posts"
    assert entry["schedule"] <= 15 * 60


def test_due_posts_are_claimed_every_minute_from_the_beat_schedule() -> None:
    entry = app.conf.beat_schedule["publish-due-posts"]
    assert entry["task"] == "scheduling.tasks.publish_due_posts"
    assert entry["schedule"] <= 60
