"""Walk the whole URLconf: every view of the project must declare who may open it, and does.

Each app lists its URLs in ``<app>/tests/access.py`` (``ACCESS = [Access(...), ...]``; the format
is described in ``contributors/testing.py``). A new view without a declaration fails here, and so
does a declaration the view does not keep: each role gets fresh objects, a GET must answer what is
declared (a page unless said otherwise), and a POST's declared effect must happen for the roles
allowed and for no other.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from contributors.testing import DENIED, LOGIN, OK, REFUSED, ROLES, Access, Visit, answer_of, outcome_of

PROJECT_APPS = ("contributors", "stories", "instagram", "scheduling", "analytics", "cmsatdesy_cms")
# Third-party views that keep their own rules; the admin is checked below.
THIRD_PARTY_MODULES = (
    "django.contrib.admin",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.views",
    "allauth",
)


def walk(patterns: list[Any], namespace: str = "") -> list[tuple[str, str]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            callback = entry.callback
            module = getattr(callback, "view_class", callback).__module__
            found.append((f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>", module))
    return found


def declared() -> dict[str, Access]:
    table: dict[str, Access] = {}
    for app in PROJECT_APPS:
        try:
            module = importlib.import_module(f"{app}.tests.access")
        except ModuleNotFoundError:
            continue
        for access in module.ACCESS:
            assert access.name not in table, f"{access.name} is declared twice"
            table[access.name] = access
    return table


def test_every_project_view_declares_its_access() -> None:
    table = declared()
    undeclared = []
    for name, module in walk(get_resolver().url_patterns):
        if module.split(".")[0] in PROJECT_APPS:
            if name not in table:
                undeclared.append(f"{name} ({module})")
        else:
            assert module.startswith(THIRD_PARTY_MODULES), f"{name} comes from {module}: declare it"
    assert not undeclared, "Views without declared access: " + ", ".join(undeclared)


def test_every_declaration_has_what_the_walk_needs() -> None:
    problems = [problem for access in declared().values() for problem in access.problems()]
    assert not problems, "\n".join(problems)


def visit(access: Access, role: str, people: dict[str, Any]) -> str:
    """One role's outcome, with objects made for this role alone."""
    kwargs = access.url_kwargs(people)
    url = reverse(access.name, kwargs=kwargs)
    client = Client()
    if role != "anonymous":
        client.force_login(people[role])
    response = getattr(client, access.method)(url, data=access.data_for(people, kwargs))
    outcome = outcome_of(response)
    if access.effect is not None:
        happened = access.effect.happened(Visit(people=people, role=role, kwargs=kwargs, response=response))
        if outcome == OK:
            return OK if happened else REFUSED
        if happened:
            return f"{outcome}, yet {access.effect.what} happened"
    elif outcome == OK and access.method == "get" and answer_of(response) != access.answer:
        return f"ok, but answered {answer_of(response)} where {access.answer} is declared"
    return outcome


@pytest.mark.parametrize("access", list(declared().values()), ids=lambda a: a.name)
def test_each_role_gets_the_declared_access(access: Access, people: dict[str, Any]) -> None:
    problems = access.problems()
    assert not problems, "\n".join(problems)
    seen = {role: visit(access, role, people) for role in ROLES}
    assert seen == access.expect, f"{access.name}: expected {access.expect}, got {seen}"


def test_admin_is_for_staff_only(people: dict[str, Any]) -> None:
    outcomes = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(people[role])
        outcomes[role] = outcome_of(client.get(reverse("admin:index")))
    assert outcomes == {
        "anonymous": LOGIN,
        "contributor": LOGIN,
        "other_contributor": LOGIN,
        "outreach": LOGIN,
        "science": LOGIN,
        "admin": OK,
    }
    assert DENIED not in outcomes.values()
