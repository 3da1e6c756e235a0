"""Writing and editing a story: the form, its photos and people, and saving it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from contributors.models import Contributor

from .. import services
from ..forms import (
    NEW_PHOTO_KEY_PLACEHOLDER,
    ImageForm,
    PhotosForm,
    StoryForm,
)
from ..models import (
    ALT_TEXT_MAX_CHARS,
    MAX_IMAGES,
    Objective,
    Status,
    Story,
    StoryImage,
)
from ..permissions import can_edit, why_not_editable
from ..services.saving import PhotoEdit, SaveOutcome
from .common import caption_counts, errors_to_form, visible_story


def _contributor(user: Any) -> Contributor:
    contributor, _created = Contributor.objects.get_or_create(user=user)
    return contributor


@dataclass
class Conflict:
    """Both versions of the fields two people changed at once, for the page to show."""

    rows: list[dict[str, Any]]


def _conflict_rows(exc: services.EditConflict, form: StoryForm) -> Conflict:
    rows = []
    for name, mine in exc.mine.items():
        theirs = exc.theirs.get(name)
        if mine == theirs:
            continue
        field = form.fields.get(name)
        rows.append(
            {
                "label": field.label if field else name,
                "mine": _display_value(name, mine),
                "theirs": _display_value(name, theirs),
            }
        )
    return Conflict(rows=rows)


def _display_value(name: str, value: Any) -> str:
    if value in (None, "", []):
        return "–"
    if name == "co_authors":
        names = Contributor.objects.filter(pk__in=value).select_related("user")
        return ", ".join(sorted(contributor.name for contributor in names))
    if name == "objective":
        return str(Objective(value).label) if value in Objective.values else str(value)
    if name == "format":
        from .models import Format

        return str(Format(value).label) if value in Format.values else str(value)
    return str(value)


@dataclass
class Problem:
    """One line of the summary at the top of the form, linking to where it is fixed."""

    text: str
    anchor: str = ""


class _EditOutcome:
    def __init__(self) -> None:
        self.ok = True
        self.conflict: Conflict | None = None
        self.file_errors: list[str] = []
        self.blocked: list[Problem] = []
        self.version: int | None = None


def _images_of(story: Story | None) -> list[StoryImage]:
    if story is None or story.pk is None:
        return []
    return list(StoryImage.objects.filter(story=story).prefetch_related("people"))


def _photo_edits(
    image_forms: list[ImageForm], outcome: _EditOutcome
) -> tuple[list[PhotoEdit], list[int] | None]:
    """The photos' changes from their forms, and the order wanted (None if unchanged)."""
    edits: list[PhotoEdit] = []
    order: list[tuple[int, int, int]] = []  # (position wanted, position shown, image id)
    for form in image_forms:
        image = form.image
        assert image is not None
        if not form.is_valid():
            outcome.ok = False
            order.append((form.number, form.number, image.pk))
            continue
        data = form.cleaned_data
        edits.append(
            PhotoEdit(
                image=image,
                alt_text=data["alt_text"],
                no_identifiable_person=data["no_identifiable_person"] and not form.has_person(),
                remove=data["remove"],
                people=[
                    {key: row.cleaned_data[key] for key in ("name", "contact", "consent_wording")}
                    for row in form.new_people()
                ],
            )
        )
        if not data["remove"]:
            order.append((data["position"], form.number, image.pk))
    wanted = [pk for _wanted, _shown, pk in sorted(order)]
    shown = [pk for _shown, pk in sorted((shown, pk) for _wanted, shown, pk in order)]
    return edits, (wanted if wanted != shown else None)


def _report(
    request: HttpRequest,
    result: SaveOutcome,
    form: StoryForm | None,
    image_forms: list[ImageForm],
    outcome: _EditOutcome,
) -> None:
    """Put what the save refused on the forms, field by field."""
    if result.ok:
        return
    outcome.ok = False
    outcome.file_errors.extend(result.upload_errors)
    if result.order_error:
        messages.error(request, result.order_error)
    by_pk = {form_.image.pk: form_ for form_ in image_forms if form_.image is not None}
    for pk, errors in result.photo_errors.items():
        errors_to_form(by_pk[pk], services.InvalidInput(errors))
    for pk, (index, errors) in result.people_errors.items():
        image_form = by_pk[pk]
        rows = image_form.new_people()
        errors_to_form(rows[index] if index < len(rows) else image_form, services.InvalidInput(errors))
        image_form.add_error(
            None,
            _("The people added to photo %(number)d were not saved; see the marked row.")
            % {"number": image_form.number},
        )
    if form is not None and (result.field_errors or result.field_message):
        errors_to_form(form, services.InvalidInput(result.field_errors, result.field_message or None))


def _next_action(request: HttpRequest) -> str:
    action = request.POST.get("action", "save")
    return action if action in ("save", "submit", "add_video") else "save"


def _photo_problems(story: Story) -> list[Problem]:
    """What the team will need of each photo before approval and the authors can give now:
    alt text, and who is shown. A story is not sent to the team without them."""
    problems = []
    images = StoryImage.objects.filter(story=story).prefetch_related("people")
    for number, image in enumerate(images, start=1):
        if not image.alt_text.strip():
            problems.append(
                Problem(
                    _("Photo %(number)d has no alt text.") % {"number": number},
                    f"id_image-{image.pk}-alt_text",
                )
            )
        if not image.consent_complete:
            problems.append(
                Problem(
                    _(
                        "Photo %(number)d: record the consent of every person shown, "
                        "or confirm that nobody can be recognised."
                    )
                    % {"number": number},
                    f"id_image-{image.pk}-no_identifiable_person",
                )
            )
    return problems


def _submit(request: HttpRequest, story: Story, outcome: _EditOutcome) -> None:
    missing = _photo_problems(story)
    if missing:
        outcome.blocked = missing
        outcome.ok = False
        return
    try:
        if story.status == Status.CHANGES_REQUESTED:
            services.story_resubmit(story=story, user=request.user)
        else:
            services.story_submit(story=story, user=request.user)
    except services.StepBlocked as exc:
        outcome.blocked = [Problem(str(item)) for item in exc.missing]
        outcome.ok = False
    except services.StoryError as exc:
        outcome.blocked = [Problem(str(exc.message))]
        outcome.ok = False


def _fallback_fields(form: StoryForm) -> dict[str, Any]:
    """A draft to hold the photos of a form that did not validate: every valid field, and
    harmless stand-ins for the required ones; the page still shows what was typed."""
    fields = form.service_fields()
    typed_title = "" if "title" in form.errors else (form.data.get("title") or "").strip()
    fields.setdefault("title", typed_title or _("Untitled story"))
    fields.setdefault("objective", Objective.OUTREACH)
    fields.setdefault("format", "single_image")
    fields.setdefault("caption", "")
    return fields


def _error_summary(form: StoryForm, image_forms: list[ImageForm]) -> list[Problem]:
    """Every error on the page, in the order of the page, each linking to its field; what is
    said of a whole photo comes after its fields and links to the photo."""
    problems: list[Problem] = []

    def add_fields(target: Any) -> list[str]:
        for name, errors in target.errors.items():
            if name in target.fields:
                bound = target[name]
                problems.extend(Problem(f"{bound.label}: {error}", bound.auto_id) for error in errors)
        return [str(error) for error in target.non_field_errors()]

    problems.extend(Problem(text) for text in add_fields(form))
    for image_form in image_forms:
        anchor = f"photo-{image_form.image.pk}" if image_form.image is not None else ""
        whole = add_fields(image_form)
        for row in image_form.people.forms:
            whole += add_fields(row)
        whole += [str(error) for error in image_form.people.non_form_errors()]
        problems.extend(Problem(text, anchor) for text in whole)
    return problems


def _render_form(
    request: HttpRequest,
    *,
    story: Story | None,
    form: StoryForm,
    photos_form: PhotosForm,
    image_forms: list[ImageForm],
    outcome: _EditOutcome | None = None,
    status: int = 200,
) -> HttpResponse:
    images = [form_.image for form_ in image_forms]
    caption = form["caption"].value() or ""
    errors = _error_summary(form, image_forms)
    context = {
        "story": story,
        "form": form,
        "photos_form": photos_form,
        "image_forms": image_forms,
        # The card the page copies for each photo chosen, before it is uploaded.
        "new_photo_form": ImageForm(image=None, number=0, prefix=f"new-{NEW_PHOTO_KEY_PLACEHOLDER}"),
        "images": images,
        "outcome": outcome,
        "form_action": reverse("stories:edit", args=[story.pk]) if story else reverse("stories:new"),
        "counts": caption_counts(str(caption)),
        "max_images": MAX_IMAGES,
        "alt_text_max": ALT_TEXT_MAX_CHARS,
        "is_author": story.is_author(request.user) if story else True,
        "has_errors": bool(errors),
        "error_summary": errors,
    }
    return render(request, "stories/form.html", context, status=status)


def _image_forms(story: Story | None, data: QueryDict | None = None) -> list[ImageForm]:
    return [
        ImageForm(data, image=image, number=number) for number, image in enumerate(_images_of(story), start=1)
    ]


def _with_version(data: QueryDict, version: int) -> QueryDict:
    data = data.copy()
    data["version"] = str(version)
    return data


def _prefilled(request: HttpRequest) -> dict[str, str]:
    """What a link to the form may fill in (an invitation to tell a story about a result names
    its title, reference and objective); the person still sees and may change all of it."""
    fields = {"title": 200, "result_reference": 200, "objective": 20}
    return {
        name: request.GET[name][:length]
        for name, length in fields.items()
        if isinstance(request.GET.get(name), str) and request.GET[name].strip()
    }


_ORDER_TOKEN = re.compile(r"(?:image|new)-\d{1,9}")


def _order_tokens(data: QueryDict) -> list[str] | None:
    """The photos in the order the page shows them ("image-<id>" for a stored photo, "new-<key>"
    for one chosen on the page), or None from a page without the script (then the position
    fields tell the order)."""
    raw = data.get("photo_order")
    if not isinstance(raw, str):
        return None
    tokens: list[str] = []
    for token in raw.split(",")[: 4 * MAX_IMAGES]:
        token = token.strip()
        if _ORDER_TOKEN.fullmatch(token) and token not in tokens:
            tokens.append(token)
    return tokens


def _remapped(data: QueryDict, old_prefix: str, new_prefix: str, position: int) -> QueryDict:
    """The fields typed for a photo chosen on the page, under the prefix of the photo it became."""
    copy = QueryDict(mutable=True)
    for key, values in data.lists():
        if key.startswith(old_prefix + "-"):
            copy.setlist(new_prefix + key[len(old_prefix) :], values)
    copy[f"{new_prefix}-position"] = str(position)
    return copy


@dataclass
class _NewPhotos:
    """Photos chosen on the page and uploaded with this save, with what was typed for them."""

    forms: list[ImageForm] = field(default_factory=list)
    order: list[int] | None = None


def _upload_new_photos(
    request: HttpRequest, story: Story, tokens: list[str], outcome: _EditOutcome
) -> dict[str, StoryImage]:
    """Each photo chosen on the page, uploaded on its own so its alt text and people follow it."""
    added: dict[str, StoryImage] = {}
    for token in tokens:
        upload = request.FILES.get(f"{token}-file") if token.startswith("new-") else None
        if upload is None:
            continue
        known = list(StoryImage.objects.filter(story=story).values_list("pk", flat=True))
        result = services.story_save(story=story, user=request.user, uploads=[upload])
        outcome.file_errors.extend(result.upload_errors)
        image = StoryImage.objects.filter(story=story).exclude(pk__in=known).order_by("pk").first()
        if image is not None:
            added[token] = image
    return added


def _save_new_photos(
    request: HttpRequest, story: Story, tokens: list[str] | None, outcome: _EditOutcome
) -> _NewPhotos:
    """Upload the photos chosen on the page, then save what was typed for them and the order
    shown; their forms carry what was refused."""
    if tokens is None:
        return _NewPhotos()
    added = _upload_new_photos(request, story, tokens, outcome)
    current = [image.pk for image in _images_of(story)]
    wanted: list[int] = []
    for token in tokens:
        pk = added[token].pk if token in added else int(token[6:]) if token.startswith("image-") else None
        if pk in current and pk not in wanted:
            wanted.append(pk)
    wanted += [pk for pk in current if pk not in wanted]
    new_forms = [
        ImageForm(
            _remapped(request.POST, token, f"image-{image.pk}", wanted.index(image.pk) + 1),
            image=image,
            number=wanted.index(image.pk) + 1,
        )
        for token, image in added.items()
    ]
    edits, _order = _photo_edits(new_forms, outcome)
    order = wanted if wanted != current else None
    if edits or order:
        result = services.story_save(story=story, user=request.user, photos=edits, order=order)
        _report(request, result, None, new_forms, outcome)
    return _NewPhotos(forms=new_forms, order=order)


@login_required
def story_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_form(
            request,
            story=None,
            form=StoryForm(user=request.user, initial=_prefilled(request)),
            photos_form=PhotosForm(),
            image_forms=[],
        )
    form = StoryForm(request.POST, user=request.user)
    outcome = _EditOutcome()
    valid = form.is_valid()
    tokens = _order_tokens(request.POST)
    chosen = bool(request.FILES.getlist("photos")) or any(
        f"{token}-file" in request.FILES for token in tokens or []
    )
    if not valid and not chosen:
        # Nothing uploaded that could be lost: show the form again as it was typed.
        return _render_form(
            request, story=None, form=form, photos_form=PhotosForm(), image_forms=[], status=200
        )
    try:
        story = services.story_create(
            author=_contributor(request.user), **(form.service_fields() if valid else _fallback_fields(form))
        )
    except services.InvalidInput as exc:
        errors_to_form(form, exc)
        return _render_form(request, story=None, form=form, photos_form=PhotosForm(), image_forms=[])
    try:
        result = services.story_save(story=story, user=request.user, uploads=request.FILES.getlist("photos"))
        new_photos = _save_new_photos(request, story, tokens, outcome)
    except services.NotAllowed as exc:
        messages.error(request, str(exc.message))
        return redirect("stories:detail", pk=story.pk)
    _report(request, result, None, [], outcome)
    if valid and outcome.ok and _next_action(request) == "submit":
        _submit(request, story, outcome)
    if valid and outcome.ok and _next_action(request) == "add_video":
        # A reel or a story is told by its video, which goes to a saved draft: straight there.
        messages.success(request, _("Your draft is saved. Now choose the video."))
        return redirect(reverse("stories:edit", args=[story.pk]) + "#video")
    if valid and outcome.ok:
        return _saved(request, story)
    # Re-show what was typed, now with the draft's photos, posting to the draft from here on.
    form = StoryForm(_with_version(request.POST, story.version), user=request.user, story=story)
    form.is_valid()
    return _render_form(
        request,
        story=story,
        form=form,
        photos_form=PhotosForm(),
        image_forms=_forms_now(story, new_photos.forms),
        outcome=outcome,
    )


def _forms_now(story: Story, typed_forms: list[ImageForm]) -> list[ImageForm]:
    """Forms of the photos the story has now: those refused keep what was typed (and say why);
    the others show what was saved."""
    typed = {form.image.pk: form for form in typed_forms if form.image is not None}
    forms_now = []
    for number, image in enumerate(_images_of(story), start=1):
        old = typed.get(image.pk)
        if old is not None and old.errors:
            old.number = number
            forms_now.append(old)
        else:
            forms_now.append(ImageForm(image=image, number=number))
    return forms_now


def _saved(request: HttpRequest, story: Story) -> HttpResponse:
    if story.status in (Status.SUBMITTED, Status.RESUBMITTED):
        messages.success(request, _("Your story has been sent to the outreach team. Thank you!"))
        return redirect("stories:detail", pk=story.pk)
    messages.success(request, _("Saved."))
    if story.status == Status.DRAFT or story.status == Status.CHANGES_REQUESTED:
        return redirect("stories:edit", pk=story.pk)
    return redirect("stories:detail", pk=story.pk)


@login_required
def story_edit(request: HttpRequest, pk: int) -> HttpResponse:
    story = visible_story(request, pk)
    if not can_edit(request.user, story):
        messages.error(
            request, why_not_editable(request.user, story) or _("This story cannot be changed now.")
        )
        return redirect("stories:detail", pk=story.pk)
    if request.method != "POST":
        return _render_form(
            request,
            story=story,
            form=StoryForm(user=request.user, story=story),
            photos_form=PhotosForm(),
            image_forms=_image_forms(story),
        )
    form = StoryForm(request.POST, user=request.user, story=story)
    image_forms = _image_forms(story, request.POST)
    outcome = _EditOutcome()
    valid = form.is_valid()
    version = form.cleaned_data.get("version") if valid else None
    data: QueryDict = request.POST
    tokens = _order_tokens(request.POST)
    photos, order = _photo_edits(image_forms, outcome)
    try:
        # One unit of work; whatever else is wrong, each valid photo change and upload is kept.
        result = services.story_save(
            story=story,
            user=request.user,
            expected_version=version if isinstance(version, int) else -1,
            fields=form.service_fields() if valid else None,
            photos=photos,
            # The page's script sends the order of all photos, new ones included: set below.
            order=order if tokens is None else None,
            uploads=request.FILES.getlist("photos"),
        )
        new_photos = _save_new_photos(request, story, tokens, outcome)
    except services.NotAllowed as exc:
        messages.error(request, str(exc.message))
        return redirect("stories:detail", pk=story.pk)
    _report(request, result, form, image_forms, outcome)
    if not valid:
        outcome.ok = False
    if result.conflict:
        outcome.conflict = _conflict_rows(result.conflict, form)
        # Saving again now keeps what is in the form, which the editor has seen next to theirs.
        data = _with_version(request.POST, result.conflict.current_version)
    elif valid and not result.field_errors and not result.field_message:
        data = _with_version(request.POST, story.version)
    if outcome.ok and _next_action(request) == "submit":
        _submit(request, story, outcome)
    if outcome.ok:
        return _saved(request, story)
    story.refresh_from_db()
    form = StoryForm(data, user=request.user, story=story)
    form.is_valid()
    if outcome.conflict:
        form.add_error(None, _("Someone else saved this story while you were editing it."))
    return _render_form(
        request,
        story=story,
        form=form,
        photos_form=PhotosForm(),
        image_forms=_forms_now(story, image_forms + new_photos.forms),
        outcome=outcome,
    )


# ---------------------------------------------------------------------------------------------
