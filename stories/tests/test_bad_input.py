"""Bad input through the real views: a clear message and a 4xx or the form again, never a 500,
and nothing that was typed or uploaded alongside is lost."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from contributors.tests.factories import contributor_user, outreach_user
from stories.forms import DEFAULT_CONSENT_WORDING
from stories.models import Comment, PersonShown, Status, Story, StoryImage
from stories.tests import image_samples
from stories.tests.factories import StoryFactory, StoryImageFactory, photo_bytes, story_in, upload

pytestmark = pytest.mark.django_db

TITLE = "Keep this title, please"
CAPTION = "Every word of this caption must survive. #CMS"
SCRIPT = '<script>alert("x")</script>'


@pytest.fixture
def author() -> Any:
    return contributor_user(username="author")


@pytest.fixture
def client(author: Any) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(author)
    return client


def new_story(client: Client, *files: Any, **fields: Any) -> Any:
    data = {
        "title": TITLE,
        "objective": "outreach",
        "format": "carousel",
        "caption": CAPTION,
        "action": "save",
        **fields,
    }
    if files:
        data["photos"] = list(files)
    return client.post(reverse("stories:new"), data)


def page_of(response: Any) -> str:
    return response.content.decode()


def assert_reshown(response: Any, *expected: str) -> str:
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.status_code
    page = page_of(response)
    for text in expected:
        assert text in page, text
    return page


BAD_FILES = [
    ("truncated.jpg", image_samples.truncated(photo_bytes()), "This photo is incomplete or damaged"),
    ("empty.jpg", b"", "The file is empty."),
    ("bomb.png", image_samples.png_header_bomb(), "megapixels"),
    ("zlib-bomb.jpg", image_samples.png_zlib_bomb(), "megapixels"),
    ("page.jpg", image_samples.HTML, "This file is not a photo we can read."),
    ("drawing.jpg", image_samples.SVG, "This file is not a photo we can read."),
    ("poster.jpg", image_samples.EPS, "This file is not a photo we can read."),
    ("paper.jpg", image_samples.PDF, "This file is not a photo we can read."),
    ("noise.jpg", image_samples.random_bytes(), "This file is not a photo we can read."),
    ("funny.gif", image_samples.animated_gif_bytes(), "Animated images cannot be posted"),
    ("still.gif", image_samples.static_gif_bytes(), "GIF files cannot be posted as photos."),
    ("moving.png", image_samples.animated_png_bytes(), "Animated images cannot be posted"),
    ("moving.webp", image_samples.animated_webp_bytes(), "Animated images cannot be posted"),
    ("tiny.jpg", image_samples.jpeg_bytes(100, 100), "This photo is too small"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_a_bad_file_is_refused_with_a_message_and_the_good_one_beside_it_is_kept(
    client: Client, name: str, data: bytes, message: str
) -> None:
    response = new_story(client, upload("good.jpg"), upload(name, data))
    page = assert_reshown(response, message, TITLE, CAPTION, name)
    story = Story.objects.get()
    assert [image.original_name for image in story.images.all()] == ["good.jpg"]
    assert reverse("stories:image_rendition", args=[story.pk, story.images.get().pk]) in page


def test_a_file_over_the_size_cap_is_refused(client: Client, settings: Any) -> None:
    settings.STORY_IMAGE_MAX_BYTES = 50_000
    big = image_samples.jpeg_bytes(1600, 1200, quality=95)
    assert len(big) > 50_000
    response = new_story(client, upload("big.jpg", big))
    assert_reshown(response, "This file is larger than", TITLE)
    assert not StoryImage.objects.exists()


def test_more_than_ten_files_keeps_ten_and_says_which_were_left_out(client: Client) -> None:
    files = [upload(f"photo{n:02d}.jpg") for n in range(1, 12)]
    response = new_story(client, *files)
    assert_reshown(response, "photo11.jpg was not added: a story has at most 10 photos.", TITLE)
    assert Story.objects.get().images.count() == 10


def test_a_file_name_with_markup_and_a_path_is_shown_escaped_and_not_used_on_disk(client: Client) -> None:
    response = new_story(client, upload("<img src=x onerror=alert(1)>.jpg", image_samples.HTML))
    page = assert_reshown(response, "&lt;img src=x onerror=alert(1)&gt;.jpg")
    assert "<img src=x" not in page
    good = new_story(client, upload("../../etc/cron.d/x.jpg"))
    assert good.status_code in (200, 302)
    image = StoryImage.objects.get()
    assert image.original_name == "x.jpg"
    assert image.original.name.startswith("originals/") and ".." not in image.original.name


@pytest.mark.parametrize(
    ("maker", "mode"),
    [
        (image_samples.png_16bit_bytes, "I;16"),
        (image_samples.cmyk_jpeg_bytes, "CMYK"),
        (image_samples.heic_bytes, "RGB"),
        (image_samples.mpo_bytes, "RGB"),
    ],
    ids=["16-bit PNG", "CMYK JPEG", "HEIC", "MPO"],
)
def test_16_bit_png_cmyk_jpeg_and_phone_photos_are_accepted_and_converted(
    client: Client, maker: Any, mode: str
) -> None:
    data = maker()
    assert Image.open(io.BytesIO(data)).mode.startswith(mode[:3])
    response = new_story(client, upload("unusual", data))
    assert response.status_code == 302
    image = StoryImage.objects.get()
    assert image.is_ready
    with image.rendition.open("rb") as handle, Image.open(handle) as rendition:
        assert rendition.format == "JPEG"
        assert rendition.mode == "RGB"


CAPTIONS = [
    ("x" * 2201, "Instagram allows at most 2200."),
    (" ".join(f"#tag{n}" for n in range(31)), "Instagram allows at most 30."),
    (" ".join(f"@user{n}" for n in range(21)), "Instagram allows at most 20."),
]


@pytest.mark.parametrize(("caption", "message"), CAPTIONS, ids=["characters", "hashtags", "mentions"])
def test_a_caption_over_a_limit_is_explained_and_kept(client: Client, caption: str, message: str) -> None:
    response = new_story(client, upload("good.jpg"), caption=caption)
    assert_reshown(response, message, caption, TITLE)
    assert Story.objects.get().images.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"result_reference": "not a paper"}, "is not an arXiv id"),
        ({"result_reference": "arXiv:12345"}, "is not an arXiv id"),
        ({"preferred_from": "2026-05-10", "preferred_until": "2026-05-01"}, "before its start"),
        ({"preferred_from": "31.02.2026"}, "Enter a valid date."),
        ({"objective": "world-domination"}, "Select a valid choice."),
        ({"format": "hologram"}, "Select a valid choice."),
        ({"title": ""}, "This field is required."),
        ({"title": "T" * 201}, "Ensure this value has at most 200 characters"),
        ({"title": "null\x00byte"}, "Null characters are not allowed."),
        ({"co_authors": ["999999"]}, "Select a valid choice."),
    ],
    ids=[
        "reference",
        "short-arxiv",
        "dates-reversed",
        "date-format",
        "objective",
        "format",
        "no-title",
        "long-title",
        "null-byte",
        "co-author",
    ],
)
def test_bad_story_fields_are_explained_and_the_rest_is_kept(
    client: Client, fields: dict[str, Any], message: str
) -> None:
    response = new_story(client, upload("good.jpg"), **fields)
    assert_reshown(response, message, CAPTION)
    assert Story.objects.get().images.count() == 1


def edit_data(story: Story, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": story.title,
        "objective": story.objective,
        "format": story.format,
        "caption": story.caption,
        "version": story.version,
        "action": "save",
    }
    for number, image in enumerate(story.images.order_by("position", "pk"), start=1):
        data[f"image-{image.pk}-position"] = number
        data[f"image-{image.pk}-alt_text"] = image.alt_text
        data[f"image-{image.pk}-people-TOTAL_FORMS"] = 1
        data[f"image-{image.pk}-people-INITIAL_FORMS"] = 0
        data[f"image-{image.pk}-people-0-consent_wording"] = str(DEFAULT_CONSENT_WORDING)
    data.update(changes)
    return data


def test_script_in_every_text_field_is_stored_as_text_and_escaped_on_every_page(
    client: Client, author: Any
) -> None:
    story = StoryFactory(author=author.contributor, format="single_image")
    image = StoryImageFactory(story=story, no_identifiable_person=False)
    prefix = f"image-{image.pk}-"
    response = client.post(
        reverse("stories:edit", args=[story.pk]),
        edit_data(
            story,
            title=f"Title {SCRIPT}",
            caption=f"Caption {SCRIPT}",
            **{
                prefix + "alt_text": f"Alt {SCRIPT}",
                prefix + "people-TOTAL_FORMS": "1",
                prefix + "people-INITIAL_FORMS": "0",
                prefix + "people-0-name": f"Name {SCRIPT}",
                prefix + "people-0-contact": f"{SCRIPT}@desy.de",
                prefix + "people-0-consent_wording": f"Wording {SCRIPT}",
                prefix + "people-0-consent_recorded": "on",
            },
        ),
    )
    assert response.status_code == 302
    client.post(reverse("stories:comment", args=[story.pk]), {"body": f"Comment {SCRIPT}"})
    client.post(reverse("stories:transition", args=[story.pk, "submit"]))
    reviewer = Client()
    reviewer.force_login(outreach_user())
    reviewer.post(
        reverse("stories:transition", args=[story.pk, "request_changes"]), {"text": f"Change {SCRIPT}"}
    )
    story.refresh_from_db()
    assert story.title == f"Title {SCRIPT}"
    assert PersonShown.objects.get().name == f"Name {SCRIPT}"
    pages = [
        client.get(reverse("stories:detail", args=[story.pk])),
        client.get(reverse("stories:edit", args=[story.pk])),
        client.get(reverse("stories:mine")),
        reviewer.get(reverse("stories:review_queue"), {"status": "all"}),
        reviewer.get(reverse("stories:detail", args=[story.pk])),
    ]
    for response in pages:
        page = page_of(response)
        assert response.status_code == 200
        assert SCRIPT not in page
        assert "&lt;script&gt;" in page
    detail = page_of(pages[0])
    for field in ("Title", "Caption", "Alt", "Name", "Wording", "Comment", "Change"):
        assert f"{field} &lt;script&gt;" in detail, field


def test_a_forged_form_for_another_users_story_changes_nothing(client: Client) -> None:
    victim = StoryFactory(caption="The victim's words")
    image = StoryImageFactory(story=victim)
    response = client.post(reverse("stories:edit", args=[victim.pk]), edit_data(victim, caption="Forged"))
    assert response.status_code == 404
    for action in ("submit", "withdraw"):
        assert client.post(reverse("stories:transition", args=[victim.pk, action])).status_code == 404
    assert client.get(reverse("stories:image_original", args=[victim.pk, image.pk])).status_code == 404
    victim.refresh_from_db()
    assert victim.caption == "The victim's words" and victim.status == Status.DRAFT


def test_a_forged_photo_field_for_another_storys_photo_is_ignored(client: Client, author: Any) -> None:
    mine = StoryFactory(author=author.contributor)
    StoryImageFactory(story=mine)
    theirs = StoryImageFactory(alt_text="Theirs")
    data = edit_data(mine, **{f"image-{theirs.pk}-alt_text": "Forged", f"image-{theirs.pk}-remove": "on"})
    response = client.post(reverse("stories:edit", args=[mine.pk]), data)
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.alt_text == "Theirs"


def test_alt_text_over_1000_characters_is_refused_and_kept(client: Client, author: Any) -> None:
    story = StoryFactory(author=author.contributor)
    image = StoryImageFactory(story=story, alt_text="Short")
    long_text = "A" * 1001
    response = client.post(
        reverse("stories:edit", args=[story.pk]),
        edit_data(story, caption="New caption kept", **{f"image-{image.pk}-alt_text": long_text}),
    )
    assert_reshown(response, "Ensure this value has at most 1000 characters", long_text)
    image.refresh_from_db()
    assert image.alt_text == "Short"
    story.refresh_from_db()
    assert story.caption == "New caption kept"


@pytest.mark.parametrize("position", ["0", "11", "-1", "first", ""])
def test_a_bad_photo_position_is_explained(client: Client, author: Any, position: str) -> None:
    story = StoryFactory(author=author.contributor)
    image = StoryImageFactory(story=story)
    response = client.post(
        reverse("stories:edit", args=[story.pk]), edit_data(story, **{f"image-{image.pk}-position": position})
    )
    assert_reshown(response, "Please correct the marked fields.")


@pytest.mark.parametrize("version", ["abc", "", "-5", "1e9", "٣"])
def test_a_damaged_version_is_treated_as_a_conflict_not_a_crash(
    client: Client, author: Any, version: str
) -> None:
    story = StoryFactory(author=author.contributor, caption="Stored")
    response = client.post(
        reverse("stories:edit", args=[story.pk]), edit_data(story, caption="Mine", version=version)
    )
    assert_reshown(response, "Someone else saved this story", "Mine")
    story.refresh_from_db()
    assert story.caption == "Stored"


@pytest.mark.parametrize(
    "crop",
    [
        {"crop_x": "nan", "crop_y": "0", "crop_width": "0.5", "crop_height": "0.5"},
        {"crop_x": "inf", "crop_y": "0", "crop_width": "0.5", "crop_height": "0.5"},
        {"crop_x": "1e309", "crop_y": "0", "crop_width": "0.5", "crop_height": "0.5"},
        {"crop_x": "-1", "crop_y": "0", "crop_width": "0.5", "crop_height": "0.5"},
        {"crop_x": "0", "crop_y": "0", "crop_width": "2", "crop_height": "0.5"},
        {"crop_x": "0", "crop_y": "0", "crop_width": "0", "crop_height": "0"},
        {"crop_x": "left", "crop_y": "top", "crop_width": "", "crop_height": "x"},
        {},
    ],
    ids=["nan", "inf", "overflow", "negative", "too-wide", "empty-box", "words", "missing"],
)
def test_bad_crop_values_are_refused_with_a_message(crop: dict[str, str]) -> None:
    story = story_in(Status.SUBMITTED)
    image = story.images.get()
    before = (image.crop_x, image.crop_y, image.crop_width, image.crop_height)
    client = Client(raise_request_exception=True)
    client.force_login(outreach_user())
    response = client.post(reverse("stories:image_crop", args=[story.pk, image.pk]), crop, follow=True)
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert messages and "The crop has been saved." not in messages
    image.refresh_from_db()
    assert (image.crop_x, image.crop_y, image.crop_width, image.crop_height) == before


def test_a_post_without_csrf_token_is_refused(author: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    response = client.post(
        reverse("stories:new"), {"title": TITLE, "objective": "outreach", "format": "single_image"}
    )
    assert response.status_code == 403
    assert not Story.objects.exists()


def test_a_comment_that_is_too_long_or_pinned_to_nonsense_is_shown_again(client: Client, author: Any) -> None:
    story = story_in(Status.SUBMITTED, author=author.contributor)
    long_comment = "Word " * 1001
    response = client.post(reverse("stories:comment", args=[story.pk]), {"body": long_comment})
    assert_reshown(response, "Ensure this value has at most 5000 characters", long_comment.strip()[:200])
    response = client.post(reverse("stories:comment", args=[story.pk]), {"body": "Kept", "image": "abc"})
    assert_reshown(response, "Select a valid choice.", "Kept")
    assert not Comment.objects.filter(story=story).exclude(body__startswith="Please").exists()


def test_unknown_steps_and_reasons_that_are_too_long_are_refused(client: Client) -> None:
    story = story_in(Status.SUBMITTED)
    reviewer = Client(raise_request_exception=True)
    reviewer.force_login(outreach_user())
    assert reviewer.post(reverse("stories:transition", args=[story.pk, "publish-now"])).status_code == 404
    assert reviewer.get(reverse("stories:transition", args=[story.pk, "approve"])).status_code == 405
    reason = "No. " * 1300
    response = reviewer.post(reverse("stories:transition", args=[story.pk, "reject"]), {"text": reason})
    assert_reshown(response, "Ensure this value has at most 5000 characters", reason.strip()[:100])
    story.refresh_from_db()
    assert story.status == Status.SUBMITTED


@pytest.mark.parametrize(
    "query",
    [
        {"status": "zzz", "waiting": "abc", "page": "999"},
        {"page": "-1", "objective": "<script>", "format": "\x00"},
        {"author": "x" * 500, "result": "maybe", "mine": "perhaps"},
    ],
)
def test_review_queue_filters_with_junk_still_show_the_queue(query: dict[str, str]) -> None:
    story_in(Status.SUBMITTED, title="Still listed")
    client = Client(raise_request_exception=True)
    client.force_login(outreach_user())
    response = client.get(reverse("stories:review_queue"), query)
    assert response.status_code == 200


@pytest.mark.parametrize("query", [{"a": "x", "b": "1"}, {"a": "1", "b": "99"}, {"a": "-3", "b": "\x00"}])
def test_diff_with_bad_revision_numbers_is_a_clear_400(query: dict[str, str]) -> None:
    story = story_in(Status.SUBMITTED)
    client = Client(raise_request_exception=True)
    client.force_login(outreach_user())
    response = client.get(reverse("stories:diff", args=[story.pk]), query)
    assert response.status_code == 400
