"""The editorial workflow: who may take which step from which state, and what each step leaves."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from contributors.tests.factories import (
    PublicationFactory,
    admin_user,
    contributor_user,
    outreach_user,
    science_user,
)
from stories import services
from stories.models import Status, Story, StoryRevision
from stories.signals import story_approved
from stories.tests.factories import complete_story, story_in

pytestmark = pytest.mark.django_db


def test_reviewer_cannot_approve_own_story() -> None:
    reviewer = outreach_user()
    story = story_in(Status.SUBMITTED, author=reviewer.contributor)
    with pytest.raises(services.NotAllowed):
        services.story_approve(story=story, user=reviewer)
    assert Story.objects.get(pk=story.pk).status == Status.SUBMITTED


def test_reviewer_cannot_approve_story_they_co_authored() -> None:
    reviewer = outreach_user()
    story = story_in(Status.SUBMITTED)
    story.co_authors.add(reviewer.contributor)
    with pytest.raises(services.NotAllowed):
        services.story_approve(story=story, user=reviewer)


def test_taking_a_story_makes_the_reviewer_its_owner() -> None:
    reviewer = outreach_user()
    story = story_in(Status.SUBMITTED)
    services.story_start_review(story=story, user=reviewer)
    assert story.reviewer == reviewer
    assert story.status == Status.IN_REVIEW


def test_every_change_of_state_bumps_the_version() -> None:
    story = complete_story()
    services.story_submit(story=story, user=story.author.user)
    assert story.version == 2
    services.story_start_review(story=story, user=outreach_user())
    assert story.version == 3


def test_requesting_changes_needs_a_comment_and_adds_it_to_the_thread() -> None:
    story = story_in(Status.SUBMITTED)
    reviewer = outreach_user()
    with pytest.raises(services.InvalidInput):
        services.story_request_changes(story=story, user=reviewer, comment="   ")
    services.story_request_changes(story=story, user=reviewer, comment="Please add alt text.")
    assert list(story.comments.values_list("body", flat=True)) == ["Please add alt text."]
    assert story.events.latest("pk").text == "Please add alt text."


def test_rejection_needs_a_reason_and_keeps_it() -> None:
    story = story_in(Status.IN_REVIEW)
    reviewer = outreach_user()
    with pytest.raises(services.InvalidInput):
        services.story_reject(story=story, user=reviewer, reason="")
    services.story_reject(story=story, user=reviewer, reason="Too close to last week's post.")
    assert Story.objects.get(pk=story.pk).rejection_reason == "Too close to last week's post."


def test_a_story_without_photos_cannot_be_submitted() -> None:
    story = complete_story(images=0)
    with pytest.raises(services.SubmissionBlocked) as excinfo:
        services.story_submit(story=story, user=story.author.user)
    assert excinfo.value.missing == ["Add at least one photo."]


def test_a_caption_over_the_limit_cannot_be_submitted() -> None:
    story = complete_story(caption="x" * 2201)
    with pytest.raises(services.SubmissionBlocked) as excinfo:
        services.story_submit(story=story, user=story.author.user)
    assert "2201" in excinfo.value.missing[0]


# --- approval requirements -------------------------------------------------------------------


def test_approval_lists_everything_that_is_missing() -> None:
    story = story_in(Status.SUBMITTED, format="carousel")
    first, second = story.ordered_images()
    second.delete()  # a carousel of one
    first.alt_text = ""
    first.no_identifiable_person = False
    first.save()
    Story.objects.filter(pk=story.pk).update(
        caption="#tag " * 31 + "@a " * 21 + "x" * 2200, publication=PublicationFactory()
    )
    with pytest.raises(services.ApprovalBlocked) as excinfo:
        services.story_approve(story=story, user=outreach_user())
    missing = excinfo.value.missing
    assert missing == [
        "The caption has 2418 characters; Instagram allows at most 2200.",
        "The caption has 31 hashtags; Instagram allows at most 30.",
        "The caption mentions 21 accounts; Instagram allows at most 20.",
        "A carousel has 2 to 10 photos; this one has 1.",
        "Photo 1 has no alt text.",
        "Photo 1: record the consent of every person shown, or confirm that nobody can be recognised.",
        "The story is linked to a result and needs a science reviewer's sign-off.",
    ]
    assert Story.objects.get(pk=story.pk).status == Status.SUBMITTED


def test_approval_refused_while_a_person_shown_has_not_consented() -> None:
    from stories.tests.factories import PersonShownFactory

    story = story_in(Status.SUBMITTED)
    image = story.ordered_images()[0]
    PersonShownFactory(image=image, consent_given=False)
    image.no_identifiable_person = False
    image.save()
    with pytest.raises(services.ApprovalBlocked) as excinfo:
        services.story_approve(story=story, user=outreach_user())
    assert excinfo.value.missing == [
        "Photo 1: record the consent of every person shown, or confirm that nobody can be recognised."
    ]


def test_story_with_every_consent_recorded_is_approved() -> None:
    story = story_in(Status.SUBMITTED)
    image = story.ordered_images()[0]
    services.person_add(
        image=image, user=story.author.user, name="Lea", contact="lea@example.org", consent_wording="Yes."
    )
    # The team may record consent too, and it is what approval looks at.
    services.story_approve(story=story, user=outreach_user())
    assert story.status == Status.APPROVED
    assert story.approved_at is not None


def test_approval_refused_while_a_photo_is_still_being_prepared() -> None:
    story = story_in(Status.SUBMITTED)
    story.images.update(processing_state="pending")
    with pytest.raises(services.ApprovalBlocked) as excinfo:
        services.story_approve(story=story, user=outreach_user())
    assert excinfo.value.missing == ["Photo 1 is still being prepared."]


# --- science sign-off ------------------------------------------------------------------------


def test_story_linked_to_a_result_is_approved_after_science_signoff() -> None:
    story = story_in(Status.SUBMITTED, publication=PublicationFactory())
    reviewer = outreach_user()
    with pytest.raises(services.ApprovalBlocked):
        services.story_approve(story=story, user=reviewer)
    scientist = science_user()
    services.story_science_signoff(story=story, user=scientist)
    assert story.science_signoff_by == scientist
    row = story.events.latest("pk")
    # An action of its own, not a move from a state to itself.
    assert (row.actor, row.kind, row.from_status, row.to_status) == (scientist, "science_signoff", "", "")
    assert Story.objects.get(pk=story.pk).status == Status.SUBMITTED
    services.story_approve(story=story, user=reviewer)
    assert story.status == Status.APPROVED


def test_science_reviewer_cannot_sign_off_own_story() -> None:
    scientist = science_user()
    story = story_in(Status.SUBMITTED, author=scientist.contributor, publication=PublicationFactory())
    with pytest.raises(services.NotAllowed):
        services.story_science_signoff(story=story, user=scientist)


def test_science_reviewer_cannot_sign_off_story_they_co_authored() -> None:
    scientist = science_user()
    story = story_in(Status.SUBMITTED, publication=PublicationFactory())
    story.co_authors.add(scientist.contributor)
    with pytest.raises(services.NotAllowed):
        services.story_science_signoff(story=story, user=scientist)


def test_only_science_reviewers_sign_off() -> None:
    story = story_in(Status.SUBMITTED, publication=PublicationFactory())
    for user in (outreach_user(), contributor_user(), admin_user()):
        with pytest.raises(services.NotAllowed):
            services.story_science_signoff(story=story, user=user)


def test_signoff_is_refused_for_stories_without_a_result_and_for_drafts() -> None:
    scientist = science_user()
    with pytest.raises(services.TransitionNotAllowed):
        services.story_science_signoff(story=story_in(Status.SUBMITTED), user=scientist)
    with pytest.raises(services.TransitionNotAllowed):
        services.story_science_signoff(
            story=story_in(Status.DRAFT, publication=PublicationFactory()), user=scientist
        )


def test_linking_another_result_needs_a_new_signoff() -> None:
    story = story_in(Status.SUBMITTED, publication=PublicationFactory())
    other = PublicationFactory(cms_id="CMS-TOP-24-003")
    services.story_science_signoff(story=story, user=science_user())
    services.story_update(
        story=story, user=outreach_user(), expected_version=story.version, result_reference="CMS-TOP-24-003"
    )
    assert story.publication == other
    assert story.science_signoff_at is None


# --- signals ---------------------------------------------------------------------------------


def test_story_approved_is_sent_once_after_commit(django_capture_on_commit_callbacks: Any) -> None:
    received: list[Story] = []

    def listener(sender: Any, story: Story, **kwargs: Any) -> None:
        received.append(story)

    story_approved.connect(listener)
    try:
        story = story_in(Status.IN_REVIEW)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.story_approve(story=story, user=outreach_user())
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert [s.pk for s in received] == [story.pk]
        assert received[0].status == Status.APPROVED
    finally:
        story_approved.disconnect(listener)


def test_story_approved_is_not_sent_when_approval_is_refused(django_capture_on_commit_callbacks: Any) -> None:
    received: list[Story] = []
    story_approved.connect(lambda sender, story, **kw: received.append(story), weak=False, dispatch_uid="t")
    try:
        story = story_in(Status.IN_REVIEW)
        story.images.update(alt_text="")
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.ApprovalBlocked):
            services.story_approve(story=story, user=outreach_user())
        assert received == []
    finally:
        story_approved.disconnect(dispatch_uid="t")


# --- revisions -------------------------------------------------------------------------------


def test_each_submission_stores_a_revision() -> None:
    story = story_in(Status.CHANGES_REQUESTED)
    author = story.author.user
    services.story_update(story=story, user=author, expected_version=story.version, caption="Shorter now.")
    services.image_update(image=story.ordered_images()[0], user=author, alt_text="A clearer description.")
    services.story_resubmit(story=story, user=author)
    revisions = list(StoryRevision.objects.filter(story=story).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].caption != "Shorter now."
    assert revisions[1].caption == "Shorter now."
    assert revisions[1].alt_texts == ["A clearer description."]
    assert revisions[1].created_by == author


# --- editing and conflicts -------------------------------------------------------------------


def test_authors_edit_drafts_but_not_stories_in_review() -> None:
    story = story_in(Status.DRAFT)
    author = story.author.user
    services.story_update(story=story, user=author, expected_version=story.version, title="A better title")
    assert Story.objects.get(pk=story.pk).title == "A better title"
    services.story_submit(story=story, user=author)
    with pytest.raises(services.NotAllowed):
        services.story_update(story=story, user=author, expected_version=story.version, title="Sneaky")


def test_other_contributors_cannot_edit() -> None:
    story = story_in(Status.DRAFT)
    with pytest.raises(services.NotAllowed):
        services.story_update(
            story=story, user=contributor_user(), expected_version=story.version, title="Mine"
        )


def test_team_edits_a_submitted_story_but_not_an_approved_one() -> None:
    story = story_in(Status.SUBMITTED)
    reviewer = outreach_user()
    services.story_update(story=story, user=reviewer, expected_version=story.version, caption="Tightened.")
    assert Story.objects.get(pk=story.pk).caption == "Tightened."
    services.story_approve(story=story, user=reviewer)
    with pytest.raises(services.NotAllowed):
        services.story_update(story=story, user=reviewer, expected_version=story.version, caption="Late edit")


def test_second_reviewer_saving_the_same_version_gets_a_conflict() -> None:
    story = story_in(Status.SUBMITTED)
    seen_version = story.version
    first, second = outreach_user(), outreach_user()
    services.story_update(
        story=Story.objects.get(pk=story.pk), user=first, expected_version=seen_version, caption="A"
    )
    with pytest.raises(services.EditConflict) as excinfo:
        services.story_update(
            story=Story.objects.get(pk=story.pk),
            user=second,
            expected_version=seen_version,
            caption="B",
            title="T2",
        )
    conflict = excinfo.value
    assert conflict.mine == {"caption": "B", "title": "T2"}
    assert conflict.theirs == {"caption": "A", "title": story.title}
    assert conflict.current_version == seen_version + 1
    assert Story.objects.get(pk=story.pk).caption == "A"
    # Saving again on top of the current version works.
    services.story_update(
        story=story, user=second, expected_version=conflict.current_version, caption="A and B"
    )
    assert Story.objects.get(pk=story.pk).caption == "A and B"


def test_update_validates_every_field_at_once() -> None:
    story = story_in(Status.DRAFT)
    with pytest.raises(services.InvalidInput) as excinfo:
        services.story_update(
            story=story,
            user=story.author.user,
            expected_version=story.version,
            title="",
            objective="fame",
            result_reference="not a reference",
        )
    assert set(excinfo.value.errors) == {"title", "objective", "result_reference"}
    assert Story.objects.get(pk=story.pk).version == story.version


def test_preferred_dates_must_be_in_order() -> None:
    import datetime

    story = story_in(Status.DRAFT)
    with pytest.raises(services.InvalidInput) as excinfo:
        services.story_update(
            story=story,
            user=story.author.user,
            expected_version=story.version,
            preferred_from=datetime.date(2026, 5, 2),
            preferred_until=datetime.date(2026, 5, 1),
        )
    assert list(excinfo.value.errors) == ["preferred_until"]


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_saving_at_once_never_overwrite_each_other() -> None:
    story = story_in(Status.SUBMITTED)
    reviewers = [outreach_user(), outreach_user()]
    version = story.version
    barrier = threading.Barrier(2)
    outcomes: dict[str, Any] = {}

    def save(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            services.story_update(
                story=Story.objects.get(pk=story.pk),
                user=reviewers[index],
                expected_version=version,
                caption=f"Caption by reviewer {index}",
            )
            outcomes[f"saved-{index}"] = True
        except services.EditConflict as exc:
            outcomes["conflict"] = exc
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            outcomes[f"error-{index}"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    saved = [key for key in outcomes if key.startswith("saved")]
    assert len(saved) == 1, outcomes
    assert isinstance(outcomes.get("conflict"), services.EditConflict), outcomes
    winner = saved[0].split("-")[1]
    stored = Story.objects.get(pk=story.pk)
    assert stored.caption == f"Caption by reviewer {winner}"
    assert stored.version == version + 1
    assert outcomes["conflict"].theirs == {"caption": stored.caption}


# --- comments --------------------------------------------------------------------------------


def test_comments_are_for_people_who_may_see_the_story() -> None:
    story = story_in(Status.SUBMITTED)
    image = story.ordered_images()[0]
    comment = services.comment_add(story=story, user=outreach_user(), body="Lovely photo!", image=image)
    assert comment.image == image
    with pytest.raises(services.NotAllowed):
        services.comment_add(story=story, user=contributor_user(), body="Let me in")
    with pytest.raises(services.InvalidInput):
        services.comment_add(story=story, user=story.author.user, body="x" * 5001)
    other_image = complete_story().ordered_images()[0]
    with pytest.raises(services.InvalidInput):
        services.comment_add(story=story, user=story.author.user, body="Wrong photo", image=other_image)


def test_nobody_but_the_authors_comments_on_a_draft() -> None:
    story = story_in(Status.DRAFT)
    services.comment_add(story=story, user=story.author.user, body="Note to self")
    with pytest.raises(services.NotAllowed):
        services.comment_add(story=story, user=outreach_user(), body="Peek")


# --- creating --------------------------------------------------------------------------------


def test_story_create_makes_a_draft_with_co_authors_and_a_linked_result() -> None:
    author, colleague = contributor_user().contributor, contributor_user().contributor
    known = PublicationFactory(arxiv_id="2511.01234")
    story = services.story_create(
        author=author,
        title="  Four b quarks  ",
        objective="science",
        format="carousel",
        caption="#Higgs",
        co_authors=[author, colleague],
        result_reference="arXiv:2511.01234v2",
    )
    assert story.status == Status.DRAFT and story.version == 1
    assert story.title == "Four b quarks"
    # The author is no co-author of their own story; the colleague is invited until they accept.
    assert list(story.co_authors.all()) == []
    assert [i.contributor for i in story.invitations.all()] == [colleague]
    assert story.publication == known
    created, invited = story.events.all()
    assert (created.actor, created.kind, created.from_status, created.to_status) == (
        author.user,
        "created",
        "",
        Status.DRAFT,
    )
    assert (invited.kind, invited.params) == ("co_author_invited", {"name": colleague.name})


def test_story_create_refuses_unknown_choices() -> None:
    with pytest.raises(services.InvalidInput) as excinfo:
        services.story_create(
            author=contributor_user().contributor, title="T", objective="fame", format="video"
        )
    assert set(excinfo.value.errors) == {"objective", "format"}
    assert not Story.objects.exists()


def test_co_authors_can_be_changed_by_the_author() -> None:
    story = story_in(Status.DRAFT)
    colleague = contributor_user()
    services.story_update(
        story=story,
        user=story.author.user,
        expected_version=story.version,
        co_authors=[colleague.contributor],
    )
    assert not story.is_author(colleague)  # invited only
    services.co_author_accept(story=story, user=colleague)
    assert story.is_author(colleague)
    # A co-author may now edit and submit.
    services.story_submit(story=story, user=colleague)
    assert story.status == Status.SUBMITTED
