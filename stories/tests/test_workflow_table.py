"""The workflow table (`stories.workflow`): it says what the design says, and every action ×
every state × every role is allowed exactly where the table says, leaving its audit row."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from contributors.tests.factories import (
    PublicationFactory,
    admin_user,
    contributor_user,
    outreach_user,
    science_user,
)
from stories import services
from stories.models import Status, Story, StoryEvent
from stories.tests.factories import story_in
from stories.workflow import ACTIONS, available_actions

pytestmark = pytest.mark.django_db

ROLES = ("author", "co_author", "other_contributor", "outreach", "science", "admin")
REVIEWABLE = {Status.SUBMITTED, Status.IN_REVIEW, Status.RESUBMITTED}

# The design's rules for the steps it names: (roles that may take it, states it starts from,
# state it leads to). The table must say the same; steps added later are walked below anyway.
RULES: dict[str, tuple[set[str], set[str], str | None]] = {
    "submit": ({"author", "co_author"}, {Status.DRAFT}, Status.SUBMITTED),
    "start_review": ({"outreach", "admin"}, {Status.SUBMITTED, Status.RESUBMITTED}, Status.IN_REVIEW),
    "request_changes": ({"outreach", "admin"}, REVIEWABLE, Status.CHANGES_REQUESTED),
    "resubmit": ({"author", "co_author"}, {Status.CHANGES_REQUESTED}, Status.RESUBMITTED),
    "science_signoff": ({"science"}, REVIEWABLE, None),
    "approve": ({"outreach", "admin"}, REVIEWABLE, Status.APPROVED),
    "reject": ({"outreach", "admin"}, REVIEWABLE, Status.REJECTED),
    "withdraw": (
        {"author", "co_author"},
        {Status.DRAFT, Status.CHANGES_REQUESTED, Status.ON_HOLD, *REVIEWABLE},
        Status.WITHDRAWN,
    ),
    "put_on_hold": ({"outreach", "admin"}, REVIEWABLE, Status.ON_HOLD),
    "lift_hold": ({"outreach", "admin"}, {Status.ON_HOLD}, Status.IN_REVIEW),
    "science_request_changes": ({"science"}, REVIEWABLE, Status.CHANGES_REQUESTED),
    "take_back": ({"author", "co_author"}, REVIEWABLE, Status.DRAFT),
}


@pytest.fixture
def cast() -> dict[str, Any]:
    return {
        "author": contributor_user(),
        "co_author": contributor_user(),
        "other_contributor": contributor_user(),
        "outreach": outreach_user(),
        "science": science_user(),
        "admin": admin_user(),
    }


def _story(state: str, cast: dict[str, Any], *, linked: bool) -> Story:
    story = story_in(
        state, author=cast["author"].contributor, publication=PublicationFactory() if linked else None
    )
    story.co_authors.add(cast["co_author"].contributor)
    return story


@pytest.mark.parametrize("name", sorted(RULES))
def test_the_table_says_what_the_design_says(name: str, cast: dict[str, Any]) -> None:
    roles, states, target = RULES[name]
    action = ACTIONS[name]
    assert set(action.from_states) == states
    assert action.to_state == target
    story = _story(Status.SUBMITTED, cast, linked=True)
    assert {role for role in ROLES if action.who.allows(cast[role], story)} == roles


@pytest.mark.parametrize("name", sorted(ACTIONS))
@pytest.mark.parametrize("state", Status.values)
def test_each_action_is_taken_exactly_where_the_table_allows_it(
    name: str, state: str, cast: dict[str, Any]
) -> None:
    """Every action × every state × every role: refused with the table's reason, or done with
    the audit row naming the action and its actor. Stories with and without a linked result,
    as some steps apply only to one of them (the science sign-off)."""
    action = ACTIONS[name]
    done: set[str] = set()
    for linked in (False, True):
        story = _story(state, cast, linked=linked)
        for role in ROLES:
            user = cast[role]
            fresh = Story.objects.get(pk=story.pk)
            refusal = action.refusal(user, fresh)
            events_before = StoryEvent.objects.count()
            with transaction.atomic():
                if refusal is not None:
                    with pytest.raises(type(refusal)):
                        action.take(story=fresh, user=user, text="Because of the embargo.")
                    assert StoryEvent.objects.count() == events_before
                else:
                    try:
                        result = action.take(story=fresh, user=user, text="Because of the embargo.")
                    except services.StepBlocked:
                        # Allowed, but this story lacks what the step needs (approval before
                        # the sign-off); the other variant must succeed.
                        assert StoryEvent.objects.count() == events_before
                    else:
                        done.add(role)
                        after = action.to_state or state
                        assert result.status == after == Story.objects.get(pk=story.pk).status
                        row = StoryEvent.objects.filter(story=story).latest("pk")
                        assert (row.kind, row.actor) == (action.name, user)
                        if action.to_state is None:
                            assert (row.from_status, row.to_status) == ("", "")
                        else:
                            assert (row.from_status, row.to_status) == (state, action.to_state)
                        if action.text_argument:
                            assert row.text == "Because of the embargo."
                transaction.set_rollback(True)
            assert Story.objects.get(pk=story.pk).status == state
    allowed = (
        {role for role in ROLES if action.who.allows(cast[role], story)}
        if state in action.from_states
        else set()
    )
    assert done == allowed


def test_the_story_page_offers_exactly_the_actions_the_table_allows(cast: dict[str, Any]) -> None:
    story = _story(Status.SUBMITTED, cast, linked=True)
    for role in ROLES:
        names = [action.name for action in available_actions(cast[role], story)]
        assert names == [action.name for action in ACTIONS.values() if action.allows(cast[role], story)]
    assert [a.name for a in available_actions(cast["outreach"], story)] == [
        "start_review",
        "approve",
        "request_changes",
        "reject",
        "put_on_hold",
    ]
    assert [a.name for a in available_actions(cast["science"], story)] == [
        "science_signoff",
        "science_request_changes",
    ]
    assert [a.name for a in available_actions(cast["author"], story)] == ["take_back", "withdraw"]


# --- on hold ---------------------------------------------------------------------------------


def test_the_team_puts_a_story_on_hold_with_a_reason_the_authors_read() -> None:
    story = story_in(Status.SUBMITTED)
    reviewer = outreach_user()
    with pytest.raises(services.InvalidInput):
        services.story_put_on_hold(story=story, user=reviewer, reason="  ")
    services.story_put_on_hold(story=story, user=reviewer, reason="Until the paper is public on 3 March.")
    assert Story.objects.get(pk=story.pk).status == Status.ON_HOLD
    client = Client()
    client.force_login(story.author.user)
    page = client.get(f"/stories/{story.pk}/").content.decode()
    assert "Reason for the hold" in page
    assert "Until the paper is public on 3 March." in page
    assert "put the story on hold" in page  # the History
    # The authors cannot approve, lift or edit it; they may still withdraw it.
    with pytest.raises(services.NotAllowed):
        services.story_lift_hold(story=story, user=story.author.user)


def test_lifting_the_hold_goes_on_with_the_review() -> None:
    reviewer = outreach_user()
    story = story_in(Status.RESUBMITTED, reviewer=reviewer)
    services.story_put_on_hold(story=story, user=reviewer, reason="Embargo.")
    with pytest.raises(services.TransitionNotAllowed):
        services.story_approve(story=story, user=reviewer)
    services.story_lift_hold(story=story, user=reviewer)
    assert story.status == Status.IN_REVIEW
    assert story.reviewer == reviewer
    assert list(story.events.values_list("kind", flat=True))[-2:] == ["put_on_hold", "lift_hold"]
