"""The main navigation: one entry per page that exists, and who sees its link.

Add an entry when its page exists, and only then: every entry is reversed on every page, so a
wrong URL name fails every test that renders a page instead of hiding a link. The views check
access again; this only decides which links to offer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contributors.roles import Roles


def signed_in(roles: Roles) -> bool:
    return roles.authenticated


def team(roles: Roles) -> bool:
    return roles.team


def team_or_science(roles: Roles) -> bool:
    return roles.team or roles.science


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    shown_to: Callable[[Roles], bool]

    def url(self) -> str:
        return reverse(self.url_name)


NAVIGATION: list[NavEntry] = [
    NavEntry("stories:mine", _("My stories"), signed_in),
    NavEntry("stories:new", _("Tell a story"), signed_in),
    NavEntry("stories:review_queue", _("Review"), team_or_science),
    NavEntry("scheduling:calendar", _("Calendar"), team),
    NavEntry("scheduling:leads", _("Leads"), team),
    NavEntry("scheduling:training", _("Training"), team),
    NavEntry("analytics:dashboard", _("Analytics"), team),
    NavEntry("instagram:status", _("Instagram"), team),
]


def entries_for(roles: Roles) -> list[dict[str, object]]:
    return [
        {"url": entry.url(), "label": entry.label, "name": entry.url_name}
        for entry in NAVIGATION
        if entry.shown_to(roles)
    ]
