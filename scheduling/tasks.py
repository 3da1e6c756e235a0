"""Celery entry points: take ids, load rows, call one service."""

from __future__ import annotations

from celery import shared_task

from . import emails, services


@shared_task(soft_time_limit=60, time_limit=90)
def tell_team_consent_withdrawn(post_id: int) -> int:
    return emails.tell_team_consent_withdrawn(post_id=post_id)


@shared_task(soft_time_limit=60, time_limit=90)
def invite_to_tell(publication_id: int, contributor_id: int, actor_id: int) -> int:
    return emails.invite_to_tell(
        publication_id=publication_id, contributor_id=contributor_id, actor_id=actor_id
    )


@shared_task(soft_time_limit=300, time_limit=360)
def create_missing_posts() -> int:
    return services.create_missing_posts()
