"""The story pages as an attacker sees them: guessed and mixed ids, forged forms, headers, e-mails."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contributors.tests.factories import contributor_user, outreach_user
from stories.models import Status, Story
from stories.tests.factories import StoryFactory, complete_story, story_in, upload
from stories.tests.test_views import client_for, edit

pytestmark = pytest.mark.django_db


def selected_options(page: str, name: str) -> list[str]:
    """What a browser sends for a <select multiple>: the values of its selected options."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select, name
    return re.findall(r'<option value="(\d+)"[^>]*\bselected\b', select.group(0))


def test_a_co_author_who_saves_the_story_stays_a_co_author() -> None:
    author = contributor_user()
    co_author = contributor_user(username="co")
    story = StoryFactory(author=author.contributor)
    story.co_authors.add(co_author.contributor)
    client = client_for(co_author)
    page = client.get(reverse("stories:edit", args=[story.pk])).content.decode()

    response = edit(client, story, co_authors=selected_options(page, "co_authors"), caption="Better")

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.caption == "Better"
    assert list(story.co_authors.all()) == [co_author.contributor]
    assert client.get(reverse("stories:edit", args=[story.pk])).status_code == 200


def test_the_team_cannot_make_themselves_co_authors_of_a_story_they_review() -> None:
    story = story_in(Status.SUBMITTED)
    reviewer = outreach_user()
    client = client_for(reviewer)

    response = edit(client, story, co_authors=[reviewer.contributor.pk])

    assert response.status_code == 200
    assert not story.co_authors.exists()


def test_a_title_with_line_breaks_is_submitted_and_mailed_with_a_one_line_subject(
    django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    author = contributor_user()
    outreach_user()
    story = complete_story(author=author.contributor, title="Hello\r\nBcc: victim@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(author).post(reverse("stories:transition", args=[story.pk, "submit"]))

    assert response.status_code == 302
    assert [message.subject for message in mailoutbox] == [
        "[cmsatdesy] New story: Hello Bcc: victim@example.com"
    ]
    assert all(message.bcc == [] for message in mailoutbox)


def test_script_in_a_title_a_name_and_a_comment_is_escaped_in_the_html_e_mails(
    django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    script = "<script>alert(1)</script>"
    author = contributor_user()
    author.contributor.display_name = f"Eve {script}"
    author.contributor.save()
    reviewer = outreach_user()
    story = complete_story(author=author.contributor, title=f"Title {script}")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(author).post(reverse("stories:transition", args=[story.pk, "submit"]))
        client_for(author).post(reverse("stories:comment", args=[story.pk]), {"body": f"Note {script}"})
        client_for(reviewer).post(
            reverse("stories:transition", args=[story.pk, "request-changes"]), {"text": f"Change {script}"}
        )

    htmls = [message.alternatives[0][0] for message in mailoutbox]
    assert len(htmls) >= 3
    for html in htmls:
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
    text = "\n".join(message.body for message in mailoutbox)
    assert f"Title {script}" in text  # plain text is plain, not entity-encoded


def test_an_upload_over_the_cap_is_cut_short_before_it_reaches_memory_or_disk(settings: Any) -> None:
    from django.test import RequestFactory

    settings.STORY_IMAGE_MAX_BYTES = 50_000
    huge = SimpleUploadedFile("huge.jpg", b"\xff\xd8\xff" + b"\0" * 6_000_000, "image/jpeg")
    small = SimpleUploadedFile("small.jpg", b"\xff\xd8\xff" + b"\0" * 1000, "image/jpeg")
    request = RequestFactory().post("/stories/new/", {"photos": [huge, small]})

    sizes = [upload.size for upload in request.FILES.getlist("photos")]

    assert sizes == [50_001, 1003]


def test_a_request_with_far_more_files_than_a_story_holds_is_refused_up_front() -> None:
    author = contributor_user()
    files = [upload(f"photo{n:02d}.jpg") for n in range(1, 22)]

    response = client_for(author).post(reverse("stories:new"), {"title": "Everything", "photos": files})

    assert response.status_code == 413
    assert not Story.objects.exists()


def test_the_admin_opens_a_photo_whose_original_is_private_and_escapes_its_file_name() -> None:
    from contributors.tests.factories import admin_user

    story = story_in(Status.SUBMITTED)
    image = story.images.first()
    image.original_name = "<script>alert(1)</script>.jpg"
    image.save()
    client = client_for(admin_user())

    response = client.get(reverse("admin:stories_storyimage_change", args=[image.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in page
    link = reverse("stories:image_original", args=[story.pk, image.pk])
    assert f'<a href="{link}">&lt;script&gt;alert(1)&lt;/script&gt;.jpg</a>' in page
    assert client.get(link).status_code == 200
