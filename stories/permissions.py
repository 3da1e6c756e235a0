"""Who may open or change one story (its workflow steps are in `stories.workflow`).

The services check the same rules again, on the locked row, before changing anything.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from contributors.roles import roles_of

from .models import AUTHOR_EDITABLE_STATUSES, Status, Story


def can_view(user: Any, story: Story) -> bool:
    roles = roles_of(user)
    if not roles.authenticated:
        return False
    if story.is_author(user):
        return True
    if story.submitted_at is None:
        return False
    if roles.team:
        return True
    return roles.science and story.needs_science_signoff


def can_edit(user: Any, story: Story) -> bool:
    """Authors while the story is theirs to change; the team while it is not settled."""
    roles = roles_of(user)
    if not roles.authenticated:
        return False
    if story.is_author(user):
        return story.status in AUTHOR_EDITABLE_STATUSES
    return roles.team and story.submitted_at is not None and not story.is_final


def why_not_editable(user: Any, story: Story) -> str | None:
    """Why `user` cannot change the story now, in a sentence; None if they can."""
    if can_edit(user, story):
        return None
    if story.is_final:
        return _("The story is “%(status)s” and can no longer be changed.") % {
            "status": story.get_status_display()
        }
    if story.is_author(user):
        if story.status == Status.ON_HOLD:
            return _("The story is on hold; it can be changed again once the outreach team lifts the hold.")
        return _(
            "The outreach team is reviewing the story, so it cannot be changed now. "
            "To change it, take it back to editing."
        )
    return _("Only the authors and the outreach team can change this story.")


def can_comment(user: Any, story: Story) -> bool:
    return can_view(user, story)


def can_record_consent(user: Any, story: Story) -> bool:
    """Consent may be gathered while the team reviews: authors and team, until the story is settled."""
    if story.is_final:
        return False
    if story.is_author(user):
        return True
    return roles_of(user).team and story.submitted_at is not None


def can_withdraw_consent(user: Any, story: Story) -> bool:
    """Authors and the team record a withdrawal in any state, approved and published included."""
    roles = roles_of(user)
    if story.is_author(user):
        return True
    return roles.team and story.submitted_at is not None


def can_crop(user: Any, story: Story) -> bool:
    """Only the team moves a crop box, while it may change the story."""
    return roles_of(user).team and can_edit(user, story)


def can_see_contacts(user: Any, story: Story) -> bool:
    """E-mail and phone of the people shown: the story's authors, the outreach team and admins.

    Everyone else who may open the story (science reviewers included) sees the name and that
    consent is recorded, which is all they need.
    """
    return story.is_author(user) or roles_of(user).team


def can_see_result(user: Any, story: Story) -> bool:
    """The title and details of the story's result: anyone who may open the story once the result
    is public; before that only its group authors, the story's authors, science reviewers (who
    check its physics), the outreach team and admins. Everyone else learns only that it is under
    embargo, and until when."""
    publication = story.publication
    if publication is None or publication.is_public():
        return True
    roles = roles_of(user)
    if not roles.authenticated:
        return False
    if story.is_author(user) or roles.team or roles.science:
        return True
    return publication.contributors.filter(user=user).exists()


def can_forget_people(user: Any) -> bool:
    """Erasing a person's name and contact at once: the team (admins included)."""
    return roles_of(user).team
