from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from stories.demo import STORIES
from stories.models import Status, Story, StoryImage
from stories.panels import Panel, register_story_panel, story_panels, unregister_story_panel


def demo_stories() -> Any:
    """The stories of this app's demo (the analytics demo adds an archive of published ones, the
    scheduling demo the stories of the weeks around today)."""
    from scheduling.demo import MONTH_POSTS

    return Story.objects.exclude(title__startswith="Archive: ").exclude(
        title__in=[t for t, *_ in MONTH_POSTS]
    )


@pytest.mark.django_db
def test_seed_demo_makes_stories_in_every_state_and_is_idempotent() -> None:
    call_command("seed_demo", stdout=StringIO())
    assert set(Story.objects.values_list("status", flat=True)) == set(Status.values)
    assert demo_stories().count() == len(STORIES)
    for image in StoryImage.objects.all():
        assert image.original.storage.exists(image.original.name)
        assert image.rendition.storage.exists(image.rendition.name)
    approved = demo_stories().filter(status=Status.APPROVED)
    assert approved.filter(publication__isnull=False, science_signoff_at__isnull=False).exists()
    # Every approved demo story would pass approval as it stands.
    from stories.services import approval_problems

    for story in approved:
        assert approval_problems(story) == [], story
    call_command("seed_demo", stdout=StringIO())
    assert demo_stories().count() == len(STORIES)


@pytest.mark.django_db
def test_seed_demo_scale_adds_copies_sharing_image_files() -> None:
    call_command("seed_demo", "--scale", "3", stdout=StringIO())
    assert demo_stories().count() == 3 * len(STORIES)
    files = set(StoryImage.objects.values_list("original", flat=True))
    assert len(files) <= 6
    call_command("seed_demo", "--scale", "3", stdout=StringIO())
    assert demo_stories().count() == 3 * len(STORIES)


def test_story_panels_come_from_registered_functions_in_order() -> None:
    def reach(request: Any, story: Any) -> Panel:
        return Panel(title="Reach", html="<p>1,234</p>", order=20)

    def post(request: Any, story: Any) -> Panel:
        return Panel(title="Post", html="<p>Scheduled</p>", order=10)

    def nothing(request: Any, story: Any) -> None:
        return None

    def broken(request: Any, story: Any) -> Panel:
        raise RuntimeError("boom")

    for func in (reach, post, nothing, broken):
        register_story_panel(func)
    try:
        panels = story_panels(RequestFactory().get("/"), Story(pk=1))
        assert [panel.title for panel in panels] == ["Post", "Reach"]
    finally:
        for func in (reach, post, nothing, broken):
            unregister_story_panel(func)
    assert story_panels(RequestFactory().get("/"), Story(pk=1)) == []
