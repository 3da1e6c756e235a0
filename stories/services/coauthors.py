"""Answering an invitation to co-author a story: accept (and become an author) or decline."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import NotAllowed
from ..models import CoAuthorInvitation, EventKind, Story
from .common import locked, record, sync


def _invitation(story: Story, user: Any) -> CoAuthorInvitation:
    invitation = (
        CoAuthorInvitation.objects.select_for_update()
        .select_related("contributor")
        .filter(story=story, contributor__user=user)
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if invitation is None:
        raise NotAllowed(_("You have no open invitation to co-author this story."))
    return invitation


def co_author_accept(*, story: Story, user: Any) -> Story:
    """The invited person becomes a co-author, unless they review the story (nobody reviews their
    own story)."""
    with transaction.atomic():
        current = locked(story)
        invitation = _invitation(current, user)
        if user.pk in (current.reviewer_id, current.science_signoff_by_id):
            raise NotAllowed(
                _(
                    "You review this story, so you cannot become its co-author. Decline, or hand the review on."
                )
            )
        current.co_authors.add(invitation.contributor)
        invitation.delete()
        record(current, user, EventKind.CO_AUTHOR_ACCEPTED, name=invitation.contributor.name)
    return sync(story, current)


def co_author_decline(*, story: Story, user: Any) -> Story:
    with transaction.atomic():
        current = locked(story)
        invitation = _invitation(current, user)
        invitation.delete()
        record(current, user, EventKind.CO_AUTHOR_DECLINED, name=invitation.contributor.name)
    return sync(story, current)
