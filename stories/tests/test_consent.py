"""People shown in photos: consent recorded, withdrawn, forgotten, and contact data kept no longer than needed."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import RequestFactory

from contributors.tests.factories import admin_user, contributor_user, outreach_user
from stories import services
from stories.models import FORGOTTEN_NAME, PersonShown, Status, Story
from stories.signals import consent_withdrawn
from stories.tests.factories import PersonShownFactory, story_in

pytestmark = pytest.mark.django_db


def add_person(story: Story, user: Any = None, **kwargs: Any) -> PersonShown:
    defaults = {
        "name": "Lea Hartmann",
        "contact": "lea@example.org",
        "consent_wording": "I agree to the post.",
    }
    return services.person_add(
        image=story.ordered_images()[0], user=user or story.author.user, **{**defaults, **kwargs}
    )


def test_consent_records_who_when_and_the_wording() -> None:
    story = story_in(Status.DRAFT)
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC), tick=False):
        person = add_person(story, consent_wording="Yes, post it on @cmsatdesy.")
    assert person.consent_given
    assert person.consent_recorded_by == story.author.user
    assert person.consent_recorded_at == dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)
    assert person.consent_wording == "Yes, post it on @cmsatdesy."
    assert person.image.no_identifiable_person is False


def test_consent_needs_a_name_and_the_wording() -> None:
    story = story_in(Status.DRAFT)
    with pytest.raises(services.InvalidInput) as excinfo:
        add_person(story, name=" ", consent_wording="")
    assert set(excinfo.value.errors) == {"name", "consent_wording"}


def test_other_contributors_cannot_record_consent() -> None:
    story = story_in(Status.DRAFT)
    with pytest.raises(services.NotAllowed):
        add_person(story, user=contributor_user())


@pytest.mark.parametrize("state", [Status.SUBMITTED, Status.IN_REVIEW, Status.RESUBMITTED])
def test_withdrawing_consent_takes_a_story_under_review_back(
    state: str, django_capture_on_commit_callbacks: Any
) -> None:
    story = story_in(state)
    person = add_person(story)
    received: list[dict[str, Any]] = []

    def listener(sender: Any, **kwargs: Any) -> None:
        received.append(kwargs)

    consent_withdrawn.connect(listener)
    try:
        reviewer = outreach_user()
        with django_capture_on_commit_callbacks(execute=True):
            services.consent_withdraw(person=person, user=reviewer)
    finally:
        consent_withdrawn.disconnect(listener)
    story.refresh_from_db()
    assert story.status == Status.CHANGES_REQUESTED
    row = story.events.latest("pk")
    assert (row.actor, row.kind, row.from_status, row.to_status) == (
        reviewer,
        "consent_withdrawn",
        state,
        Status.CHANGES_REQUESTED,
    )
    assert row.params == {"number": 1}
    assert len(received) == 1
    assert received[0]["person"].pk == person.pk
    assert received[0]["story"].pk == story.pk
    person.refresh_from_db()
    assert person.consent_withdrawn_at is not None
    # The story cannot be approved while that photo shows someone who said no.
    services.story_resubmit(story=story, user=story.author.user)
    with pytest.raises(services.ApprovalBlocked) as excinfo:
        services.story_approve(story=story, user=outreach_user())
    assert excinfo.value.missing == ["Photo 1: a person shown has withdrawn their consent."]


def test_withdrawal_on_a_draft_keeps_it_a_draft() -> None:
    story = story_in(Status.DRAFT)
    person = add_person(story)
    services.consent_withdraw(person=person, user=story.author.user)
    assert Story.objects.get(pk=story.pk).status == Status.DRAFT


def test_withdrawal_on_an_approved_story_keeps_it_approved_and_sends_the_signal(
    django_capture_on_commit_callbacks: Any,
) -> None:
    story = story_in(Status.IN_REVIEW)
    person = add_person(story)
    services.story_approve(story=story, user=outreach_user())
    received: list[Any] = []
    consent_withdrawn.connect(
        lambda sender, **kw: received.append(kw["story"].pk), weak=False, dispatch_uid="t"
    )
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.consent_withdraw(person=person, user=story.author.user)
    finally:
        consent_withdrawn.disconnect(dispatch_uid="t")
    assert Story.objects.get(pk=story.pk).status == Status.APPROVED
    assert received == [story.pk]


def test_consent_is_withdrawn_only_once() -> None:
    story = story_in(Status.DRAFT)
    person = add_person(story)
    services.consent_withdraw(person=person, user=story.author.user)
    with pytest.raises(services.TransitionNotAllowed):
        services.consent_withdraw(person=person, user=story.author.user)


def test_strangers_cannot_withdraw_consent() -> None:
    story = story_in(Status.SUBMITTED)
    person = add_person(story)
    with pytest.raises(services.NotAllowed):
        services.consent_withdraw(person=person, user=contributor_user())


def test_forgetting_a_person_keeps_only_that_consent_existed() -> None:
    person = PersonShownFactory(name="Lea Hartmann", contact="lea@example.org")
    services.person_forget(person=person, user=outreach_user())
    person.refresh_from_db()
    assert person.name == FORGOTTEN_NAME
    assert person.contact == ""
    assert person.contact_erased_at is not None
    assert person.consent_given
    assert person.consent_wording


def test_admin_action_forgets_the_selected_people() -> None:
    keep = PersonShownFactory(name="Keep Me")
    forget = PersonShownFactory(name="Forget Me")
    model_admin = site._registry[PersonShown]
    request = RequestFactory().post("/admin/stories/personshown/")
    request.user = admin_user()
    request.session = {}  # type: ignore[attr-defined]
    from django.contrib.messages.storage.fallback import FallbackStorage

    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    action = model_admin.get_actions(request)["forget_people"][0]
    action(model_admin, request, PersonShown.objects.filter(pk=forget.pk))
    forget.refresh_from_db()
    keep.refresh_from_db()
    assert forget.name == FORGOTTEN_NAME and forget.contact == ""
    assert keep.name == "Keep Me" and keep.contact


def test_contact_data_is_erased_the_configured_time_after_approval(settings: Any) -> None:
    settings.PEOPLE_CONTACT_RETENTION_DAYS = 30
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        story = story_in(Status.IN_REVIEW)
        person = add_person(story)
        services.story_approve(story=story, user=outreach_user())
        draft_person = add_person(story_in(Status.DRAFT))
    with time_machine.travel(dt.datetime(2026, 2, 8, 12, tzinfo=dt.UTC), tick=False):
        call_command("erase_expired_contacts", stdout=StringIO())
        person.refresh_from_db()
        assert person.contact == "lea@example.org"  # 29 days: still kept
    with time_machine.travel(dt.datetime(2026, 2, 10, 12, 1, tzinfo=dt.UTC), tick=False):
        out = StringIO()
        call_command("erase_expired_contacts", stdout=out)
    person.refresh_from_db()
    draft_person.refresh_from_db()
    assert person.contact == ""
    assert person.contact_erased_at == dt.datetime(2026, 2, 10, 12, 1, tzinfo=dt.UTC)
    assert person.consent_given and person.name == "Lea Hartmann"
    assert draft_person.contact == "lea@example.org"  # never went out
    assert "Erased the contact data of 1 people" in out.getvalue()


def test_retention_counts_from_publication_when_it_is_known(settings: Any) -> None:
    settings.PEOPLE_CONTACT_RETENTION_DAYS = 365
    with time_machine.travel(dt.datetime(2025, 1, 1, tzinfo=dt.UTC), tick=False):
        story = story_in(Status.IN_REVIEW)
        person = add_person(story)
        services.story_approve(story=story, user=outreach_user())
    Story.objects.filter(pk=story.pk).update(published_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    with time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.UTC), tick=False):
        assert services.erase_expired_contacts() == 0
    with time_machine.travel(dt.datetime(2026, 6, 2, tzinfo=dt.UTC), tick=False):
        assert services.erase_expired_contacts() == 1
    person.refresh_from_db()
    assert person.contact == ""
