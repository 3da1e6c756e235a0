"""Writing a story: creating a draft, saving edits (with a conflict check), linking its result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from contributors.models import Contributor, Publication

from ..errors import EditConflict, InvalidInput, NotAllowed
from ..models import CoAuthorInvitation, EventKind, Status, Story, StoryEvent
from ..permissions import can_edit
from ..validators import parse_result_reference
from .common import check_hourly_limit, locked, now, record, sync
from .notices import notify

# Fields of a story that story_create and story_update accept besides the required ones.
EDITABLE_FIELDS = (
    "title",
    "objective",
    "format",
    "caption",
    "result_reference",
    "publication",
    "preferred_from",
    "preferred_until",
)


def link_result(reference: str) -> Publication | None:
    """The publication an arXiv id, DOI or CMS result id names, or None while no import knows it.

    An unknown reference creates nothing: a Publication row typed into being could be filled by
    anyone, and its title shown as if it were the group's result. The story keeps the reference
    (and still needs the science sign-off) until an import of publications brings the result.
    Raises InvalidInput for anything that is not a reference.
    """
    try:
        parsed = parse_result_reference(reference)
    except ValidationError as exc:
        raise InvalidInput({"result_reference": list(exc.messages)}, exc.messages[0]) from None
    lookup = {
        "arxiv": "arxiv_id__iexact",
        "doi": "doi__iexact",
        "cms": "cms_id__iexact",
    }[parsed.kind]
    return Publication.objects.filter(**{lookup: parsed.value}).order_by("pk").first()


# ---------------------------------------------------------------------------------------------
# Stories


def _clean_fields(story: Story, fields: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise editable fields; raise InvalidInput with every problem at once."""
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"co_authors"}
    if unknown:
        raise TypeError(f"Fields that cannot be edited: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "co_authors":
            continue
        if name in ("title", "caption", "result_reference") and isinstance(value, str):
            value = value.strip()
        if name == "publication":
            cleaned[name] = value
            continue
        field = Story._meta.get_field(name)
        try:
            cleaned[name] = field.clean(value, story)  # type: ignore[union-attr]
        except ValidationError as exc:
            errors[name] = list(exc.messages)
    start = cleaned.get(
        "preferred_from",
        story.preferred_from if "preferred_from" not in fields else None,
    )
    end = cleaned.get(
        "preferred_until",
        story.preferred_until if "preferred_until" not in fields else None,
    )
    if start and end and end < start:
        errors.setdefault("preferred_until", []).append(
            _("The end of the preferred period is before its start.")
        )
    reference = cleaned.get("result_reference")
    if reference and "publication" not in fields:
        try:
            cleaned["publication"] = link_result(reference)
        except InvalidInput as exc:
            errors.update(exc.errors)
    elif "result_reference" in fields and not reference and "publication" not in fields:
        cleaned["publication"] = None
    if errors:
        raise InvalidInput(errors)
    return cleaned


def _co_authors(author: Contributor, co_authors: Iterable[Contributor]) -> list[Contributor]:
    return [c for c in co_authors if c.pk != author.pk]


def _set_co_authors(story: Story, user: Any, co_authors: Iterable[Contributor]) -> None:
    """Name the co-authors. Those who accepted keep their place; a new name is only invited (no
    rights on the story until they accept, so naming the whole team cannot leave nobody to review
    it); a name left out loses its place or its invitation. Every change leaves an event, by name:
    people may leave the group later."""
    wanted = {c.pk: c for c in _co_authors(story.author, co_authors)}
    before = {c.pk: c for c in story.co_authors.select_related("user")}
    invited = {i.contributor_id: i for i in story.invitations.select_related("contributor__user")}
    dropped = [before[pk] for pk in before.keys() - wanted.keys()]
    withdrawn = [invited[pk] for pk in invited.keys() - wanted.keys()]
    if dropped:
        story.co_authors.remove(*dropped)
    for invitation in withdrawn:
        invitation.delete()
    if dropped or withdrawn:
        removed = [c.name for c in dropped] + [i.contributor.name for i in withdrawn]
        record(story, user, EventKind.CO_AUTHORS_CHANGED, added=[], removed=sorted(removed))
    new = sorted(
        (wanted[pk] for pk in wanted.keys() - before.keys() - invited.keys()), key=lambda c: (c.name, c.pk)
    )
    for contributor in new:
        CoAuthorInvitation.objects.create(story=story, contributor=contributor, invited_by=user)
        record(story, user, EventKind.CO_AUTHOR_INVITED, name=contributor.name)
    if new:
        notify("co_author_invite", story=story, actor=user, recipients=[c.user for c in new])


def story_create(
    *,
    author: Contributor,
    title: str,
    objective: str,
    format: str,
    caption: str = "",
    **fields: Any,
) -> Story:
    """A new draft. `fields` may hold co_authors (invited), result_reference (linked to a publication),
    publication, preferred_from and preferred_until."""
    limit_message = _(
        "You have reached the limit of %(limit)d new stories per hour. Please start the next one in a while."
    )
    check_hourly_limit(author.user, EventKind.CREATED, settings.STORY_DRAFTS_PER_HOUR, limit_message)
    co_authors = fields.pop("co_authors", [])
    story = Story(author=author)
    cleaned = _clean_fields(
        story,
        {
            "title": title,
            "objective": objective,
            "format": format,
            "caption": caption,
            **fields,
        },
    )
    for name, value in cleaned.items():
        setattr(story, name, value)
    with transaction.atomic():
        check_hourly_limit(
            author.user, EventKind.CREATED, settings.STORY_DRAFTS_PER_HOUR, limit_message, serialise=True
        )
        story.save()
        record(story, author.user, EventKind.CREATED, to_status=Status.DRAFT)
        if co_authors:
            _set_co_authors(story, author.user, co_authors)
    return story


def _snapshot(story: Story, names: Iterable[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in names:
        if name == "co_authors":
            # Named co-authors: those who accepted and those still invited, as the form shows them.
            values[name] = sorted(
                {
                    *story.co_authors.values_list("pk", flat=True),
                    *story.invitations.values_list("contributor", flat=True),
                }
            )
        elif name == "publication":
            values[name] = story.publication_id
        else:
            values[name] = getattr(story, name)
    return values


def story_update(*, story: Story, user: Any, expected_version: int, **fields: Any) -> Story:
    """Save edits made on top of `expected_version`; raise EditConflict if someone saved since.

    Nobody's work is overwritten silently: two people who loaded version 3 may not both save.
    """
    mine = {
        name: (sorted(c.pk for c in value) if name == "co_authors" else value)
        for name, value in fields.items()
    }
    if "publication" in mine and isinstance(mine["publication"], Publication):
        mine["publication"] = mine["publication"].pk
    with transaction.atomic():
        current = locked(story)
        if not can_edit(user, current):
            if current.is_author(user):
                raise NotAllowed(_("The story cannot be changed while the outreach team reviews it."))
            raise NotAllowed(_("You are not allowed to change this story."))
        if current.version != expected_version:
            raise EditConflict(
                mine=mine,
                theirs=_snapshot(current, fields),
                current_version=current.version,
            )
        co_authors = fields.pop("co_authors", None)
        cleaned = _clean_fields(current, fields)
        if "publication" in cleaned and cleaned["publication"] is not None:
            cleaned["publication"] = cleaned["publication"].pk
        columns = {("publication_id" if k == "publication" else k): v for k, v in cleaned.items()}
        # A new result (linked or only referenced) needs its own sign-off.
        if ("publication_id" in columns and columns["publication_id"] != current.publication_id) or (
            "result_reference" in columns and columns["result_reference"] != current.result_reference
        ):
            columns.update(science_signoff_by=None, science_signoff_at=None)
        saved = Story.objects.filter(pk=current.pk, version=expected_version).update(
            **columns, version=F("version") + 1, updated_at=now()
        )
        if saved != 1:
            raise EditConflict(
                mine=mine,
                theirs=_snapshot(current, fields),
                current_version=current.version,
            )
        changed = sorted(
            name for name, value in _snapshot(current, cleaned).items() if value != cleaned[name]
        )
        if changed:
            record(current, user, EventKind.EDITED, fields=changed)
        if "format" in changed:
            from .photos import refit_photos

            current.refresh_from_db()
            refit_photos(current)
        if co_authors is not None:
            _set_co_authors(current, user, co_authors)
    return sync(story, current)


def record_admin_change(
    *,
    story: Story,
    user: Any,
    fields: Iterable[str] = (),
    added: Iterable[str] = (),
    removed: Iterable[str] = (),
    photos: Mapping[int, Iterable[str]] | None = None,
    removed_photos: Iterable[int] = (),
    created: bool = False,
) -> StoryEvent | None:
    """The History's row of a save in the Django admin, which writes the story's rows itself:
    a story created there, or which fields changed, who joined or left the co-authors (by name),
    what changed on which photo (numbered from 1) and which photos were removed. No row when
    nothing changed."""
    if created:
        return record(story, user, EventKind.CREATED, to_status=story.status)
    params: dict[str, Any] = {}
    added, removed = sorted(added), sorted(removed)
    # In the form's order; the co-authors only when someone joined or left.
    names = [name for name in dict.fromkeys(fields) if name != "co_authors" or added or removed]
    if added or removed:
        if "co_authors" not in names:
            names.append("co_authors")
        params.update(added=added, removed=removed)
    changed_photos = [
        {"number": number, "fields": sorted(set(photo_fields))}
        for number, photo_fields in sorted((photos or {}).items())
        if photo_fields
    ]
    if changed_photos:
        params["photos"] = changed_photos
    if removed_photos:
        params["removed_photos"] = sorted(removed_photos)
    if not names and not params:
        return None
    return record(story, user, EventKind.ADMIN_CHANGED, fields=names, **params)
