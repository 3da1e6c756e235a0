"""The reviewer's desk and the author's way back: anchors, reasons, taking a story back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from contributors.tests.factories import PublicationFactory
from stories import services
from stories.models import Comment, Status, Story
from stories.tests.factories import story_in

pytestmark = pytest.mark.django_db


def page_of(user: Any, story: Story) -> str:
    client = Client()
    client.force_login(user)
    return " ".join(client.get(f"/stories/{story.pk}/").content.decode().split())


@pytest.mark.usefixtures("notices_sent_here")
def test_the_comment_link_in_the_email_leads_to_the_comment(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    story = story_in(Status.SUBMITTED, author=people["contributor"].contributor, reviewer=people["outreach"])
    services.story_start_review(story=story, user=people["outreach"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_add(story=story, user=people["outreach"], body="Nice photo!", image=None)
    [message] = [m for m in mail.outbox if m.to == [people["contributor"].email]]
    anchor = re.search(r"#(comment-\d+)", message.body).group(1)
    assert anchor == f"comment-{comment.pk}"
    assert f'id="{anchor}"' in page_of(people["contributor"], story)


def test_a_comment_on_a_photo_from_the_photo_itself(people: dict[str, Any]) -> None:
    story = story_in(Status.SUBMITTED, author=people["contributor"].contributor)
    image = story.images.get()
    client = Client()
    client.force_login(people["outreach"])
    html = client.get(f"/stories/{story.pk}/").content.decode()
    assert f'<input type="hidden" name="image" value="{image.pk}">' in html
    response = client.post(f"/stories/{story.pk}/comments/", {"body": "Crop tighter?", "image": image.pk})
    assert response.status_code == 302
    assert Comment.objects.get().image == image


def test_an_author_reads_why_the_story_cannot_be_edited(people: dict[str, Any]) -> None:
    story = story_in(Status.SUBMITTED, author=people["contributor"].contributor)
    reason = "The outreach team is reviewing the story, so it cannot be changed now."
    assert reason in page_of(people["contributor"], story)
    client = Client()
    client.force_login(people["contributor"])
    response = client.get(f"/stories/{story.pk}/edit/", follow=True)
    assert reason in " ".join(response.content.decode().split())
    approved = story_in(Status.APPROVED, author=people["contributor"].contributor)
    assert "The story is “Approved” and can no longer be changed." in page_of(people["contributor"], approved)


def test_a_story_just_submitted_says_so(people: dict[str, Any]) -> None:
    story = story_in(Status.SUBMITTED, author=people["contributor"].contributor)
    html = page_of(people["contributor"], story)
    assert "just now" in html
    assert "0 minutes" not in html


@pytest.mark.usefixtures("notices_sent_here")
def test_taking_a_story_back_to_editing_and_submitting_it_again(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    author = people["contributor"]
    story = story_in(Status.SUBMITTED, author=author.contributor, publication=PublicationFactory())
    client = Client()
    client.force_login(author)
    response = client.post(f"/stories/{story.pk}/do/take_back/", follow=True)
    html = " ".join(response.content.decode().split())
    assert "The story is back in editing and has left the review queue." in html
    story.refresh_from_db()
    assert story.status == Status.DRAFT
    assert client.get(f"/stories/{story.pk}/edit/").status_code == 200
    # Out of the team's queue and the science reviewer's list.
    for user in (people["outreach"], people["science"]):
        reviewer = Client()
        reviewer.force_login(user)
        assert story.title not in reviewer.get("/review/?status=all").content.decode()
    science_home = Client()
    science_home.force_login(people["science"])
    assert "No story waits for a science sign-off." in science_home.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.story_submit(story=story, user=author)
    assert story.status == Status.SUBMITTED
    reviewer = Client()
    reviewer.force_login(people["outreach"])
    assert story.title in reviewer.get("/review/").content.decode()
    assert story.revisions.count() == 2


def test_the_diff_of_a_reorder_says_moved_and_shows_added_consent(people: dict[str, Any]) -> None:
    from stories.models import Format, StoryImage

    author = people["contributor"]
    story = story_in(Status.IN_REVIEW, author=author.contributor, format=Format.CAROUSEL)
    services.story_request_changes(story=story, user=people["outreach"], comment="Lea first, please.")
    first, second = StoryImage.objects.filter(story=story)
    services.image_reorder(story=story, user=author, image_ids=[second.pk, first.pk])
    services.image_update(image=second, user=author, no_identifiable_person=False)
    services.person_add(
        image=second, user=author, name="Lea Novak", contact="lea@desy.de", consent_wording="I agree."
    )
    services.story_update(
        story=story,
        user=author,
        expected_version=Story.objects.get(pk=story.pk).version,
        caption="Lea keeps CMS running. She likes the night shift.",
    )
    services.story_resubmit(story=story, user=author)

    html = page_of(people["outreach"], story)
    assert (
        "Photo 1:</span> Moved from position 2 to 1. No longer marked as showing nobody who can be recognised. Person added: Lea Novak (consent recorded)."
        in html
    )
    assert "Photo 2:</span> Moved from position 1 to 2." in html
    client = Client()
    client.force_login(people["outreach"])
    diff_page = " ".join(client.get(f"/stories/{story.pk}/diff/?a=1&b=2").content.decode().split())
    assert "Person added: Lea Novak (consent recorded)." in diff_page
    assert '<td class="diff-text"><ins class="diff-ins">' in diff_page


def test_the_queue_says_just_now_for_a_story_submitted_this_minute(people: dict[str, Any]) -> None:
    story_in(Status.SUBMITTED, author=people["contributor"].contributor)
    client = Client()
    client.force_login(people["outreach"])
    html = " ".join(client.get("/review/").content.decode().split())
    assert "just now" in html and "0 minutes" not in html


def test_the_german_words_for_history_the_review_queue_and_submitting(people: dict[str, Any]) -> None:
    from django.conf import settings

    story = story_in(Status.SUBMITTED, author=people["contributor"].contributor)

    def german(user: Any, url: str) -> str:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
        client.force_login(user)
        return " ".join(client.get(url).content.decode().split())

    page = german(people["outreach"], f"/stories/{story.pk}/")
    assert ">Verlauf</a>" in page and ">Prüfeingang</a>" in page
    assert "Geschichte</a>" not in page.split("<main")[0]
    assert "Prüfliste" not in page
    assert ">Verlauf</a>" in german(people["admin"], f"/admin/stories/story/{story.pk}/change/")
    draft = story_in(Status.DRAFT, author=people["contributor"].contributor)
    assert "Zur Prüfung einreichen" in german(people["contributor"], f"/stories/{draft.pk}/")
    assert "Prüfeingang öffnen" in german(people["outreach"], "/")
