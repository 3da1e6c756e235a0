"""Stories, photos and people for tests, with real image files made by image_samples."""

from __future__ import annotations

import functools
from typing import Any

import factory
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from contributors.tests.factories import contributor_user, outreach_user, science_user
from stories import services
from stories.images import default_crop, make_rendition
from stories.models import (
    Format,
    ImageState,
    Objective,
    PersonShown,
    Status,
    Story,
    StoryImage,
)
from stories.tests import image_samples
from stories.workflow import WORKFLOW, Action

PHOTO_SIZE = (1200, 900)


@functools.lru_cache(maxsize=8)
def photo_bytes(width: int = PHOTO_SIZE[0], height: int = PHOTO_SIZE[1]) -> bytes:
    return image_samples.jpeg_bytes(width, height)


@functools.lru_cache(maxsize=8)
def rendition_bytes(width: int = PHOTO_SIZE[0], height: int = PHOTO_SIZE[1]) -> bytes:
    import io

    return make_rendition(io.BytesIO(photo_bytes(width, height))).content


def upload(
    name: str = "photo.jpg", data: bytes | None = None, content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    """A file as a browser would upload it."""
    return SimpleUploadedFile(name, data if data is not None else photo_bytes(), content_type=content_type)


def _author(obj: Any) -> Any:
    return contributor_user().contributor


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story
        skip_postgeneration_save = True

    author = factory.LazyAttribute(_author)
    title = factory.Sequence(lambda n: f"Life at the detector, part {n}")
    objective = Objective.OUTREACH
    format = Format.SINGLE_IMAGE
    caption = "Meet the people behind the #CMS detector at @desy. #Teilchenphysik"


class StoryImageFactory(factory.django.DjangoModelFactory):
    """A ready photo: original in private storage, rendition made, alt text written, nobody shown."""

    class Meta:
        model = StoryImage

    story = factory.SubFactory(StoryFactory)
    position = factory.LazyAttribute(lambda image: image.story.images.count())
    original = factory.LazyFunction(lambda: ContentFile(photo_bytes(), name="original.jpg"))
    original_name = "IMG_2041.jpg"
    original_width = PHOTO_SIZE[0]
    original_height = PHOTO_SIZE[1]
    rendition = factory.LazyFunction(lambda: ContentFile(rendition_bytes(), name="rendition.jpg"))
    rendition_width = 1200
    rendition_height = 900
    crop_x = factory.LazyFunction(lambda: default_crop(*PHOTO_SIZE).x)
    crop_y = factory.LazyFunction(lambda: default_crop(*PHOTO_SIZE).y)
    crop_width = factory.LazyFunction(lambda: default_crop(*PHOTO_SIZE).width)
    crop_height = factory.LazyFunction(lambda: default_crop(*PHOTO_SIZE).height)
    alt_text = "Two physicists in front of the opened CMS detector."
    no_identifiable_person = True
    processing_state = ImageState.READY


class PersonShownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonShown

    image = factory.SubFactory(StoryImageFactory, no_identifiable_person=False)
    name = factory.Faker("name")
    contact = factory.Faker("email")
    consent_given = True
    consent_wording = "I agree that this photo of me is posted on @cmsatdesy."
    consent_recorded_at = factory.Faker("date_time_this_year", tzinfo=__import__("datetime").timezone.utc)


def complete_story(**kwargs: Any) -> Story:
    """A draft with everything approval needs (one photo, alt text, nobody identifiable)."""
    images = kwargs.pop("images", None)
    story = StoryFactory(**kwargs)
    count = images if images is not None else (2 if story.format == Format.CAROUSEL else 1)
    for _ in range(count):
        StoryImageFactory(story=story)
    return story


def _path_to(status: str) -> list[Action]:
    """The shortest run of workflow actions from a draft to `status` (found in the table)."""
    paths: dict[str, list[Action]] = {Status.DRAFT: []}
    frontier = [Status.DRAFT]
    while frontier:
        state = frontier.pop(0)
        for action in WORKFLOW:
            target = action.to_state
            if state in action.from_states and target is not None and target not in paths:
                paths[target] = [*paths[state], action]
                frontier.append(target)
    if status not in paths:
        raise ValueError(status)
    return paths[status]


# What the team says where a step needs a text.
STEP_TEXTS = {"request_changes": "Please shorten the caption.", "reject": "Not for this account."}


def story_in(status: str, *, reviewer: Any = None, **kwargs: Any) -> Story:
    """A complete story brought to `status` through the services, as people would: along the
    shortest path the workflow table allows, each step taken by someone it allows."""
    story = complete_story(**kwargs)
    reviewer = reviewer or outreach_user()
    for action in _path_to(status):
        if action.name == "approve" and story.needs_science_signoff and story.science_signoff_at is None:
            services.story_science_signoff(story=story, user=science_user())
        user = next((c for c in (story.author.user, reviewer) if action.who.allows(c, story)), None)
        user = user or science_user()
        action.take(story=story, user=user, text=STEP_TEXTS.get(action.name, "Waiting for the embargo."))
    return story
