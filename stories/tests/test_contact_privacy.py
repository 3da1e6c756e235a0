"""The e-mail or phone of people shown in photos: only the story's authors, the team and admins."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from contributors.tests.factories import PublicationFactory
from stories.models import Status
from stories.tests.factories import PersonShownFactory, story_in

CONTACT = "ines.weber@example.org"
SEE_CONTACT = {"contributor", "outreach", "admin"}
PAGES = ("/stories/{pk}/", "/stories/{pk}/edit/", "/stories/{pk}/diff/")


@pytest.fixture
def story_with_person(people: dict[str, Any]) -> Any:
    # Linked to a public result, so that the science reviewer may open it too.
    story = story_in(
        Status.CHANGES_REQUESTED,
        author=people["contributor"].contributor,
        publication=PublicationFactory(),
    )
    PersonShownFactory(image=story.images.first(), name="Ines Weber", contact=CONTACT)
    return story


@pytest.mark.parametrize(
    "role", ["anonymous", "contributor", "other_contributor", "outreach", "science", "admin"]
)
def test_contacts_are_in_the_html_only_for_authors_team_and_admins(
    people: dict[str, Any], story_with_person: Any, role: str
) -> None:
    client = Client()
    if role != "anonymous":
        client.force_login(people[role])
    for page in PAGES:
        html = client.get(page.format(pk=story_with_person.pk), follow=True).content.decode()
        if role not in SEE_CONTACT:
            assert CONTACT not in html, f"{role} sees the contact on {page}"
    if role in SEE_CONTACT:
        html = client.get(f"/stories/{story_with_person.pk}/").content.decode()
        assert CONTACT in html, f"{role} misses the contact on the story page"


def test_science_reviewer_sees_the_name_and_that_consent_is_recorded(
    people: dict[str, Any], story_with_person: Any
) -> None:
    client = Client()
    client.force_login(people["science"])
    html = client.get(f"/stories/{story_with_person.pk}/").content.decode()
    assert "Ines Weber" in html
    assert "consent recorded by" in html
    assert CONTACT not in html
