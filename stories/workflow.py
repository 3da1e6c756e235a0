"""The steps of a story's review, as one table.

Each `Action` says everything about one step: its one name (the URL `/stories/<id>/do/<name>/`,
the service `stories.services.story_<name>`, and the `kind` of the audit row it leaves), the
states it starts from, who may take it, whether a text goes along, its button, and how the
History tells it. Everything else is derived from this table: the buttons on the story page
(`available_actions`), the view's dispatch (`Action.take`), the services' guards (`Action.check`,
called on the locked row) and the workflow tests, which walk it.

A new step is one entry here and one service function (plus, for a new state, its `Status`
choice and migration).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from contributors.roles import roles_of

from .errors import NotAllowed, TransitionNotAllowed
from .models import REVIEWABLE_STATUSES, Status, Story


@dataclass(frozen=True)
class Who:
    """Who may take a step, whatever the state: `refuses` says why someone may not, or None."""

    description: Promise
    refuses: Callable[[Any, Story], Promise | None]

    def allows(self, user: Any, story: Story) -> bool:
        return self.refuses(user, story) is None


def _authors(user: Any, story: Story) -> Promise | None:
    return None if story.is_author(user) else _("Only the authors of the story can do this.")


def _team(user: Any, story: Story) -> Promise | None:
    if not roles_of(user).team:
        return _("Only the outreach team can review stories.")
    if story.is_author(user):
        return _("Nobody reviews or approves their own story.")
    return None


def _science(user: Any, story: Story) -> Promise | None:
    if not roles_of(user).science:
        return _("Only science reviewers can sign off the physics.")
    if story.is_author(user):
        return _("Nobody signs off their own story.")
    return None


def _team_not_holding(user: Any, story: Story) -> Promise | None:
    reason = _team(user, story)
    if reason is None and story.reviewer_id is not None and story.reviewer_id == user.pk:
        return _("You are reviewing this story already.")
    return reason


AUTHORS = Who(_("the story's authors"), _authors)
TEAM = Who(_("the outreach team, never on their own story"), _team)
TEAM_NOT_HOLDING = Who(
    _("the outreach team, never on their own story nor on one they review already"), _team_not_holding
)
SCIENCE = Who(_("science reviewers, never on their own story"), _science)


def _always(story: Story) -> Promise | None:
    return None


def _needs_signoff(story: Story) -> Promise | None:
    if not story.needs_science_signoff:
        return _("Only stories linked to a result need a science sign-off.")
    if story.science_signoff_at is not None:
        return _("The story has been signed off already.")
    return None


# States in which the team has something to decide.
UNDER_REVIEW = REVIEWABLE_STATUSES
# States from which the authors may still take the story back.
OPEN = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED, Status.ON_HOLD, *UNDER_REVIEW})


@dataclass(frozen=True)
class Action:
    name: str
    from_states: frozenset[str]
    who: Who
    # The state the story goes to; None when it stays where it is (the science sign-off).
    to_state: str | None
    label: Promise
    explanation: Promise
    # How the History tells it: "<actor> <past>".
    past: Promise
    style: str = "primary"
    # A text goes along (a comment, a reason): its label, and the service's keyword for it.
    text_label: Promise | None = None
    text_argument: str = ""
    text_required: bool = False
    # Whether this story needs the step at all, whatever the state (None, or why not).
    applies: Callable[[Story], Promise | None] = field(default=_always)
    # What the person who took the step is told (None: the story's new state).
    done: Promise | None = None

    @property
    def service(self) -> Callable[..., Story]:
        # By name: the services import this table, so the table must not import them.
        return import_string(f"stories.services.story_{self.name}")  # type: ignore[no-any-return]

    def refusal(self, user: Any, story: Story) -> NotAllowed | TransitionNotAllowed | None:
        """Why `user` may not take this step on `story` as it is now, or None."""
        reason = self.who.refuses(user, story)
        if reason is not None:
            return NotAllowed(reason)
        if story.status not in self.from_states:
            return TransitionNotAllowed(
                _("“%(action)s” is not possible for a story that is “%(status)s”.")
                % {"status": story.get_status_display(), "action": self.label}
            )
        reason = self.applies(story)
        if reason is not None:
            return TransitionNotAllowed(reason)
        return None

    def allows(self, user: Any, story: Story) -> bool:
        return self.refusal(user, story) is None

    def check(self, user: Any, story: Story) -> None:
        """The guard every service of the table calls on the row it has locked."""
        refusal = self.refusal(user, story)
        if refusal is not None:
            raise refusal

    def take(self, *, story: Story, user: Any, text: str = "") -> Story:
        """Run the step's service (it checks again on the locked row)."""
        extra = {self.text_argument: text} if self.text_argument else {}
        return self.service(story=story, user=user, **extra)


WORKFLOW: tuple[Action, ...] = (
    Action(
        name="submit",
        from_states=frozenset({Status.DRAFT}),
        who=AUTHORS,
        to_state=Status.SUBMITTED,
        label=_("Submit for review"),
        explanation=_("Send the story to the outreach team."),
        past=_("submitted the story"),
    ),
    Action(
        name="resubmit",
        from_states=frozenset({Status.CHANGES_REQUESTED}),
        who=AUTHORS,
        to_state=Status.RESUBMITTED,
        label=_("Resubmit for review"),
        explanation=_("Send the changed story back to the outreach team."),
        past=_("resubmitted the story"),
    ),
    Action(
        name="start_review",
        from_states=frozenset({Status.SUBMITTED, Status.RESUBMITTED}),
        who=TEAM_NOT_HOLDING,
        to_state=Status.IN_REVIEW,
        label=_("Take for review"),
        explanation=_("Mark the story as in review by you; it appears under “mine” in the queue."),
        past=_("took the story for review"),
        style="secondary",
    ),
    Action(
        name="science_signoff",
        from_states=UNDER_REVIEW,
        who=SCIENCE,
        to_state=None,
        label=_("Sign off the science"),
        explanation=_("Confirm that the physics in this story is right."),
        past=_("signed off the science"),
        style="success",
        applies=_needs_signoff,
        done=_("You have signed off the science of this story. The outreach team has been told."),
    ),
    Action(
        name="approve",
        from_states=UNDER_REVIEW,
        who=TEAM,
        to_state=Status.APPROVED,
        label=_("Approve for posting"),
        explanation=_("Approve the story; it goes to the schedule."),
        past=_("approved the story"),
        style="success",
    ),
    Action(
        name="request_changes",
        from_states=UNDER_REVIEW,
        who=TEAM,
        to_state=Status.CHANGES_REQUESTED,
        label=_("Request changes"),
        explanation=_("Send the story back to its authors with what to change."),
        past=_("asked for changes"),
        style="warning",
        text_label=_("What should change"),
        text_argument="comment",
        text_required=True,
    ),
    # The science reviewer's own way back to the authors: what is wrong in the physics.
    Action(
        name="science_request_changes",
        from_states=UNDER_REVIEW,
        who=SCIENCE,
        to_state=Status.CHANGES_REQUESTED,
        label=_("Request changes to the science"),
        explanation=_(
            "Send the story back to its authors with what is wrong in the physics; the outreach team is told."
        ),
        past=_("asked for changes to the science"),
        style="warning",
        text_label=_("What is wrong in the physics"),
        text_argument="comment",
        text_required=True,
        applies=_needs_signoff,
        done=_("The story has gone back to its authors with your request. The outreach team has been told."),
    ),
    Action(
        name="reject",
        from_states=UNDER_REVIEW,
        who=TEAM,
        to_state=Status.REJECTED,
        label=_("Reject the story"),
        explanation=_("End the story; the authors see your reason."),
        past=_("rejected the story"),
        style="danger",
        text_label=_("Reason for the authors"),
        text_argument="reason",
        text_required=True,
    ),
    # A hold pauses the review (an embargo, a question to a third party); lifting it always
    # goes on with the review in review, whichever state it was put on hold from: the team has
    # looked at it by then, and the story shows up as theirs under "mine".
    Action(
        name="put_on_hold",
        from_states=UNDER_REVIEW,
        who=TEAM,
        to_state=Status.ON_HOLD,
        label=_("Put on hold"),
        explanation=_("Pause the review, for example until a result is public; the authors see your reason."),
        past=_("put the story on hold"),
        style="secondary",
        text_label=_("Reason for the hold"),
        text_argument="reason",
        text_required=True,
    ),
    Action(
        name="lift_hold",
        from_states=frozenset({Status.ON_HOLD}),
        who=TEAM,
        to_state=Status.IN_REVIEW,
        label=_("Lift the hold"),
        explanation=_("Go on with the review; the story is in review again."),
        past=_("lifted the hold"),
        style="secondary",
    ),
    # Not for good: the story is a draft again, out of the review queue until submitted again.
    Action(
        name="take_back",
        from_states=UNDER_REVIEW,
        who=AUTHORS,
        to_state=Status.DRAFT,
        label=_("Take back to editing"),
        explanation=_(
            "Change the story before the team goes on; it leaves the review queue until you submit it again."
        ),
        past=_("took the story back to editing"),
        style="outline-secondary",
        done=_(
            "The story is back in editing and has left the review queue. Submit it again when it is ready."
        ),
    ),
    Action(
        name="withdraw",
        from_states=OPEN,
        who=AUTHORS,
        to_state=Status.WITHDRAWN,
        label=_("Withdraw the story"),
        explanation=_("Take the story back for good; it will not be posted."),
        past=_("withdrew the story"),
        style="outline-danger",
    ),
)
ACTIONS: dict[str, Action] = {action.name: action for action in WORKFLOW}


def available_actions(user: Any, story: Story) -> list[Action]:
    """The steps this user may take now, in the table's order (the story page's buttons)."""
    return [action for action in WORKFLOW if action.allows(user, story)]


def is_reviewer_of(user: Any, story: Story) -> bool:
    """Someone who reviews this story now: the team, or a science reviewer where one is needed."""
    return any(action.who is not AUTHORS and action.allows(user, story) for action in WORKFLOW)
