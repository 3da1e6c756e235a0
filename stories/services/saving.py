"""Saving the edit form: one service applies everything the editor changed, in one transaction.

The view hands over the form's cleaned changes (fields, co-authors, photos' alt texts, removals,
order and "nobody recognisable", new people, new uploads); permission is checked once on the
locked story. What cannot be saved is refused item by item and reported in `SaveOutcome`;
everything else is kept, so a failed form loses neither what was typed nor a valid photo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import EditConflict, InvalidInput, NotAllowed, StoryError
from ..images import ImageRejected
from ..models import MAX_IMAGES, Story, StoryImage
from ..permissions import can_edit
from .common import locked
from .editing import story_update
from .people import person_add
from .photos import image_add, image_remove, image_reorder, image_update


@dataclass
class PhotoEdit:
    """What the editor did with one photo that was there."""

    image: StoryImage
    alt_text: str
    no_identifiable_person: bool
    remove: bool = False
    # New people shown, each with name, contact and consent_wording; saved all or none.
    people: list[dict[str, str]] = field(default_factory=list)


@dataclass
class SaveOutcome:
    """What was refused; empty when everything was saved."""

    conflict: EditConflict | None = None
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    field_message: str = ""
    # Photo id → field → problems.
    photo_errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    # Photo id → (index of the refused person row, field → problems).
    people_errors: dict[int, tuple[int, dict[str, list[str]]]] = field(default_factory=dict)
    upload_errors: list[str] = field(default_factory=list)
    order_error: str = ""

    @property
    def ok(self) -> bool:
        return not (
            self.conflict
            or self.field_errors
            or self.field_message
            or self.photo_errors
            or self.people_errors
            or self.upload_errors
            or self.order_error
        )


def _check_may_edit(user: Any, story: Story) -> None:
    if not can_edit(user, story):
        if story.is_author(user):
            raise NotAllowed(_("The story cannot be changed while the outreach team reviews it."))
        raise NotAllowed(_("You are not allowed to change this story."))


def story_save(
    *,
    story: Story,
    user: Any,
    expected_version: int | None = None,
    fields: dict[str, Any] | None = None,
    photos: list[PhotoEdit] | None = None,
    order: list[int] | None = None,
    uploads: list[Any] | None = None,
) -> SaveOutcome:
    """Apply the photos' changes, the new order, the uploads and (when `fields` is given, saved
    on top of `expected_version`) the story's fields. Raises NotAllowed if the user may not
    change the story at all; everything else refused is in the answer."""
    outcome = SaveOutcome()
    with transaction.atomic():
        _check_may_edit(user, locked(story))
        for edit in photos or []:
            _apply_photo(story, user, edit, outcome)
        if order is not None:
            try:
                with transaction.atomic():
                    image_reorder(story=story, user=user, image_ids=order)
            except InvalidInput as exc:
                outcome.order_error = str(exc.message)
        _add_uploads(story, user, uploads or [], outcome)
        if fields is not None:
            try:
                with transaction.atomic():
                    story_update(
                        story=story,
                        user=user,
                        expected_version=expected_version if expected_version is not None else -1,
                        **fields,
                    )
            except EditConflict as exc:
                outcome.conflict = exc
            except InvalidInput as exc:
                outcome.field_errors = exc.errors
                outcome.field_message = "" if exc.errors else str(exc.message)
    return outcome


def _apply_photo(story: Story, user: Any, edit: PhotoEdit, outcome: SaveOutcome) -> None:
    pk = edit.image.pk
    try:
        with transaction.atomic():
            if edit.remove:
                image_remove(image=edit.image, user=user)
                return
            image_update(
                image=edit.image,
                user=user,
                alt_text=edit.alt_text,
                no_identifiable_person=edit.no_identifiable_person,
            )
    except InvalidInput as exc:
        outcome.photo_errors[pk] = exc.errors or {"__all__": [str(exc.message)]}
    saved = 0
    try:
        # All or none: a refused row is marked with everything typed, and saving again must not
        # record the others twice.
        with transaction.atomic():
            for person in edit.people:
                person_add(image=edit.image, user=user, **person)
                saved += 1
    except InvalidInput as exc:
        outcome.people_errors[pk] = (saved, exc.errors or {"__all__": [str(exc.message)]})


def _add_uploads(story: Story, user: Any, uploads: list[Any], outcome: SaveOutcome) -> None:
    room = MAX_IMAGES - StoryImage.objects.filter(story=story).count()
    for upload in uploads:
        name = upload.name or _("(no name)")
        if room <= 0:
            outcome.upload_errors.append(
                _("%(name)s was not added: a story has at most %(max)d photos.")
                % {"name": name, "max": MAX_IMAGES}
            )
            continue
        try:
            with transaction.atomic():
                image_add(story=story, user=user, upload=upload)
        except (ImageRejected, StoryError) as exc:
            outcome.upload_errors.append(
                _("%(name)s was not added: %(reason)s") % {"name": name, "reason": exc.message}
            )
        else:
            room -= 1
