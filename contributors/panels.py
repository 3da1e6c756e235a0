"""Panels that higher apps add to a person's profile page (their training record, say).

Contributors knows nothing of the calendar: a higher app registers a function in its
AppConfig.ready():

    register_profile_panel(training_panel)

where ``training_panel(request, contributor)`` returns a Panel (html rendered with
render_to_string, so escaped by the template) or None when it has nothing to show.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Panel:
    title: str
    html: SafeString | str
    order: int = 100


class Hooks:
    """Functions that higher apps register for a lower app to call (a lower app never imports a
    higher one). ``answers(*args)`` calls each in turn; a function that fails is left out and
    logged, so one app's broken contribution never takes the page down."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._functions: list[Callable[..., Any]] = []

    def register(self, func: Any) -> Any:
        """Add a function (usable as a decorator); registering twice has no effect."""
        if func not in self._functions:
            self._functions.append(func)
        return func

    def unregister(self, func: Any) -> None:
        if func in self._functions:
            self._functions.remove(func)

    def answers(self, *args: Any) -> Iterator[Any]:
        for func in list(self._functions):
            try:
                answer = func(*args)
            except Exception:  # one app's failure must not take the page down
                logger.exception("%s %s failed", self.name, getattr(func, "__name__", func))
                continue
            yield answer


class PanelRegistry(Hooks):
    """The panel functions that higher apps register for one kind of page (a profile, a story).

    ``panels(request, obj)`` calls each with the page's object and returns the panels in order."""

    def __init__(self, page: str) -> None:
        super().__init__(f"{page} panel")

    def panels(self, request: Any, obj: Any) -> list[Panel]:
        found = [panel for panel in self.answers(request, obj) if panel is not None]
        return sorted(found, key=lambda panel: panel.order)


_profile = PanelRegistry("Profile")
register_profile_panel = _profile.register
profile_panels = _profile.panels
