"""Who sees which stories, and list queries that cost the same for 10 and for 1,000 stories."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contributors.tests.factories import (
    PublicationFactory,
    admin_user,
    contributor_user,
    outreach_user,
    science_user,
)
from stories import queries
from stories.models import Status, Story
from stories.permissions import can_edit, can_view
from stories.tests.factories import StoryFactory, StoryImageFactory, story_in
from stories.workflow import ACTIONS

pytestmark = pytest.mark.django_db


def test_contributors_see_only_their_own_and_co_authored_stories() -> None:
    anna, jonas = contributor_user(), contributor_user()
    own = story_in(Status.DRAFT, author=anna.contributor)
    co_written = story_in(Status.SUBMITTED, author=jonas.contributor)
    co_written.co_authors.add(anna.contributor)
    story_in(Status.SUBMITTED, author=jonas.contributor)
    assert set(Story.objects.visible_to(anna)) == {own, co_written}
    assert set(Story.objects.mine(anna)) == {own, co_written}
    assert Story.objects.visible_to(anna).count() == 2  # no duplicates from the co-author join


def test_team_sees_every_submitted_story_but_not_others_drafts() -> None:
    reviewer = outreach_user()
    draft = story_in(Status.DRAFT)
    submitted = story_in(Status.SUBMITTED)
    withdrawn_draft = story_in(Status.WITHDRAWN)
    own_draft = story_in(Status.DRAFT, author=reviewer.contributor)
    visible = set(Story.objects.visible_to(reviewer))
    assert visible == {submitted, own_draft}
    assert draft not in visible and withdrawn_draft not in visible
    assert set(Story.objects.visible_to(admin_user())) == {submitted}


def test_science_reviewers_see_submitted_stories_linked_to_a_result() -> None:
    scientist = science_user()
    linked = story_in(Status.SUBMITTED, publication=PublicationFactory())
    story_in(Status.SUBMITTED)
    story_in(Status.DRAFT, publication=PublicationFactory())
    assert list(Story.objects.visible_to(scientist)) == [linked]


def test_anonymous_sees_nothing() -> None:
    from django.contrib.auth.models import AnonymousUser

    story_in(Status.SUBMITTED)
    assert not Story.objects.visible_to(AnonymousUser()).exists()
    assert not can_view(AnonymousUser(), Story.objects.get())


def test_helpers_agree_with_the_queryset() -> None:
    users = [contributor_user(), outreach_user(), science_user(), admin_user()]
    stories = [story_in(state, publication=PublicationFactory()) for state in Status.values]
    for user in users:
        visible = set(Story.objects.visible_to(user))
        for story in stories:
            assert can_view(user, story) == (story in visible), (user, story.status)


def test_can_edit_and_can_review_follow_the_state() -> None:
    story = story_in(Status.SUBMITTED, publication=PublicationFactory())
    author, reviewer, scientist = story.author.user, outreach_user(), science_user()
    assert not can_edit(author, story) and can_edit(reviewer, story)
    approve, sign_off = ACTIONS["approve"], ACTIONS["science_signoff"]
    assert approve.allows(reviewer, story) and not approve.allows(author, story)
    assert not approve.allows(scientist, story)
    assert sign_off.allows(scientist, story) and not sign_off.allows(reviewer, story)


def test_review_queue_is_oldest_waiting_first() -> None:
    first = story_in(Status.SUBMITTED)
    second = story_in(Status.SUBMITTED)
    Story.objects.filter(pk=second.pk).update(status_changed_at=first.status_changed_at.replace(year=2020))
    assert list(Story.objects.for_review_queue().waiting_longest_first()) == [second, first]


def _bulk_stories(count: int, status: str) -> None:
    author = contributor_user().contributor
    co_author = contributor_user().contributor
    stories = StoryFactory.build_batch(count, author=author, status=status)
    for story in stories:
        story.submitted_at = story.created_at
    created = Story.objects.bulk_create(stories)
    for story in created:
        story.co_authors.add(co_author)
    StoryImageFactory(story=created[0])


@pytest.mark.parametrize("listing", ["review_queue", "mine"])
def test_lists_cost_the_same_number_of_queries_for_10_and_1000_stories(listing: str) -> None:
    def count_queries() -> int:
        reviewer = outreach_user()
        author = Story.objects.first().author.user  # type: ignore[union-attr]
        with CaptureQueriesContext(connection) as captured:
            if listing == "review_queue":
                queryset = Story.objects.visible_to(reviewer).for_review_queue().waiting_longest_first()
                rows = list(queryset.values(*queries.QUEUE_ROW_FIELDS))
                co_authors = queries.co_authors_of(row["pk"] for row in rows)
                queries.without_eligible_reviewer(rows, co_authors)
                assert all(co_authors[row["pk"]] for row in rows)
                assert {row["photo_count"] for row in rows} == {0, 1}
            else:
                rows = list(Story.objects.mine(author).values(*queries.MINE_ROW_FIELDS))
                photos = queries.photos_of(row["pk"] for row in rows)
                assert len(rows) > len(photos) == 1
                assert [(count, bool(rendition)) for count, _first, rendition in photos.values()] == [
                    (1, True)
                ]
        return len(captured)

    from django.utils import timezone

    _bulk_stories(10, Status.SUBMITTED)
    Story.objects.update(submitted_at=timezone.now())
    few = count_queries()
    Story.objects.all().delete()
    _bulk_stories(1000, Status.SUBMITTED)
    Story.objects.update(submitted_at=timezone.now())
    many = count_queries()
    assert few == many
    assert Story.objects.count() == 1000


def test_the_queue_sees_the_submitted_stories_each_role_may_open() -> None:
    users = [contributor_user(), outreach_user(), science_user(), admin_user()]
    stories = [story_in(state, publication=PublicationFactory()) for state in Status.values]
    stories += [story_in(state) for state in (Status.SUBMITTED, Status.APPROVED)]
    stories[0].co_authors.add(users[0].contributor)
    for user in users + [stories[3].author.user]:
        expected = set(Story.objects.visible_to(user).filter(submitted_at__isnull=False))
        assert set(Story.objects.submitted_visible_to(user)) == expected, user
