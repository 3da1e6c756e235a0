"""The story form's pages as served: the team's feedback on top, the summary of errors with
links to the fields, photos described before their first save."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from stories.models import Status, Story
from stories.tests.factories import story_in, upload

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_teams_feedback_is_on_top_of_the_form_and_the_story_page_while_changes_are_requested() -> None:
    story = story_in(Status.CHANGES_REQUESTED)
    client = client_for(story.author.user)
    for name in ("stories:edit", "stories:detail"):
        page = client.get(reverse(name, args=[story.pk])).content.decode()
        feedback = page.index("data-team-feedback")
        assert "Please shorten the caption." in page[feedback : feedback + 800]
        assert "asks you to change this story" in page[feedback : feedback + 800]
        # Above everything else of the story: before the form, or before the story's details.
        first_part = '<form method="post" enctype' if name == "stories:edit" else '<dl class="row small'
        assert feedback < page.index(first_part)


def test_the_feedback_goes_once_the_story_is_resubmitted() -> None:
    story = story_in(Status.RESUBMITTED)
    page = client_for(story.author.user).get(reverse("stories:detail", args=[story.pk])).content.decode()
    assert "data-team-feedback" not in page


def test_the_error_summary_links_to_each_field_in_the_order_of_the_page() -> None:
    story = story_in(Status.DRAFT)
    image = story.images.get()
    client = client_for(story.author.user)
    data = {
        "title": "",
        "objective": story.objective,
        "format": story.format,
        "caption": story.caption,
        "version": story.version,
        f"image-{image.pk}-position": "1",
        f"image-{image.pk}-alt_text": "x" * 5000,
        f"image-{image.pk}-people-TOTAL_FORMS": "0",
        f"image-{image.pk}-people-INITIAL_FORMS": "0",
        "action": "save",
    }
    page = client.post(reverse("stories:edit", args=[story.pk]), data).content.decode()
    summary = page[page.index('id="error-summary"') : page.index("</ul>", page.index('id="error-summary"'))]
    title, alt = summary.index('href="#id_title"'), summary.index(f'href="#id_image-{image.pk}-alt_text"')
    assert title < alt


def test_photos_chosen_on_the_page_arrive_with_their_alt_text_people_and_order() -> None:
    story = story_in(Status.DRAFT)
    stored = story.images.get()
    client = client_for(story.author.user)
    data = {
        "title": story.title,
        "objective": story.objective,
        "format": "carousel",
        "caption": story.caption,
        "version": story.version,
        f"image-{stored.pk}-position": "1",
        f"image-{stored.pk}-alt_text": stored.alt_text,
        f"image-{stored.pk}-no_identifiable_person": "on",
        f"image-{stored.pk}-people-TOTAL_FORMS": "0",
        f"image-{stored.pk}-people-INITIAL_FORMS": "0",
        "photo_order": f"new-7,image-{stored.pk},new-3",
        "new-7-file": upload("first.jpg"),
        "new-7-alt_text": "Lea at the screens.",
        "new-7-people-TOTAL_FORMS": "1",
        "new-7-people-INITIAL_FORMS": "0",
        "new-7-people-0-name": "Lea Novak",
        "new-7-people-0-consent_wording": "Yes.",
        "new-7-people-0-consent_recorded": "on",
        "new-3-file": upload("last.jpg"),
        "new-3-alt_text": "The detector.",
        "new-3-no_identifiable_person": "on",
        "new-3-people-TOTAL_FORMS": "0",
        "new-3-people-INITIAL_FORMS": "0",
        "action": "submit",
    }
    response = client.post(reverse("stories:edit", args=[story.pk]), data)
    assert response.status_code == 302
    story = Story.objects.get(pk=story.pk)
    assert story.status == Status.SUBMITTED
    images = list(story.images.order_by("position").prefetch_related("people"))
    assert [(i.original_name, i.alt_text) for i in images] == [
        ("first.jpg", "Lea at the screens."),
        (stored.original_name, stored.alt_text),
        ("last.jpg", "The detector."),
    ]
    assert [p.name for p in images[0].people.all()] == ["Lea Novak"]
    assert images[2].no_identifiable_person


def test_a_photo_chosen_with_an_incomplete_person_is_kept_and_shown_with_what_was_typed() -> None:
    story = story_in(Status.DRAFT)
    stored = story.images.get()
    client = client_for(story.author.user)
    data = {
        "title": story.title,
        "objective": story.objective,
        "format": "carousel",
        "caption": story.caption,
        "version": story.version,
        f"image-{stored.pk}-position": "1",
        f"image-{stored.pk}-alt_text": stored.alt_text,
        f"image-{stored.pk}-no_identifiable_person": "on",
        "photo_order": f"image-{stored.pk},new-0",
        "new-0-file": upload("group.jpg"),
        "new-0-alt_text": "Our group.",
        "new-0-people-TOTAL_FORMS": "1",
        "new-0-people-INITIAL_FORMS": "0",
        "new-0-people-0-name": "Lea Novak",
        "new-0-people-0-consent_wording": "Yes.",
        "action": "save",
    }
    page = client.post(reverse("stories:edit", args=[story.pk]), data).content.decode()
    added = story.images.exclude(pk=stored.pk).get()
    # The photo is kept; what was typed for it waits, with the rest, for the person to finish.
    assert added.original_name == "group.jpg"
    assert not added.people.exists()
    assert "Our group.</textarea>" in page
    # Its card shows what was typed, under the photo's own fields now, and says what is missing.
    assert f'name="image-{added.pk}-people-0-name" value="Lea Novak"' in page
    assert f'href="#id_image-{added.pk}-people-0-consent_recorded"' in page


def test_a_story_submitted_without_alt_text_or_consent_says_plainly_what_the_team_will_need() -> None:
    story = story_in(Status.SUBMITTED)
    story.images.update(alt_text="", no_identifiable_person=False)
    author = client_for(story.author.user)

    page = author.get(reverse("stories:detail", args=[story.pk])).content.decode()

    box = page[page.index('id="team-will-need"') :]
    box = box[: box.index("</div>")]
    assert "The team will need this before approval:" in box
    assert "Photo 1 has no alt text." in box
    assert "Photo 1: record the consent of every person shown" in box


def test_a_story_with_everything_approval_needs_shows_no_such_list() -> None:
    story = story_in(Status.DRAFT)
    page = client_for(story.author.user).get(reverse("stories:detail", args=[story.pk])).content.decode()
    assert 'id="team-will-need"' not in page
