"""A withdrawn consent whose signal was lost (the process died after the commit, or the receiver
failed): the every-ten-minutes sweep pulls the post and tells the team once, and the publishing
worker refuses to send such a post to Instagram. With real transactions, as in production."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from contributors.tests.factories import contributor_user, outreach_user
from scheduling import publishing, receivers, services, tasks
from scheduling.models import Post, PostStatus, PublishStep
from stories import services as story_services
from stories.models import Status, Story
from stories.signals import consent_withdrawn
from stories.tests.factories import PersonShownFactory, story_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("tasks_run_inline")]


@pytest.fixture
def team() -> dict[str, Any]:
    return {"mira": outreach_user(username="mira"), "tom": outreach_user(username="tom")}


@pytest.fixture
def signal_lost() -> Iterator[None]:
    """The process dies between the withdrawal's commit and the signal: scheduling never hears."""
    consent_withdrawn.disconnect(dispatch_uid="scheduling-pull-post")
    yield
    consent_withdrawn.connect(receivers.pull_post_on_consent_withdrawn, dispatch_uid="scheduling-pull-post")


def approved_story(team: dict[str, Any]) -> Story:
    """Ada's approved story (reviewed by Mira) with a person shown in its photo, and its post."""
    ada = contributor_user(username="ada")
    story = story_in(Status.DRAFT, reviewer=team["mira"], title="Muons at night", author=ada.contributor)
    image = story.images.get()
    image.no_identifiable_person = False
    image.save()
    PersonShownFactory(image=image)
    story_services.story_submit(story=story, user=ada)
    story_services.story_start_review(story=story, user=team["mira"])
    story_services.story_approve(story=story, user=team["mira"])
    assert Post.objects.filter(story=story).exists()
    return story


def scheduled_post(team: dict[str, Any], when: timedelta = timedelta(days=2)) -> Post:
    post = Post.objects.get(story=approved_story(team))
    Post.objects.filter(pk=post.pk).update(status=PostStatus.SCHEDULED, scheduled_at=timezone.now() + when)
    post.refresh_from_db()
    return post


def withdraw(post: Post, user: Any = None) -> None:
    story = post.story
    person = story.images.get().people.get()
    mail.outbox.clear()
    story_services.consent_withdraw(person=person, user=user or story.author.user)


def team_told(team: dict[str, Any]) -> Counter[str]:
    """How many consent messages each member of the team has had."""
    emails = {member.email for member in team.values()}
    return Counter(
        message.to[0]
        for message in mail.outbox
        if message.to[0] in emails and "Consent withdrawn" in message.subject
    )


def test_a_lost_signal_is_caught_by_the_sweep_and_the_team_hears_once(
    team: dict[str, Any], signal_lost: None
) -> None:
    post = scheduled_post(team)
    withdraw(post)
    post.refresh_from_db()
    assert post.status == PostStatus.SCHEDULED  # the signal was lost: still on the calendar
    assert team_told(team) == Counter()

    tasks.create_missing_posts()

    post.refresh_from_db()
    assert post.status == PostStatus.UNSCHEDULED
    assert post.scheduled_at is None
    assert team_told(team) == {team["mira"].email: 1, team["tom"].email: 1}
    assert post.transitions.filter(action="consent_withdrawn").count() == 1

    tasks.create_missing_posts()  # ten minutes later: nothing more to do
    assert services.pull_posts_of_withdrawn_consent() == 0
    post.refresh_from_db()
    assert post.status == PostStatus.UNSCHEDULED
    assert team_told(team) == {team["mira"].email: 1, team["tom"].email: 1}
    assert post.transitions.filter(action="consent_withdrawn").count() == 1


def test_a_published_post_is_marked_to_be_removed_once(team: dict[str, Any], signal_lost: None) -> None:
    post = Post.objects.get(story=approved_story(team))
    Post.objects.filter(pk=post.pk).update(
        status=PostStatus.PUBLISHED, scheduled_at=timezone.now() - timedelta(days=1)
    )
    withdraw(post)

    assert services.pull_posts_of_withdrawn_consent() == 1
    assert services.pull_posts_of_withdrawn_consent() == 0

    post.refresh_from_db()
    assert post.status in (PostStatus.TO_BE_REMOVED, PostStatus.REMOVED)
    assert post.transitions.filter(action="consent_withdrawn").count() == 1
    assert team_told(team) == {team["mira"].email: 1, team["tom"].email: 1}


def test_with_the_signal_delivered_the_sweep_finds_nothing_to_do(team: dict[str, Any]) -> None:
    post = scheduled_post(team)
    withdraw(post)
    post.refresh_from_db()
    assert post.status == PostStatus.UNSCHEDULED
    assert team_told(team) == {team["mira"].email: 1, team["tom"].email: 1}

    assert services.pull_posts_of_withdrawn_consent() == 0
    tasks.create_missing_posts()

    assert team_told(team) == {team["mira"].email: 1, team["tom"].email: 1}
    assert post.transitions.filter(action="consent_withdrawn").count() == 1


def test_a_signal_arriving_after_the_sweep_tells_nobody_again(
    team: dict[str, Any], signal_lost: None
) -> None:
    post = scheduled_post(team)
    withdraw(post)
    assert services.pull_posts_of_withdrawn_consent() == 1

    person = post.story.images.get().people.get()
    receivers.pull_post_on_consent_withdrawn(sender=None, person=person, story=post.story, user=None)

    post.refresh_from_db()
    assert post.status == PostStatus.UNSCHEDULED
    assert team_told(team) == {team["mira"].email: 1, team["tom"].email: 1}
    assert post.transitions.filter(action="consent_withdrawn").count() == 1


def test_a_due_post_whose_consent_was_withdrawn_is_never_sent_to_instagram(
    team: dict[str, Any], signal_lost: None, demo_account: Any
) -> None:
    post = scheduled_post(team, when=timedelta(days=2))
    withdraw(post)
    Post.objects.filter(pk=post.pk).update(scheduled_at=timezone.now() - timedelta(seconds=1))

    assert publishing.publish_due_posts() == [post.pk]
    publishing.advance_publication(post_id=post.pk)

    post.refresh_from_db()
    assert post.status == PostStatus.NEEDS_ATTENTION
    assert not PublishStep.objects.filter(post=post).exists()  # not one call to Instagram
    assert team_told(team) == {team["mira"].email: 1, team["tom"].email: 1}
    assert services.pull_posts_of_withdrawn_consent() == 0
    assert team_told(team) == {team["mira"].email: 1, team["tom"].email: 1}


def test_a_post_scheduled_again_after_it_was_pulled_is_still_refused(
    team: dict[str, Any], demo_account: Any
) -> None:
    post = scheduled_post(team)
    withdraw(post)  # the receiver pulls it
    Post.objects.filter(pk=post.pk).update(
        status=PostStatus.SCHEDULED, scheduled_at=timezone.now() - timedelta(seconds=1)
    )

    publishing.publish_due_posts()
    publishing.advance_publication(post_id=post.pk)

    post.refresh_from_db()
    assert post.status == PostStatus.NEEDS_ATTENTION
    assert post.reason == "A person shown withdrew their consent."
    assert not PublishStep.objects.filter(post=post).exists()


def test_the_team_member_who_recorded_it_is_not_told_by_the_sweep(
    team: dict[str, Any], signal_lost: None
) -> None:
    post = scheduled_post(team)
    withdraw(post, team["tom"])

    assert services.pull_posts_of_withdrawn_consent() == 1

    post.refresh_from_db()
    assert post.status == PostStatus.UNSCHEDULED
    assert team_told(team) == {team["mira"].email: 1}
