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


class PanelRegistry:
    """The panel functions that higher apps register for one kind of page (a profile, a story).

    ``panels(request, obj)`` calls each with the page's object and returns the panels in order;
    a function that fails is left out and logged, so one app's broken panel never takes the page
    down."""

    def __init__(self, page: str) -> None:
        self.page = page
        self._functions: list[PanelFunction] = []

    def register(self, func: PanelFunction) -> PanelFunction:
        """Add a panel function (usable as a decorator); registering twice has no effect."""
        if func not in self._functions:
            self._functions.append(func)
        return func

    def unregister(self, func: PanelFunction) -> None:
        if func in self._functions:
            self._functions.remove(func)

    def panels(self, request: Any, obj: Any) -> list[Panel]:
        found = []
        for func in list(self._functions):
            try:
                panel = func(request, obj)
            except Exception:  # one app's broken panel must not take the page down
                logger.exception(
                    "%s panel %s failed for %s",
                    self.page,
                    getattr(func, "__name__", func),
                    getattr(obj, "pk", obj),
                )
                continue
            if panel is not None:
                found.append(panel)
        return sorted(found, key=lambda panel: panel.order)


_profile = PanelRegistry("Profile")
register_profile_panel = _profile.register
profile_panels = _profile.panels
