"""Panels that higher apps add to the story page (a post's state, its reach).

Stories knows nothing of posts: a higher app registers a function in its AppConfig.ready():

    register_story_panel(post_panel)

where ``post_panel(request, story)`` returns a Panel (its html rendered with render_to_string,
so escaped by the template) or None when it has nothing to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from contributors.panels import Hooks, Panel, PanelRegistry

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
_list_figures = Hooks("Story list figures")
register_story_list_figures = _list_figures.register
unregister_story_list_figures = _list_figures.unregister


def story_list_figures(stories: list[ListedStory]) -> dict[int, list[str]]:
    """Every registered function's texts per story; a function that fails is left out and logged."""
    figures: dict[int, list[str]] = {}
    for answers in _list_figures.answers(stories):
        for story_pk, text in answers.items():
            figures.setdefault(story_pk, []).append(text)
    return figures


# --- What happens next, on the list of one's stories --------------------------------------------
# The list says for each story what happens next from its status; a higher app that knows more
# (a post's date) registers ``func(stories) -> {story_pk: text}`` whose texts replace those. The
# same rules as for the figures: a whole page at once, in a constant number of queries.
_next_steps = Hooks("Story next steps")
register_story_next_steps = _next_steps.register
unregister_story_next_steps = _next_steps.unregister


def story_next_steps(stories: list[ListedStory]) -> dict[int, str]:
    """The registered functions' texts per story (a later function's text wins); a function that
    fails is left out and logged."""
    steps: dict[int, str] = {}
    for answers in _next_steps.answers(stories):
        steps.update(answers)
    return steps
