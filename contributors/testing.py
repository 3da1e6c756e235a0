"""Helpers for tests of every layer: logging in through the real page, polling, a worker handle."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any


def log_in(page: Any, username: str, password: str | None = None) -> None:
    """Log in through the real login page, as a person would."""
    from contributors.tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password or PASSWORD)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_load_state()


class WorkerProcess:
    def __init__(self, process: subprocess.Popen[bytes], log_path: Path) -> None:
        self.process = process
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def wait_until(condition: Any, timeout: float = 20.0, interval: float = 0.1) -> Any:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Condition not met within {timeout} s")


def wait_for_js(target: Any, function: str, arg: Any = None, timeout: float = 10.0) -> Any:
    """Poll a JavaScript function on a page or locator until it returns something true.

    Playwright's own ``wait_for_function`` can evaluate its text inside the page while polling,
    which the strict Content-Security-Policy (no 'unsafe-eval') refuses; this asks again from
    Python, through the same channel a test's ``evaluate`` uses."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    last: Error | None = None
    while True:
        try:
            value = target.evaluate(function) if arg is None else target.evaluate(function, arg)
        except Error as error:  # the page is between two documents: ask the next one
            value, last = None, error
        else:
            last = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{function} stayed false for {timeout} s" + (f": {last}" if last else ""))
        time.sleep(0.1)


# --- Declared access, checked by the URLconf walk (cmsatdesy_cms/tests/test_permissions.py) ---
#
# Each app lists its URLs in ``<app>/tests/access.py`` as ``ACCESS = [Access(...), ...]``:
#
#   Access("app:name", expect={role: outcome, ...})                  a page (GET, an HTML 200)
#   Access("app:name", expect=..., answer=REDIRECT)                  a GET that redirects
#   Access("app:name", expect=..., answer="application/json")        a GET answering another type
#   Access("app:name", method="post", data={...}, expect=...,
#          effect=Effect("a comment on the story",
#                        lambda visit: Comment.objects.filter(story_id=visit.kwargs["pk"]).exists()))
#
# ``kwargs(people)`` builds the URL arguments and is called afresh for every role, so each role
# meets new objects (owned by ``people["contributor"]``; ``other_contributor`` is the stranger).
# ``data`` is a dict, or ``data(people)`` / ``data(people, kwargs)``.
# Every POST states its ``effect``: a check of the row, state or file it changes, given the
# ``Visit`` (people, role, user, kwargs, response). The walk demands that the effect happened
# for every role expected ``OK`` and did not happen for any other. A role that reaches the view
# but is turned away by the service (nothing changes) is expected ``REFUSED``.
# The page checks audit only ``answer=PAGE``; any other answer must be declared.
ROLES = ("anonymous", "contributor", "other_contributor", "outreach", "science", "admin")
OK, LOGIN, DENIED, REFUSED = "ok", "login", "denied", "refused"
PAGE, REDIRECT = "page", "redirect"


class Visit:
    """One role's request in the walk, as an effect check sees it."""

    def __init__(self, *, people: dict[str, Any], role: str, kwargs: dict[str, Any], response: Any) -> None:
        self.people = people
        self.role = role
        self.user = people.get(role)
        self.kwargs = kwargs
        self.response = response


class Effect:
    """What a POST changes (a row, a state, a file), in words and as a check."""

    def __init__(self, what: str, happened: Any) -> None:
        self.what = what
        self.happened = happened

    def __repr__(self) -> str:
        return f"Effect({self.what!r})"


class Access:
    """Who may open one named URL, what a GET answers and what a POST changes."""

    def __init__(
        self,
        name: str,
        *,
        expect: dict[str, str],
        kwargs: Any = None,
        method: str = "get",
        data: Any = None,
        effect: Effect | None = None,
        answer: str = PAGE,
    ) -> None:
        missing = set(ROLES) - set(expect)
        if missing:
            raise ValueError(f"{name}: declare access for {sorted(missing)}")
        self.name = name
        self.expect = expect
        self.kwargs = kwargs
        self.method = method
        self.data = data
        self.effect = effect
        self.answer = answer

    def __repr__(self) -> str:
        return f"Access({self.name!r})"

    def problems(self) -> list[str]:
        """What the declaration lacks, in words that say how to mend it."""
        found = []
        where = f"{self.name} (in <app>/tests/access.py)"
        if self.method != "get" and not isinstance(self.effect, Effect):
            found.append(
                f"{where}: a {self.method.upper()} must state its effect, e.g. "
                "effect=Effect('a comment on the story', lambda visit: ...) — see contributors/testing.py"
            )
        if self.method == "get" and self.effect is not None:
            found.append(f"{where}: a GET changes nothing; remove effect=")
        if self.method == "get" and self.answer not in (PAGE, REDIRECT) and "/" not in self.answer:
            found.append(f"{where}: answer= must be PAGE, REDIRECT or a content type, not {self.answer!r}")
        if REFUSED in self.expect.values() and self.effect is None:
            found.append(f"{where}: REFUSED needs an effect= that did not happen")
        return found

    def url_kwargs(self, people: dict[str, Any]) -> dict[str, Any]:
        return self.kwargs(people) if self.kwargs else {}

    def data_for(self, people: dict[str, Any], kwargs: dict[str, Any]) -> Any:
        if not callable(self.data):
            return self.data
        try:
            return self.data(people, kwargs)
        except TypeError:
            return self.data(people)


def answer_of(response: Any) -> str:
    """What a GET answered: PAGE, REDIRECT or the content type of anything else."""
    if response.status_code in (301, 302, 303, 307, 308):
        return REDIRECT
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    if response.status_code == 200 and content_type == "text/html":
        return PAGE
    return content_type or f"status {response.status_code}"


def everyone(outcome: str = OK, *, anonymous: str = LOGIN) -> dict[str, str]:
    return {role: (anonymous if role == "anonymous" else outcome) for role in ROLES}


def team_only() -> dict[str, str]:
    return {
        "anonymous": LOGIN,
        "contributor": DENIED,
        "other_contributor": DENIED,
        "outreach": OK,
        "science": DENIED,
        "admin": OK,
    }


def owner_and_team() -> dict[str, str]:
    return {
        "anonymous": LOGIN,
        "contributor": OK,
        "other_contributor": DENIED,
        "outreach": OK,
        "science": DENIED,
        "admin": OK,
    }


def outcome_of(response: Any) -> str:
    """Classify a response as a person would meet it (before any effect is looked at)."""
    if response.status_code in (401, 403, 404):
        return DENIED
    if response.status_code in (301, 302, 303, 307, 308):
        location = response.headers.get("Location", "")
        if "/accounts/login/" in location or "/admin/login/" in location:
            return LOGIN
        return OK
    if 200 <= response.status_code < 300:
        return OK
    return f"status {response.status_code}"
