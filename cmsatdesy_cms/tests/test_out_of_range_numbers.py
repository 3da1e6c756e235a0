"""No form answers 500 for a number or an id too large (or too small) for the database.

The demo data is loaded, every demo user walks the site from the start page (the admin
included) as far as links lead, and every form found is posted with one id or number field at
a time set beyond the range of a 64-bit column. The answer must be a page (a form error, a
refusal, a redirect), never a server error. Runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from contributors.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

TOO_LARGE = "9223372036854775808"
TOO_SMALL = "-9223372036854775809"
DEMO_USERS = ["scientist", "reviewer", "science", "admin"]
# Pages of the same shape (the same path with other ids) are walked this many times each.
PER_SHAPE = 2
# Links that end the session or leave the site's pages.
SKIP = re.compile(
    r"^/(static|media|jsi18n)/|/logout/|/password/|/accounts/(email|social)|/delete/$|/history/"
)


@dataclass
class Form:
    action: str
    method: str
    fields: list[dict[str, Any]] = field(default_factory=list)

    def data(self) -> dict[str, list[str]]:
        values: dict[str, list[str]] = {}
        for item in self.fields:
            name = item.get("name")
            if not name:
                continue
            kind = item["kind"]
            if kind in ("checkbox", "radio") and not item.get("checked"):
                continue
            if kind in ("submit", "button", "file"):
                continue
            values.setdefault(name, []).append(item.get("value") or "")
        return values

    def numeric_fields(self) -> list[str]:
        """Names of fields that take a number or an id."""
        names = []
        for item in self.fields:
            name = item.get("name")
            if not name or name == "csrfmiddlewaretoken":
                continue
            kind = item["kind"]
            value = item.get("value") or ""
            classes = item.get("class") or ""
            if (
                kind == "number"
                or (kind == "select" and any(re.fullmatch(r"-?\d+", o) for o in item.get("options", [])))
                or (kind in ("hidden", "checkbox", "radio") and re.fullmatch(r"-?\d+", value))
                or "RawId" in classes
                or re.search(r"(^|[-_])(id|pk|position|version)$", name)
            ):
                names.append(name)
        return sorted(set(names))


class FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is not None and tag == "input":
            self._form.fields.append(
                {
                    "name": a.get("name"),
                    "kind": a.get("type", "text").lower(),
                    "value": a.get("value"),
                    "checked": "checked" in a,
                    "class": a.get("class"),
                }
            )
        elif self._form is not None and tag == "textarea":
            self._form.fields.append({"name": a.get("name"), "kind": "textarea", "value": ""})
        elif self._form is not None and tag == "select":
            self._select = {"name": a.get("name"), "kind": "select", "options": [], "value": ""}
            self._form.fields.append(self._select)
        elif self._select is not None and tag == "option":
            value = a.get("value", "")
            self._select["options"].append(value)
            if "selected" in a or not self._select["value"]:
                self._select["value"] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def walk(client: Client, start: list[str]) -> dict[str, list[Form]]:
    """Pages reachable from `start` (a few of each shape), with the POST forms on each."""
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    queue = list(start)
    pages: dict[str, list[Form]] = {}
    while queue:
        path = queue.pop(0)
        limit = 1 if path.startswith("/admin/") else PER_SHAPE
        if path in seen or SKIP.search(path) or shapes[shape(path)] >= limit:
            continue
        seen.add(path)
        shapes[shape(path)] += 1
        response = client.get(path)
        assert response.status_code < 500, path
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        parser = FormParser()
        parser.feed(response.content.decode())
        pages[path] = [f for f in parser.forms if f.method == "post"]
        for href in parser.links:
            target = urlsplit(urljoin(path, href))
            if target.netloc or not target.path.startswith("/"):
                continue
            # Filters, sorting and pages of a list show the same forms: the path is enough.
            queue.append(target.path)
    return pages


def test_no_form_answers_500_for_a_number_out_of_the_columns_range() -> None:
    call_command("seed_demo", verbosity=0)
    posted = Counter[str]()
    for username in DEMO_USERS:
        client = Client(raise_request_exception=False)
        response = client.post("/accounts/login/", {"login": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, username
        start = ["/", "/stories/", "/review/", "/stories/new/", "/profile/"]
        if username == "admin":
            start.append("/admin/")
        for path, forms in walk(client, start).items():
            for form in forms:
                action = urljoin(path, form.action) if form.action else path
                if SKIP.search(urlsplit(action).path):
                    continue
                names = form.numeric_fields()
                # The admin's forms carry dozens of such fields each (inlines): there they all
                # take the value at once (every field is cleaned whatever the others hold);
                # elsewhere one at a time, so that no other error stops the view early.
                groups = [names] if action.startswith("/admin/") else [[name] for name in names]
                for group in groups:
                    if not group:
                        continue
                    for value in (TOO_LARGE, TOO_SMALL):
                        data = form.data()
                        data.update({name: [value] for name in group})
                        response = client.post(action, data)
                        assert response.status_code < 500, f"{username}: {group}={value} to {action}"
                        posted[shape(urlsplit(action).path)] += 1
    # The walk really reached the forms that take ids: the story form's co-authors and the
    # admin's change forms among them.
    assert posted["/stories/new/"] >= 2
    assert any(path.startswith("/admin/stories/story/N/change/") for path in posted), sorted(posted)
    assert any(path.startswith("/admin/contributors/") for path in posted), sorted(posted)
