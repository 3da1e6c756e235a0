"""The actions on a post, in one table: buttons, view dispatch, guards and tests come from it.

A new step is one row here and one service function in `scheduling.services`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contributors.roles import roles_of

from .models import PostStatus


def _team(user: Any) -> bool:
    return roles_of(user).team


@dataclass(frozen=True)
class PostAction:
    name: str
    label: Promise
    from_states: frozenset[str]
    may_act: Callable[[Any], bool]
    needs_text: bool
    needs_time: bool
    service: str  # the name of the function in scheduling.services

    def allowed(self, user: Any, status: str) -> bool:
        return status in self.from_states and self.may_act(user)


ACTIONS: tuple[PostAction, ...] = (
    PostAction(
        name="schedule",
        label=_("Schedule"),
        from_states=frozenset({PostStatus.UNSCHEDULED}),
        may_act=_team,
        needs_text=False,
        needs_time=True,
        service="post_schedule",
    ),
    PostAction(
        name="schedule_next_free",
        label=_("Schedule in the next free slot"),
        from_states=frozenset({PostStatus.UNSCHEDULED, PostStatus.SCHEDULED}),
        may_act=_team,
        needs_text=False,
        needs_time=False,
        service="post_schedule_next_free",
    ),
    PostAction(
        name="publish_now",
        label=_("Publish now"),
        from_states=frozenset({PostStatus.UNSCHEDULED, PostStatus.SCHEDULED}),
        may_act=_team,
        needs_text=False,
        needs_time=False,
        service="post_publish_now",
    ),
    PostAction(
        name="retry",
        label=_("Try publishing again"),
        from_states=frozenset({PostStatus.FAILED, PostStatus.NEEDS_ATTENTION}),
        may_act=_team,
        needs_text=False,
        needs_time=False,
        service="post_retry",
    ),
    PostAction(
        name="removed_by_hand",
        label=_("I removed it on Instagram"),
        from_states=frozenset({PostStatus.TO_BE_REMOVED}),
        may_act=_team,
        needs_text=False,
        needs_time=False,
        service="post_removed_by_hand",
    ),
    PostAction(
        name="reschedule",
        label=_("Move to this time"),
        from_states=frozenset({PostStatus.SCHEDULED, PostStatus.FAILED, PostStatus.NEEDS_ATTENTION}),
        may_act=_team,
        needs_text=False,
        needs_time=True,
        service="post_reschedule",
    ),
    PostAction(
        name="unschedule",
        label=_("Take off the calendar"),
        from_states=frozenset({PostStatus.SCHEDULED, PostStatus.FAILED, PostStatus.NEEDS_ATTENTION}),
        may_act=_team,
        needs_text=True,
        needs_time=False,
        service="post_unschedule",
    ),
)

BY_NAME = {action.name: action for action in ACTIONS}


def actions_for(user: Any, status: str) -> list[PostAction]:
    """What this person may do to a post in this state, in the table's order."""
    return [action for action in ACTIONS if action.allowed(user, status)]
