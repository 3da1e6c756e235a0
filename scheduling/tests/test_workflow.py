"""The table of post actions decides: every action from every state, for the team and for others."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine

from scheduling import services
from scheduling.models import BERLIN, Post, PostStatus, PostTransition
from scheduling.tests.factories import approved_post, slot
from scheduling.workflow import ACTIONS, actions_for

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 1, 7, 9, 0, tzinfo=BERLIN)
LATER = NOW + timedelta(days=3)


def post_in(status: str) -> Post:
    post = approved_post()
    when = None if status == PostStatus.UNSCHEDULED else NOW + timedelta(days=1)
    Post.objects.filter(pk=post.pk).update(status=status, scheduled_at=when)
    post.refresh_from_db()
    return post


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.name)
@pytest.mark.parametrize("status", PostStatus.values)
def test_each_action_runs_exactly_from_its_states(people: dict[str, Any], action: Any, status: str) -> None:
    slot(2, 18)
    post = post_in(status)
    before = PostTransition.objects.filter(post=post).count()
    if status not in action.from_states:
        with pytest.raises(services.PostError):
            services.run_action(
                post=post, user=people["outreach"], name=action.name, when=LATER, text="Because."
            )
        assert Post.objects.get(pk=post.pk).status == status
        assert PostTransition.objects.filter(post=post).count() == before
        return
    for outsider in ("contributor", "science"):
        with pytest.raises(services.NotAllowed):
            services.run_action(
                post=post, user=people[outsider], name=action.name, when=LATER, text="Because."
            )
    if action.needs_text:
        with pytest.raises(services.PostError):
            services.run_action(post=post, user=people["outreach"], name=action.name, when=LATER, text="")
    services.run_action(post=post, user=people["outreach"], name=action.name, when=LATER, text="Because.")
    post.refresh_from_db()
    audit = PostTransition.objects.filter(post=post).last()
    assert audit is not None
    assert PostTransition.objects.filter(post=post).count() == before + 1
    assert (audit.action, audit.actor, audit.from_status, audit.to_status) == (
        action.name,
        people["outreach"],
        status,
        post.status,
    )


@pytest.mark.parametrize("status", PostStatus.values)
def test_buttons_offered_are_the_table_rows_for_the_state(people: dict[str, Any], status: str) -> None:
    offered = {action.name for action in actions_for(people["outreach"], status)}
    assert offered == {action.name for action in ACTIONS if status in action.from_states}
    assert actions_for(people["contributor"], status) == []


@time_machine.travel(NOW, tick=False)
def test_consent_withdrawn_on_a_published_post_flags_it_for_removal(people: dict[str, Any]) -> None:
    post = post_in(PostStatus.PUBLISHED)
    services.post_pull_for_consent(story_id=post.story_id, actor_id=None, photo_number=1)
    post.refresh_from_db()
    assert post.status == PostStatus.TO_BE_REMOVED
    assert post.scheduled_at is not None
    publishing = post_in(PostStatus.PUBLISHING)
    services.post_pull_for_consent(story_id=publishing.story_id, actor_id=None, photo_number=1)
    publishing.refresh_from_db()
    assert publishing.status == PostStatus.NEEDS_ATTENTION
    unscheduled = post_in(PostStatus.UNSCHEDULED)
    # Not on the calendar: it stays as it is (the team is told all the same).
    pulled = services.post_pull_for_consent(story_id=unscheduled.story_id, actor_id=None, photo_number=1)
    assert pulled is not None and pulled.status == PostStatus.UNSCHEDULED
