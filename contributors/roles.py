"""Who may do what: the roles of the design, as Django groups plus staff."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CONTRIBUTORS = "Contributors"
OUTREACH_TEAM = "Outreach team"
SCIENCE_REVIEWERS = "Science reviewers"


@dataclass(frozen=True)
class Roles:
    authenticated: bool = False
    contributor: bool = False
    outreach: bool = False
    science: bool = False
    admin: bool = False

    @property
    def team(self) -> bool:
        """The outreach team, or an admin acting as one."""
        return self.outreach or self.admin


def members(group: str) -> Any:
    """The active users of `group` (one of the names above), by id."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(groups__name=group, is_active=True).distinct().order_by("pk")


def group_names(user: Any) -> frozenset[str]:
    """The user's group names, read once per request object."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_cms_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._cms_group_names = cached
    return cached


def roles_of(user: Any) -> Roles:
    if user is None or not user.is_authenticated:
        return Roles()
    names = group_names(user)
    return Roles(
        authenticated=True,
        contributor=CONTRIBUTORS in names,
        outreach=OUTREACH_TEAM in names,
        science=SCIENCE_REVIEWERS in names,
        admin=bool(user.is_staff),
    )
