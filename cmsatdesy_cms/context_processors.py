from django.http import HttpRequest

from contributors.roles import roles_of
from instagram.banners import token_banners

from . import navigation as main_navigation


def navigation(request: HttpRequest) -> dict[str, object]:
    """What the navigation offers this user (see navigation.py for the entries)."""
    roles = roles_of(getattr(request, "user", None))
    # Banners above every page (base.html): one cached query, for the team only.
    banners = token_banners(getattr(request, "user", None))
    return {"roles": roles, "nav_items": main_navigation.entries_for(roles), "page_banners": banners}
