"""Who is told by e-mail when a story is put on hold, the hold is lifted, the story is withdrawn,
or a person shown withdraws their consent: a notice each, and the e-mail in their language."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from contributors.tests.factories import contributor_user, outreach_user
from stories import services
from stories.models import Notice, Status, Story
from stories.tests.factories import PersonShownFactory, story_in

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


@pytest.fixture
def story(django_capture_on_commit_callbacks: Any) -> Story:
    """In review with Mira, written by a German-speaking author and an English-speaking co-author."""
    reviewer = speaks(outreach_user(username="mira"), "en")
    story = story_in(Status.IN_REVIEW, reviewer=reviewer, title="Muons at night")
    speaks(story.author.user, "de")
    story.co_authors.add(speaks(contributor_user(username="kim"), "en").contributor)
    mail.outbox.clear()
    return story


def test_the_authors_are_told_why_their_story_is_on_hold_and_when_the_hold_is_lifted(
    story: Story, django_capture_on_commit_callbacks: Any
) -> None:
    reviewer = story.reviewer
    author, co_author = story.author.user, story.co_authors.get().user
    with django_capture_on_commit_callbacks(execute=True):
        services.story_put_on_hold(story=story, user=reviewer, reason="Wait for the press release on Friday.")
    on_hold = told(story, "put_on_hold")
    assert set(on_hold) == {author.email, co_author.email}  # never the reviewer who acted
    german, english = on_hold[author.email], on_hold[co_author.email]
    assert german.subject == "[cmsatdesy] Zurückgestellt: Muons at night"
    assert "hat Ihre Geschichte „Muons at night“ zurückgestellt" in german.body
    assert english.subject == "[cmsatdesy] On hold: Muons at night"
    assert "put your story “Muons at night” on hold" in english.body
    for message in (german, english):
        assert "Wait for the press release on Friday." in message.body
        assert f"/stories/{story.pk}/" in message.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.story_lift_hold(story=story, user=reviewer)
    lifted = told(story, "lift_hold")
    assert set(lifted) == {author.email, co_author.email}
    assert lifted[author.email].subject == "[cmsatdesy] Zurückstellung aufgehoben: Muons at night"
    assert "Die Prüfung geht weiter" in lifted[author.email].body
    assert lifted[co_author.email].subject == "[cmsatdesy] Hold lifted: Muons at night"


def test_a_withdrawn_story_is_told_to_the_other_authors_and_its_reviewer(
    story: Story, django_capture_on_commit_callbacks: Any
) -> None:
    co_author = story.co_authors.get().user
    with django_capture_on_commit_callbacks(execute=True):
        services.story_withdraw(story=story, user=co_author)
    withdrawn = told(story, "withdraw")
    assert set(withdrawn) == {story.author.user.email, story.reviewer.email}
    assert withdrawn[story.author.user.email].subject == "[cmsatdesy] Zurückgezogen: Muons at night"
    assert withdrawn[story.reviewer.email].subject == "[cmsatdesy] Withdrawn: Muons at night"
    assert (
        "withdrew the story “Muons at night”. It will not be posted." in withdrawn[story.reviewer.email].body
    )


def test_a_draft_never_submitted_is_withdrawn_without_telling_the_team(
    django_capture_on_commit_callbacks: Any,
) -> None:
    outreach_user()
    draft = story_in(Status.DRAFT)
    co_author = contributor_user()
    draft.co_authors.add(co_author.contributor)
    with django_capture_on_commit_callbacks(execute=True):
        services.story_withdraw(story=draft, user=draft.author.user)
    assert list(Notice.objects.filter(story=draft).values_list("recipient", flat=True)) == [co_author.pk]


def _person_in_photo(story: Story, number: int = 1) -> Any:
    image = story.ordered_images()[number - 1]
    image.no_identifiable_person = False
    image.save()
    return PersonShownFactory(image=image)


def test_consent_withdrawn_in_review_tells_the_authors_the_photo_must_go(
    story: Story, django_capture_on_commit_callbacks: Any
) -> None:
    person = _person_in_photo(story)
    author, co_author = story.author.user, story.co_authors.get().user
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(person=person, user=story.reviewer)
    assert Story.objects.get(pk=story.pk).status == Status.CHANGES_REQUESTED
    notices = told(story, "consent_withdrawn_in_review")
    assert set(notices) == {author.email, co_author.email}
    kind = "consent_withdrawn_in_review"
    assert set(Notice.objects.filter(story=story, kind=kind).values_list("photo_number", flat=True)) == {1}
    german, english = notices[author.email], notices[co_author.email]
    assert german.subject == "[cmsatdesy] Foto 1 darf nicht mehr verwendet werden: Muons at night"
    assert "Person auf Foto 1 von „Muons at night“ ihre Einwilligung widerrufen" in german.body
    assert "Sie müssen das Foto ersetzen oder aus der Geschichte entfernen" in german.body
    assert english.subject == "[cmsatdesy] Photo 1 may no longer be used: Muons at night"
    assert "they must replace the photo or remove it from the story, then resubmit" in english.body
    html, _mimetype = english.alternatives[0]
    assert "photo 1 of “Muons at night”" in html


def test_consent_withdrawn_by_an_author_tells_the_other_authors_and_the_team(
    django_capture_on_commit_callbacks: Any,
) -> None:
    team = [outreach_user(), outreach_user()]
    story = story_in(Status.SUBMITTED, reviewer=team[0])
    co_author = contributor_user()
    story.co_authors.add(co_author.contributor)
    person = _person_in_photo(story)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(person=person, user=story.author.user)
    # Nobody has taken the story yet: the whole team hears of it.
    assert set(told(story, "consent_withdrawn_in_review")) == {co_author.email, team[0].email, team[1].email}


def test_consent_withdrawn_on_an_approved_story_tells_the_authors_the_post_must_not_go_out(
    story: Story, django_capture_on_commit_callbacks: Any
) -> None:
    person = _person_in_photo(story)
    services.story_approve(story=story, user=story.reviewer)
    mail.outbox.clear()
    withdrawing = story.co_authors.get().user
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(person=person, user=withdrawing)
    notices = told(story, "consent_withdrawn_approved")
    # The reviewer hears of it from the post, once (scheduling's tests); the co-author who
    # recorded it, not at all.
    assert set(notices) == {story.author.user.email}
    german = notices[story.author.user.email]
    assert german.subject == "[cmsatdesy] Foto 1 darf nicht mehr verwendet werden: Muons at night"
    assert "Der Beitrag darf damit nicht erscheinen" in german.body
    assert [m.subject for m in mail.outbox if story.reviewer.email in m.to] == [
        "[cmsatdesy] Consent withdrawn: Muons at night"
    ]
    assert withdrawing.email not in {m.to[0] for m in mail.outbox}


def test_consent_withdrawn_from_a_draft_tells_only_the_other_authors(
    django_capture_on_commit_callbacks: Any,
) -> None:
    outreach_user()
    draft = story_in(Status.DRAFT)
    co_author = contributor_user()
    draft.co_authors.add(co_author.contributor)
    person = _person_in_photo(draft)
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(person=person, user=draft.author.user)
    [message] = mail.outbox
    assert message.to == [co_author.email]
    assert "it must be replaced or removed from the story before the story can be approved" in message.body


def test_consent_withdrawn_from_a_rejected_story_tells_nobody(
    django_capture_on_commit_callbacks: Any,
) -> None:
    rejected = story_in(Status.REJECTED)
    person = _person_in_photo(rejected)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.consent_withdraw(person=person, user=rejected.author.user)
    assert (
        mail.outbox == [] and not Notice.objects.filter(story=rejected, kind__startswith="consent").exists()
    )


def test_no_notice_is_sent_when_withdrawing_consent_fails(
    story: Story, django_capture_on_commit_callbacks: Any
) -> None:
    person = _person_in_photo(story)
    services.consent_withdraw(person=person, user=story.reviewer)
    mail.outbox.clear()
    before = Notice.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.TransitionNotAllowed):
        services.consent_withdraw(person=person, user=story.reviewer)
    assert mail.outbox == [] and Notice.objects.count() == before
