"""Consent withdrawn on an approved story: one message per person. The authors hear from the
story what must happen to the photo; the team, its reviewer among them, hears once from the post
what became of it, whatever the post's state, and even when the post had not been made yet.
Whoever recorded the withdrawal is told nothing."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail

from contributors.tests.factories import contributor_user, outreach_user
from scheduling import services
from scheduling.models import BERLIN, Post, PostStatus
from stories import services as story_services
from stories.models import Notice, Status, Story
from stories.tests.factories import PersonShownFactory, story_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_run_inline")]

NOW = datetime(2030, 1, 7, 9, 0, tzinfo=BERLIN)


def speaks(user: Any, language: str) -> Any:
    user.contributor.language = language
    user.contributor.save()
    return user


@pytest.fixture
def team() -> dict[str, Any]:
    """Mira reviews (German), Tom is her colleague (English)."""
    return {
        "mira": speaks(outreach_user(username="mira"), "de"),
        "tom": speaks(outreach_user(username="tom"), "en"),
    }


def approved(team: dict[str, Any], django_capture_on_commit_callbacks: Any, *, with_post: bool) -> Story:
    """An approved story by Ada with co-author Kim, a person shown in its photo."""
    ada = contributor_user(username="ada")
    story = story_in(Status.DRAFT, reviewer=team["mira"], title="Muons at night", author=ada.contributor)
    story.co_authors.add(contributor_user(username="kim").contributor)
    image = story.images.get()
    image.no_identifiable_person = False
    image.save()
    PersonShownFactory(image=image)
    story_services.story_submit(story=story, user=story.author.user)
    story_services.story_start_review(story=story, user=team["mira"])
    if with_post:
        with django_capture_on_commit_callbacks(execute=True):
            story_services.story_approve(story=story, user=team["mira"])
    else:  # the approval's receiver failed: the sweep has not made the post yet
        story_services.story_approve(story=story, user=team["mira"])
    mail.outbox.clear()
    return story


def withdraw(story: Story, user: Any, django_capture_on_commit_callbacks: Any) -> None:
    person = story.images.get().people.get()
    with django_capture_on_commit_callbacks(execute=True):
        story_services.consent_withdraw(person=person, user=user)


def messages_to(user: Any) -> list[Any]:
    return [message for message in mail.outbox if message.to == [user.email]]


@time_machine.travel(NOW, tick=False)
def test_a_scheduled_post_comes_off_the_calendar_and_everyone_hears_once(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    story = approved(team, django_capture_on_commit_callbacks, with_post=True)
    post = Post.objects.get(story=story)
    services.post_schedule(post=post, user=team["mira"], when=NOW + timedelta(days=2))
    mail.outbox.clear()
    ada, kim = story.author.user, story.co_authors.get().user
    withdraw(story, kim, django_capture_on_commit_callbacks)
    post.refresh_from_db()
    assert post.status == PostStatus.UNSCHEDULED
    # One message per person, and none to Kim, who recorded it.
    assert Counter(message.to[0] for message in mail.outbox) == {
        ada.email: 1,
        team["mira"].email: 1,
        team["tom"].email: 1,
    }
    assert list(
        Notice.objects.filter(story=story)
        .filter(kind__startswith="consent")
        .values_list("recipient", flat=True)
    ) == [ada.pk]
    [german] = messages_to(team["mira"])
    assert german.subject == "[cmsatdesy] Einwilligung widerrufen: Muons at night"
    assert "Eine auf Foto 1 der freigegebenen Geschichte „Muons at night“ gezeigte Person" in german.body
    assert "Er ist jetzt „Ohne Termin“" in german.body
    [english] = messages_to(team["tom"])
    assert english.subject == "[cmsatdesy] Consent withdrawn: Muons at night"
    assert "A person shown in photo 1 of the approved story “Muons at night” withdrew" in english.body
    assert "The post must not go out with that photo. It is now “Unscheduled”" in english.body
    html, _mimetype = english.alternatives[0]
    for body in (german.body, english.body, html):
        assert post.get_absolute_url() in body


def test_a_post_not_scheduled_yet_stays_so_and_the_team_is_told(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    story = approved(team, django_capture_on_commit_callbacks, with_post=True)
    post = Post.objects.get(story=story)
    withdraw(story, story.author.user, django_capture_on_commit_callbacks)
    post.refresh_from_db()
    assert post.status == PostStatus.UNSCHEDULED
    for member in team.values():
        [message] = messages_to(member)
        assert "Consent withdrawn" in message.subject or "Einwilligung widerrufen" in message.subject
    assert messages_to(story.author.user) == []


def test_an_approved_story_still_without_its_post_gets_it_and_the_team_is_told(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    story = approved(team, django_capture_on_commit_callbacks, with_post=False)
    assert not Post.objects.filter(story=story).exists()
    withdraw(story, story.author.user, django_capture_on_commit_callbacks)
    post = Post.objects.get(story=story)
    assert post.status == PostStatus.UNSCHEDULED
    [english] = messages_to(team["tom"])
    assert post.get_absolute_url() in english.body
    assert len(messages_to(team["mira"])) == 1


def test_the_team_member_who_records_it_is_not_told(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    story = approved(team, django_capture_on_commit_callbacks, with_post=True)
    withdraw(story, team["tom"], django_capture_on_commit_callbacks)
    assert messages_to(team["tom"]) == []
    assert len(messages_to(team["mira"])) == 1
    assert {message.to[0] for message in mail.outbox} == {
        team["mira"].email,
        story.author.user.email,
        story.co_authors.get().user.email,
    }


def test_a_team_member_who_co_writes_the_story_hears_of_it_as_an_author_only(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    story = approved(team, django_capture_on_commit_callbacks, with_post=True)
    story.co_authors.add(team["tom"].contributor)
    withdraw(story, story.author.user, django_capture_on_commit_callbacks)
    [message] = messages_to(team["tom"])
    assert message.subject == "[cmsatdesy] Photo 1 may no longer be used: Muons at night"
