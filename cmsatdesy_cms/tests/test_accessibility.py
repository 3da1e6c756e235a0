"""Every page, as every role that may open it, in English and in German, read as a screen reader would.

The pages come from the access tables (``<app>/tests/access.py``) plus the pages people meet
before they log in and when something goes wrong. Each page must have: a label for every field,
words on every button and link, alt text on every image, exactly one <h1>, the right
``<html lang>``, and in German no English text that the catalogues know how to translate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cmsatdesy_cms.tests.test_permissions import declared
from contributors.models import Contributor
from contributors.testing import OK, PAGE, ROLES

LANGUAGES = ("en", "de")
# Inputs a person never types into.
UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}
# Elements whose text is the interface rather than content: where an untranslated string shows.
UI_TAGS = {
    "label",
    "button",
    "th",
    "legend",
    "summary",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "caption",
    "title",
}


@dataclass
class Audit:
    lang: str | None = None
    h1_count: int = 0
    problems: list[str] = field(default_factory=list)
    ui_texts: list[str] = field(default_factory=list)
    # Every other run of text (help texts, paragraphs), for the catalogue check.
    texts: list[str] = field(default_factory=list)


class PageReader(HTMLParser):
    """Collects what a screen reader would trip over; one pass, no dependencies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.audit = Audit()
        self.label_for: set[str] = set()
        self.ids: set[str] = set()
        self.fields: list[tuple[str, dict[str, str | None]]] = []
        self.fragments: list[str] = []
        self.other_language: list[str] = []  # open elements marked as another language
        self.label_depth = 0
        self.template_depth = 0
        self.skip_depth = 0  # <script>, <style>
        # Open elements whose text we collect: [tag, attrs, text parts, has image with alt].
        self.open: list[list[Any]] = []

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        if tag in ("script", "style"):
            self.skip_depth += 1
            return
        if tag == "template":
            self.template_depth += 1
        if self.template_depth:
            return
        if attrs.get("id"):
            self.ids.add(attrs["id"] or "")
        if tag != "html" and attrs.get("lang") and attrs["lang"] != self.audit.lang:
            self.other_language.append(tag)
        if tag == "html":
            self.audit.lang = attrs.get("lang")
        elif tag == "h1":
            self.audit.h1_count += 1
        elif tag == "label":
            self.label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"] or "")
        elif tag == "img":
            if "alt" not in attrs:
                self.audit.problems.append(f"<img src={attrs.get('src')!r}> has no alt")
            for element in self.open:
                if attrs.get("alt"):
                    element[3] = True
        elif tag in ("input", "select", "textarea"):
            kind = (attrs.get("type") or "text").lower() if tag == "input" else tag
            if kind in ("submit", "button", "reset") and tag == "input":
                if not (attrs.get("value") or "").strip() and not attrs.get("aria-label"):
                    self.audit.problems.append(f"<input type={kind} name={attrs.get('name')!r}> has no words")
            elif kind not in UNLABELLED_TYPES and "hidden" not in attrs:
                self.fields.append((tag, {**attrs, "_in_label": "1" if self.label_depth else None}))
        if tag == "a" and (attrs.get("href") or "").startswith("#") and len(attrs["href"] or "") > 1:
            self.fragments.append(attrs["href"][1:])  # type: ignore[index]
        if tag in UI_TAGS or tag == "a":
            self.open.append([tag, attrs, [], False])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag == "template":
            self.template_depth = max(0, self.template_depth - 1)
            return
        if self.template_depth:
            return
        if self.other_language and self.other_language[-1] == tag:
            self.other_language.pop()
        if tag == "label":
            self.label_depth = max(0, self.label_depth - 1)
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                name, attrs, parts, has_image = self.open.pop(index)
                text = " ".join("".join(parts).split())
                # Text marked as another language (each language's own name) is meant to be so.
                if name in UI_TAGS and text and attrs.get("lang", self.audit.lang) == self.audit.lang:
                    self.audit.ui_texts.append(text)
                spoken = text or attrs.get("aria-label") or attrs.get("aria-labelledby") or has_image
                if name == "button" and not spoken:
                    self.audit.problems.append(f"<button name={attrs.get('name')!r}> has no words")
                if name == "a" and attrs.get("href") and not spoken:
                    self.audit.problems.append(f"<a href={attrs.get('href')!r}> has no words")
                break

    def handle_data(self, data: str) -> None:
        if self.skip_depth or self.template_depth:
            return
        text = " ".join(data.split())
        if text and not self.other_language:
            self.audit.texts.append(text)
        for element in self.open:
            element[2].append(data)

    def finish(self) -> Audit:
        for tag, attrs in self.fields:
            labelled = (
                (attrs.get("id") and attrs["id"] in self.label_for)
                or attrs.get("_in_label")
                or attrs.get("aria-label")
                or attrs.get("aria-labelledby")
            )
            if not labelled:
                self.audit.problems.append(
                    f"<{tag} name={attrs.get('name')!r} id={attrs.get('id')!r}> has no label"
                )
        for fragment in self.fragments:
            if fragment not in self.ids:
                self.audit.problems.append(f"<a href='#{fragment}'> leads nowhere on the page")
        if self.audit.h1_count != 1:
            self.audit.problems.append(f"{self.audit.h1_count} <h1> elements, expected one")
        return self.audit


def read(html: str) -> Audit:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return reader.finish()


def untranslated(texts: list[str]) -> list[str]:
    """Interface texts that the German catalogues translate, yet stand in English on the page."""
    with translation.override("de"):
        return sorted({text for text in texts if translation.gettext(text) != text})


# Interface words that German spells the same way.
SAME_IN_GERMAN = {
    "Story", "Status", "Status:", "Format", "Format*", "Filter", "Reel", "Postdoc",
    "Instagram", "Admin", "cmsatdesy", "@cmsatdesy",
}  # fmt: skip
PROJECT_APPS = ("contributors", "stories", "instagram", "scheduling", "analytics", "auth")


def content() -> list[str]:
    """What people typed or the system stored (titles, captions, names, file names): the same
    in every language, so never a sign of a missing translation."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db import models

    found = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        fields = [
            f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))
        ]
        for row in model._default_manager.values_list(*fields):
            found += [value for value in row if value and len(value) > 5]
    # Names as pages show them.
    found += [user.get_full_name() for user in get_user_model().objects.all() if user.get_full_name()]
    return found


def same_in_both(english: Audit, german: Audit) -> list[str]:
    """Texts a German page shows exactly as the English one, other than content and words
    German shares: strings nobody marked for translation, or formatted before the language
    was known."""
    stored = content()
    return sorted(
        text
        for text in set(english.ui_texts + english.texts) & set(german.ui_texts + german.texts)
        if re.search(r"[A-Za-z]{2}", text)
        and text not in SAME_IN_GERMAN
        and not any(value in text for value in stored)
    )


def check_both(url: str, english: Client, german: Client, *, status: int = 200) -> None:
    audits = [
        check_page(client, url, language, status=status)
        for client, language in ((english, "en"), (german, "de"))
    ]
    same = same_in_both(audits[0], audits[1])
    assert not same, f"{url}: the same in English and German: {same}"


def client_for(people: dict[str, Any], role: str, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if role != "anonymous":
        user = people[role]
        # A signed-in person sees the language of their profile.
        Contributor.objects.filter(user=user).update(language=language)
        client.force_login(user)
    return client


def check_page(client: Client, url: str, language: str, *, status: int = 200) -> Audit:
    """Audit one page. A redirect or an answer other than HTML fails: addresses that answer so
    are declared with ``answer=`` in their access table and not audited as pages."""
    response = client.get(url)
    assert response.status_code == status, f"{url}: status {response.status_code} where a page is expected"
    content_type = response.get("Content-Type", "")
    assert content_type.startswith("text/html"), f"{url}: answered {content_type} where a page is expected"
    audit = read(response.content.decode())
    problems = list(audit.problems)
    if audit.lang != language:
        problems.append(f'<html lang="{audit.lang}">, expected "{language}"')
    if language == "de":
        problems += [
            f"English in the German page: {text!r}" for text in untranslated(audit.ui_texts + audit.texts)
        ]
    assert not problems, f"{url} ({language}):\n  " + "\n  ".join(problems)
    return audit


def declared_pages() -> Iterator[Any]:
    for access in declared().values():
        if access.method == "get" and access.answer == PAGE:
            yield pytest.param(access, id=access.name)


@pytest.mark.parametrize("access", list(declared_pages()))
def test_every_declared_page_reads_well_for_everyone_who_may_open_it(
    access: Any, people: dict[str, Any]
) -> None:
    kwargs = access.kwargs(people) if access.kwargs else {}
    url = reverse(access.name, kwargs=kwargs)
    for role in ROLES:
        if access.expect[role] == OK:
            check_both(url, client_for(people, role, "en"), client_for(people, role, "de"))


STORY_STATES = ("draft", "submitted", "in_review", "changes_requested", "resubmitted", "approved", "rejected")


@pytest.mark.parametrize("status", STORY_STATES)
def test_a_story_page_reads_well_in_every_state(status: str, people: dict[str, Any]) -> None:
    from stories.permissions import can_edit
    from stories.tests.factories import PersonShownFactory, story_in

    story = story_in(status, author=people["contributor"].contributor, reviewer=people["outreach"])
    PersonShownFactory(image=story.images.first())
    detail = reverse("stories:detail", kwargs={"pk": story.pk})
    edit = reverse("stories:edit", kwargs={"pk": story.pk})
    # The team never sees a draft.
    for role in ("contributor",) if status == "draft" else ("contributor", "outreach"):
        english, german = client_for(people, role, "en"), client_for(people, role, "de")
        check_both(detail, english, german)
        if can_edit(people[role], story):
            check_both(edit, english, german)
        else:
            # Who may not edit in this state is sent back to the story.
            assert english.get(edit).headers["Location"] == detail


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_the_pages_before_logging_in_read_well(url: str, people: dict[str, Any]) -> None:
    check_both(url, client_for(people, "anonymous", "en"), client_for(people, "anonymous", "de"))


def test_a_form_with_errors_still_reads_well(people: dict[str, Any]) -> None:
    for language in LANGUAGES:
        client = client_for(people, "contributor", language)
        response = client.post(reverse("stories:new"), {"action": "submit", "title": ""})
        assert response.status_code == 200
        audit = read(response.content.decode())
        assert not audit.problems, audit.problems
        assert audit.lang == language


def test_the_lockout_page_reads_well(people: dict[str, Any]) -> None:
    for language, address in (("en", "10.0.0.1"), ("de", "10.0.0.2")):
        client = Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=address)
        for _ in range(5):
            response = client.post("/accounts/login/", {"login": "anna", "password": "wrong-password"})
        assert response.status_code == 429
        audit = read(response.content.decode())
        assert not audit.problems, audit.problems
        assert audit.lang == language
        if language == "de":
            assert not untranslated(audit.ui_texts)


@pytest.mark.parametrize("role", ["anonymous", "contributor"])
def test_a_missing_page_reads_well_in_the_persons_language(role: str, people: dict[str, Any]) -> None:
    check_both("/no-such-page/", client_for(people, role, "en"), client_for(people, role, "de"), status=404)


def test_a_page_that_is_not_yours_reads_well_in_your_language(people: dict[str, Any]) -> None:
    english, german = client_for(people, "contributor", "en"), client_for(people, "contributor", "de")
    check_both("/review/", english, german, status=403)


def test_a_server_error_reads_well_in_the_persons_language(db: Any) -> None:
    from django.test import RequestFactory
    from django.views.defaults import server_error

    audits = {}
    for language in LANGUAGES:
        with translation.override(language):
            crash = server_error(RequestFactory().get("/"))
        assert crash.status_code == 500
        audits[language] = read(crash.content.decode())
        assert not audits[language].problems and audits[language].lang == language
    assert not untranslated(audits["de"].ui_texts)
    assert not same_in_both(audits["en"], audits["de"])


def test_the_main_navigation_is_german_for_a_german_scientist(people: dict[str, Any]) -> None:
    html = client_for(people, "outreach", "de").get("/").content.decode()
    nav = html.split('id="main-nav"', 1)[1].split("</nav>", 1)[0]
    words = " ".join(re.sub(r"<[^>]+>", " ", nav).split())

    for english, german in [
        ("My stories", "Meine Geschichten"),
        ("Tell a story", "Geschichte erzählen"),
        ("My profile", "Mein Profil"),
        ("Log out", "Abmelden"),
    ]:
        assert german in words
        assert english not in words


def test_the_reader_finds_what_a_screen_reader_would_trip_over() -> None:
    audit = read(
        '<html lang="en"><body><h1>One</h1><h1>Two</h1>'
        '<input name="q"><select id="s"></select><label for="s">Status</label>'
        '<label>Name <input name="name"></label><input type="hidden" name="x">'
        '<button type="submit"> </button><button aria-label="Close">×</button>'
        '<img src="a.png"><img src="b.png" alt=""><a href="/x"></a><a href="/y"><img src="c" alt="Home"></a>'
        '<a href="#s">Status</a><a href="#gone">Comments</a>'
        "</body></html>"
    )

    assert audit.problems == [
        "<button name=None> has no words",
        "<img src='a.png'> has no alt",
        "<a href='/x'> has no words",
        "<input name='q' id=None> has no label",
        "<a href='#gone'> leads nowhere on the page",
        "2 <h1> elements, expected one",
    ]
    assert untranslated(["My stories", "Unknown words here"]) == ["My stories"]


def test_help_texts_with_numbers_follow_the_readers_language(people: dict[str, Any]) -> None:
    german = client_for(people, "contributor", "de").get(reverse("stories:new")).content.decode()
    english = client_for(people, "contributor", "en").get(reverse("stories:new")).content.decode()

    assert "Bis zu 2.200 Zeichen, 30 Hashtags und 20 @-Erwähnungen." in german
    assert "Up to 2,200 characters, 30 hashtags and 20 @-mentions." in english
