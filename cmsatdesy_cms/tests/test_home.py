"""The start page offers each person their next step, in a constant number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from contributors.tests.factories import PublicationFactory
from stories.models import Status
from stories.queries import review_queue
from stories.tests.factories import story_in

pytestmark = pytest.mark.django_db


def home_of(user: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_a_scientist_without_stories_is_invited_to_tell_one(people: dict[str, Any]) -> None:
    html = home_of(people["contributor"])

    assert "You have no stories yet." in html
    assert 'href="/stories/new/">Tell a story</a>' in html
    assert "Review queue" not in html


def test_a_scientist_sees_the_stories_that_wait_for_them_changes_requested_first(
    people: dict[str, Any],
) -> None:
    author = people["contributor"].contributor
    draft = story_in(Status.DRAFT, author=author, title="Muon tomography of a pyramid")
    returned = story_in(Status.CHANGES_REQUESTED, author=author, title="A night shift at CMS")
    story_in(Status.SUBMITTED, author=author, title="Girls' Day at DESY")

    html = home_of(people["contributor"])

    assert html.index(returned.title) < html.index(draft.title)
    assert "Girls&#x27; Day at DESY" not in html
    assert f'href="/stories/{draft.pk}/edit/">' in html
    assert "1 of your stories is with the outreach team." in html


def test_the_team_sees_how_many_stories_wait_for_review(people: dict[str, Any]) -> None:
    author = people["contributor"].contributor
    story_in(Status.SUBMITTED, author=author)
    story_in(Status.RESUBMITTED, author=author)
    story_in(Status.IN_REVIEW, author=author, reviewer=people["outreach"])
    story_in(Status.APPROVED, author=author)
    story_in(Status.DRAFT, author=author)

    html = home_of(people["outreach"])

    # The resubmitted story went back to the team member who asked for the changes: it is taken.
    assert "3 stories are waiting for review. 1 of them nobody has taken yet. You are reviewing 1." in html
    # Counted as the queue counts.
    queue, _counts = review_queue(people["outreach"], {})
    assert len([story for story in queue if story.reviewer_id is None]) == 1
    assert len(queue) == 3
    assert 'href="/review/">Open the review queue</a>' in html


def test_a_resubmitted_story_held_by_the_reviewer_is_theirs_not_new(people: dict[str, Any]) -> None:
    story = story_in(
        Status.RESUBMITTED, author=people["contributor"].contributor, reviewer=people["outreach"]
    )
    html = home_of(people["outreach"])
    assert "1 story is waiting for review. You are reviewing 1." in html
    # The reviewer who holds it is not offered to take it again.
    client = Client()
    client.force_login(people["outreach"])
    page = client.get(f"/stories/{story.pk}/").content.decode()
    assert "Take for review" not in page
    assert "Approve for posting" in page


def test_a_story_taken_back_to_editing_leaves_the_queue(people: dict[str, Any]) -> None:
    from stories import services

    story = story_in(Status.SUBMITTED, author=people["contributor"].contributor)
    services.story_take_back(story=story, user=people["contributor"])
    assert "No story is waiting for review." in home_of(people["outreach"])
    queue, _counts = review_queue(people["outreach"], {"status": "all"})
    assert list(queue) == []


def test_a_science_reviewer_sees_the_linked_stories_of_others_that_wait_for_sign_off(
    people: dict[str, Any],
) -> None:
    result = PublicationFactory()
    story_in(Status.SUBMITTED, author=people["contributor"].contributor, publication=result)
    story_in(Status.SUBMITTED, author=people["contributor"].contributor)
    story_in(Status.SUBMITTED, author=people["science"].contributor, publication=result)

    html = home_of(people["science"])

    assert "1 story linked to a result waits for your sign-off." in html


def test_the_start_page_in_german(people: dict[str, Any]) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    client.force_login(people["outreach"])
    story_in(Status.SUBMITTED, author=people["contributor"].contributor)

    html = " ".join(client.get("/").content.decode().split())

    assert "1 Geschichte wartet auf Prüfung." in html
    assert "Prüfeingang öffnen" in html


@pytest.mark.parametrize("role", ["contributor", "outreach", "science", "admin"])
def test_the_start_page_runs_the_same_queries_for_one_story_and_for_many(
    role: str, people: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(people[role])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    author = people["contributor"].contributor
    story_in(Status.DRAFT, author=author)
    story_in(Status.SUBMITTED, author=author, publication=PublicationFactory())
    few = queries()
    for status in (Status.DRAFT, Status.CHANGES_REQUESTED, Status.SUBMITTED, Status.IN_REVIEW) * 3:
        story_in(status, author=author, publication=PublicationFactory())

    assert queries() == few
