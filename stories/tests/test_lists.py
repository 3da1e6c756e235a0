"""The lists: my stories, and the review queue with its counts and filters."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from contributors.roles import OUTREACH_TEAM
from contributors.tests.factories import PublicationFactory, contributor_user, outreach_user, science_user
from stories.models import Status, Story
from stories.tests.factories import StoryFactory, story_in

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_stories_lists_authored_and_co_authored_stories_only() -> None:
    me = contributor_user()
    mine = StoryFactory(author=me.contributor, title="Written by me")
    shared = StoryFactory(title="Written with me")
    shared.co_authors.add(me.contributor)
    StoryFactory(title="Not mine at all")
    page = client_for(me).get(reverse("stories:mine")).content.decode()
    assert mine.title in page and shared.title in page
    assert "Not mine at all" not in page


def test_review_queue_shows_oldest_waiting_first_with_counts_and_filters() -> None:
    reviewer = outreach_user()
    old = story_in(Status.SUBMITTED, title="Waiting longest")
    Story.objects.filter(pk=old.pk).update(status_changed_at="2020-01-01T00:00:00Z")
    taken = story_in(Status.IN_REVIEW, reviewer=reviewer, title="Taken by me", objective="training")
    story_in(Status.APPROVED, title="Already approved")
    StoryFactory(title="Someone's draft")
    client = client_for(reviewer)
    page = client.get(reverse("stories:review_queue")).content.decode()
    assert page.index("Waiting longest") < page.index("Taken by me")
    assert "Already approved" not in page and "Someone&#x27;s draft" not in page
    assert 'data-status-count="approved">1<' in page
    assert 'data-status-count="submitted">1<' in page
    mine = client.get(reverse("stories:review_queue"), {"mine": "on"}).content.decode()
    assert taken.title in mine and "Waiting longest" not in mine
    training = client.get(reverse("stories:review_queue"), {"objective": "training"}).content.decode()
    assert "Taken by me" in training and "Waiting longest" not in training
    waiting = client.get(reverse("stories:review_queue"), {"waiting": "7"}).content.decode()
    assert "Waiting longest" in waiting and "Taken by me" not in waiting
    approved = client.get(reverse("stories:review_queue"), {"status": "approved"}).content.decode()
    assert "Already approved" in approved


def test_review_queue_filters_by_author_and_linked_result() -> None:
    reviewer = outreach_user()
    linked = story_in(Status.SUBMITTED, publication=PublicationFactory(), title="About a result")
    story_in(Status.SUBMITTED, title="Life at the lab")
    client = client_for(reviewer)
    page = client.get(reverse("stories:review_queue"), {"result": "yes"}).content.decode()
    assert "About a result" in page and "Life at the lab" not in page
    by_author = client.get(
        reverse("stories:review_queue"), {"author": linked.author.user.username}
    ).content.decode()
    assert "About a result" in by_author and "Life at the lab" not in by_author


def test_science_reviewers_see_only_stories_linked_to_a_result_in_the_queue() -> None:
    story_in(Status.SUBMITTED, publication=PublicationFactory(), title="About a result")
    story_in(Status.SUBMITTED, title="Life at the lab")
    page = client_for(science_user()).get(reverse("stories:review_queue")).content.decode()
    assert "About a result" in page and "Life at the lab" not in page


def test_contributors_have_no_review_queue() -> None:
    assert client_for(contributor_user()).get(reverse("stories:review_queue")).status_code == 403


def test_review_queue_searches_titles_and_captions() -> None:
    reviewer = outreach_user()
    by_title = story_in(Status.SUBMITTED, title="Muon chambers at night", caption="Shift life. #CMS")
    by_caption = story_in(Status.SUBMITTED, title="A day at the lab", caption="We calibrate the MUON system.")
    other = story_in(Status.SUBMITTED, title="Tracker upgrade", caption="Silicon everywhere.")
    client = client_for(reviewer)
    page = client.get(reverse("stories:review_queue"), {"q": " muon "}).content.decode()
    assert by_title.title in page and by_caption.title in page
    assert other.title not in page
    assert 'value="muon"' in page or 'value=" muon "' in page


def test_review_queue_shows_each_storys_first_photo() -> None:
    story = story_in(Status.SUBMITTED, title="Two photos", format="carousel")
    first = story.images.order_by("position").first()
    assert first is not None
    page = client_for(outreach_user()).get(reverse("stories:review_queue")).content.decode()
    assert reverse("stories:image_rendition", args=[story.pk, first.pk]) in page
    assert page.count("data-queue-thumb") == 1


def _queue_row(page: str, title: str) -> str:
    """The HTML of the queue's row for the story called `title`."""
    row = next(part for part in page.split("<tr>") if title in part)
    return row.split("</tr>")[0]


def test_review_queue_row_says_who_wrote_it_how_many_photos_it_has_and_who_took_it() -> None:
    reviewer = outreach_user(first_name="Rita", last_name="Reviewer")
    author = contributor_user()
    author.contributor.display_name = "Ada Author"
    author.contributor.save()
    co_author = contributor_user(first_name="Carl", last_name="Coauthor")
    co_author.contributor.display_name = ""
    co_author.contributor.save()
    publication = PublicationFactory(cms_id="CMS-HIG-24-001")
    story = story_in(
        Status.IN_REVIEW,
        reviewer=reviewer,
        title="Higgs pairs",
        format="carousel",
        author=author.contributor,
        publication=publication,
    )
    story.co_authors.add(co_author.contributor)
    typed = story_in(Status.SUBMITTED, title="Typed reference", result_reference="arXiv:2511.01234")
    page = client_for(outreach_user()).get(reverse("stories:review_queue")).content.decode()
    row = _queue_row(page, "Higgs pairs")
    assert "Ada Author, Carl Coauthor · 2 photos" in row
    assert "Rita Reviewer" in row and "CMS-HIG-24-001" in row and "In review" in row
    assert reverse("stories:detail", args=[story.pk]) in row
    other = _queue_row(page, "Typed reference")
    assert "arXiv:2511.01234" in other and " · 1 photo<" in other
    assert reverse("stories:detail", args=[typed.pk]) in other


def test_review_queue_shows_a_thumbnail_only_when_the_first_photo_is_ready() -> None:
    story = story_in(Status.SUBMITTED, title="Half ready", format="carousel")
    first, second = story.images.order_by("position")
    story.images.filter(pk=first.pk).update(processing_state="pending")
    page = client_for(outreach_user()).get(reverse("stories:review_queue")).content.decode()
    row = _queue_row(page, "Half ready")
    assert "data-queue-thumb" not in row
    assert reverse("stories:image_rendition", args=[story.pk, second.pk]) not in row
    story.images.filter(pk=first.pk).update(processing_state="ready")
    page = client_for(outreach_user()).get(reverse("stories:review_queue")).content.decode()
    assert reverse("stories:image_rendition", args=[story.pk, first.pk]) in _queue_row(page, "Half ready")


def test_review_queue_says_when_only_an_admin_may_review_a_story() -> None:
    member = outreach_user()
    story = story_in(Status.SUBMITTED, title="By the whole team", author=member.contributor)
    # The member who brought it along has left the team: its only member is the author.
    get_user_model().objects.filter(groups__name=OUTREACH_TEAM).exclude(pk=member.pk).update(is_active=False)
    page = client_for(member).get(reverse("stories:review_queue")).content.decode()
    assert "An admin must take it." in _queue_row(page, "By the whole team")
    other_member = outreach_user()
    page = client_for(member).get(reverse("stories:review_queue")).content.decode()
    assert "An admin must take it." not in _queue_row(page, "By the whole team")
    story.co_authors.add(other_member.contributor)
    page = client_for(member).get(reverse("stories:review_queue")).content.decode()
    assert "An admin must take it." in _queue_row(page, "By the whole team")


def test_review_queue_pages_count_the_stories_each_status_filter_lists() -> None:
    author = contributor_user().contributor
    waiting = StoryFactory.build_batch(27, author=author, status=Status.SUBMITTED)
    done = StoryFactory.build_batch(26, author=author, status=Status.APPROVED)
    for story in waiting + done:
        story.submitted_at = story.status_changed_at = timezone.now()
    Story.objects.bulk_create(waiting + done)
    client = client_for(outreach_user())

    def pages(**query: str) -> str:
        page = client.get(reverse("stories:review_queue"), query).content.decode()
        return page.split('class="page-item disabled"><span class="page-link">')[1].split("<")[0]

    assert pages() == "Page 1 of 2"
    assert pages(page="2") == "Page 2 of 2"
    assert pages(status="all") == "Page 1 of 3"
    assert pages(status="approved", page="2") == "Page 2 of 2"
    last = client.get(reverse("stories:review_queue"), {"status": "all", "page": "3"}).content.decode()
    assert last.count('class="table-stack-title"') == 53 - 50


def _my_story_row(page: str, title: str) -> str:
    """The HTML of the "my stories" row for the story called `title`."""
    row = next(part for part in page.split('data-testid="my-story"') if title in part)
    return row.split("</li>")[0]


def test_my_stories_row_shows_status_photos_first_photo_figures_and_co_written_stories() -> None:
    from stories.panels import ListedStory, register_story_list_figures, unregister_story_list_figures

    me = contributor_user()
    own = story_in(
        Status.CHANGES_REQUESTED, author=me.contributor, title="Muon night shift", format="carousel"
    )
    author = contributor_user(first_name="Carl", last_name="Colleague")
    author.contributor.display_name = ""
    author.contributor.save()
    shared = story_in(Status.SUBMITTED, author=author.contributor, title="Tracker upgrade")
    shared.co_authors.add(me.contributor)
    first = own.images.order_by("position").first()
    assert first is not None

    def titles(stories: list[ListedStory]) -> dict[int, str]:
        return {story.pk: f"Figure for {story.title} ({story.status})" for story in stories}

    register_story_list_figures(titles)
    try:
        page = client_for(me).get(reverse("stories:mine")).content.decode()
    finally:
        unregister_story_list_figures(titles)
    row = _my_story_row(page, "Muon night shift")
    assert "Changes requested" in row and "text-bg-warning" in row
    assert "Outreach · Carousel (2–10 images) · 2 photos" in row
    assert f"{reverse('stories:image_rendition', args=[own.pk, first.pk])}?v={first.rendition_version}" in row
    assert reverse("stories:detail", args=[own.pk]) in row
    assert "Figure for Muon night shift (changes_requested)" in row
    assert " · with " not in row
    own.refresh_from_db()
    assert date_format(timezone.localtime(own.updated_at), "SHORT_DATE_FORMAT") in row
    other = _my_story_row(page, "Tracker upgrade")
    assert "Submitted" in other and " · 1 photo · with Carl Colleague" in other
    assert "Figure for Tracker upgrade (submitted)" in other


def test_my_stories_say_what_happens_next_for_each_story_in_english_and_german() -> None:
    me = contributor_user()
    story_in(Status.CHANGES_REQUESTED, author=me.contributor, title="Muon night shift")
    story_in(Status.SUBMITTED, author=me.contributor, title="Tracker upgrade")
    story_in(Status.DRAFT, author=me.contributor, title="Half written")
    client = client_for(me)
    page = client.get(reverse("stories:mine")).content.decode()
    assert "Changes requested — edit and resubmit" in _my_story_row(page, "Muon night shift")
    assert "Waiting for the team" in _my_story_row(page, "Tracker upgrade")
    assert "Draft — submit it when it is ready" in _my_story_row(page, "Half written")
    german = client.get(reverse("stories:mine"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Änderungen erbeten — bearbeiten und erneut einreichen" in _my_story_row(
        german, "Muon night shift"
    )
    assert "Wartet auf das Team" in _my_story_row(german, "Tracker upgrade")


def test_review_queue_filters_show_the_choices_made() -> None:
    story_in(Status.SUBMITTED, title="A reel")
    page = client_for(outreach_user()).get(
        reverse("stories:review_queue"), {"status": "all", "format": "reel", "waiting": "7", "q": "reel"}
    )
    html = page.content.decode().split('id="queue-filters"')[1].split("</form>")[0]
    assert '<option value="all" selected>' in html
    assert '<option value="reel" selected>' in html
    assert '<option value="7" selected>' in html
    # The filters left alone keep their "All" / "Any" choice.
    assert html.count(" selected>") == 5 and html.count('<option value="" selected>') == 2
    assert '<select name="status" class="form-select" id="id_status">' in html
