"""E-mails go to the people concerned, in their own language, with a link to the story."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from contributors.mail import MailServerUnavailable, requeue_waiting_emails, send_queued_email
from contributors.models import OutgoingEmail
from contributors.tests.factories import contributor_user, outreach_user
from stories import services
from stories.models import Notice, Status, Story
from stories.tests.factories import complete_story, story_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("notices_sent_here")]


def speaks(user: Any, language: str) -> Any:
    user.contributor.language = language
    user.contributor.save()
    return user


@pytest.fixture
def team(django_capture_on_commit_callbacks: Any) -> list[Any]:
    return [speaks(outreach_user(), "de"), speaks(outreach_user(), "en")]


def test_submission_tells_the_team_each_in_their_language(
    team: list[Any], django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "https://cms.example.org"
    story = complete_story(title="Night shift")
    with django_capture_on_commit_callbacks(execute=True):
        services.story_submit(story=story, user=story.author.user)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {team[0].email, team[1].email}
    german, english = by_recipient[team[0].email], by_recipient[team[1].email]
    assert german.subject == "[cmsatdesy] Neue Geschichte: Night shift"
    assert "wartet im Prüfeingang" in german.body
    assert english.subject == "[cmsatdesy] New story: Night shift"
    link = f"https://cms.example.org/stories/{story.pk}/"
    for message in (german, english):
        assert link in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert f'href="{link}"' in html


def test_changes_requested_goes_to_author_and_co_authors_in_german(
    team: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    story = story_in(Status.IN_REVIEW)
    speaks(story.author.user, "de")
    co_author = contributor_user()
    story.co_authors.add(co_author.contributor)
    reviewer = team[1]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_request_changes(story=story, user=reviewer, comment="Bitte kürzer <b>fassen</b>.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([story.author.user.email, co_author.email])
    german = next(m for m in mail.outbox if m.to == [story.author.user.email])
    assert german.subject.startswith("[cmsatdesy] Änderungen erbeten")
    assert "Bitte kürzer <b>fassen</b>." in german.body
    html = german.alternatives[0][0]
    assert "Bitte kürzer &lt;b&gt;fassen&lt;/b&gt;." in html  # escaped in HTML
    english = next(m for m in mail.outbox if m.to == [co_author.email])
    assert english.subject.startswith("[cmsatdesy] Changes requested")


def test_approval_and_rejection_tell_the_authors_but_not_the_reviewer(
    django_capture_on_commit_callbacks: Any,
) -> None:
    reviewer = outreach_user()
    approved = story_in(Status.IN_REVIEW, reviewer=reviewer)
    rejected = story_in(Status.IN_REVIEW, reviewer=reviewer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_approve(story=approved, user=reviewer)
        services.story_reject(story=rejected, user=reviewer, reason="Too similar to last week.")
    assert [(m.to[0], m.subject.split(":")[0]) for m in mail.outbox] == [
        (approved.author.user.email, "[cmsatdesy] Approved"),
        (rejected.author.user.email, "[cmsatdesy] Not accepted"),
    ]
    assert "Too similar to last week." in mail.outbox[1].body


def test_comment_tells_everyone_concerned_but_the_writer(django_capture_on_commit_callbacks: Any) -> None:
    reviewer = outreach_user()
    story = story_in(Status.IN_REVIEW, reviewer=reviewer)
    co_author = contributor_user()
    story.co_authors.add(co_author.contributor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_add(
            story=story, user=co_author, body="Shall we crop it?", image=story.ordered_images()[0]
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([story.author.user.email, reviewer.email])
    assert "commented on photo 1" in mail.outbox[0].body
    assert f"/stories/{story.pk}/#comment-{comment.pk}" in mail.outbox[0].body


def test_nothing_is_sent_when_the_change_is_rolled_back(
    team: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    story = complete_story(images=0)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.SubmissionBlocked):
        services.story_submit(story=story, user=story.author.user)
    assert mail.outbox == []


def test_a_notice_is_sent_once_however_often_its_task_runs(django_capture_on_commit_callbacks: Any) -> None:
    reviewer = outreach_user()
    story = story_in(Status.IN_REVIEW, reviewer=reviewer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_approve(story=story, user=reviewer)
    notice = Notice.objects.select_related("email").get(story=story, kind="approve")
    assert notice.recipient == story.author.user
    for _ in range(3):  # a retry, a second copy of the message, the sweep
        send_queued_email(email_id=notice.email_id)
    assert [m.to[0] for m in mail.outbox] == [story.author.user.email]
    email = OutgoingEmail.objects.get(pk=notice.email_id)
    assert email.sent_at is not None and email.to == story.author.user.email
    assert email.subject == f"[cmsatdesy] Approved: {story.title}"


def test_a_mail_server_that_refuses_is_tried_again_later_and_the_approval_stands(
    django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    reviewer = outreach_user()
    story = story_in(Status.IN_REVIEW, reviewer=reviewer)
    with django_capture_on_commit_callbacks(execute=False):
        services.story_approve(story=story, user=reviewer)
    notice = Notice.objects.get(story=story, kind="approve")
    with pytest.raises(MailServerUnavailable):  # the task retries after EMAIL_RETRY_DELAYS
        send_queued_email(email_id=notice.email_id)
    email = OutgoingEmail.objects.get(pk=notice.email_id)
    assert (email.sent_at, email.attempts, email.claimed_until) == (None, 1, None)
    assert email.last_failure
    assert Story.objects.get(pk=story.pk).status == Status.APPROVED


def test_the_sweep_sends_a_notice_whose_message_was_lost(django_capture_on_commit_callbacks: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    reviewer = outreach_user()
    story = story_in(Status.IN_REVIEW, reviewer=reviewer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False):  # the broker lost the message
        services.story_approve(story=story, user=reviewer)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_waiting_emails() == 0  # too fresh: a worker may be on it
    OutgoingEmail.objects.filter(story_notice__story=story, story_notice__kind="approve").update(
        created_at=timezone.now() - timedelta(minutes=15)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_waiting_emails() == 1
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["[cmsatdesy] Approved"]
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_waiting_emails() == 0
