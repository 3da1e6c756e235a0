"""Error pages speak the person's language in the site's layout; a too-big request is a clear 413."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from contributors.tests.factories import contributor_user

pytestmark = pytest.mark.django_db


def signed_in(language: str = "en", **extra: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language, **extra)
    client.force_login(contributor_user())
    return client


def assert_site_page(response: Any, status: int, heading: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert re.search(rf"<h1[^>]*>{re.escape(heading)}</h1>", page), page[:2000]
    assert 'class="navbar' in page  # the site's own layout, not Django's bare page
    assert not re.search(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", page)
    return page


@pytest.mark.parametrize(("language", "heading"), [("en", "Page not found"), ("de", "Seite nicht gefunden")])
def test_a_guessed_story_id_shows_the_translated_404_page(language: str, heading: str) -> None:
    response = signed_in(language).get(reverse("stories:detail", args=[987654]))

    page = assert_site_page(response, 404, heading)
    assert reverse("contributors:profile") in page  # the signed-in menu is there


@pytest.mark.parametrize(("language", "heading"), [("en", "Access denied"), ("de", "Zugriff verweigert")])
def test_a_page_for_the_team_shows_contributors_the_translated_403_page(language: str, heading: str) -> None:
    assert_site_page(signed_in(language).get(reverse("stories:review_queue")), 403, heading)


def test_a_bad_host_gets_the_400_page() -> None:
    response = Client(HTTP_HOST="evil.example").get("/accounts/login/")

    assert_site_page(response, 400, "The request could not be handled")


@pytest.mark.parametrize("language", ["en", "de"])
def test_too_many_files_is_a_friendly_413_not_a_crash(language: str, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = [SimpleUploadedFile(f"p{n}.jpg", b"\xff\xd8\xff", "image/jpeg") for n in range(4)]

    response = signed_in(language).post(reverse("stories:new"), {"title": "Lots", "photos": files})

    assert_site_page(response, 413, {"en": "Too much at once", "de": "Zu viel auf einmal"}[language])


def test_too_much_text_is_a_friendly_413(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = signed_in().post(reverse("stories:new"), {"title": "Long", "caption": "x" * 5000})

    assert_site_page(response, 413, "Too much at once")


def test_too_many_fields_is_a_friendly_413(settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10

    response = signed_in().post(reverse("stories:new"), {f"field{n}": "x" for n in range(20)})

    assert_site_page(response, 413, "Too much at once")


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "The form could not be accepted"), ("de", "Das Formular konnte nicht angenommen werden")],
)
def test_a_failed_csrf_check_shows_the_translated_page(language: str, heading: str) -> None:
    client = signed_in(language, enforce_csrf_checks=True)

    response = client.post(reverse("stories:new"), {"title": "No token"})

    assert_site_page(response, 403, heading)


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Something went wrong"), ("de", "Etwas ist schiefgegangen")]
)
def test_the_500_page_is_translated_and_needs_no_request_context(language: str, heading: str) -> None:
    request = RequestFactory().get("/")
    with translation.override(language):
        response = server_error(request)

    page = response.content.decode()
    assert response.status_code == 500
    assert f'<h1 class="h3">{heading}</h1>' in page
    assert f'<html lang="{language}">' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", page)


def test_a_crash_in_a_view_shows_the_500_page(settings: Any) -> None:
    settings.ROOT_URLCONF = "cmsatdesy_cms.tests.crashing_urls"
    client = Client(raise_request_exception=False)

    response = client.get("/crash/")

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.parametrize("debug", [False, True])
def test_too_many_query_parameters_are_a_413_with_debug_on_or_off(settings: Any, debug: bool) -> None:
    settings.DEBUG = debug
    query = "&".join(f"f{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = Client(raise_request_exception=False).get("/accounts/login/?" + query)

    assert_site_page(response, 413, "Too much at once")


@pytest.mark.parametrize("debug", [False, True])
def test_too_many_posted_fields_are_a_413_with_debug_on_or_off(settings: Any, debug: bool) -> None:
    settings.DEBUG = debug
    fields = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}

    response = Client(raise_request_exception=False).post("/accounts/login/", fields)

    assert_site_page(response, 413, "Too much at once")
