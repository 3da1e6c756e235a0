"""Every change to a story or the people in it leaves a row: who, when, what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from contributors.tests.factories import contributor_user, outreach_user
from stories import services
from stories.images import CropBox
from stories.models import Format, Status, Story, StoryEvent
from stories.tests.factories import complete_story, story_in, upload

pytestmark = pytest.mark.django_db


def _person(story: Story, user: Any) -> Any:
    return services.person_add(
        image=story.ordered_images()[0],
        user=user,
        name="Lea Hartmann",
        contact="lea@example.org",
        consent_wording="I agree to the post.",
    )


# change → (kind of row, the state the story is in, who makes it: "author" or "team")
CHANGES: dict[str, tuple[str, str, str]] = {
    "photo added": ("photo_added", Status.DRAFT, "author"),
    "alt text changed": ("photo_changed", Status.DRAFT, "author"),
    "photo cropped": ("photo_cropped", Status.SUBMITTED, "team"),
    "photos reordered": ("photos_reordered", Status.DRAFT, "author"),
    "photo removed": ("photo_removed", Status.DRAFT, "author"),
    "person added": ("person_added", Status.SUBMITTED, "author"),
    "person removed": ("person_removed", Status.DRAFT, "author"),
    "consent withdrawn": ("consent_withdrawn", Status.APPROVED, "team"),
    "person forgotten": ("person_forgotten", Status.APPROVED, "team"),
    # Naming a co-author invites them (they join only when they accept).
    "co-author invited": ("co_author_invited", Status.DRAFT, "author"),
    "fields changed": ("edited", Status.SUBMITTED, "team"),
}


def _make(change: str, story: Story, user: Any) -> None:
    images = story.ordered_images()
    run: dict[str, Callable[[], Any]] = {
        "photo added": lambda: services.image_add(story=story, user=user, upload=upload()),
        "alt text changed": lambda: services.image_update(
            image=images[0], user=user, alt_text="A new alt text."
        ),
        "photo cropped": lambda: services.image_update(
            image=images[0], user=user, crop=CropBox(x=0.1, y=0.0, width=0.6, height=0.75)
        ),
        "photos reordered": lambda: services.image_reorder(
            story=story, user=user, image_ids=[image.pk for image in reversed(images)]
        ),
        "photo removed": lambda: services.image_remove(image=images[-1], user=user),
        "person added": lambda: _person(story, user),
        "person removed": lambda: services.person_remove(person=_person(story, user), user=user),
        "consent withdrawn": lambda: services.consent_withdraw(person=_person_shown(story), user=user),
        "person forgotten": lambda: services.person_forget(person=_person_shown(story), user=user),
        "co-author invited": lambda: services.story_update(
            story=story,
            user=user,
            expected_version=story.version,
            co_authors=[contributor_user().contributor],
        ),
        "fields changed": lambda: services.story_update(
            story=story, user=user, expected_version=story.version, caption="A better caption #CMS"
        ),
    }
    run[change]()


def _person_shown(story: Story) -> Any:
    from stories.tests.factories import PersonShownFactory

    return PersonShownFactory(image=story.ordered_images()[0])


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_each_change_to_photos_and_people_leaves_a_row_with_its_actor(change: str) -> None:
    kind, state, who = CHANGES[change]
    story = story_in(state, format=Format.CAROUSEL)
    user = story.author.user if who == "author" else outreach_user()
    before = set(StoryEvent.objects.filter(story=story).values_list("pk", flat=True))
    _make(change, story, user)
    rows = StoryEvent.objects.filter(story=story).exclude(pk__in=before)
    assert [(row.kind, row.actor) for row in rows if row.kind == kind] == [(kind, user)]


def test_only_the_team_crops_even_when_the_service_is_called_directly() -> None:
    story = complete_story()
    image = story.ordered_images()[0]
    before = (image.crop_x, image.crop_y, image.crop_width, image.crop_height)
    with pytest.raises(services.NotAllowed):
        services.image_update(
            image=image, user=story.author.user, crop=CropBox(x=0.2, y=0.0, width=0.5, height=0.6)
        )
    image.refresh_from_db()
    assert (image.crop_x, image.crop_y, image.crop_width, image.crop_height) == before
    assert not StoryEvent.objects.filter(story=story, kind="photo_cropped").exists()


def test_forgetting_needs_the_team_and_the_history_keeps_no_name() -> None:
    story = story_in(Status.APPROVED)
    person = _person_shown(story)
    with pytest.raises(services.NotAllowed):
        services.person_forget(person=person, user=story.author.user)
    services.person_forget(person=person, user=outreach_user())
    row = StoryEvent.objects.filter(story=story).latest("pk")
    assert row.kind == "person_forgotten" and person.name not in str(row.params)


def test_a_co_author_who_leaves_and_then_reviews_is_visible_in_the_history() -> None:
    insider = outreach_user()
    story = story_in(Status.DRAFT)
    services.story_update(
        story=story, user=story.author.user, expected_version=story.version, co_authors=[insider.contributor]
    )
    services.co_author_accept(story=story, user=insider)
    story.refresh_from_db()
    services.story_update(story=story, user=insider, expected_version=story.version, co_authors=[])
    services.story_submit(story=story, user=story.author.user)
    services.story_approve(story=story, user=insider)
    kinds = [(row.kind, row.actor) for row in StoryEvent.objects.filter(story=story)]
    assert kinds[-5:] == [
        ("co_author_invited", story.author.user),
        ("co_author_accepted", insider),
        ("co_authors_changed", insider),
        ("submit", story.author.user),
        ("approve", insider),
    ]
    client = Client()
    client.force_login(story.author.user)
    page = client.get(f"/stories/{story.pk}/").content.decode()
    name = insider.contributor.name
    assert f"changed the co-authors; removed: {name}" in page


def test_the_history_is_told_in_the_readers_language() -> None:
    story = story_in(Status.DRAFT)
    services.image_add(story=story, user=story.author.user, upload=upload())
    client = Client()
    client.force_login(story.author.user)
    english = client.get(f"/stories/{story.pk}/").content.decode()
    german = client.get(f"/stories/{story.pk}/", headers={"accept-language": "de"}).content.decode()
    assert "added photo 2" in english
    assert "fügte Foto 2 hinzu" in german
