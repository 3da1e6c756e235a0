"""Writing and editing a story: the form, its photos and people, and saving it."""

from __future__ import annotations

from dataclasses import dataclass
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
    ImageForm,
    PhotosForm,
    StoryForm,
)
from ..models import (
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


class _EditOutcome:
    def __init__(self) -> None:
        self.ok = True
        self.conflict: Conflict | None = None
        self.file_errors: list[str] = []
        self.blocked: list[str] = []
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
    by_pk = {image_form.image.pk: image_form for image_form in image_forms}
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
    return action if action in ("save", "submit") else "save"


def _submit(request: HttpRequest, story: Story, outcome: _EditOutcome) -> None:
    try:
        if story.status == Status.CHANGES_REQUESTED:
            services.story_resubmit(story=story, user=request.user)
        else:
            services.story_submit(story=story, user=request.user)
    except services.StepBlocked as exc:
        outcome.blocked = [str(item) for item in exc.missing]
        outcome.ok = False
    except services.StoryError as exc:
        outcome.blocked = [str(exc.message)]
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
    context = {
        "story": story,
        "form": form,
        "photos_form": photos_form,
        "image_forms": image_forms,
        "images": images,
        "outcome": outcome,
        "form_action": reverse("stories:edit", args=[story.pk]) if story else reverse("stories:new"),
        "counts": caption_counts(str(caption)),
        "max_images": MAX_IMAGES,
        "is_author": story.is_author(request.user) if story else True,
        "has_errors": bool(form.errors) or any(image_form.errors for image_form in image_forms),
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
    if not valid and not request.FILES.getlist("photos"):
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
    except services.NotAllowed as exc:
        messages.error(request, str(exc.message))
        return redirect("stories:detail", pk=story.pk)
    _report(request, result, None, [], outcome)
    if valid and outcome.ok and _next_action(request) == "submit":
        _submit(request, story, outcome)
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
        image_forms=_image_forms(story),
        outcome=outcome,
    )


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
    photos, order = _photo_edits(image_forms, outcome)
    try:
        # One unit of work; whatever else is wrong, each valid photo change and upload is kept.
        result = services.story_save(
            story=story,
            user=request.user,
            expected_version=version if isinstance(version, int) else -1,
            fields=form.service_fields() if valid else None,
            photos=photos,
            order=order,
            uploads=request.FILES.getlist("photos"),
        )
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
    # Forms of photos that were there keep what was typed; new photos come with empty forms.
    typed = {f.image.pk: f for f in image_forms}
    forms_now = []
    for number, image in enumerate(_images_of(story), start=1):
        old = typed.get(image.pk)
        if old is not None and old.errors:
            forms_now.append(old)
        else:
            forms_now.append(ImageForm(image=image, number=number))
    return _render_form(
        request, story=story, form=form, photos_form=PhotosForm(), image_forms=forms_now, outcome=outcome
    )


# ---------------------------------------------------------------------------------------------
