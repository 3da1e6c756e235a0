"""Panels that higher apps add to a person's profile page (their training record, say).

Contributors knows nothing of the calendar: a higher app registers a function in its
AppConfig.ready():

    register_profile_panel(training_panel)

where ``training_panel(request, contributor)`` returns a Panel (html rendered with
render_to_string, so escaped by the template) or None when it has nothing to show.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Panel:
    title: str
    html: SafeString | str
    order: int = 100


PanelFunction = Callable[[Any, Any], "Panel | None"]
_panels: list[PanelFunction] = []


def register_profile_panel(func: PanelFunction) -> PanelFunction:
    """Add a panel function; registering twice has no effect."""
    if func not in _panels:
        _panels.append(func)
    return func


def profile_panels(request: Any, contributor: Any) -> list[Panel]:
    """The panels for this profile page, in order; a panel that fails is left out and logged."""
    panels = []
    for func in list(_panels):
        try:
            panel = func(request, contributor)
        except Exception:  # one app's broken panel must not take the profile page down
            logger.exception("Profile panel %s failed", getattr(func, "__name__", func))
            continue
        if panel is not None:
            panels.append(panel)
    return sorted(panels, key=lambda panel: panel.order)
