"""Posts from approval to the calendar: creation, next free slot, embargo, blackout, consent."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail

from contributors.tests.factories import PublicationFactory, contributor_user
from scheduling import services
from scheduling.models import BERLIN, Post, PostStatus, PostTransition
from scheduling.tests.factories import approved_post, blackout, slot
from stories import services as story_services
from stories.models import Status
from stories.tests.factories import PersonShownFactory, story_in

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 1, 7, 9, 0, tzinfo=BERLIN)  # a Monday


def test_approval_creates_exactly_one_post(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        story = story_in(Status.APPROVED)
    post = Post.objects.get(story=story)
    assert post.status == PostStatus.UNSCHEDULED
    assert post.caption == story.caption
    assert len(post.alt_texts) == 1
    # The signal again (a retried receiver) and the sweep change nothing.
    assert services.post_create_for_story(story=story) == post
    assert services.create_missing_posts() == 0
    assert Post.objects.filter(story=story).count() == 1


def test_sweep_creates_the_post_a_failed_receiver_missed() -> None:
    story = story_in(Status.APPROVED)  # on_commit never ran: no receiver was called
    assert not Post.objects.filter(story=story).exists()
    assert services.create_missing_posts() == 1
    assert Post.objects.get(story=story).status == PostStatus.UNSCHEDULED


def test_a_story_not_approved_gets_no_post() -> None:
    story = story_in(Status.IN_REVIEW)
    with pytest.raises(services.PostError):
        services.post_create_for_story(story=story)
    assert services.create_missing_posts() == 0


@time_machine.travel(NOW, tick=False)
def test_next_free_slot_keeps_spacing_and_skips_blackout_days(people: dict[str, Any]) -> None:
    slot(1, 18)  # Tuesday 18:00
    slot(3, 18)  # Thursday 18:00
    first = approved_post()
    second = approved_post()
    services.post_schedule_next_free(post=first, user=people["outreach"])
    assert first.scheduled_at == datetime(2030, 1, 8, 18, 0, tzinfo=BERLIN)
    blackout(date(2030, 1, 10))
    services.post_schedule_next_free(post=second, user=people["outreach"])
    # Thursday is a blackout day, so the next Tuesday.
    assert second.scheduled_at == datetime(2030, 1, 15, 18, 0, tzinfo=BERLIN)
    audit = PostTransition.objects.filter(post=second).last()
    assert audit is not None
    assert (audit.actor, audit.from_status, audit.to_status) == (
        people["outreach"],
        PostStatus.UNSCHEDULED,
        PostStatus.SCHEDULED,
    )


@time_machine.travel(NOW, tick=False)
def test_spacing_setting_is_kept(people: dict[str, Any], settings: Any) -> None:
    settings.POST_MIN_SPACING_HOURS = 72
    slot(1, 18)
    slot(2, 18)
    first, second = approved_post(), approved_post()
    services.post_schedule_next_free(post=first, user=people["outreach"])
    services.post_schedule_next_free(post=second, user=people["outreach"])
    assert second.scheduled_at - first.scheduled_at >= timedelta(hours=72)  # type: ignore[operator]


@time_machine.travel(NOW, tick=False)
def test_embargo_refuses_an_earlier_time_and_says_until_when(people: dict[str, Any]) -> None:
    publication = PublicationFactory(public_from=datetime(2030, 3, 29, 12, 0, tzinfo=BERLIN))
    post = approved_post(publication=publication)
    with pytest.raises(services.TimeRefused) as refused:
        services.post_schedule(
            post=post, user=people["outreach"], when=datetime(2030, 3, 28, 18, 0, tzinfo=BERLIN)
        )
    assert "29 March 2030, 12:00 CET:" in str(refused.value)
    post.refresh_from_db()
    assert post.status == PostStatus.UNSCHEDULED
    assert post.scheduled_at is None
    # Nor can it be published now, by the team's button.
    with pytest.raises(services.TimeRefused):
        services.post_publish_now(post=post, user=people["outreach"])
    assert Post.objects.get(pk=post.pk).status == PostStatus.UNSCHEDULED
    # The next free slot waits for the result.
    slot(1, 18)
    services.post_schedule_next_free(post=post, user=people["outreach"])
    assert post.scheduled_at == datetime(2030, 4, 2, 18, 0, tzinfo=BERLIN)


@time_machine.travel(NOW, tick=False)
def test_blackout_day_and_past_times_are_refused(people: dict[str, Any]) -> None:
    blackout(date(2030, 1, 9), title="Detector open day")
    post = approved_post()
    with pytest.raises(services.TimeRefused, match="blackout day"):
        services.post_schedule(
            post=post, user=people["outreach"], when=datetime(2030, 1, 9, 11, 0, tzinfo=BERLIN)
        )
    with pytest.raises(services.TimeRefused, match="passed"):
        services.post_schedule(
            post=post, user=people["outreach"], when=datetime(2030, 1, 6, 11, 0, tzinfo=BERLIN)
        )
    assert Post.objects.get(pk=post.pk).status == PostStatus.UNSCHEDULED


@time_machine.travel(NOW, tick=False)
def test_only_the_team_schedules(people: dict[str, Any]) -> None:
    post = approved_post()
    for role in ("contributor", "science"):
        with pytest.raises(services.NotAllowed):
            services.post_schedule(post=post, user=people[role], when=NOW + timedelta(days=2))


@time_machine.travel(NOW, tick=False)
def test_reschedule_and_unschedule_follow_the_table(people: dict[str, Any]) -> None:
    post = approved_post()
    team = people["outreach"]
    with pytest.raises(services.PostError, match="cannot be changed"):
        services.post_reschedule(post=post, user=team, when=NOW + timedelta(days=2))
    services.post_schedule(post=post, user=team, when=NOW + timedelta(days=2))
    services.post_reschedule(post=post, user=team, when=NOW + timedelta(days=3))
    assert post.scheduled_at == NOW + timedelta(days=3)
    with pytest.raises(services.PostError, match="why"):
        services.post_unschedule(post=post, user=team, comment="  ")
    services.post_unschedule(post=post, user=team, comment="Waiting for the press release.")
    assert (post.status, post.scheduled_at) == (PostStatus.UNSCHEDULED, None)
    actions = list(PostTransition.objects.filter(post=post).values_list("action", flat=True))
    assert actions == ["create", "schedule", "reschedule", "unschedule"]


@time_machine.travel(NOW, tick=False)
def test_consent_withdrawn_unschedules_and_tells_the_team(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any, tasks_run_inline: None
) -> None:
    author = contributor_user(username="ada")
    story = story_in(Status.DRAFT, author=author.contributor)
    image = story.images.first()
    image.no_identifiable_person = False
    image.save()
    person = PersonShownFactory(image=image)
    story_services.story_submit(story=story, user=author)
    story_services.story_approve(story=story, user=people["outreach"])
    post = services.post_create_for_story(story=story)
    services.post_schedule(post=post, user=people["outreach"], when=NOW + timedelta(days=2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        story_services.consent_withdraw(person=person, user=author)
    post.refresh_from_db()
    assert (post.status, post.scheduled_at) == (PostStatus.UNSCHEDULED, None)
    assert PostTransition.objects.filter(post=post).last().action == "consent_withdrawn"  # type: ignore[union-attr]
    # The reviewer hears of it once, from the post (the story tells only its authors).
    team_mail = [message for message in mail.outbox if people["outreach"].email in message.to]
    assert len(team_mail) == 1
    assert team_mail[0].subject.startswith("[cmsatdesy] Consent withdrawn")
    assert "withdrew their consent" in team_mail[0].body
    assert post.get_absolute_url() in team_mail[0].body
