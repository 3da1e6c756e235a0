"""Readable, word-level differences between two revisions of a story.

The result is structured (operation, text) segments; templates escape the text, so nothing
here produces markup.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import StoryRevision

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"

# Words, runs of white space (line breaks kept) and single punctuation marks, so that a changed
# comma does not mark the whole word around it as changed.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass
class FieldDiff:
    field: str  # "title", "caption" or "alt_text"
    label: str  # translated, e.g. "Alt text of photo 2"
    segments: list[tuple[str, str]] = dataclasses.field(
        default_factory=list
    )  # (EQUAL | INSERT | DELETE, text)

    @property
    def changed(self) -> bool:
        return any(op != EQUAL for op, _text in self.segments)


def tokenize(text: str) -> list[str]:
    return _TOKENS.findall(text)


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Segments that turn `old` into `new`; neighbouring segments of one kind are merged."""
    a, b = tokenize(old or ""), tokenize(new or "")
    segments: list[tuple[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if segments and segments[-1][0] == op:
            segments[-1] = (op, segments[-1][1] + text)
        else:
            segments.append((op, text))

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(EQUAL, "".join(a[i1:i2]))
        else:
            # A replacement reads best as "old words struck out, new words inserted".
            add(DELETE, "".join(a[i1:i2]))
            add(INSERT, "".join(b[j1:j2]))
    return segments


def revision_diff(a: StoryRevision, b: StoryRevision) -> list[FieldDiff]:
    """What changed from revision `a` to revision `b`: title, caption, then each photo's alt text."""
    diffs = [
        FieldDiff("title", _("Title"), word_diff(a.title, b.title)),
        FieldDiff("caption", _("Caption"), word_diff(a.caption, b.caption)),
    ]
    old_alts, new_alts = list(a.alt_texts or []), list(b.alt_texts or [])
    for index in range(max(len(old_alts), len(new_alts))):
        old = old_alts[index] if index < len(old_alts) else ""
        new = new_alts[index] if index < len(new_alts) else ""
        diffs.append(
            FieldDiff(
                "alt_text",
                _("Alt text of photo %(number)d") % {"number": index + 1},
                word_diff(str(old), str(new)),
            )
        )
    return diffs
