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


# --- Declared access, checked by the URLconf walk (cmsatdesy_cms/tests/test_permissions.py) ---
ROLES = ("anonymous", "contributor", "other_contributor", "outreach", "science", "admin")
OK, LOGIN, DENIED = "ok", "login", "denied"


class Access:
    """Who may open one named URL. ``kwargs(people)`` builds the URL arguments; objects it
    creates belong to ``people["contributor"]``, so ``other_contributor`` is the stranger."""

    def __init__(
        self,
        name: str,
        *,
        expect: dict[str, str],
        kwargs: Any = None,
        method: str = "get",
        data: Any = None,
    ) -> None:
        missing = set(ROLES) - set(expect)
        if missing:
            raise ValueError(f"{name}: declare access for {sorted(missing)}")
        self.name = name
        self.expect = expect
        self.kwargs = kwargs
        self.method = method
        self.data = data

    def __repr__(self) -> str:
        return f"Access({self.name!r})"


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
    """Classify a response as a person would meet it."""
    if response.status_code in (401, 403, 404):
        return DENIED
    if response.status_code in (301, 302, 303):
        location = response.headers.get("Location", "")
        if "/accounts/login/" in location or "/admin/login/" in location:
            return LOGIN
        return OK
    if 200 <= response.status_code < 300:
        return OK
    return f"status {response.status_code}"
