from __future__ import annotations

import pytest

from stories.diff import DELETE, EQUAL, INSERT, photo_diff, revision_diff, sentence_diff, word_diff
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
def test_revisions_kept_before_photos_were_recorded_compare_alt_texts_by_position() -> None:
    a = StoryRevision(number=1, title="Night shift", caption="Coffee at 3 a.m.", alt_texts=["Screens."])
    b = StoryRevision(
        number=2, title="Night shift", caption="Coffee at 4 a.m.", alt_texts=["Rows of screens.", "A mug."]
    )
    diff = revision_diff(a, b)
    assert [(d.field, d.label, d.changed) for d in diff["fields"]] == [
        ("title", "Title", False),
        ("caption", "Caption", True),
    ]
    assert (DELETE, "3") in diff["fields"][1].segments and (INSERT, "4") in diff["fields"][1].segments
    first, second = diff["photos"]
    assert first.alt_text is not None and first.alt_text.label == "Alt text of photo 1"
    assert (second.kind, second.notes) == ("added", ["Added."])


def test_a_changed_caption_sentence_is_shown_whole_old_beside_new() -> None:
    old = "We run CMS around the clock. Coffee helps at 3 a.m.! Join us."
    new = "We run CMS around the clock. Tea helps at 4 a.m.! Join us."
    pairs = sentence_diff(old, new)
    assert [pair.changed for pair in pairs] == [False, True, False]
    changed = pairs[1]
    assert "".join(text for _op, text in changed.old) == "Coffee helps at 3 a.m.! "
    assert "".join(text for _op, text in changed.new) == "Tea helps at 4 a.m.! "
    assert (DELETE, "Coffee") in changed.old and (INSERT, "Tea") in changed.new
    assert all(op != INSERT for op, _text in changed.old) and all(op != DELETE for op, _text in changed.new)


def test_photos_are_compared_by_identity() -> None:
    old = [
        {"id": 1, "alt_text": "Lea.", "crop": [0, 0, 1, 1], "people": []},
        {
            "id": 2,
            "alt_text": "Detector.",
            "crop": [0, 0, 1, 1],
            "people": [],
            "no_identifiable_person": True,
        },
        {"id": 3, "alt_text": "Mug.", "crop": None, "people": []},
    ]
    new = [
        {
            "id": 2,
            "alt_text": "Detector.",
            "crop": [0, 0, 1, 1],
            "people": [],
            "no_identifiable_person": True,
        },
        {
            "id": 1,
            "alt_text": "Lea.",
            "crop": [0.1, 0, 0.8, 1],
            "people": [{"id": 9, "name": "Lea", "consent": "given"}],
        },
        {"id": 4, "alt_text": "Screens.", "crop": None, "people": []},
    ]
    changes = {change.label: change for change in photo_diff(old, new)}
    assert changes["Photo 1"].notes == ["Moved from position 2 to 1."]
    assert changes["Photo 2"].notes == [
        "Moved from position 1 to 2.",
        "The crop changed.",
        "Person added: Lea (consent recorded).",
    ]
    assert changes["Photo 3"].kind == "added"
    assert changes["Former photo 3"].notes == ["Removed."]
