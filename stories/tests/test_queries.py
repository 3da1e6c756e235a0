"""The list pages cost the same number of SQL queries for 10 stories as for 1,000."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contributors.models import Contributor
from contributors.tests.factories import PublicationFactory, contributor_user, outreach_user
from stories.models import Format, ImageState, Objective, Status, Story, StoryImage

pytestmark = pytest.mark.django_db

STATUSES = [Status.SUBMITTED, Status.IN_REVIEW, Status.RESUBMITTED, Status.CHANGES_REQUESTED, Status.APPROVED]


def make_stories(
    count: int, *, author: Contributor, co_author: Contributor, reviewer: Any, start: int = 0
) -> None:
    """Stories in every state, each with two photos, some with a co-author and a result."""
    now = timezone.now()
    publication = PublicationFactory()
    stories = Story.objects.bulk_create(
        [
            Story(
                author=author,
                title=f"Story {start + n}",
                objective=Objective.values[n % len(Objective.values)],
                format=Format.CAROUSEL,
                caption="#CMS at @desy",
                status=STATUSES[n % len(STATUSES)],
                submitted_at=now - timedelta(days=3),
                reviewer=reviewer if n % 3 == 0 else None,
                publication=publication if n % 4 == 0 else None,
            )
            for n in range(count)
        ]
    )
    # auto_now_add ignores the value given; the queue sorts and filters on the waiting time.
    Story.objects.filter(pk__in=[story.pk for story in stories]).update(
        status_changed_at=now - timedelta(days=2)
    )
    StoryImage.objects.bulk_create(
        [
            StoryImage(
                story=story,
                position=position,
                original=f"originals/{story.pk}-{position}.jpg",
                rendition=f"renditions/{story.pk}-{position}.jpg",
                original_width=1200,
                original_height=900,
                alt_text="A photo",
                processing_state=ImageState.READY,
            )
            for story in stories
            for position in range(2)
        ]
    )
    Story.co_authors.through.objects.bulk_create(
        [Story.co_authors.through(story=story, contributor=co_author) for story in stories[::2]]
    )


def count_queries(client: Client, url: str, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("page", "query"),
    [
        ("stories:mine", {}),
        ("stories:mine", {"page": "2"}),
        ("stories:review_queue", {}),
        ("stories:review_queue", {"status": "all", "result": "yes", "mine": "on"}),
        ("stories:review_queue", {"objective": "outreach", "author": "anna", "waiting": "1", "page": "3"}),
        ("stories:review_queue", {"q": "story", "status": "all"}),
    ],
    ids=["mine", "mine-page-2", "queue", "queue-filtered", "queue-filtered-page-3", "queue-searched"],
)
def test_list_pages_run_the_same_queries_for_10_and_1000_stories(
    page: str, query: dict[str, str], django_assert_num_queries: Any
) -> None:
    author = contributor_user(username="anna").contributor
    co_author = contributor_user().contributor
    reviewer = outreach_user()
    viewer = author.user if page == "stories:mine" else reviewer
    client = Client()
    client.force_login(viewer)
    url = reverse(page)

    make_stories(10, author=author, co_author=co_author, reviewer=reviewer)
    few = count_queries(client, url, query)
    make_stories(990, author=author, co_author=co_author, reviewer=reviewer, start=10)
    with django_assert_num_queries(few):
        response = client.get(url, query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Story " in html
    if page == "stories:review_queue":
        # Each row shows its first photo, from the prefetched images.
        assert html.count("data-queue-thumb") == html.count('class="table-stack-title"') > 0
    # Session, user, groups, count, page, prefetches: a small, fixed number.
    assert few <= 12
