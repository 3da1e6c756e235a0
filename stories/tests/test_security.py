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


@pytest.mark.usefixtures("notices_sent_here")
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


@pytest.mark.usefixtures("notices_sent_here")
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
        # Taken for review, so that the comment goes to the reviewer (recipients are decided
        # when the change is made).
        client_for(reviewer).post(reverse("stories:transition", args=[story.pk, "start_review"]))
        client_for(author).post(reverse("stories:comment", args=[story.pk]), {"body": f"Note {script}"})
        client_for(reviewer).post(
            reverse("stories:transition", args=[story.pk, "request_changes"]), {"text": f"Change {script}"}
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


# ---------------------------------------------------------------------------------------------
# Mixed ids: an object of story B under the URL of story A, which the person may open.


def _two_stories() -> tuple[Any, Any]:
    from contributors.tests.factories import PublicationFactory
    from stories.tests.factories import PersonShownFactory

    mine = story_in(Status.SUBMITTED, publication=PublicationFactory())
    theirs = story_in(Status.SUBMITTED)
    PersonShownFactory(image=theirs.images.first())
    return mine, theirs


@pytest.mark.parametrize("view", ["image_original", "image_preview", "image_rendition"])
@pytest.mark.parametrize("who", ["author", "outreach", "science"])
def test_a_photo_of_another_story_is_not_served_under_a_story_one_may_open(view: str, who: str) -> None:
    from contributors.tests.factories import science_user

    mine, theirs = _two_stories()
    user = {"author": mine.author.user, "outreach": outreach_user(), "science": science_user()}[who]
    client = client_for(user)
    own_image, foreign_image = mine.images.first(), theirs.images.first()
    assert client.get(reverse(f"stories:{view}", args=[mine.pk, own_image.pk])).status_code == 200

    response = client.get(reverse(f"stories:{view}", args=[mine.pk, foreign_image.pk]))

    assert response.status_code == 404


def test_the_team_cannot_crop_a_photo_of_another_story_through_a_story_it_edits() -> None:
    mine, theirs = _two_stories()
    foreign_image = theirs.images.first()
    crop = {"crop_x": "0.1", "crop_y": "0", "crop_width": "0.6", "crop_height": "0.8"}

    response = client_for(outreach_user()).post(
        reverse("stories:image_crop", args=[mine.pk, foreign_image.pk]), crop
    )

    assert response.status_code == 404
    foreign_image.refresh_from_db()
    assert foreign_image.crop_x != 0.1


def test_consent_of_a_person_in_another_story_cannot_be_withdrawn_through_ones_own() -> None:
    mine, theirs = _two_stories()
    person = theirs.images.first().people.get()

    response = client_for(mine.author.user).post(
        reverse("stories:consent_withdraw", args=[mine.pk, person.pk])
    )

    assert response.status_code == 404
    person.refresh_from_db()
    assert person.consent_withdrawn_at is None


def test_a_comment_cannot_be_pinned_to_a_photo_of_another_story_the_team_may_see() -> None:
    from stories.models import Comment

    mine, theirs = _two_stories()

    response = client_for(outreach_user()).post(
        reverse("stories:comment", args=[mine.pk]), {"body": "Look here", "image": theirs.images.first().pk}
    )

    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_a_science_reviewer_cannot_reach_a_story_without_a_result_or_its_photos() -> None:
    from contributors.tests.factories import science_user

    _mine, theirs = _two_stories()
    client = client_for(science_user())
    image = theirs.images.first()

    for url in (
        reverse("stories:detail", args=[theirs.pk]),
        reverse("stories:diff", args=[theirs.pk]),
        reverse("stories:image_original", args=[theirs.pk, image.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("stories:comment", args=[theirs.pk]), {"body": "Hi"}).status_code == 404
    assert client.post(reverse("stories:transition", args=[theirs.pk, "science_signoff"])).status_code == 404


def test_state_changes_refuse_get() -> None:
    mine, _theirs = _two_stories()
    client = client_for(outreach_user())
    image = mine.images.first()
    urls = [
        reverse("stories:transition", args=[mine.pk, "approve"]),
        reverse("stories:comment", args=[mine.pk]),
        reverse("stories:image_crop", args=[mine.pk, image.pk]),
        reverse("stories:consent_withdraw", args=[mine.pk, 1]),
    ]
    for url in urls:
        assert client.get(url).status_code == 405, url
    mine.refresh_from_db()
    assert mine.status == Status.SUBMITTED


# ---------------------------------------------------------------------------------------------
# The private original


@pytest.mark.parametrize(
    ("maker", "suffix", "content_type"),
    [
        ("jpeg_bytes", ".jpg", "image/jpeg"),
        ("png_bytes", ".png", "image/png"),
        ("webp_bytes", ".webp", "image/webp"),
        ("heic_bytes", ".heic", "image/heic"),
    ],
)
def test_the_original_is_a_private_download_that_no_browser_renders_in_the_page(
    maker: str, suffix: str, content_type: str
) -> None:
    from stories import services
    from stories.tests import image_samples

    author = contributor_user()
    story = StoryFactory(author=author.contributor)
    data = getattr(image_samples, maker)(800, 600)
    image = services.image_add(
        story=story, user=author, upload=SimpleUploadedFile(f'evil"\r\nX-Injected: 1{suffix}', data)
    )

    response = client_for(author).get(reverse("stories:image_original", args=[story.pk, image.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition
    assert "X-Injected" not in response.headers
    assert b"".join(response.streaming_content) == data
