"""Helpers for publishing tests: a due post whose renditions Meta (the emulator) can download."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from scheduling import publishing
from scheduling.models import Post, PostStatus
from scheduling.tests.factories import approved_post


def due_post(media_server: Any, *, caption: str = "", **kwargs: Any) -> Post:
    """An approved post, scheduled a moment ago (the sweep has not seen it yet). Meta downloads
    its renditions from the site itself (`public_site`); ``media_server`` is not needed for them."""
    post = approved_post(**kwargs)
    Post.objects.filter(pk=post.pk).update(
        status=PostStatus.SCHEDULED,
        scheduled_at=timezone.now() - timedelta(seconds=1),
        caption=caption or f"Inside the CMS detector, post {post.pk} #physics",
    )
    post.refresh_from_db()
    return post


def publish_until_settled(post: Post, *, rounds: int = 40) -> Post:
    """What beat and the workers do, in this process: sweep, then advance each woken post."""
    for _round in range(rounds):
        for post_id in publishing.publish_due_posts():
            publishing.advance_publication(post_id=post_id)
        post.refresh_from_db()
        if post.status not in (PostStatus.SCHEDULED, PostStatus.PUBLISHING):
            break
    return post
