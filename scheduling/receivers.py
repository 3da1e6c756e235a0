"""What scheduling does when a story is approved or a person withdraws consent."""

from __future__ import annotations

import logging
from typing import Any

from . import services

logger = logging.getLogger(__name__)


def create_post_on_approval(sender: Any, story: Any, **kwargs: Any) -> None:
    # A failure here must not undo an approval that is already committed: the sweep
    # (`create_missing_posts`, every few minutes) makes the post later.
    try:
        services.post_create_for_story(story=story)
    except Exception:
        logger.exception("Could not create the post of story %s; the sweep will retry", story.pk)


def pull_post_on_consent_withdrawn(
    sender: Any, person: Any, story: Any, user: Any = None, photo_number: int | None = None, **kwargs: Any
) -> None:
    services.post_pull_for_consent(
        story_id=story.pk,
        actor_id=getattr(user, "pk", None),
        photo_number=photo_number or person.image.position + 1,
        withdrawn_at=person.consent_withdrawn_at,
    )
