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

from contributors.panels import Panel, PanelRegistry

__all__ = [
    "ListedStory",
    "Panel",
    "register_story_list_figures",
    "register_story_next_steps",
    "register_story_panel",
    "story_list_figures",
    "story_next_steps",
    "story_panels",
    "unregister_story_list_figures",
    "unregister_story_next_steps",
    "unregister_story_panel",
]

logger = logging.getLogger(__name__)

_story = PanelRegistry("Story")
register_story_panel = _story.register
unregister_story_panel = _story.unregister
story_panels = _story.panels


# --- Figures on the list of one's stories -------------------------------------------------------
# A higher app registers ``func(stories) -> {story_pk: text}`` for a whole page of the list; it
# must answer in a constant number of queries, whatever the page holds. The list reads its rows as
# plain values, so ``stories`` are `ListedStory` records, not Story instances.


@dataclass(frozen=True)
class ListedStory:
    """A story of a page of the list, as the figure functions receive it."""

    pk: int
    status: str
    title: str


ListFigures = Callable[[list[ListedStory]], dict[int, str]]
_list_figures: list[ListFigures] = []


def register_story_list_figures(func: ListFigures) -> ListFigures:
    """Add a function that gives short figures per story for a page of the list."""
    if func not in _list_figures:
        _list_figures.append(func)
    return func


def unregister_story_list_figures(func: ListFigures) -> None:
    if func in _list_figures:
        _list_figures.remove(func)


def story_list_figures(stories: list[ListedStory]) -> dict[int, list[str]]:
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


# --- What happens next, on the list of one's stories --------------------------------------------
# The list says for each story what happens next from its status; a higher app that knows more
# (a post's date) registers ``func(stories) -> {story_pk: text}`` whose texts replace those. The
# same rules as for the figures: a whole page at once, in a constant number of queries.
_next_steps: list[ListFigures] = []


def register_story_next_steps(func: ListFigures) -> ListFigures:
    """Add a function that says what happens next for some stories of a page of the list."""
    if func not in _next_steps:
        _next_steps.append(func)
    return func


def unregister_story_next_steps(func: ListFigures) -> None:
    if func in _next_steps:
        _next_steps.remove(func)


def story_next_steps(stories: list[ListedStory]) -> dict[int, str]:
    """The registered functions' texts per story (a later function's text wins); a function that
    fails is left out and logged."""
    steps: dict[int, str] = {}
    for func in list(_next_steps):
        try:
            steps.update(func(stories))
        except Exception:  # one app's broken texts must not take the list down
            logger.exception("Story next steps %s failed", getattr(func, "__name__", func))
    return steps
