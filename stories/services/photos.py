"""Photos of a story: adding, changing, cropping, ordering and removing them, and their renditions.

Every change is made on the story locked with `select_for_update`, checked there, and leaves an
audit row; renditions of big photos are made by a worker.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from contributors.queueing import after_commit

from .. import crops
from ..errors import InvalidInput, NotAllowed
from ..images import (
    CropBox,
    ImageRejected,
    Rendition,
    clamp_crop,
    crop_ratio,
    default_crop,
    inspect_image,
    make_preview,
    make_rendition,
    within_decode_budget,
)
from ..models import ALT_TEXT_MAX_CHARS, MAX_IMAGES, EventKind, Format, ImageState, Story, StoryImage
from ..permissions import can_crop, can_edit
from .common import check_hourly_limit, locked, record

logger = logging.getLogger(__name__)

_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "HEIF": ".heic"}

# Refusals of a sound photo's rendition that depend on its crop (a carousel's ratio can leave it
# too narrow): the photo is kept, marked failed with the reason, and rendered again when the
# ratio changes. Every other refusal means the photo itself cannot be used.
_KEPT_UNRENDERED = ("too_small", "rendition_too_large")


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
    """Photos within the decode budget are rendered during the request (a 13-megapixel JPEG takes
    about 0.1 s with draft decoding); larger ones go to a worker."""
    if fmt is None:
        fmt = "HEIF" if image.original.name.endswith(".heic") else "JPEG"
    return within_decode_budget(fmt, image.original_width, image.original_height)


def _queue_rendition(image_id: int) -> None:
    from ..tasks import make_rendition as make_rendition_task

    after_commit(make_rendition_task.delay, image_id)


def _render_or_queue(images: Iterable[StoryImage]) -> None:
    for image in images:
        if _renders_inline(image):
            image_make_rendition(image=image)
        else:
            StoryImage.objects.filter(pk=image.pk).update(processing_state=ImageState.PENDING)
            _queue_rendition(image.pk)


def _first_image_id(story: Story) -> int | None:
    return StoryImage.objects.filter(story=story).values_list("pk", flat=True).first()


def needed_ratio(story: Story, image: StoryImage, first: StoryImage | None) -> float:
    """The ratio `image` is shown at (`stories.crops`, rules 2 and 3)."""
    reference = first if story.format == Format.CAROUSEL and first is not None else image
    return crops.needed_ratio(
        is_carousel=story.format == Format.CAROUSEL,
        width=image.original_width,
        height=image.original_height,
        first_width=reference.original_width,
        first_height=reference.original_height,
        chosen=story.carousel_ratio,
    )


def _target_ratio(image: StoryImage, first: StoryImage | None = None) -> float | None:
    """The ratio a rendition must have exactly, or None where a hand-set crop may choose it
    (a single photo). `first` is the carousel's first photo, read from the database if not given."""
    story = image.story
    if story.format != Format.CAROUSEL:
        return None if image.crop_by_hand else needed_ratio(story, image, None)
    if first is None:
        first = StoryImage.objects.filter(story=story).first()
    return needed_ratio(story, image, first)


def photo_cut(story: Story, image: StoryImage, first: StoryImage | None) -> crops.PhotoCut | None:
    """How `image` will be shown on Instagram (for the story page and the checks before approval)."""
    width, height = image.original_width, image.original_height
    if not width or not height:
        return None
    box = image.crop if image.crop_by_hand else None
    if box is not None and story.format != Format.CAROUSEL:
        ratio = crop_ratio(box, width, height)
    else:
        ratio = needed_ratio(story, image, first)
    if box is None:
        kept = crops.kept_by_default(width, height, ratio)
    else:
        kept = crops.kept_by_crop(box.width, box.height)
    return crops.PhotoCut(ratio=ratio, kept=kept, hand_crop_refitted=image.crop_refitted)


def approval_warnings(story: Story) -> list[str]:
    """What the team should look at before approving, though approval is possible: photos that
    lose more than a quarter of themselves, crops fitted anew to a changed ratio."""
    images = list(StoryImage.objects.filter(story=story))
    first = images[0] if images else None
    warnings = []
    for number, image in enumerate(images, start=1):
        cut = photo_cut(story, image, first)
        if cut is None:
            continue
        if cut.loses_too_much:
            values = {"number": number, "lost": cut.lost_percent, "ratio": cut.ratio_label}
            if story.format == Format.CAROUSEL:
                warnings.append(
                    _(
                        "Photo %(number)d loses %(lost)d %% of itself at %(ratio)s: check its crop, "
                        "or choose another ratio for the carousel."
                    )
                    % values
                )
            else:
                warnings.append(
                    _("Photo %(number)d loses %(lost)d %% of itself at %(ratio)s: check its crop.") % values
                )
        if cut.hand_crop_refitted:
            warnings.append(
                _(
                    "Photo %(number)d: the crop set by hand no longer had the carousel's ratio and was fitted anew."
                )
                % {"number": number}
            )
    return warnings


def _rendition_is_current(story: Story, image: StoryImage, first: StoryImage | None) -> bool:
    if not image.rendition_width or not image.rendition_height:
        return image.processing_state != ImageState.READY
    if image.crop_by_hand and story.format != Format.CAROUSEL:
        return True
    return crops.ratio_fits(image.rendition_width / image.rendition_height, needed_ratio(story, image, first))


def refit_photos(story: Story) -> None:
    """Render anew every photo whose rendition no longer has the ratio the rule asks for (after a
    reorder, a removal, a new first photo, a change of format or of the chosen ratio)."""
    images = list(StoryImage.objects.filter(story=story).select_related("story"))
    first = images[0] if images else None
    stale = [image for image in images if not _rendition_is_current(story, image, first)]
    _render_or_queue(stale)


def _rendition_crop(image: StoryImage, first: StoryImage | None = None) -> tuple[CropBox, float | None, bool]:
    """The crop of the photo's rendition, the ratio it must have exactly (None: the crop's own),
    and whether a crop set by hand had to be fitted anew to the carousel's ratio."""
    width, height = image.original_width, image.original_height
    ratio = _target_ratio(image, first)
    hand = image.crop if image.crop_by_hand else None
    if hand is None:
        return default_crop(width, height, ratio), ratio, image.crop_refitted
    # The carousel's ratio changed under a crop the team chose: keep its centre and about its
    # area, and ask the team to look again.
    refitted = image.crop_refitted or (
        ratio is not None and not crops.ratio_fits(crop_ratio(hand, width, height), ratio)
    )
    return clamp_crop(hand, width, height, ratio), ratio, refitted


def _store_rendition(image: StoryImage, rendition: Rendition, box: CropBox, refitted: bool) -> None:
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
        crop_refitted=refitted,
        processing_state=ImageState.READY,
        processing_error="",
    )
    if old_name:
        after_commit(_delete_file, image.rendition.storage, old_name)
    image.refresh_from_db()


def image_make_rendition(*, image: StoryImage) -> StoryImage:
    """Make (or remake) the Instagram JPEG of one photo from its original and crop.

    Carousel items are cut to the carousel's ratio (`stories.crops`). A photo that cannot be
    rendered is marked failed with the reason, for the authors to replace.
    """
    image = StoryImage.objects.select_related("story").get(pk=image.pk)
    try:
        box, ratio, refitted = _rendition_crop(image)
        with image.original.open("rb") as original:
            rendition = make_rendition(original, box, ratio)
    except ImageRejected as exc:
        StoryImage.objects.filter(pk=image.pk).update(
            processing_state=ImageState.FAILED, processing_error=str(exc.message)
        )
        image.refresh_from_db()
        return image
    _store_rendition(image, rendition, box, refitted)
    if not _renders_inline(image) and not image.preview_is_current:
        # The crop tool's preview of a big photo is made here, by the worker, not in a request.
        try:
            image_preview(image=image)
        except ImageRejected:
            logger.warning("No preview for photo %s", image.pk)
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
        after_commit(_delete_file, storage, old_name)
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
    rendition made now for ordinary photos and by a worker for very large ones.

    An ordinary photo's rendition is made from the upload before anything is stored, and is the
    check of its pixels too: a damaged one is refused here and leaves nothing behind. A very large
    one is checked from its header (and a JPEG for its end) here, and from its pixels by the
    worker, which marks it failed with the reason if it is damaged.
    """
    _require_editable(user, story)
    alt_text = _check_alt_text(alt_text)
    limit_message = _("You have reached the limit of %(limit)d photos per hour. Please add more in a while.")
    # Early and cheap, before the photo is read; counted again under the lock below.
    check_hourly_limit(user, EventKind.PHOTO_ADDED, settings.STORY_PHOTOS_PER_HOUR, limit_message)
    info = inspect_image(upload)
    with transaction.atomic():
        check_hourly_limit(
            user, EventKind.PHOTO_ADDED, settings.STORY_PHOTOS_PER_HOUR, limit_message, serialise=True
        )
        current = locked(story)
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
        rendered: tuple[Rendition, CropBox, bool] | None = None
        failure: ImageRejected | None = None
        if info.within_budget:
            first = image if position == 0 else StoryImage.objects.filter(story=current).first()
            box, ratio, refitted = _rendition_crop(image, first)
            try:
                rendered = (make_rendition(upload, box, ratio), box, refitted)
            except ImageRejected as exc:
                if exc.code not in _KEPT_UNRENDERED:
                    raise  # damaged: refused, and the transaction undoes the changes above
                failure = exc
        upload.seek(0)
        image.original.save(f"upload{_SUFFIXES[info.format]}", upload, save=False)
        image.save()
        record(current, user, EventKind.PHOTO_ADDED, number=position + 1)
        if rendered is not None:
            _store_rendition(image, *rendered)
        elif failure is not None:
            StoryImage.objects.filter(pk=image.pk).update(
                processing_state=ImageState.FAILED, processing_error=str(failure.message)
            )
            image.refresh_from_db()
        else:
            _queue_rendition(image.pk)
        if first_before is not None and _first_image_id(current) != first_before:
            refit_photos(current)
    return image


def _locked_image(image: StoryImage, user: Any) -> tuple[Story, StoryImage]:
    """Lock the photo's story, check the editor may change it, and read the photo afresh."""
    current = locked(image.story)
    _require_editable(user, current)
    try:
        fresh = StoryImage.objects.select_related("story").get(pk=image.pk, story=current)
    except StoryImage.DoesNotExist:
        raise InvalidInput({"images": [_("This photo has been removed meanwhile.")]}) from None
    return current, fresh


def image_update(
    *,
    image: StoryImage,
    user: Any,
    alt_text: str | None = None,
    crop: CropBox | None = None,
    no_identifiable_person: bool | None = None,
) -> StoryImage:
    """Change alt text, crop (the team only; re-renders, and the first carousel item re-renders
    the others) or the "no identifiable person" statement."""
    _require_editable(user, image.story)
    with transaction.atomic():
        current, fresh = _locked_image(image, user)
        if crop is not None and not can_crop(user, current):
            raise NotAllowed(_("Only the outreach team can change the crop."))
        changes: dict[str, Any] = {}
        if alt_text is not None:
            alt_text = _check_alt_text(alt_text)
            if alt_text != fresh.alt_text:
                changes["alt_text"] = alt_text
        if (
            no_identifiable_person is not None
            and bool(no_identifiable_person) != fresh.no_identifiable_person
        ):
            changes["no_identifiable_person"] = bool(no_identifiable_person)
        if changes:
            record(current, user, EventKind.PHOTO_CHANGED, number=fresh.position + 1, fields=sorted(changes))
        if crop is not None:
            # A crop by hand: a single photo's at any ratio Instagram takes, a carousel item's at
            # the carousel's.
            fresh.crop_by_hand = True
            ratio = _target_ratio(fresh)
            box = clamp_crop(crop, fresh.original_width, fresh.original_height, ratio)
            changes.update(
                crop_x=box.x,
                crop_y=box.y,
                crop_width=box.width,
                crop_height=box.height,
                crop_by_hand=True,
                crop_refitted=False,
            )
            record(current, user, EventKind.PHOTO_CROPPED, number=fresh.position + 1)
        if changes:
            StoryImage.objects.filter(pk=fresh.pk).update(**changes)
        if crop is not None:
            fresh.refresh_from_db()
            _render_or_queue([fresh])
    image.refresh_from_db()
    image.__dict__.pop("consent_complete", None)
    return image


def image_reorder(*, story: Story, user: Any, image_ids: list[int]) -> None:
    """Put the story's photos in the given order (every photo of the story, each once)."""
    _require_editable(user, story)
    with transaction.atomic():
        current = locked(story)
        _require_editable(user, current)
        stored = list(StoryImage.objects.filter(story=current).values_list("pk", flat=True))
        if sorted(stored) != sorted(int(pk) for pk in image_ids):
            raise InvalidInput({"images": [_("The new order has to name every photo of the story once.")]})
        if stored == [int(pk) for pk in image_ids]:
            return
        first_before = _first_image_id(current)
        for position, pk in enumerate(image_ids):
            StoryImage.objects.filter(pk=pk, story=current).update(position=position)
        record(
            current,
            user,
            EventKind.PHOTOS_REORDERED,
            order=[stored.index(int(pk)) + 1 for pk in image_ids],
        )
        if _first_image_id(current) != first_before:
            # The carousel's ratio follows its new first photo.
            refit_photos(current)


def image_remove(*, image: StoryImage, user: Any) -> None:
    _require_editable(user, image.story)
    with transaction.atomic():
        current, fresh = _locked_image(image, user)
        first_before = _first_image_id(current)
        names = [
            (fresh.original.storage, fresh.original.name),
            (fresh.rendition.storage, fresh.rendition.name),
            (fresh.preview.storage, fresh.preview.name),
        ]
        record(current, user, EventKind.PHOTO_REMOVED, number=fresh.position + 1)
        fresh.delete()
        _renumber(current)
        for storage, name in names:
            if name:
                after_commit(_delete_file, storage, name)
        if first_before == image.pk:
            refit_photos(current)


def story_set_carousel_ratio(*, story: Story, user: Any, ratio: str) -> Story:
    """The team chooses the ratio of every item of a carousel ("" follows the first photo)."""
    if ratio not in crops.CHOSEN_RATIOS and ratio != "":
        raise InvalidInput({"ratio": [_("Choose 4:5, 1:1 or 1.91:1.")]})
    with transaction.atomic():
        current = locked(story)
        if not can_crop(user, current):
            raise NotAllowed(_("Only the outreach team can change the crop."))
        if current.format != Format.CAROUSEL:
            raise InvalidInput({"ratio": [_("Only a carousel has one ratio for all its photos.")]})
        if current.carousel_ratio != ratio:
            Story.objects.filter(pk=current.pk).update(carousel_ratio=ratio, version=F("version") + 1)
            record(current, user, EventKind.CAROUSEL_RATIO_CHANGED, ratio=ratio)
            current.refresh_from_db()
            refit_photos(current)
    story.refresh_from_db()
    return story
