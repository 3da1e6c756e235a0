"""Saving the edit form is one service: it keeps what it can and says, item by item, what not."""

from __future__ import annotations

import pytest

from contributors.tests.factories import contributor_user
from stories import services
from stories.models import ALT_TEXT_MAX_CHARS, Format, StoryEvent, StoryImage
from stories.services import PhotoEdit
from stories.tests.factories import complete_story, upload

pytestmark = pytest.mark.django_db


def test_one_save_keeps_every_valid_change_and_reports_each_refusal() -> None:
    story = complete_story(format=Format.CAROUSEL)
    first, second = story.ordered_images()
    result = services.story_save(
        story=story,
        user=story.author.user,
        expected_version=story.version,
        fields={"title": "", "caption": "A new caption"},
        photos=[
            PhotoEdit(image=first, alt_text="x" * (ALT_TEXT_MAX_CHARS + 1), no_identifiable_person=True),
            PhotoEdit(
                image=second,
                alt_text="Two physicists at the magnet.",
                no_identifiable_person=False,
                people=[
                    {"name": "Lea Hartmann", "contact": "", "consent_wording": "I agree."},
                    {"name": "", "contact": "", "consent_wording": "I agree."},
                ],
            ),
        ],
        order=[second.pk, first.pk],
        uploads=[upload("notes.jpg", b"not a photo at all")],
    )
    assert not result.ok
    assert set(result.photo_errors) == {first.pk}
    assert "alt_text" in result.photo_errors[first.pk]
    assert result.people_errors[second.pk][0] == 1 and "name" in result.people_errors[second.pk][1]
    assert len(result.upload_errors) == 1 and result.upload_errors[0].startswith("notes.jpg was not added")
    assert "title" in result.field_errors
    # What was valid is saved: the second photo's alt text and the new order; no person half-saved.
    second.refresh_from_db()
    assert second.alt_text == "Two physicists at the magnet." and second.position == 0
    assert not second.people.exists()
    assert StoryEvent.objects.filter(story=story, kind="photos_reordered", actor=story.author.user).exists()


def test_someone_who_may_not_edit_changes_nothing() -> None:
    story = complete_story()
    image = story.ordered_images()[0]
    with pytest.raises(services.NotAllowed):
        services.story_save(
            story=story,
            user=contributor_user(),
            photos=[PhotoEdit(image=image, alt_text="Mine now.", no_identifiable_person=True)],
            uploads=[upload()],
        )
    assert StoryImage.objects.get(pk=image.pk).alt_text != "Mine now."
    assert StoryImage.objects.filter(story=story).count() == 1
