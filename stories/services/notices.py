"""E-mail notices: who is told about a change to a story, in their own language.

`notify` decides who is told, in the transaction of the change, writes one `Notice` per
recipient (the record of who was told what) and renders each e-mail in the recipient's language
for `contributors.mail.queue_email`, which stores it and has the worker send it once after
commit, retrying while the mail server is away and sweeping up what a lost message left. A mail
server that is down delays the e-mail; it never undoes or hides the change that caused it.
"""

from __future__ import annotations

import logging
from typing import Any

from contributors.mail import queue_email
from contributors.roles import OUTREACH_TEAM, SCIENCE_REVIEWERS, members

from .. import emails
from ..models import Comment, Notice, Story

logger = logging.getLogger(__name__)


def _author_ids(story: Story) -> set[int]:
    return {story.author.user_id, *story.co_authors.values_list("user_id", flat=True)}


def _members_but_authors(story: Story, group: str) -> list[Any]:
    # A member who writes the story hears of it as an author: they never review it.
    authors = _author_ids(story)
    return [user for user in members(group) if user.pk not in authors]


def _team(story: Story) -> list[Any]:
    return _members_but_authors(story, OUTREACH_TEAM)


def _authors(story: Story) -> list[Any]:
    return [story.author.user, *(c.user for c in story.co_authors.select_related("user"))]


def _science(story: Story) -> list[Any]:
    return _members_but_authors(story, SCIENCE_REVIEWERS)


def _reviewer_or_team(story: Story) -> list[Any]:
    return [story.reviewer] if story.reviewer else _team(story)


def _reviewer_or_team_once_submitted(story: Story) -> list[Any]:
    # A draft that was never submitted is nobody's business but its authors'.
    return _reviewer_or_team(story) if story.submitted_at is not None else []


def _recipients(kind: str, story: Story) -> list[Any]:
    if kind == "submit":
        return _team(story)
    if kind == "signoff_needed":
        return _science(story)
    if kind in ("science_signoff", "take_back"):
        return _reviewer_or_team(story)
    if kind == "science_request_changes":
        return _authors(story) + _reviewer_or_team(story)
    if kind in ("withdraw", "consent_withdrawn", "consent_withdrawn_in_review"):
        return _authors(story) + _reviewer_or_team_once_submitted(story)
    if kind == "consent_withdrawn_approved":
        # The team, its reviewer too, hears of it once, from the scheduling app, which knows
        # what became of the post (`stories.signals.consent_withdrawn`).
        return _authors(story)
    if kind == "resubmit":
        return [story.reviewer] if story.reviewer else _team(story)
    if kind == "comment":
        return _authors(story) + ([story.reviewer] if story.reviewer else [])
    return _authors(story)


def notify(
    kind: str,
    *,
    story: Story,
    actor: Any,
    quote: str = "",
    comment: Comment | None = None,
    recipients: list[Any] | None = None,
    photo_number: int | None = None,
) -> int:
    """Tell everyone `kind` concerns (or `recipients`; never the actor): a notice and a queued
    e-mail each, sent after commit."""
    if kind not in emails.MESSAGES:
        raise ValueError(kind)
    story = Story.objects.select_related("author__user", "reviewer").get(pk=story.pk)
    if comment is not None:
        comment = Comment.objects.select_related("image").get(pk=comment.pk)
    seen: set[int] = set()
    told = 0
    for user in _recipients(kind, story) if recipients is None else recipients:
        if user is None or user.pk == getattr(actor, "pk", None) or user.pk in seen:
            continue
        if not user.email or not user.is_active:
            continue
        seen.add(user.pk)
        notice = Notice(
            story=story,
            recipient=user,
            actor=actor,
            comment=comment,
            kind=kind,
            quote=quote,
            photo_number=photo_number,
        )
        message = emails.render_notice(notice)
        if message is None:
            continue
        [notice.email] = queue_email(message=message, purpose=f"stories:{kind}")
        notice.save()
        told += 1
    return told
