"""Celery entry points: take ids, load rows, call one service."""

from __future__ import annotations

from celery import shared_task

from instagram.client import GraphAPIError

from . import services


@shared_task(soft_time_limit=300, time_limit=360)
def create_missing_posts() -> int:
    """Beat, every 10 minutes: the posts failed receivers missed, for an approval (made) and for a
    withdrawn consent (pulled, the team told)."""
    try:
        return services.create_missing_posts()
    finally:
        services.pull_posts_of_withdrawn_consent()


def wake(post_id: int, countdown: float) -> None:
    advance_publication.apply_async((post_id,), countdown=max(0.0, countdown))


@shared_task(soft_time_limit=50, time_limit=60)
def publish_due_posts() -> int:
    """Beat, every minute: claim due posts and wake a worker for each post ready for a step; tell the
    team of late posts; hand out again removals whose wake-up was lost."""
    from . import publishing

    woken = publishing.publish_due_posts(wake=wake)
    publishing.tell_team_late_posts()
    for post_id in publishing.posts_waiting_for_removal():
        remove_from_instagram.delay(post_id)
    return len(woken)


@shared_task(soft_time_limit=240, time_limit=300)
def advance_publication(post_id: int) -> str:
    """One worker's turn at one post; a no-op unless its lease is free (a late or repeated message)."""
    from . import publishing

    return publishing.advance_publication(post_id=post_id, wake=wake)


@shared_task(
    soft_time_limit=60, time_limit=90, autoretry_for=(GraphAPIError,), retry_backoff=30, retry_backoff_max=600,
    max_retries=10,
)  # fmt: skip
def remove_from_instagram(post_id: int) -> str:
    """A published post whose consent was withdrawn comes off Instagram (transient errors retried)."""
    from . import publishing

    return publishing.remove_from_instagram(post_id=post_id)
