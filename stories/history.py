"""The story's History: each audit row told as a sentence in the reader's language.

Rows store codes (`kind`, states, `params`); the sentence is made here, when it is shown, so a
German reader reads German whatever language the actor used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from .models import EventKind, Status, Story, StoryEvent
from .workflow import ACTIONS

# What the actor did, for rows that are no workflow action (those say it in the table).
_PAST: dict[str, Promise] = {
    EventKind.CREATED: gettext_lazy("created the story"),
    EventKind.EDITED: gettext_lazy("changed %(fields)s"),
    EventKind.CO_AUTHORS_CHANGED: gettext_lazy("changed the co-authors"),
    EventKind.CO_AUTHOR_INVITED: gettext_lazy("invited %(name)s to co-author the story"),
    EventKind.CO_AUTHOR_ACCEPTED: gettext_lazy("accepted to co-author the story"),
    EventKind.CO_AUTHOR_DECLINED: gettext_lazy("declined to co-author the story"),
    EventKind.PHOTO_ADDED: gettext_lazy("added photo %(number)s"),
    EventKind.VIDEO_ADDED: gettext_lazy("added a video"),
    EventKind.VIDEO_SHORTENED: gettext_lazy("chose to keep the first %(seconds)s seconds of the video"),
    EventKind.VIDEO_SETTINGS: gettext_lazy("changed the video's cover or feed setting"),
    EventKind.VIDEO_REMOVED: gettext_lazy("removed the video"),
    EventKind.PHOTO_CHANGED: gettext_lazy("changed %(fields)s of photo %(number)s"),
    EventKind.PHOTO_CROPPED: gettext_lazy("changed the crop of photo %(number)s"),
    EventKind.PHOTO_REMOVED: gettext_lazy("removed photo %(number)s"),
    EventKind.PHOTOS_REORDERED: gettext_lazy("put the photos in a new order (%(order)s)"),
    EventKind.CAROUSEL_RATIO_CHANGED: gettext_lazy("set the ratio of the carousel to %(ratio)s"),
    EventKind.PERSON_ADDED: gettext_lazy("recorded the consent of a person shown in photo %(number)s"),
    EventKind.PERSON_REMOVED: gettext_lazy("removed a person recorded in photo %(number)s"),
    EventKind.CONSENT_WITHDRAWN: gettext_lazy(
        "recorded that a person shown in photo %(number)s withdrew their consent"
    ),
    EventKind.PERSON_FORGOTTEN: gettext_lazy(
        "erased the name and contact of a person shown in photo %(number)s"
    ),
}
_FIELD_NAMES: dict[str, Promise] = {
    "title": gettext_lazy("the title"),
    "objective": gettext_lazy("the objective"),
    "format": gettext_lazy("the format"),
    "caption": gettext_lazy("the caption"),
    "result_reference": gettext_lazy("the related result"),
    "publication": gettext_lazy("the related result"),
    "preferred_from": gettext_lazy("the preferred dates"),
    "preferred_until": gettext_lazy("the preferred dates"),
    "alt_text": gettext_lazy("the alt text"),
    "no_identifiable_person": gettext_lazy("whether a person can be recognised"),
    # What the admin's story form holds besides the fields above.
    "author": gettext_lazy("the author"),
    "co_authors": gettext_lazy("the co-authors"),
    "carousel_ratio": gettext_lazy("the ratio of the carousel"),
    "reviewer": gettext_lazy("who reviews it"),
    "rejection_reason": gettext_lazy("the reason for rejection"),
    "published_at": gettext_lazy("the time it went live"),
    "science_signoff": gettext_lazy("the science sign-off"),
    # What the admin's photo form holds besides the fields above.
    "story": gettext_lazy("the story it belongs to"),
    "position": gettext_lazy("the position"),
    "original_name": gettext_lazy("the file name"),
    "rendition_width": gettext_lazy("the size of the rendition"),
    "rendition_height": gettext_lazy("the size of the rendition"),
    "crop_x": gettext_lazy("the crop"),
    "crop_y": gettext_lazy("the crop"),
    "crop_width": gettext_lazy("the crop"),
    "crop_height": gettext_lazy("the crop"),
    "crop_by_hand": gettext_lazy("the crop"),
    "crop_refitted": gettext_lazy("the crop"),
    "processing_state": gettext_lazy("the processing state"),
    "people": gettext_lazy("the consent records"),
}
_ADMIN_CHANGED = gettext_lazy("changed in the admin: %(changes)s")
_ADMIN_PHOTO = gettext_lazy("photo %(number)s (%(fields)s)")
_ADMIN_PHOTO_REMOVED = gettext_lazy("photo %(number)s (removed)")


@dataclass(frozen=True)
class Line:
    when: datetime
    actor: Any
    what: str
    from_status: str
    to_status: str
    # Who came and went, for a change of co-authors.
    added: list[str]
    removed: list[str]
    text: str


def _fields(names: list[str]) -> str:
    labels: list[str] = []
    for name in names:
        label = str(_FIELD_NAMES.get(name, name))
        if label not in labels:
            labels.append(label)
    return ", ".join(labels)


def _admin_changes(params: dict[str, Any]) -> str:
    changes = [_fields(list(params.get("fields", [])))] if params.get("fields") else []
    changes.extend(
        str(_ADMIN_PHOTO) % {"fields": _fields(list(photo.get("fields", []))), "number": photo.get("number")}
        for photo in params.get("photos", [])
    )
    changes.extend(
        str(_ADMIN_PHOTO_REMOVED) % {"number": number} for number in params.get("removed_photos", [])
    )
    return str(_ADMIN_CHANGED) % {"changes": ", ".join(changes)}


def describe(event: StoryEvent) -> str:
    """What the actor did, in the active language."""
    action = ACTIONS.get(event.kind)
    if action is not None:
        return str(action.past)
    if event.kind == EventKind.ADMIN_CHANGED:
        return _admin_changes(event.params or {})
    pattern = _PAST.get(event.kind)
    if pattern is None:
        return event.kind
    params = event.params or {}
    values = {
        "number": params.get("number", "?"),
        "fields": _fields(list(params.get("fields", []))),
        "order": ", ".join(str(number) for number in params.get("order", [])),
        "name": params.get("name", ""),
        "ratio": params.get("ratio") or gettext_lazy("that of its first photo"),
        "seconds": params.get("seconds", "?"),
    }
    return str(pattern) % values


def _status_label(code: str) -> str:
    return str(Status(code).label) if code in Status.values else code


def lines(story: Story) -> list[Line]:
    events = StoryEvent.objects.filter(story=story).select_related("actor__contributor")
    return [
        Line(
            when=event.created_at,
            actor=event.actor,
            what=describe(event),
            from_status=_status_label(event.from_status) if event.from_status else "",
            to_status=_status_label(event.to_status) if event.to_status else "",
            added=list((event.params or {}).get("added", [])),
            removed=list((event.params or {}).get("removed", [])),
            text=event.text,
        )
        for event in events
    ]


def reason_for_state(story: Story) -> tuple[str, str] | None:
    """The text given with the step that brought the story into its state (what to change, why
    it was rejected or put on hold), with the label it was asked for under; or None."""
    event = (
        StoryEvent.objects.filter(story=story, to_status=story.status)
        .exclude(text="")
        .order_by("-pk")
        .first()
    )
    if event is None:
        return None
    action = ACTIONS.get(event.kind)
    if action is None or action.text_label is None:
        return None
    return str(action.text_label), event.text
