"""The strict Content-Security-Policy blocks inline script, inline style and event handlers, so no
page may carry any: checked in every template file, and in the HTML of every page people open."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cmsatdesy_cms.tests.test_permissions import declared
from contributors.testing import OK, PAGE, ROLES, answer_of

ROOT = Path(__file__).resolve().parents[2]
PROJECT_APPS = ("contributors", "stories", "instagram", "scheduling", "analytics", "cmsatdesy_cms")

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
STYLE_ATTRIBUTE = re.compile(r"""[\s"']style\s*=""", re.I)
EVENT_HANDLER = re.compile(r"""[\s"']on[a-z]+\s*=""", re.I)
SCRIPT_URL = re.compile(r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)


def problems_in(html: str) -> list[str]:
    # The text of <script src> elements and of JSON data blocks is no markup: leave it out.
    html = re.sub(r'<script\b[^>]*\btype="application/json"[^>]*>.*?</script>', "", html, flags=re.S | re.I)
    found = []
    for name, pattern in (
        ("inline <script>", INLINE_SCRIPT),
        ("<style> element", STYLE_ELEMENT),
        ("style= attribute", STYLE_ATTRIBUTE),
        ("on…= handler", EVENT_HANDLER),
        ("javascript: URL", SCRIPT_URL),
    ):
        for match in pattern.finditer(html):
            start = max(0, match.start() - 60)
            found.append(f"{name}: …{html[start : match.end() + 40]}…")
    return found


def project_templates() -> list[Path]:
    files = list((ROOT / "templates").rglob("*.html"))
    for app in PROJECT_APPS:
        files += list((ROOT / app / "templates").rglob("*.html"))
    return sorted(files)


def test_the_checks_find_what_they_look_for() -> None:
    for bad in (
        "<script>alert(1)</script>",
        '<div style="color:red">',
        "<a href='#' onclick='x()'>",
        '<a href="javascript:alert(1)">',
        "<style>p{}</style>",
    ):
        assert problems_in(bad), bad
    assert not problems_in('<script src="/static/x.js"></script><p class="onboarding">stylish</p>')
    assert not problems_in('<script type="application/json" id="d">{"a": "<b onclick=x>"}</script>')
    # Django's json_script writes the id first.
    assert not problems_in('<script id="d" type="application/json">{"a": "<b onclick=x>"}</script>')


def test_no_template_carries_inline_script_style_or_handlers() -> None:
    templates = project_templates()
    assert len(templates) > 10
    found = {str(path.relative_to(ROOT)): problems_in(path.read_text()) for path in templates}
    assert not {path: problems for path, problems in found.items() if problems}


@pytest.mark.parametrize(
    "access",
    [a for a in declared().values() if a.method == "get" and a.answer == PAGE],
    ids=lambda access: access.name,
)
def test_every_declared_page_is_free_of_inline_script_style_and_handlers(
    access: Any, people: dict[str, Any]
) -> None:
    kwargs = access.kwargs(people) if access.kwargs else {}
    url = reverse(access.name, kwargs=kwargs)
    checked = 0
    for role in ROLES:
        if access.expect[role] != OK:
            continue
        client = Client()
        if role != "anonymous":
            client.force_login(people[role])
        response = client.get(url)
        assert answer_of(response) == PAGE, (
            f"{access.name} as {role}: answered {answer_of(response)}, not a page"
        )
        checked += 1
        assert not problems_in(response.content.decode()), f"{access.name} as {role}"
    assert checked, f"{access.name}: no role may open this page"


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/confirm-email/",
        "/no-such-page/",
    ],
)
def test_the_pages_around_signing_in_and_the_error_pages_are_free_of_inline_code(url: str, db: Any) -> None:
    response = Client().get(url)
    assert response.status_code in (200, 404)
    assert not problems_in(response.content.decode())


def test_the_404_page_for_a_signed_in_person_is_free_of_inline_code(people: dict[str, Any]) -> None:
    client = Client()
    client.force_login(people["contributor"])
    response = client.get("/stories/987654/")
    assert response.status_code == 404
    assert not problems_in(response.content.decode())
