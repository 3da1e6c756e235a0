"""Readable differences between two revisions of a story.

Photos are compared by identity, not position: a photo that moved is shown as moved, one that
came or went as added or removed, and for each photo kept, what changed in its alt text, crop,
people shown and their consent. A caption is compared sentence by sentence: each changed
sentence is shown whole, old beside new, with the changed words marked in each.

The result is structured (operation, text) segments and plain values; templates escape the
text, so nothing here produces markup.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .models import StoryRevision

EQUAL = "equal"
INSERT = "insert"
DELETE = "delete"

# Words, runs of white space (line breaks kept) and single punctuation marks, so that a changed
# comma does not mark the whole word around it as changed.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
# A sentence ends at . ! ? … (with any closing quotes or brackets) followed by white space, or at
# a line break; the white space stays with the sentence before it.
_SENTENCES = re.compile(r"[^\n]*?(?:[.!?…]+[\"'”“»)\]]*(?=\s)|\n|$)\s*")

Segments = list[tuple[str, str]]


@dataclass
class FieldDiff:
    field: str  # "title", "caption" or "alt_text"
    label: str  # translated, e.g. "Alt text of photo 2"
    segments: Segments = dataclasses.field(default_factory=list)  # (EQUAL | INSERT | DELETE, text)

    @property
    def changed(self) -> bool:
        return any(op != EQUAL for op, _text in self.segments)


@dataclass
class SentencePair:
    """One place in the caption: the old sentence(s) and the new, each whole, words marked."""

    old: Segments
    new: Segments

    @property
    def changed(self) -> bool:
        return any(op != EQUAL for op, _text in self.old + self.new)


@dataclass
class PhotoChange:
    """What happened to one photo between two revisions."""

    label: str  # "Photo 2" (its number in the newer revision, or in the older if removed)
    kind: str  # "added", "removed", "kept"
    old_number: int | None
    new_number: int | None
    notes: list[str] = dataclasses.field(default_factory=list)  # one sentence per change
    alt_text: FieldDiff | None = None

    @property
    def moved(self) -> bool:
        return self.kind == "kept" and self.old_number != self.new_number

    @property
    def changed(self) -> bool:
        return self.kind != "kept" or self.moved or bool(self.notes) or bool(self.alt_text)


def tokenize(text: str) -> list[str]:
    return _TOKENS.findall(text)


def word_diff(old: str, new: str) -> Segments:
    """Segments that turn `old` into `new`; neighbouring segments of one kind are merged."""
    a, b = tokenize(old or ""), tokenize(new or "")
    segments: Segments = []

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


def _only(segments: Segments, keep: str) -> Segments:
    """One side of a word diff: the equal text and the words of one kind (`keep`)."""
    return [(op, text) for op, text in segments if op in (EQUAL, keep)]


def sentences(text: str) -> list[str]:
    return [part for part in _SENTENCES.findall(text or "") if part]


def sentence_diff(old: str, new: str) -> list[SentencePair]:
    """The caption, place by place: unchanged sentences once, changed ones old beside new."""
    a, b = sentences(old), sentences(new)
    pairs: list[SentencePair] = []
    matcher = difflib.SequenceMatcher(None, [s.strip() for s in a], [s.strip() for s in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for sentence in a[i1:i2]:
                pairs.append(SentencePair([(EQUAL, sentence)], [(EQUAL, sentence)]))
            continue
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        words = word_diff(before, after)
        pairs.append(SentencePair(_only(words, DELETE), _only(words, INSERT)))
    return pairs


def _consent(person: dict[str, Any]) -> str:
    return str(person.get("consent") or "none")


def _consent_text(state: str) -> str:
    return {
        "given": _("consent recorded"),
        "withdrawn": _("consent withdrawn"),
    }.get(state, _("no consent recorded"))


def _people_notes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    notes = []
    if bool(old.get("no_identifiable_person")) != bool(new.get("no_identifiable_person")):
        notes.append(
            _("Now marked: nobody can be recognised.")
            if new.get("no_identifiable_person")
            else _("No longer marked as showing nobody who can be recognised.")
        )
    before = {person["id"]: person for person in old.get("people", [])}
    after = {person["id"]: person for person in new.get("people", [])}
    for pk, person in after.items():
        if pk not in before:
            notes.append(
                _("Person added: %(name)s (%(consent)s).")
                % {"name": person["name"], "consent": _consent_text(_consent(person))}
            )
        elif _consent(before[pk]) != _consent(person):
            notes.append(
                _("%(name)s: %(before)s → %(after)s.")
                % {
                    "name": person["name"],
                    "before": _consent_text(_consent(before[pk])),
                    "after": _consent_text(_consent(person)),
                }
            )
    for pk, person in before.items():
        if pk not in after:
            notes.append(_("Person removed: %(name)s.") % {"name": person["name"]})
    return notes


def photo_diff(old_photos: list[dict[str, Any]], new_photos: list[dict[str, Any]]) -> list[PhotoChange]:
    """Each photo of either revision, matched by id: added, removed, or kept (moved or not)."""
    old_numbers = {photo["id"]: number for number, photo in enumerate(old_photos, start=1)}
    old_by_id = {photo["id"]: photo for photo in old_photos}
    changes = []
    for number, photo in enumerate(new_photos, start=1):
        label = _("Photo %(number)d") % {"number": number}
        old = old_by_id.get(photo["id"])
        if old is None:
            change = PhotoChange(label, "added", None, number, [_("Added.")])
            people = [
                _("%(name)s (%(consent)s)")
                % {"name": person["name"], "consent": _consent_text(_consent(person))}
                for person in photo.get("people", [])
            ]
            if people:
                change.notes.append(_("People shown: %(people)s.") % {"people": ", ".join(people)})
            changes.append(change)
            continue
        change = PhotoChange(label, "kept", old_numbers[photo["id"]], number)
        if change.moved:
            change.notes.append(
                _("Moved from position %(old)d to %(new)d.") % {"old": change.old_number, "new": number}
            )
        if (old.get("alt_text") or "") != (photo.get("alt_text") or ""):
            change.alt_text = FieldDiff(
                "alt_text",
                _("Alt text of photo %(number)d") % {"number": number},
                word_diff(old.get("alt_text") or "", photo.get("alt_text") or ""),
            )
        if old.get("crop") != photo.get("crop"):
            change.notes.append(_("The crop changed."))
        change.notes.extend(_people_notes(old, photo))
        changes.append(change)
    new_ids = {photo["id"] for photo in new_photos}
    for number, photo in enumerate(old_photos, start=1):
        if photo["id"] not in new_ids:
            changes.append(
                PhotoChange(
                    _("Former photo %(number)d") % {"number": number},
                    "removed",
                    number,
                    None,
                    [_("Removed.")],
                )
            )
    return changes


def _legacy_photos(revision: StoryRevision) -> list[dict[str, Any]]:
    """Revisions stored before photos were recorded by id: their alt texts, by position."""
    return [
        {"id": f"position-{number}", "alt_text": str(alt)}
        for number, alt in enumerate(revision.alt_texts or [], start=1)
    ]


def revision_diff(a: StoryRevision, b: StoryRevision) -> dict[str, Any]:
    """What changed from revision `a` to revision `b`: title and caption (`fields`), the caption
    sentence by sentence (`caption`), and the photos by identity (`photos`)."""
    if a.photos and b.photos:
        old_photos, new_photos = list(a.photos), list(b.photos)
    else:
        old_photos, new_photos = _legacy_photos(a), _legacy_photos(b)
    return {
        "fields": [
            FieldDiff("title", _("Title"), word_diff(a.title, b.title)),
            FieldDiff("caption", _("Caption"), word_diff(a.caption, b.caption)),
        ],
        "caption": sentence_diff(a.caption, b.caption),
        "photos": photo_diff(old_photos, new_photos),
    }


def photo_snapshot(images: Any) -> list[dict[str, Any]]:
    """The photos as a revision keeps them (`StoryRevision.photos`), in order."""
    snapshot = []
    for image in images:
        crop = image.crop
        snapshot.append(
            {
                "id": image.pk,
                "alt_text": image.alt_text,
                "no_identifiable_person": image.no_identifiable_person,
                "crop": [round(v, 4) for v in (crop.x, crop.y, crop.width, crop.height)] if crop else None,
                "people": [
                    {
                        "id": person.pk,
                        "name": person.name,
                        "consent": "withdrawn"
                        if person.consent_withdrawn_at
                        else ("given" if person.consent_given else "none"),
                    }
                    for person in image.people.all()
                ],
            }
        )
    return snapshot
