"""The authors hear what happens to their story in review: the other authors when one of them
submits, resubmits or takes it back to editing, and all of them when a member of the team takes
it for review (so they know whom to ask)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from contributors.tests.factories import contributor_user, outreach_user
from stories import services
from stories.models import Notice, Status, Story
from stories.tests.factories import story_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("notices_sent_here")]


def speaks(user: Any, language: str) -> Any:
    user.contributor.language = language
    user.contributor.save()
    return user


def told(story: Story, kind: str) -> dict[str, Any]:
    """The e-mails of the notices of `kind`, by recipient's address."""
    notices = Notice.objects.filter(story=story, kind=kind).select_related("recipient", "email")
    addresses = {notice.recipient.email for notice in notices}
    assert all(notice.email is not None for notice in notices)
    return {message.to[0]: message for message in mail.outbox if message.to[0] in addresses}


def everyone_told(story: Story) -> set[str]:
    return set(Notice.objects.filter(story=story).values_list("recipient__email", flat=True))


@pytest.fixture
def draft() -> Story:
    """A draft by a German-speaking author with two English-speaking co-authors, Kim and Lou."""
    story = story_in(Status.DRAFT, title="Muons at night")
    speaks(story.author.user, "de")
    for name in ("kim", "lou"):
        story.co_authors.add(speaks(contributor_user(username=name), "en").contributor)
    return story


def co_author(story: Story, username: str) -> Any:
    return story.co_authors.get(user__username=username).user


def test_the_other_authors_are_told_when_a_co_author_submits(
    draft: Story, django_capture_on_commit_callbacks: Any
) -> None:
    kim, lou = co_author(draft, "kim"), co_author(draft, "lou")
    with django_capture_on_commit_callbacks(execute=True):
        services.story_submit(story=draft, user=kim)
    submitted = told(draft, "authors_submit")
    assert set(submitted) == {draft.author.user.email, lou.email}  # never Kim, who submitted it
    german, english = submitted[draft.author.user.email], submitted[lou.email]
    assert german.subject == "[cmsatdesy] Zur Prüfung eingereicht: Muons at night"
    assert "hat Ihre Geschichte „Muons at night“ beim Outreach-Team eingereicht" in german.body
    assert english.subject == "[cmsatdesy] Submitted for review: Muons at night"
    assert "submitted your story “Muons at night” to the outreach team" in english.body
    for message in (german, english):
        assert kim.contributor.name in message.body
        assert f"/stories/{draft.pk}/" in message.body
    assert kim.email not in everyone_told(draft)


def test_the_other_authors_are_told_when_the_story_is_resubmitted(
    draft: Story, django_capture_on_commit_callbacks: Any
) -> None:
    reviewer = outreach_user()
    services.story_submit(story=draft, user=draft.author.user)
    services.story_request_changes(story=draft, user=reviewer, comment="A shorter caption, please.")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_resubmit(story=draft, user=draft.author.user)
    resubmitted = told(draft, "authors_resubmit")
    assert set(resubmitted) == {co_author(draft, "kim").email, co_author(draft, "lou").email}
    english = resubmitted[co_author(draft, "kim").email]
    assert english.subject == "[cmsatdesy] Resubmitted for review: Muons at night"
    assert "changed your story “Muons at night” and submitted it to the outreach team again" in english.body
    assert f"/stories/{draft.pk}/" in english.body
    # The reviewer hears it as before, once.
    assert [m for m in mail.outbox if reviewer.email in m.to] == list(told(draft, "resubmit").values())


def test_the_other_authors_are_told_when_a_co_author_takes_the_story_back(
    draft: Story, django_capture_on_commit_callbacks: Any
) -> None:
    services.story_submit(story=draft, user=draft.author.user)
    lou = co_author(draft, "lou")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_take_back(story=draft, user=lou)
    back = told(draft, "authors_take_back")
    assert set(back) == {draft.author.user.email, co_author(draft, "kim").email}
    german, english = back[draft.author.user.email], back[co_author(draft, "kim").email]
    assert german.subject == "[cmsatdesy] Wieder in Bearbeitung: Muons at night"
    assert "hat Ihre Geschichte „Muons at night“ zur Bearbeitung zurückgenommen" in german.body
    assert english.subject == "[cmsatdesy] Back in editing: Muons at night"
    assert "until one of you submits it again" in english.body
    assert lou.email not in {m.to[0] for m in mail.outbox}


def test_a_single_author_who_submits_is_told_nothing(django_capture_on_commit_callbacks: Any) -> None:
    outreach_user()
    story = story_in(Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        services.story_submit(story=story, user=story.author.user)
    assert not Notice.objects.filter(story=story, kind="authors_submit").exists()
    assert story.author.user.email not in {m.to[0] for m in mail.outbox}


def test_the_authors_are_told_who_reviews_their_story_now(
    draft: Story, django_capture_on_commit_callbacks: Any
) -> None:
    mira = speaks(outreach_user(username="mira"), "en")
    services.story_submit(story=draft, user=draft.author.user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_start_review(story=draft, user=mira)
    in_review = told(draft, "start_review")
    authors = {draft.author.user.email, co_author(draft, "kim").email, co_author(draft, "lou").email}
    assert set(in_review) == authors
    assert mira.email not in {m.to[0] for m in mail.outbox}
    german, english = in_review[draft.author.user.email], in_review[co_author(draft, "kim").email]
    assert german.subject == "[cmsatdesy] In Prüfung: Muons at night"
    assert f"{mira.contributor.name} aus dem Outreach-Team prüft jetzt Ihre Geschichte" in german.body
    assert english.subject == "[cmsatdesy] In review: Muons at night"
    assert f"{mira.contributor.name} of the outreach team is reviewing your story" in english.body
    html, _mimetype = english.alternatives[0]
    assert f"/stories/{draft.pk}/" in html


def test_a_team_member_who_co_writes_the_story_hears_of_it_as_an_author_only(
    django_capture_on_commit_callbacks: Any,
) -> None:
    colleague = outreach_user()
    story = story_in(Status.DRAFT)
    story.co_authors.add(colleague.contributor)
    with django_capture_on_commit_callbacks(execute=True):
        services.story_submit(story=story, user=story.author.user)
    assert list(Notice.objects.filter(story=story, recipient=colleague).values_list("kind", flat=True)) == [
        "authors_submit"
    ]
