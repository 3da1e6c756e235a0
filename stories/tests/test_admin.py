"""The admin of stories and of the people shown in their photos."""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from contributors.tests.factories import PublicationFactory, contributor_user, outreach_user
from stories.models import Format, Status, Story
from stories.templatetags.stories_extras import who
from stories.tests.factories import PersonShownFactory, story_in

pytestmark = pytest.mark.django_db


def admin_client(people: dict[str, Any], language: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(people["admin"])
    return client


def squeeze(html: str) -> str:
    return " ".join(html.split())


def test_the_story_admin_shows_thumbnails_positions_from_one_and_no_empty_photo_rows(
    people: dict[str, Any],
) -> None:
    story = story_in(Status.SUBMITTED, author=people["contributor"].contributor, format=Format.CAROUSEL)
    first, second = story.images.all()
    html = squeeze(admin_client(people).get(f"/admin/stories/story/{story.pk}/change/").content.decode())
    assert f'src="{first.rendition_url}"' in html and f'src="{second.rendition_url}"' in html
    numbers = re.findall(r'<td class="field-number"> <p>(\d+)</p> </td>', html)
    assert numbers == ["1", "2"]
    # Photos come with an upload, through the story form: no empty photo row to add here.
    assert 'id="images-empty"' not in html
    assert 'id="images-0"' in html
    # One field for the result: the reference; no separate publication picker.
    assert 'name="result_reference"' in html
    assert 'name="publication"' not in html
    # The author is not offered as their own co-author.
    author_option = f'<option value="{story.author_id}"'
    assert author_option not in html.split('name="co_authors"')[1].split("</select>")[0]

    listing = squeeze(admin_client(people).get("/admin/stories/story/").content.decode())
    assert f'src="{first.rendition_url}"' in listing


def test_the_reference_typed_in_the_admin_links_the_known_result(people: dict[str, Any]) -> None:
    result = PublicationFactory(arxiv_id="2512.03456")
    story = story_in(Status.SUBMITTED, author=people["contributor"].contributor)
    client = admin_client(people)
    page = client.get(f"/admin/stories/story/{story.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name != "co_authors"}
    data.update(
        result_reference="arXiv:2512.03456",
        co_authors=[],
        **{
            f"{prefix}-{key}": value
            for prefix in ("images", "events")
            for key, value in _management(story, prefix).items()
        },
    )
    response = client.post(f"/admin/stories/story/{story.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    story.refresh_from_db()
    assert story.publication == result

    data.update(co_authors=[story.author_id])
    response = client.post(f"/admin/stories/story/{story.pk}/change/", data)
    assert response.status_code == 200
    assert "co_authors" in response.context["adminform"].form.errors
    data.update(co_authors=[], result_reference="not a reference")
    response = client.post(f"/admin/stories/story/{story.pk}/change/", data)
    assert response.status_code == 200 and "is not an arXiv id" in response.content.decode()


def _management(story: Story, prefix: str) -> dict[str, Any]:
    rows = story.images.all() if prefix == "images" else story.events.all()
    values: dict[str, Any] = {
        "TOTAL_FORMS": len(rows),
        "INITIAL_FORMS": len(rows),
        "MIN_NUM_FORMS": 0,
        "MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        values[f"{index}-id"] = row.pk
        values[f"{index}-story"] = story.pk
        if prefix == "images":
            values[f"{index}-alt_text"] = row.alt_text
            values[f"{index}-no_identifiable_person"] = "on" if row.no_identifiable_person else ""
    return values


def test_the_people_admin_shows_who_recorded_consent_and_filters_withdrawn_consent(
    people: dict[str, Any],
) -> None:
    recorder = people["contributor"]
    PersonShownFactory(name="Still Agrees", consent_recorded_by=recorder)
    PersonShownFactory(name="Took It Back", consent_withdrawn_at=timezone.now())
    client = admin_client(people)
    html = squeeze(client.get("/admin/stories/personshown/").content.decode())
    assert recorder.contributor.name in html
    withdrawn = squeeze(client.get("/admin/stories/personshown/?consent=withdrawn").content.decode())
    assert "Took It Back" in withdrawn and "Still Agrees" not in withdrawn


def test_the_consent_register_is_exported_as_csv(people: dict[str, Any]) -> None:
    image = story_in(Status.SUBMITTED, author=people["contributor"].contributor).images.get()
    lea = PersonShownFactory(
        image=image,
        name="=HYPERLINK(1)",
        consent_recorded_by=people["contributor"],
        consent_wording="I agree.",
    )
    gone = PersonShownFactory(image=image, name="Jo", consent_withdrawn_at=timezone.now())
    response = admin_client(people).post(
        "/admin/stories/personshown/",
        {"action": "export_consent_register", "_selected_action": [lea.pk, gone.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["story", "story id", "photo", "name", "consent given"]
    by_name = {row[3]: row for row in rows[1:]}
    # A cell that a spreadsheet would run as a formula is kept as text.
    assert by_name["'=HYPERLINK(1)"][6] == people["contributor"].contributor.name
    assert by_name["Jo"][8]  # withdrawn at


def test_only_staff_who_may_see_people_can_export_the_register(people: dict[str, Any]) -> None:
    person = PersonShownFactory()
    data = {"action": "export_consent_register", "_selected_action": [person.pk]}
    outsider = Client()
    outsider.force_login(outreach_user())
    response = outsider.post("/admin/stories/personshown/", data)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    staff = contributor_user(is_staff=True)
    staff_client = Client()
    staff_client.force_login(staff)
    assert staff_client.post("/admin/stories/personshown/", data).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="view_personshown"))
    assert staff_client.post("/admin/stories/personshown/", data)["Content-Type"].startswith("text/csv")


def test_every_column_header_of_the_story_admin_is_german(people: dict[str, Any]) -> None:
    story = story_in(Status.SUBMITTED, author=people["contributor"].contributor)
    PersonShownFactory(image=story.images.get())
    client = admin_client(people, "de")
    for url, expected in (
        (
            "/admin/stories/story/",
            ["Erstes Foto", "Titel", "Autor·in", "Status", "Ziel", "Format", "Wartet seit"],
        ),
        (
            "/admin/stories/personshown/",
            ["Name", "Bild", "Einwilligung erteilt", "Einwilligung festgehalten von"],
        ),
    ):
        html = client.get(url).content.decode()
        heads = [
            " ".join(h.split())
            for h in re.findall(
                r'<th scope="col"[^>]*>\s*<div class="text">(?:<a[^>]*>|<span>)(.*?)</(?:a|span)>', html, re.S
            )
            if "checkbox" not in h
        ]
        assert heads[: len(expected)] == expected, heads


def _change_form(client: Client, story: Story) -> dict[str, Any]:
    """What the admin's change form sends when saved as it is shown."""
    form = client.get(f"/admin/stories/story/{story.pk}/change/").context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if name != "co_authors"}
    data["co_authors"] = [c.pk for c in story.co_authors.all()]
    for prefix in ("images", "events"):
        data.update({f"{prefix}-{key}": value for key, value in _management(story, prefix).items()})
    return data


def _history(user: Any, story: Story, language: str = "en") -> str:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    page = client.get(f"/stories/{story.pk}/").content.decode()
    return squeeze(html.unescape(page.split('id="history"')[1]))


def test_a_change_in_the_admin_shows_in_the_story_history_with_the_admin_and_what_changed(
    people: dict[str, Any],
) -> None:
    author = people["contributor"]
    story = story_in(
        Status.IN_REVIEW, author=author.contributor, reviewer=people["outreach"], format=Format.CAROUSEL
    )
    joining = people["other_contributor"].contributor
    client = admin_client(people)
    data = _change_form(client, story)
    data.update(
        {
            "title": "Muons at night",
            "caption": "A better caption #CMS",
            "co_authors": [joining.pk],
            "reviewer": people["science"].pk,
            "images-0-alt_text": "The detector at night, lit in blue.",
            "images-1-DELETE": "on",
        }
    )
    response = client.post(f"/admin/stories/story/{story.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]

    admin_name = who(people["admin"])
    assert (
        f"{admin_name} changed in the admin: the co-authors, the title, the caption, who reviews it, "
        f"photo 1 (the alt text), photo 2 (removed); added: {joining.name}"
    ) in _history(author, story)
    assert (
        f"{admin_name} änderte im Admin: die Mitautor·innen, den Titel, die Beschreibung, "
        "wer sie prüft, Foto 1 (den Alternativtext), Foto 2 (entfernt); hinzugefügt:"
    ) in _history(author, story, "de")
    # The team sees the same History.
    assert f"{admin_name} changed in the admin: the co-authors" in _history(people["outreach"], story)


def test_saving_the_admin_form_unchanged_leaves_no_row_in_the_history(people: dict[str, Any]) -> None:
    story = story_in(Status.SUBMITTED, author=people["contributor"].contributor)
    client = admin_client(people)
    before = story.events.count()
    response = client.post(f"/admin/stories/story/{story.pk}/change/", _change_form(client, story))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert story.events.count() == before
    assert "in the admin" not in _history(people["contributor"], story)


def test_the_status_is_changed_on_the_story_page_not_in_the_admin(people: dict[str, Any]) -> None:
    story = story_in(Status.IN_REVIEW, author=people["contributor"].contributor)
    client = admin_client(people)
    page = squeeze(client.get(f"/admin/stories/story/{story.pk}/change/").content.decode())
    assert 'name="status"' not in page
    assert (
        'In review <span class="help">The status changes only through the review\'s actions: '
        f'<a href="/stories/{story.pk}/">take the next step on the story page</a>'
    ) in html.unescape(page)
    data = _change_form(client, story)
    data.update(status=Status.APPROVED, title="Approved by hand?")
    assert client.post(f"/admin/stories/story/{story.pk}/change/", data).status_code == 302
    story.refresh_from_db()
    assert (story.status, story.title, story.approved_at) == (Status.IN_REVIEW, "Approved by hand?", None)
    history = _history(people["contributor"], story)
    assert "changed in the admin: the title" in history
    assert "Approved" not in history


def test_a_story_created_in_the_admin_starts_its_history_with_the_admin(people: dict[str, Any]) -> None:
    author = people["contributor"]
    client = admin_client(people)
    response = client.post(
        "/admin/stories/story/add/",
        {
            "author": author.contributor.pk,
            "title": "Written for Anna",
            "objective": "outreach",
            "format": Format.SINGLE_IMAGE,
            "images-TOTAL_FORMS": 0,
            "images-INITIAL_FORMS": 0,
            "events-TOTAL_FORMS": 0,
            "events-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    story = Story.objects.get(title="Written for Anna")
    assert f"{who(people['admin'])} created the story (Draft)" in _history(author, story)


def test_changes_to_a_photo_and_its_people_in_the_admin_show_in_the_story_history(
    people: dict[str, Any],
) -> None:
    author = people["contributor"]
    story = story_in(Status.SUBMITTED, author=author.contributor)
    image = story.images.get()
    person = PersonShownFactory(image=image, name="Lea Hartmann")
    client = admin_client(people)
    form = client.get(f"/admin/stories/storyimage/{image.pk}/change/").context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items() if value is not False}
    data.update(
        {
            "alt_text": "Lea at the opened detector.",
            "people-TOTAL_FORMS": 1,
            "people-INITIAL_FORMS": 1,
            "people-MIN_NUM_FORMS": 0,
            "people-MAX_NUM_FORMS": 1000,
            "people-0-id": person.pk,
            "people-0-image": image.pk,
            "people-0-name": "Lea Hartmann-Berg",
            "people-0-contact": person.contact,
            # consent_given left out, as an unticked box would be: consent is not changed here
        }
    )
    response = client.post(f"/admin/stories/storyimage/{image.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    history = _history(author, story)
    assert (
        f"{who(people['admin'])} changed in the admin: photo 1 (the alt text, the consent records)" in history
    )
    # The History names the photo, never the person shown.
    assert "Lea Hartmann" not in history
    # Consent is recorded and withdrawn on the story page only (which tells people and takes
    # posts down): the admin's form cannot untick it.
    person.refresh_from_db()
    assert person.consent_given and person.consent_withdrawn_at is None

    response = client.post(
        f"/admin/stories/personshown/{person.pk}/change/",
        {"image": image.pk, "name": "Lea Hartmann", "contact": "", "consent_wording": "I agree."},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert history.count("photo 1 (the consent records)") + 1 == _history(author, story).count(
        "photo 1 (the consent records)"
    )
