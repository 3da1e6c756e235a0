from __future__ import annotations

import pytest

from stories.diff import DELETE, EQUAL, INSERT, revision_diff, word_diff
from stories.models import StoryRevision


def test_word_diff_marks_only_the_changed_words() -> None:
    assert word_diff("The detector is big.", "The detector is huge.") == [
        (EQUAL, "The detector is "),
        (DELETE, "big"),
        (INSERT, "huge"),
        (EQUAL, "."),
    ]


def test_word_diff_of_equal_texts_has_no_changes() -> None:
    assert word_diff("Same 🎉", "Same 🎉") == [(EQUAL, "Same 🎉")]


def test_markup_stays_plain_text_for_the_template_to_escape() -> None:
    segments = word_diff("", "<script>alert(1)</script>")
    assert "".join(text for op, text in segments if op == INSERT) == "<script>alert(1)</script>"


@pytest.mark.django_db
def test_revision_diff_covers_title_caption_and_every_alt_text() -> None:
    a = StoryRevision(number=1, title="Night shift", caption="Coffee at 3 a.m.", alt_texts=["Screens."])
    b = StoryRevision(
        number=2, title="Night shift", caption="Coffee at 4 a.m.", alt_texts=["Rows of screens.", "A mug."]
    )
    diffs = revision_diff(a, b)
    assert [(d.field, d.label, d.changed) for d in diffs] == [
        ("title", "Title", False),
        ("caption", "Caption", True),
        ("alt_text", "Alt text of photo 1", True),
        ("alt_text", "Alt text of photo 2", True),
    ]
    assert (DELETE, "3") in diffs[1].segments and (INSERT, "4") in diffs[1].segments
    assert diffs[3].segments == [(INSERT, "A mug.")]
