"""Results under embargo, and references to results no import knows yet."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from contributors.models import Publication
from contributors.tests.factories import PublicationFactory, contributor_user
from stories import services
from stories.models import Status, Story
from stories.permissions import can_see_result
from stories.tests.factories import complete_story, story_in

BERLIN = ZoneInfo("Europe/Berlin")
PUBLIC_FROM = datetime(2099, 3, 12, 16, 0, tzinfo=BERLIN)
SECRET_TITLE = "Observation of a new scalar resonance at 151 GeV"
ROLES = ("anonymous", "contributor", "other_contributor", "outreach", "science", "admin")
MAY_SEE = {"contributor", "outreach", "science", "admin"}


@pytest.fixture
def embargoed_story(people: dict[str, Any]) -> Story:
    publication = PublicationFactory(title=SECRET_TITLE, public_from=PUBLIC_FROM)
    return story_in(Status.SUBMITTED, author=people["contributor"].contributor, publication=publication)


@pytest.mark.parametrize("role", ROLES)
def test_an_embargoed_title_is_in_the_html_only_for_those_who_may_know_it(
    people: dict[str, Any], embargoed_story: Story, role: str
) -> None:
    client = Client()
    if role != "anonymous":
        client.force_login(people[role])
    pages = [
        f"/stories/{embargoed_story.pk}/",
        f"/stories/{embargoed_story.pk}/diff/",
        "/review/",
        "/stories/",
    ]
    for page in pages:
        html = client.get(page, follow=True).content.decode()
        if role not in MAY_SEE:
            assert SECRET_TITLE not in html, f"{role} reads the embargoed title on {page}"
    html = client.get(f"/stories/{embargoed_story.pk}/", follow=True).content.decode()
    if role in MAY_SEE:
        assert SECRET_TITLE in html
        # The time is given with its zone (Berlin, winter time in March).
        assert "under embargo until 12 March 2099, 16:00 CET" in html


def test_others_see_only_that_the_result_is_under_embargo_and_until_when(
    people: dict[str, Any], embargoed_story: Story
) -> None:
    group_author = contributor_user(username="greta")
    embargoed_story.publication.contributors.add(group_author.contributor)
    stranger = people["other_contributor"]
    assert can_see_result(group_author, embargoed_story)
    assert not can_see_result(stranger, embargoed_story)
    for role in MAY_SEE:
        assert can_see_result(people[role], embargoed_story), role
    embargoed_story.publication.public_from = datetime(2020, 1, 1, tzinfo=BERLIN)
    assert can_see_result(stranger, embargoed_story), "a public result is no secret"


def test_the_german_page_gives_the_embargo_time_with_its_zone(
    people: dict[str, Any], embargoed_story: Story
) -> None:
    client = Client()
    client.force_login(people["science"])
    html = client.get(f"/stories/{embargoed_story.pk}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "unter Sperrfrist bis 12. März 2099, 16:00 CET" in html


def test_typing_an_unknown_reference_creates_no_publication(people: dict[str, Any]) -> None:
    client = Client()
    client.force_login(people["contributor"])
    story = complete_story(author=people["contributor"].contributor)
    services.story_update(
        story=story,
        user=people["contributor"],
        expected_version=story.version,
        result_reference="CMS-EXO-25-042",
    )
    story.refresh_from_db()
    assert Publication.objects.count() == 0
    assert story.publication_id is None
    assert story.result_reference == "CMS-EXO-25-042"
    html = client.get(f"/stories/{story.pk}/").content.decode()
    assert "CMS-EXO-25-042" in html
    assert "not among the known publications yet" in html


def test_a_story_naming_an_unknown_result_still_needs_the_science_signoff(people: dict[str, Any]) -> None:
    story = story_in(
        Status.IN_REVIEW, author=people["contributor"].contributor, result_reference="2512.04711"
    )
    assert story.publication_id is None
    assert story.needs_science_signoff
    # Science reviewers find it, in the queryset and on the page.
    assert Story.objects.visible_to(people["science"]).filter(pk=story.pk).exists()
    client = Client()
    client.force_login(people["science"])
    assert client.get(f"/stories/{story.pk}/").status_code == 200
    assert story in Story.objects.with_result()
    # The team cannot approve before the physics is signed off.
    with pytest.raises(services.StepBlocked):
        services.story_approve(story=story, user=story.reviewer)
    services.story_science_signoff(story=story, user=people["science"])
    services.story_approve(story=story, user=story.reviewer)
    story.refresh_from_db()
    assert story.status == Status.APPROVED


def test_changing_the_reference_asks_for_a_new_signoff(people: dict[str, Any]) -> None:
    story = story_in(
        Status.IN_REVIEW, author=people["contributor"].contributor, result_reference="2512.04711"
    )
    services.story_science_signoff(story=story, user=people["science"])
    story.refresh_from_db()
    services.story_update(
        story=story, user=story.reviewer, expected_version=story.version, result_reference="2512.09999"
    )
    story.refresh_from_db()
    assert story.science_signoff_at is None
