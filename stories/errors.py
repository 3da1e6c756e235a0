"""What the story services refuse with; the views turn each into a clear message."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy


class StoryError(Exception):
    """Something the person asked for cannot be done; `message` says why, in their language."""

    default_message: Promise | str = gettext_lazy("This cannot be done.")

    def __init__(self, message: Promise | str | None = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class TransitionNotAllowed(StoryError):
    default_message = gettext_lazy("The story is not in a state that allows this.")


class NotAllowed(StoryError):
    default_message = gettext_lazy("You are not allowed to do this.")


class InvalidInput(StoryError):
    """Values that do not fit; `errors` maps field names to messages (as a form shows them)."""

    default_message = gettext_lazy("Please correct the marked fields.")

    def __init__(self, errors: dict[str, list[str]], message: Promise | str | None = None) -> None:
        self.errors = errors
        super().__init__(message)


class LimitReached(InvalidInput):
    """One person added more within an hour than the settings allow (photos, new stories)."""

    def __init__(self, message: Promise | str) -> None:
        super().__init__({}, message)


class StepBlocked(StoryError):
    """The step is refused until everything in `missing` is done."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__()

    def __str__(self) -> str:
        return f"{self.message} " + " ".join(self.missing)


class SubmissionBlocked(StepBlocked):
    default_message = gettext_lazy("The story cannot be submitted yet.")


class ApprovalBlocked(StepBlocked):
    default_message = gettext_lazy("The story cannot be approved yet.")


class EditConflict(StoryError):
    """Someone saved the story since the editor loaded it.

    `mine` holds the values that were to be saved, `theirs` the stored values of the same
    fields, `current_version` the version to name when saving again after merging.
    """

    default_message = gettext_lazy(
        "Someone else changed this story while you were editing it. Your changes were not saved; "
        "compare both versions below."
    )

    def __init__(self, mine: dict[str, Any], theirs: dict[str, Any], current_version: int = 0) -> None:
        self.mine = mine
        self.theirs = theirs
        self.current_version = current_version
        super().__init__()
