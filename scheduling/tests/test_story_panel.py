"""The story page shows its post through the stories panel hook; stories knows nothing of posts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from scheduling import services
from scheduling.models import BERLIN
from scheduling.tests.factories import approved_post
from stories.models import Status
from stories.tests.factories import story_in

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 1, 7, 9, 0, tzinfo=BERLIN)


def page_of(user: Any, story_id: int) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/stories/{story_id}/")
    assert response.status_code == 200
    return response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_story_page_shows_the_post_state_time_and_what_is_missing(people: dict[str, Any]) -> None:
    post = approved_post(author=people["contributor"].contributor)
    author_view = page_of(people["contributor"], post.story_id)
    assert "Post on Instagram" in author_view
    assert "Unscheduled" in author_view
    assert "It has no time yet." in author_view
    assert "Schedule this post" not in author_view  # the team's link only
    services.post_schedule(post=post, user=people["outreach"], when=NOW + timedelta(days=2, hours=9))
    team_view = page_of(people["outreach"], post.story_id)
    assert "9 January 2030, 18:00 CET" in team_view
    assert "Schedule this post" in team_view


def test_a_story_without_a_post_shows_no_panel(people: dict[str, Any]) -> None:
    story = story_in(Status.IN_REVIEW, author=people["contributor"].contributor)
    assert "Post on Instagram" not in page_of(people["outreach"], story.pk)


@time_machine.travel(NOW, tick=False)
def test_my_stories_say_when_an_approved_story_goes_out(people: dict[str, Any]) -> None:
    author = people["contributor"]
    scheduled = approved_post(author=author.contributor, title="Goes out on Wednesday")
    approved_post(author=author.contributor, title="Still without a date")
    services.post_schedule(post=scheduled, user=people["outreach"], when=NOW + timedelta(days=2, hours=9))
    client = Client()
    client.force_login(author)

    def row(page: str, title: str) -> str:
        return next(part for part in page.split('data-testid="my-story"') if title in part).split("</li>")[0]

    page = client.get("/stories/").content.decode()
    assert "Approved — scheduled for 9 January 2030" in row(page, "Goes out on Wednesday")
    assert "Approved — the team will choose a date" in row(page, "Still without a date")
    german = client.get("/stories/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Freigegeben — geplant für den 9. Januar 2030" in row(german, "Goes out on Wednesday")
