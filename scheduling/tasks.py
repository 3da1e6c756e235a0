"""Celery entry points: take ids, load rows, call one service."""

from __future__ import annotations

from celery import shared_task

from . import emails, services


@shared_task(soft_time_limit=60, time_limit=90)
def invite_to_tell(publication_id: int, contributor_id: int, actor_id: int) -> int:
    return emails.invite_to_tell(
        publication_id=publication_id, contributor_id=contributor_id, actor_id=actor_id
    )


@shared_task(soft_time_limit=300, time_limit=360)
def create_missing_posts() -> int:
    return services.create_missing_posts()


def wake(post_id: int, countdown: float) -> None:
    advance_publication.apply_async((post_id,), countdown=max(0.0, countdown))


@shared_task(soft_time_limit=50, time_limit=60)
def publish_due_posts() -> int:
    """Beat, every minute: claim due posts and wake a worker for each post ready for a step."""
    from . import publishing

    return len(publishing.publish_due_posts(wake=wake))


@shared_task(soft_time_limit=240, time_limit=300)
def advance_publication(post_id: int) -> str:
    """One worker's turn at one post; a no-op unless its lease is free (a late or repeated message)."""
    from . import publishing

    return publishing.advance_publication(post_id=post_id, wake=wake)
