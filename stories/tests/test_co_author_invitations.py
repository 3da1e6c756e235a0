"""Naming a co-author invites them; they become one only when they accept. A story that nobody
of the team may review is flagged in the queue, so that an admin takes it."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from contributors.mail import send_queued_email
from contributors.roles import OUTREACH_TEAM
from contributors.tests.factories import outreach_user
from stories import services
from stories.models import CoAuthorInvitation, EventKind, Notice, Status, Story, StoryEvent
from stories.tests.factories import complete_story, story_in

FLAG = "Nobody of the outreach team may review it"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_named_co_author_is_only_invited_and_has_no_rights(people: dict[str, Any]) -> None:
    author, colleague = people["contributor"], people["other_contributor"]
    story = services.story_create(
        author=author.contributor,
        title="Night shift at the control room",
        objective="outreach",
        format="single_image",
        co_authors=[colleague.contributor],
    )
    assert list(story.co_authors.all()) == []
    assert CoAuthorInvitation.objects.filter(story=story, contributor=colleague.contributor).exists()
    assert not story.is_author(colleague)
    assert not Story.objects.visible_to(colleague).filter(pk=story.pk).exists()
    assert _client(colleague).get(f"/stories/{story.pk}/").status_code == 404
    event = StoryEvent.objects.get(story=story, kind=EventKind.CO_AUTHOR_INVITED)
    assert (event.actor, event.params["name"]) == (author, colleague.contributor.name)
    # The author's page says who is invited and not yet in.
    html = _client(author).get(f"/stories/{story.pk}/").content.decode()
    assert f"{colleague.contributor.name} (invited, not yet accepted)" in html


def test_the_invitation_mail_goes_through_the_notice_queue_in_the_recipients_language(
    people: dict[str, Any],
) -> None:
    colleague = people["other_contributor"]
    colleague.contributor.language = "de"
    colleague.contributor.save()
    story = services.story_create(
        author=people["contributor"].contributor,
        title="Kalibrierung im Reinraum",
        objective="outreach",
        format="single_image",
        co_authors=[colleague.contributor],
    )
    notice = Notice.objects.get(story=story, kind="co_author_invite")
    assert notice.recipient == colleague
    send_queued_email(email_id=notice.email_id)
    [message] = mail.outbox
    assert message.to == [colleague.email]
    assert "Einladung zur Mitautorschaft: Kalibrierung im Reinraum" in message.subject
    assert "/stories/#invitations" in message.body


def test_accepting_makes_a_co_author_and_leaves_an_event(people: dict[str, Any]) -> None:
    author, colleague = people["contributor"], people["other_contributor"]
    story = complete_story(author=author.contributor)
    services.story_update(
        story=story, user=author, expected_version=story.version, co_authors=[colleague.contributor]
    )
    client = _client(colleague)
    page = client.get("/stories/").content.decode()
    assert "Invitations to co-author" in page
    assert f"Accept to co-author “{story.title}”" in page
    response = client.post(f"/stories/{story.pk}/invitation/accept/")
    assert response.status_code == 302
    assert story.co_authors.filter(pk=colleague.contributor.pk).exists()
    assert not CoAuthorInvitation.objects.filter(story=story).exists()
    assert client.get(f"/stories/{story.pk}/").status_code == 200
    assert StoryEvent.objects.filter(story=story, kind=EventKind.CO_AUTHOR_ACCEPTED, actor=colleague).exists()
    # The history tells it.
    html = client.get(f"/stories/{story.pk}/").content.decode()
    assert "accepted to co-author the story" in html
    assert "invited" in html


def test_declining_removes_the_invitation_and_leaves_an_event(people: dict[str, Any]) -> None:
    author, colleague = people["contributor"], people["other_contributor"]
    story = complete_story(author=author.contributor)
    CoAuthorInvitation.objects.create(story=story, contributor=colleague.contributor, invited_by=author)
    _client(colleague).post(f"/stories/{story.pk}/invitation/decline/")
    assert not story.co_authors.exists()
    assert not CoAuthorInvitation.objects.filter(story=story).exists()
    assert StoryEvent.objects.filter(story=story, kind=EventKind.CO_AUTHOR_DECLINED, actor=colleague).exists()
    # Nobody else can answer an invitation that is not theirs.
    CoAuthorInvitation.objects.create(story=story, contributor=colleague.contributor, invited_by=author)
    assert _client(people["outreach"]).post(f"/stories/{story.pk}/invitation/accept/").status_code == 404
    assert not story.co_authors.exists()


def test_naming_the_whole_team_still_leaves_a_reviewer(people: dict[str, Any]) -> None:
    team = [people["outreach"], outreach_user(username="tom")]
    story = complete_story(author=people["contributor"].contributor)
    services.story_update(
        story=story,
        user=people["contributor"],
        expected_version=story.version,
        co_authors=[member.contributor for member in team],
    )
    services.story_submit(story=story, user=people["contributor"])
    services.story_start_review(story=story, user=team[0])
    story.refresh_from_db()
    assert story.status == Status.IN_REVIEW
    # The reviewer cannot then become its co-author.
    with pytest.raises(services.NotAllowed):
        services.co_author_accept(story=story, user=team[0])
    assert not story.co_authors.exists()


def test_the_queue_flags_a_story_that_only_an_admin_may_review(people: dict[str, Any]) -> None:
    blocked = story_in(Status.SUBMITTED, author=people["contributor"].contributor)
    reviewable = story_in(Status.SUBMITTED, author=people["contributor"].contributor)
    # Every member of the team (the helper that made the stories added some) co-wrote one story;
    # one of them co-wrote the other.
    team = list(get_user_model().objects.filter(groups__name=OUTREACH_TEAM))
    blocked.co_authors.add(*(member.contributor for member in team))
    reviewable.co_authors.add(team[0].contributor)
    html = _client(people["admin"]).get("/review/").content.decode()
    rows = {
        story.pk: html.split(f'href="/stories/{story.pk}/"')[1].split("</tr>")[0]
        for story in (blocked, reviewable)
    }
    assert FLAG in rows[blocked.pk]
    assert FLAG not in rows[reviewable.pk]
    # The admin takes it; then it is no longer waiting for someone.
    services.story_start_review(story=blocked, user=people["admin"])
    html = _client(people["admin"]).get("/review/").content.decode()
    assert FLAG not in html
