"""Every change to a story, its photos, the people shown and the comments.

Each function takes keyword arguments only, checks who may do it from which state, runs in one
transaction, writes an audit row for each change of state, and refuses with a `StoryError`
whose `message` is meant for the person who tried. E-mails and signals go out after commit.
No function here sees a request.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contributors.models import Contributor, Publication
from contributors.roles import roles_of

from . import emails
from .captions import caption_problems
from .images import (
    CropBox,
    ImageRejected,
    clamp_crop,
    crop_ratio,
    default_crop,
    inspect_image,
    make_preview,
    make_rendition,
)
from .models import (
    ALT_TEXT_MAX_CHARS,
    CAROUSEL_MIN_IMAGES,
    COMMENT_MAX_CHARS,
    FORGOTTEN_NAME,
    MAX_IMAGES,
    REVIEWABLE_STATUSES,
    Comment,
    Format,
    ImageState,
    PersonShown,
    Status,
    Story,
    StoryImage,
    StoryRevision,
    StoryTransition,
    can_comment,
    can_edit,
    can_record_consent,
    can_withdraw_consent,
)
from .signals import consent_withdrawn, story_approved
from .validators import parse_result_reference

__all__ = [
    "ApprovalBlocked",
    "EditConflict",
    "ImageRejected",
    "InvalidInput",
    "NotAllowed",
    "StepBlocked",
    "StoryError",
    "SubmissionBlocked",
    "TransitionNotAllowed",
    "approval_problems",
    "comment_add",
    "consent_withdraw",
    "erase_expired_contacts",
    "image_add",
    "image_make_rendition",
    "image_remove",
    "image_reorder",
    "image_update",
    "link_result",
    "person_add",
    "person_forget",
    "person_remove",
    "story_approve",
    "story_create",
    "story_reject",
    "story_request_changes",
    "story_resubmit",
    "story_science_signoff",
    "story_start_review",
    "story_submit",
    "story_update",
    "story_withdraw",
    "submission_problems",
]

logger = logging.getLogger(__name__)

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
# Photos up to this size are rendered during the request (a JPEG of this size takes about
# 0.1 s with draft decoding); larger ones, and HEIC photos (no draft mode), go to a worker.
INLINE_RENDER_MAX_PIXELS = 13_000_000
INLINE_RENDER_MAX_PIXELS_HEIF = 4_000_000
_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "HEIF": ".heic"}


# ---------------------------------------------------------------------------------------------
# Errors


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


# ---------------------------------------------------------------------------------------------
# Helpers


def _now() -> Any:
    return timezone.now()


def _after_commit(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(functools.partial(func, *args, **kwargs))


def _locked(story: Story) -> Story:
    """The stored row, locked until the transaction ends (SQLite serialises writers anyway)."""
    return Story.objects.select_for_update().select_related("author").get(pk=story.pk)


def _sync(story: Story, fresh: Story) -> Story:
    """Bring the caller's object up to date, so that views can go on using it."""
    fresh.refresh_from_db()
    for field in Story._meta.concrete_fields:
        setattr(story, field.attname, getattr(fresh, field.attname))
    # Cached relations may be stale now.
    story._state.fields_cache.clear()
    if hasattr(story, "_prefetched_objects_cache"):
        story._prefetched_objects_cache.clear()
    return story


def _audit(story: Story, user: Any, from_status: str, to_status: str, comment: str = "") -> StoryTransition:
    return StoryTransition.objects.create(
        story=story,
        actor=user,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
    )


def _move(current: Story, user: Any, to_status: str, *, comment: str = "", **fields: Any) -> None:
    """Change the state with a compare-and-set on state and version, and write the audit row."""
    if not current.can_move_to(to_status):
        raise _cannot_become(current, to_status)
    now = _now()
    moved = Story.objects.filter(pk=current.pk, status=current.status, version=current.version).update(
        status=to_status,
        status_changed_at=now,
        updated_at=now,
        version=F("version") + 1,
        **fields,
    )
    if moved != 1:
        # Only possible if the lock above is not a real one and someone else got there first.
        raise TransitionNotAllowed(_("The story was changed by someone else just now. Please reload it."))
    _audit(current, user, current.status, to_status, comment)


def _require_author(user: Any, story: Story) -> None:
    if not story.is_author(user):
        raise NotAllowed(_("Only the authors of the story can do this."))


def _require_reviewer(user: Any, story: Story) -> None:
    if not roles_of(user).team:
        raise NotAllowed(_("Only the outreach team can review stories."))
    if story.is_author(user):
        raise NotAllowed(_("Nobody reviews or approves their own story."))


def _cannot_become(story: Story, to_status: str) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        _("A story that is “%(status)s” cannot become “%(target)s”.")
        % {"status": story.get_status_display(), "target": Status(to_status).label}
    )


def _require_reviewable(story: Story, to_status: str) -> None:
    if story.status not in REVIEWABLE_STATUSES or not story.can_move_to(to_status):
        raise _cannot_become(story, to_status)


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput({field: [message]}, message)
    return value


def _comment_text(value: str, field: str, empty_message: str) -> str:
    value = _required_text(value, field, empty_message)
    if len(value) > COMMENT_MAX_CHARS:
        raise InvalidInput(
            {field: [_("A comment has at most %(max)d characters.") % {"max": COMMENT_MAX_CHARS}]}
        )
    return value


# ---------------------------------------------------------------------------------------------
# Results


def link_result(reference: str) -> Publication:
    """The publication an arXiv id, DOI or CMS result id names; created if not known yet.

    Raises InvalidInput for anything else.
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
    field = {"arxiv": "arxiv_id", "doi": "doi", "cms": "cms_id"}[parsed.kind]
    publication = Publication.objects.filter(**{lookup: parsed.value}).order_by("pk").first()
    if publication is None:
        # The title is filled in by the team or by an import of publications later.
        publication = Publication.objects.create(title=parsed.value, **{field: parsed.value})
    return publication


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


def story_create(
    *,
    author: Contributor,
    title: str,
    objective: str,
    format: str,
    caption: str = "",
    **fields: Any,
) -> Story:
    """A new draft. `fields` may hold co_authors, result_reference (linked to a publication),
    publication, preferred_from and preferred_until."""
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
        story.save()
        if co_authors:
            story.co_authors.set(_co_authors(author, co_authors))
        _audit(story, author.user, "", Status.DRAFT)
    return story


def _snapshot(story: Story, names: Iterable[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in names:
        if name == "co_authors":
            values[name] = sorted(story.co_authors.values_list("pk", flat=True))
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
        current = _locked(story)
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
        # A new result needs its own sign-off.
        if "publication_id" in columns and columns["publication_id"] != current.publication_id:
            columns.update(science_signoff_by=None, science_signoff_at=None)
        saved = Story.objects.filter(pk=current.pk, version=expected_version).update(
            **columns, version=F("version") + 1, updated_at=_now()
        )
        if saved != 1:
            raise EditConflict(
                mine=mine,
                theirs=_snapshot(current, fields),
                current_version=current.version,
            )
        if co_authors is not None:
            current.co_authors.set(_co_authors(current.author, co_authors))
    return _sync(story, current)


def submission_problems(story: Story) -> list[str]:
    """What the authors must do before the team can see the story."""
    problems = []
    if not story.title.strip():
        problems.append(_("Give the story a title."))
    problems.extend(_image_count_problems(story, list(story.images.all())))
    problems.extend(caption_problems(story.caption))
    return problems


def _image_count_problems(story: Story, images: list[StoryImage]) -> list[str]:
    count = len(images)
    if count == 0:
        return [_("Add at least one photo.")]
    if story.format == Format.CAROUSEL and not CAROUSEL_MIN_IMAGES <= count <= MAX_IMAGES:
        return [
            _("A carousel has %(min)d to %(max)d photos; this one has %(count)d.")
            % {"min": CAROUSEL_MIN_IMAGES, "max": MAX_IMAGES, "count": count}
        ]
    if story.format != Format.CAROUSEL and count > 1:
        return [
            _(
                "A “%(format)s” post has one photo; this one has %(count)d. Choose the carousel format for more."
            )
            % {"format": story.get_format_display(), "count": count}
        ]
    return []


def approval_problems(story: Story) -> list[str]:
    """Everything that keeps the story from being approved, one sentence each."""
    images = list(StoryImage.objects.filter(story=story).prefetch_related("people"))
    problems = []
    if not story.title.strip():
        problems.append(_("Give the story a title."))
    problems.extend(caption_problems(story.caption))
    problems.extend(_image_count_problems(story, images))
    for number, image in enumerate(images, start=1):
        if image.processing_state == ImageState.FAILED:
            problems.append(
                _("Photo %(number)d could not be prepared for Instagram: %(error)s")
                % {"number": number, "error": image.processing_error}
            )
        elif not image.is_ready:
            problems.append(_("Photo %(number)d is still being prepared.") % {"number": number})
        if not image.alt_text.strip():
            problems.append(_("Photo %(number)d has no alt text.") % {"number": number})
        if not image.consent_complete:
            withdrawn = [p for p in image.people.all() if p.consent_withdrawn_at is not None]
            if withdrawn and not image.no_identifiable_person:
                problems.append(
                    _("Photo %(number)d: a person shown has withdrawn their consent.") % {"number": number}
                )
            else:
                problems.append(
                    _(
                        "Photo %(number)d: record the consent of every person shown, "
                        "or confirm that nobody can be recognised."
                    )
                    % {"number": number}
                )
    if story.needs_science_signoff and story.science_signoff_at is None:
        problems.append(_("The story is linked to a result and needs a science reviewer's sign-off."))
    return problems


def _store_revision(story: Story, user: Any) -> StoryRevision:
    last = (
        StoryRevision.objects.filter(story=story).order_by("-number").values_list("number", flat=True).first()
    )
    alt_texts = list(StoryImage.objects.filter(story=story).values_list("alt_text", flat=True))
    return StoryRevision.objects.create(
        story=story,
        number=(last or 0) + 1,
        title=story.title,
        caption=story.caption,
        alt_texts=alt_texts,
        created_by=user,
    )


def _send_for_review(
    *, story: Story, user: Any, source: str, target: str, refusal: str, notify: Any, first: bool = False
) -> Story:
    """Submit and resubmit: the authors hand the story over and a revision is stored."""
    with transaction.atomic():
        current = _locked(story)
        _require_author(user, current)
        if current.status != source:
            raise TransitionNotAllowed(refusal)
        missing = submission_problems(current)
        if missing:
            raise SubmissionBlocked(missing)
        fields: dict[str, Any] = {"submitted_at": current.submitted_at or _now()} if first else {}
        _move(current, user, target, **fields)
        _store_revision(current, user)
        _after_commit(notify, story_id=current.pk, actor_id=user.pk)
    return _sync(story, current)


def story_submit(*, story: Story, user: Any) -> Story:
    """Send a draft to the outreach team (stores revision 1, or the next one)."""
    return _send_for_review(
        story=story,
        user=user,
        source=Status.DRAFT,
        target=Status.SUBMITTED,
        refusal=_("Only a draft can be submitted."),
        notify=emails.notify_submitted,
        first=True,
    )


def story_resubmit(*, story: Story, user: Any) -> Story:
    """Send the changed story back to the team; stores the next revision."""
    return _send_for_review(
        story=story,
        user=user,
        source=Status.CHANGES_REQUESTED,
        target=Status.RESUBMITTED,
        refusal=_("Only a story with changes requested can be resubmitted."),
        notify=emails.notify_resubmitted,
    )


def story_start_review(*, story: Story, user: Any) -> Story:
    """A team member takes the story: it is in review and theirs ("mine" in the queue)."""
    with transaction.atomic():
        current = _locked(story)
        _require_reviewer(user, current)
        if current.status not in (Status.SUBMITTED, Status.RESUBMITTED):
            raise TransitionNotAllowed(_("Only a submitted or resubmitted story can be taken for review."))
        _move(current, user, Status.IN_REVIEW, reviewer=user)
    return _sync(story, current)


def story_request_changes(*, story: Story, user: Any, comment: str) -> Story:
    """Send the story back to its authors with what to change (also added to the thread)."""
    comment = _comment_text(comment, "comment", _("Say what should change."))
    with transaction.atomic():
        current = _locked(story)
        _require_reviewer(user, current)
        _require_reviewable(current, Status.CHANGES_REQUESTED)
        _move(
            current,
            user,
            Status.CHANGES_REQUESTED,
            comment=comment,
            reviewer=current.reviewer or user,
        )
        Comment.objects.create(story=current, author=user, body=comment)
        _after_commit(
            emails.notify_changes_requested,
            story_id=current.pk,
            actor_id=user.pk,
            comment=comment,
        )
    return _sync(story, current)


def story_science_signoff(*, story: Story, user: Any) -> Story:
    """A science reviewer vouches for the physics of a story linked to a result."""
    with transaction.atomic():
        current = _locked(story)
        if not roles_of(user).science:
            raise NotAllowed(_("Only science reviewers can sign off the physics."))
        if current.is_author(user):
            raise NotAllowed(_("Nobody signs off their own story."))
        if current.publication_id is None:
            raise TransitionNotAllowed(_("Only stories linked to a result need a science sign-off."))
        if current.status not in REVIEWABLE_STATUSES:
            raise TransitionNotAllowed(_("The story can be signed off only while it is being reviewed."))
        if current.science_signoff_at is not None:
            raise TransitionNotAllowed(_("The story has been signed off already."))
        now = _now()
        saved = Story.objects.filter(pk=current.pk, version=current.version).update(
            science_signoff_by=user,
            science_signoff_at=now,
            updated_at=now,
            version=F("version") + 1,
        )
        if saved != 1:
            raise TransitionNotAllowed(_("The story was changed by someone else just now. Please reload it."))
        _audit(current, user, current.status, current.status, _("Science sign-off"))
    return _sync(story, current)


def story_approve(*, story: Story, user: Any) -> Story:
    """Approve for posting; `story_approved` is sent once the approval is committed."""
    with transaction.atomic():
        current = _locked(story)
        _require_reviewer(user, current)
        _require_reviewable(current, Status.APPROVED)
        missing = approval_problems(current)
        if missing:
            raise ApprovalBlocked(missing)
        _move(
            current,
            user,
            Status.APPROVED,
            approved_at=_now(),
            reviewer=current.reviewer or user,
        )
        _after_commit(_send_story_approved, story_id=current.pk)
        _after_commit(emails.notify_approved, story_id=current.pk, actor_id=user.pk)
    return _sync(story, current)


def _send_story_approved(*, story_id: int) -> None:
    story_approved.send(sender=Story, story=Story.objects.get(pk=story_id))


def story_reject(*, story: Story, user: Any, reason: str) -> Story:
    reason = _required_text(reason, "reason", _("Give the authors a reason."))
    with transaction.atomic():
        current = _locked(story)
        _require_reviewer(user, current)
        _require_reviewable(current, Status.REJECTED)
        _move(
            current,
            user,
            Status.REJECTED,
            comment=reason,
            rejection_reason=reason,
            reviewer=current.reviewer or user,
        )
        _after_commit(emails.notify_rejected, story_id=current.pk, actor_id=user.pk)
    return _sync(story, current)


def story_withdraw(*, story: Story, user: Any) -> Story:
    """The authors take the story back for good."""
    with transaction.atomic():
        current = _locked(story)
        _require_author(user, current)
        _move(current, user, Status.WITHDRAWN)
    return _sync(story, current)


# ---------------------------------------------------------------------------------------------
# Comments


def comment_add(*, story: Story, user: Any, body: str, image: StoryImage | None = None) -> Comment:
    if not can_comment(user, story):
        raise NotAllowed(_("You cannot comment on this story."))
    body = _comment_text(body, "body", _("Write a comment first."))
    if image is not None and image.story_id != story.pk:
        raise InvalidInput({"image": [_("This photo belongs to another story.")]})
    with transaction.atomic():
        comment = Comment.objects.create(story=story, author=user, body=body, image=image)
        _after_commit(emails.notify_comment, comment_id=comment.pk)
    return comment


# ---------------------------------------------------------------------------------------------
# Images


def _require_editable(user: Any, story: Story) -> None:
    if not can_edit(user, story):
        if story.is_author(user) and not story.is_final:
            raise NotAllowed(_("The photos cannot be changed while the outreach team reviews the story."))
        raise NotAllowed(_("You are not allowed to change this story."))


def _check_alt_text(alt_text: str) -> str:
    alt_text = (alt_text or "").strip()
    if len(alt_text) > ALT_TEXT_MAX_CHARS:
        raise InvalidInput(
            {"alt_text": [_("Alt text has at most %(max)d characters.") % {"max": ALT_TEXT_MAX_CHARS}]}
        )
    return alt_text


def _renders_inline(image: StoryImage, fmt: str | None = None) -> bool:
    pixels = image.original_width * image.original_height
    if fmt is None:
        fmt = "HEIF" if image.original.name.endswith(".heic") else "JPEG"
    limit = INLINE_RENDER_MAX_PIXELS_HEIF if fmt == "HEIF" else INLINE_RENDER_MAX_PIXELS
    return pixels <= limit


def _queue_rendition(image_id: int) -> None:
    from .tasks import make_rendition as make_rendition_task

    _after_commit(make_rendition_task.delay, image_id)


def _render_or_queue(images: Iterable[StoryImage]) -> None:
    for image in images:
        if _renders_inline(image):
            image_make_rendition(image=image)
        else:
            StoryImage.objects.filter(pk=image.pk).update(processing_state=ImageState.PENDING)
            _queue_rendition(image.pk)


def _carousel_followers(story: Story) -> list[StoryImage]:
    """Carousel items after the first, which take the first item's ratio."""
    if story.format != Format.CAROUSEL:
        return []
    return list(StoryImage.objects.filter(story=story))[1:]


def _first_image_id(story: Story) -> int | None:
    return StoryImage.objects.filter(story=story).values_list("pk", flat=True).first()


def _target_ratio(image: StoryImage) -> float | None:
    story = image.story
    if story.format != Format.CAROUSEL:
        return None
    first = StoryImage.objects.filter(story=story).first()
    if first is None or first.pk == image.pk:
        return None
    box = first.crop or default_crop(first.original_width, first.original_height)
    return crop_ratio(box, first.original_width, first.original_height)


def image_make_rendition(*, image: StoryImage) -> StoryImage:
    """Make (or remake) the Instagram JPEG of one photo from its original and crop.

    Carousel items after the first are cut to the first item's ratio. A photo that cannot be
    rendered is marked failed with the reason, for the authors to replace.
    """
    image = StoryImage.objects.select_related("story").get(pk=image.pk)
    width, height = image.original_width, image.original_height
    try:
        ratio = _target_ratio(image)
        box = (
            clamp_crop(image.crop, width, height, ratio) if image.crop else default_crop(width, height, ratio)
        )
        with image.original.open("rb") as original:
            rendition = make_rendition(original, box, ratio)
    except ImageRejected as exc:
        StoryImage.objects.filter(pk=image.pk).update(
            processing_state=ImageState.FAILED, processing_error=str(exc.message)
        )
        image.refresh_from_db()
        return image
    old_name = image.rendition.name
    image.rendition.save("rendition.jpg", ContentFile(rendition.content), save=False)
    StoryImage.objects.filter(pk=image.pk).update(
        rendition=image.rendition.name,
        rendition_width=rendition.width,
        rendition_height=rendition.height,
        crop_x=box.x,
        crop_y=box.y,
        crop_width=box.width,
        crop_height=box.height,
        processing_state=ImageState.READY,
        processing_error="",
    )
    if old_name:
        _after_commit(_delete_file, image.rendition.storage, old_name)
    image.refresh_from_db()
    return image


def image_preview(*, image: StoryImage) -> str | None:
    """The name of the photo's preview in private storage (see `StoryImage.preview`), made from
    the original the first time it is asked for, and again once the original has changed.

    None if the photo went away meanwhile. Raises ImageRejected if the original cannot be read.
    """
    storage = image.preview.storage
    if image.preview_is_current and storage.exists(image.preview.name):
        return image.preview.name
    with image.original.open("rb") as original:
        content = make_preview(original)
    old_name = image.preview.name
    image.preview.save("preview.jpg", ContentFile(content), save=False)
    new_name = image.preview.name
    # Compare-and-set: two first requests at once both make one; the first stored wins.
    stored = StoryImage.objects.filter(pk=image.pk, original=image.original.name, preview=old_name).update(
        preview=new_name
    )
    if not stored:
        _delete_file(storage, new_name)
        try:
            image.refresh_from_db(fields=["original", "preview"])
        except StoryImage.DoesNotExist:
            return None
        return image.preview.name if image.preview_is_current else None
    if old_name:
        _after_commit(_delete_file, storage, old_name)
    return new_name


def _delete_file(storage: Any, name: str) -> None:
    # Demo and benchmark rows share files; a file goes only when no row refers to it.
    if StoryImage.objects.filter(Q(original=name) | Q(rendition=name) | Q(preview=name)).exists():
        return
    try:
        storage.delete(name)
    except OSError:  # already gone, or the disk refuses; the row is what matters
        logger.warning("Could not delete %s", name)


def _renumber(story: Story) -> None:
    for position, image_id in enumerate(StoryImage.objects.filter(story=story).values_list("pk", flat=True)):
        StoryImage.objects.filter(pk=image_id).exclude(position=position).update(position=position)


def image_add(
    *,
    story: Story,
    user: Any,
    upload: Any,
    alt_text: str = "",
    position: int | None = None,
) -> StoryImage:
    """Add a photo: checked by content (ImageRejected if unusable), original kept private,
    rendition made now for ordinary photos and by a worker for very large ones."""
    _require_editable(user, story)
    alt_text = _check_alt_text(alt_text)
    info = inspect_image(upload)
    with transaction.atomic():
        current = _locked(story)
        _require_editable(user, current)
        count = StoryImage.objects.filter(story=current).count()
        if count >= MAX_IMAGES:
            raise InvalidInput(
                {"images": [_("A story has at most %(max)d photos.") % {"max": MAX_IMAGES}]},
                _("A story has at most %(max)d photos.") % {"max": MAX_IMAGES},
            )
        first_before = _first_image_id(current)
        if position is None or position >= count:
            position = count
        else:
            position = max(0, position)
            StoryImage.objects.filter(story=current, position__gte=position).update(
                position=F("position") + 1
            )
        image = StoryImage(
            story=current,
            position=position,
            original_name=os.path.basename(getattr(upload, "name", "") or "")[:255],
            original_width=info.width,
            original_height=info.height,
            alt_text=alt_text,
        )
        upload.seek(0)
        image.original.save(f"upload{_SUFFIXES[info.format]}", upload, save=False)
        image.save()
        if _renders_inline(image, info.format):
            image = image_make_rendition(image=image)
        else:
            _queue_rendition(image.pk)
        if first_before is not None and _first_image_id(current) != first_before:
            _render_or_queue(_carousel_followers(current))
    return image


def image_update(
    *,
    image: StoryImage,
    user: Any,
    alt_text: str | None = None,
    crop: CropBox | None = None,
    no_identifiable_person: bool | None = None,
) -> StoryImage:
    """Change alt text, crop (re-renders; the first carousel item re-renders the others) or the
    "no identifiable person" statement."""
    story = image.story
    _require_editable(user, story)
    with transaction.atomic():
        _locked(story)
        changes: dict[str, Any] = {}
        if alt_text is not None:
            changes["alt_text"] = _check_alt_text(alt_text)
        if no_identifiable_person is not None:
            changes["no_identifiable_person"] = bool(no_identifiable_person)
        if crop is not None:
            ratio = _target_ratio(image)
            box = clamp_crop(crop, image.original_width, image.original_height, ratio)
            changes.update(crop_x=box.x, crop_y=box.y, crop_width=box.width, crop_height=box.height)
        if changes:
            StoryImage.objects.filter(pk=image.pk).update(**changes)
        if crop is not None:
            image.refresh_from_db()
            _render_or_queue([image])
            if _first_image_id(story) == image.pk:
                _render_or_queue(_carousel_followers(story))
    image.refresh_from_db()
    image.__dict__.pop("consent_complete", None)
    return image


def image_reorder(*, story: Story, user: Any, image_ids: list[int]) -> None:
    """Put the story's photos in the given order (every photo of the story, each once)."""
    _require_editable(user, story)
    with transaction.atomic():
        current = _locked(story)
        stored = list(StoryImage.objects.filter(story=current).values_list("pk", flat=True))
        if sorted(stored) != sorted(int(pk) for pk in image_ids):
            raise InvalidInput({"images": [_("The new order has to name every photo of the story once.")]})
        first_before = _first_image_id(current)
        for position, pk in enumerate(image_ids):
            StoryImage.objects.filter(pk=pk, story=current).update(position=position)
        first_after = _first_image_id(current)
        if first_after is not None and first_after != first_before:
            first = StoryImage.objects.get(pk=first_after)
            # The new first item keeps its own ratio; everybody else follows it.
            if first.crop is not None and current.format == Format.CAROUSEL:
                _render_or_queue([first])
            _render_or_queue(_carousel_followers(current))


def image_remove(*, image: StoryImage, user: Any) -> None:
    story = image.story
    _require_editable(user, story)
    with transaction.atomic():
        current = _locked(story)
        first_before = _first_image_id(current)
        names = [
            (image.original.storage, image.original.name),
            (image.rendition.storage, image.rendition.name),
            (image.preview.storage, image.preview.name),
        ]
        image.delete()
        _renumber(current)
        for storage, name in names:
            if name:
                _after_commit(_delete_file, storage, name)
        if first_before == image.pk:
            _render_or_queue(_carousel_followers(current))


# ---------------------------------------------------------------------------------------------
# People shown and their consent


def person_add(*, image: StoryImage, user: Any, name: str, contact: str, consent_wording: str) -> PersonShown:
    """Record that a person shown agreed, in the words they agreed to, now, by `user`.

    Authors may do this while the team reviews the story too; consent is often gathered late.
    """
    if not can_record_consent(user, image.story):
        raise NotAllowed(_("You are not allowed to change the consent records of this story."))
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    consent_wording = (consent_wording or "").strip()
    contact = (contact or "").strip()
    if not name:
        errors["name"] = [_("Give the name of the person shown.")]
    elif len(name) > 200:
        errors["name"] = [_("A name has at most %(max)d characters.") % {"max": 200}]
    if len(contact) > 300:
        errors["contact"] = [_("Contact details have at most %(max)d characters.") % {"max": 300}]
    if not consent_wording:
        errors["consent_wording"] = [_("Record the wording the person agreed to.")]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        person = PersonShown.objects.create(
            image=image,
            name=name,
            contact=contact,
            consent_given=True,
            consent_wording=consent_wording,
            consent_recorded_by=user,
            consent_recorded_at=_now(),
        )
        # Someone recognisable is in the photo after all.
        StoryImage.objects.filter(pk=image.pk).update(no_identifiable_person=False)
    image.no_identifiable_person = False
    image.__dict__.pop("consent_complete", None)
    return person


def person_remove(*, person: PersonShown, user: Any) -> None:
    """Remove a person recorded by mistake (while consent may be recorded)."""
    if not can_record_consent(user, person.image.story):
        raise NotAllowed(_("You are not allowed to change the consent records of this story."))
    person.delete()


def consent_withdraw(*, person: PersonShown, user: Any) -> PersonShown:
    """Record that a person shown no longer agrees.

    A story under review goes back to its authors (changes requested); an approved one keeps
    its state, and `consent_withdrawn` lets the scheduling app pull or flag its post.
    """
    story = person.image.story
    if not can_withdraw_consent(user, story):
        raise NotAllowed(_("You are not allowed to change the consent records of this story."))
    with transaction.atomic():
        current = _locked(story)
        withdrawn = PersonShown.objects.filter(pk=person.pk, consent_withdrawn_at__isnull=True).update(
            consent_withdrawn_at=_now()
        )
        if withdrawn != 1:
            raise TransitionNotAllowed(_("This person's consent has been withdrawn already."))
        if current.status in REVIEWABLE_STATUSES:
            _move(
                current,
                user,
                Status.CHANGES_REQUESTED,
                comment=_("A person shown in photo %(number)d withdrew their consent.")
                % {"number": person.image.position + 1},
            )
        person.refresh_from_db()
        _after_commit(_send_consent_withdrawn, person_id=person.pk)
    _sync(story, current)
    return person


def _send_consent_withdrawn(*, person_id: int) -> None:
    person = PersonShown.objects.select_related("image__story").get(pk=person_id)
    consent_withdrawn.send(sender=PersonShown, person=person, story=person.image.story)


def person_forget(*, person: PersonShown) -> PersonShown:
    """Erase name and contact at once, keeping only the fact (and wording) of the consent."""
    PersonShown.objects.filter(pk=person.pk).update(
        name=FORGOTTEN_NAME,
        contact="",
        contact_erased_at=Coalesce(F("contact_erased_at"), _now()),
    )
    person.refresh_from_db()
    return person


def erase_expired_contacts(*, now: Any = None) -> int:
    """Erase contact data of people shown in stories published (or, until posts record
    publication, approved) more than PEOPLE_CONTACT_RETENTION_DAYS ago. Returns how many."""
    now = now or _now()
    cutoff = now - timedelta(days=settings.PEOPLE_CONTACT_RETENTION_DAYS)
    expired = (
        PersonShown.objects.filter(contact_erased_at__isnull=True)
        .annotate(went_out=Coalesce("image__story__published_at", "image__story__approved_at"))
        .filter(went_out__lte=cutoff)
        .filter(Q(image__story__status=Status.APPROVED) | Q(image__story__published_at__isnull=False))
    )
    return PersonShown.objects.filter(pk__in=list(expired.values_list("pk", flat=True))).update(
        contact="", contact_erased_at=now
    )
