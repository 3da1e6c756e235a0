"""Panels that higher apps add to the story page (a post's state, its reach).

Stories knows nothing of posts: a higher app registers a function in its AppConfig.ready():

    register_story_panel(post_panel)

where ``post_panel(request, story)`` returns a Panel (its html rendered with render_to_string,
so escaped by the template) or None when it has nothing to show.
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


def register_story_panel(func: PanelFunction) -> PanelFunction:
    """Add a panel function (usable as a decorator); registering twice has no effect."""
    if func not in _panels:
        _panels.append(func)
    return func


def unregister_story_panel(func: PanelFunction) -> None:
    if func in _panels:
        _panels.remove(func)


def story_panels(request: Any, story: Any) -> list[Panel]:
    """The panels for this story page, in order; a panel that fails is left out and logged."""
    panels = []
    for func in list(_panels):
        try:
            panel = func(request, story)
        except Exception:  # one app's broken panel must not take the story page down
            logger.exception("Story panel %s failed for story %s", getattr(func, "__name__", func), story.pk)
            continue
        if panel is not None:
            panels.append(panel)
    return sorted(panels, key=lambda panel: panel.order)


# --- Figures on the list of one's stories -------------------------------------------------------
# A higher app registers ``func(stories) -> {story_pk: text}`` for a whole page of the list; it
# must answer in a constant number of queries, whatever the page holds.
ListFigures = Callable[[list[Any]], dict[int, str]]
_list_figures: list[ListFigures] = []


def register_story_list_figures(func: ListFigures) -> ListFigures:
    """Add a function that gives short figures per story for a page of the list."""
    if func not in _list_figures:
        _list_figures.append(func)
    return func


def story_list_figures(stories: list[Any]) -> dict[int, list[str]]:
    """Every registered function's texts per story; a function that fails is left out and logged."""
    figures: dict[int, list[str]] = {}
    for func in list(_list_figures):
        try:
            answers = func(stories)
        except Exception:  # one app's broken figures must not take the list down
            logger.exception("Story list figures %s failed", getattr(func, "__name__", func))
            continue
        for story_pk, text in answers.items():
            figures.setdefault(story_pk, []).append(text)
    return figures
