from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from contributors.roles import Roles, roles_of
from instagram.banners import token_banners

# (url name, label, who sees it). The views check access again; this only hides links.
NAVIGATION = [
    ("stories:mine", _("My stories"), "contributor"),
    ("stories:new", _("Tell a story"), "contributor"),
    ("stories:review_queue", _("Review"), "team_or_science"),
    ("scheduling:calendar", _("Calendar"), "team"),
    ("scheduling:leads", _("Leads"), "team"),
    ("analytics:dashboard", _("Analytics"), "team"),
    ("instagram:status", _("Instagram"), "team"),
]


def _visible(roles: Roles, who: str) -> bool:
    if who == "contributor":
        return roles.authenticated
    if who == "team":
        return roles.outreach or roles.admin
    if who == "team_or_science":
        return roles.outreach or roles.science or roles.admin
    return False


def navigation(request: HttpRequest) -> dict[str, object]:
    """What the navigation offers this user."""
    roles = roles_of(getattr(request, "user", None))
    items = []
    for name, label, who in NAVIGATION:
        if not _visible(roles, who):
            continue
        try:
            items.append({"url": reverse(name), "label": label, "name": name})
        except NoReverseMatch:
            continue  # that part of the product is not installed
    # Banners above every page (base.html): one cached query, for the team only.
    banners = token_banners(getattr(request, "user", None))
    return {"roles": roles, "nav_items": items, "page_banners": banners}
