"""The story pages: parse the request, call one service per change, render.

Who may open what is decided by `Story.objects.visible_to` (a story one may not see is a 404,
so guessing ids tells nothing) and the `can_*` helpers; the services check again.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from PIL import Image

from contributors.models import Contributor
from contributors.roles import roles_of

from . import services
from .captions import (
    CAPTION_MAX_CHARS,
    MAX_HASHTAGS,
    MAX_MENTIONS,
    count_chars,
    count_hashtags,
    count_mentions,
    preview_cut,
)
from .diff import revision_diff
from .forms import (
    ALL,
    AWAITING,
    CommentForm,
    CropForm,
    ImageForm,
    PhotosForm,
    ReviewFilterForm,
    RevisionChoiceForm,
    StoryForm,
    TransitionForm,
)
from .images import ImageRejected, default_crop, max_pixels
from .models import (
    MAX_IMAGES,
    REVIEWABLE_STATUSES,
    Objective,
    PersonShown,
    Status,
    Story,
    StoryImage,
    can_edit,
    can_review,
    can_sign_off,
    can_view,
    can_withdraw,
    can_withdraw_consent,
)
from .panels import story_panels

QUEUE_PAGE_SIZE = 25
MINE_PAGE_SIZE = 30


# ---------------------------------------------------------------------------------------------
# Lists


@login_required
@require_GET
def my_stories(request: HttpRequest) -> HttpResponse:
    stories = Story.objects.mine(request.user).with_list_data().order_by("-updated_at", "-pk")
    page = Paginator(stories, MINE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "stories/mine.html", {"page": page, "stories": page.object_list})


def _is_reviewer(user: Any) -> bool:
    roles = roles_of(user)
    return roles.team or roles.science


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    if not _is_reviewer(request.user):
        raise PermissionDenied
    form = ReviewFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    stories = Story.objects.visible_to(request.user).filter(submitted_at__isnull=False)
    if filters.get("objective"):
        stories = stories.filter(objective=filters["objective"])
    if filters.get("format"):
        stories = stories.filter(format=filters["format"])
    if filters.get("author"):
        text = filters["author"].strip()
        stories = stories.filter(
            Q(author__display_name__icontains=text)
            | Q(author__user__username__icontains=text)
            | Q(author__user__first_name__icontains=text)
            | Q(author__user__last_name__icontains=text)
        )
    if filters.get("waiting"):
        stories = stories.filter(
            status_changed_at__lte=timezone.now() - timedelta(days=int(filters["waiting"]))
        )
    if filters.get("result") == "yes":
        stories = stories.filter(publication__isnull=False)
    elif filters.get("result") == "no":
        stories = stories.filter(publication__isnull=True)
    if filters.get("mine"):
        stories = stories.filter(reviewer=cast(Any, request.user))
    counts = dict(stories.order_by().values_list("status").annotate(count=Count("pk")))
    status = filters.get("status") or AWAITING
    if status == AWAITING:
        stories = stories.filter(status__in=REVIEWABLE_STATUSES)
    elif status != ALL:
        stories = stories.filter(status=status)
    stories = stories.for_review_queue().waiting_longest_first()
    page = Paginator(stories, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    status_counts = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Status.choices
        if value != Status.DRAFT
    ]
    return render(
        request,
        "stories/review_queue.html",
        {
            "form": form,
            "page": page,
            "stories": page.object_list,
            "status_counts": status_counts,
            "awaiting_count": sum(counts.get(value, 0) for value in REVIEWABLE_STATUSES),
            "query": query.urlencode(),
            "now": timezone.now(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Writing and editing


def _visible_story(request: HttpRequest, pk: int) -> Story:
    return get_object_or_404(
        Story.objects.visible_to(request.user).select_related("author__user", "publication", "reviewer"),
        pk=pk,
    )


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


def _add_uploads(request: HttpRequest, story: Story, outcome: _EditOutcome) -> None:
    uploads = request.FILES.getlist("photos")
    room = MAX_IMAGES - StoryImage.objects.filter(story=story).count()
    for upload in uploads:
        name = upload.name or _("(no name)")
        if room <= 0:
            outcome.file_errors.append(
                _("%(name)s was not added: a story has at most %(max)d photos.")
                % {"name": name, "max": MAX_IMAGES}
            )
            continue
        try:
            services.image_add(story=story, user=request.user, upload=upload)
        except ImageRejected as exc:
            outcome.file_errors.append(
                _("%(name)s was not added: %(reason)s") % {"name": name, "reason": exc.message}
            )
        except services.StoryError as exc:
            outcome.file_errors.append(
                _("%(name)s was not added: %(reason)s") % {"name": name, "reason": exc.message}
            )
        else:
            room -= 1
    if outcome.file_errors:
        outcome.ok = False


def _apply_image_forms(
    request: HttpRequest, story: Story, image_forms: list[ImageForm], outcome: _EditOutcome
) -> None:
    """Save alt texts, people and removals photo by photo, then the order the editor chose."""
    order: list[tuple[int, int, int]] = []  # (position wanted, position shown, image id)
    for form in image_forms:
        image = form.image
        if not form.is_valid():
            outcome.ok = False
            order.append((form.number, form.number, image.pk))
            continue
        data = form.cleaned_data
        try:
            if data["remove"]:
                services.image_remove(image=image, user=request.user)
                continue
            services.image_update(
                image=image,
                user=request.user,
                alt_text=data["alt_text"],
                no_identifiable_person=data["no_identifiable_person"] and not form.has_person(),
            )
        except services.InvalidInput as exc:
            _errors_to_form(form, exc)
            outcome.ok = False
        if not _add_people(request, form):
            outcome.ok = False
        order.append((data["position"], form.number, image.pk))
    wanted = [pk for _wanted, _shown, pk in sorted(order)]
    shown = [pk for _shown, pk in sorted((shown, pk) for _wanted, shown, pk in order)]
    if wanted != shown:
        try:
            services.image_reorder(story=story, user=request.user, image_ids=wanted)
        except services.InvalidInput as exc:
            messages.error(request, str(exc.message))
            outcome.ok = False


def _add_people(request: HttpRequest, form: ImageForm) -> bool:
    """Record every person named in the photo's rows, all or none: a refused row is marked on
    the page with everything typed, and saving again must not record the others twice."""
    row: Any = None
    try:
        with transaction.atomic():
            for row in form.new_people():
                services.person_add(
                    image=form.image,
                    user=request.user,
                    name=row.cleaned_data["name"],
                    contact=row.cleaned_data["contact"],
                    consent_wording=row.cleaned_data["consent_wording"],
                )
    except services.InvalidInput as exc:
        _errors_to_form(row, exc)
        form.add_error(
            None,
            _("The people added to photo %(number)d were not saved; see the marked row.")
            % {"number": form.number},
        )
        return False
    return True


def _errors_to_form(form: Any, exc: services.InvalidInput, renames: dict[str, str] | None = None) -> None:
    renames = renames or {}
    placed = False
    for name, problems in exc.errors.items():
        field = renames.get(name, name)
        for problem in problems:
            if field in form.fields:
                form.add_error(field, problem)
                placed = True
    if not placed:
        form.add_error(None, str(exc.message))


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
        "counts": _caption_counts(str(caption)),
        "max_images": MAX_IMAGES,
        "is_author": story.is_author(request.user) if story else True,
        "has_errors": bool(form.errors) or any(image_form.errors for image_form in image_forms),
    }
    return render(request, "stories/form.html", context, status=status)


def _caption_counts(caption: str) -> dict[str, int]:
    return {
        "chars": count_chars(caption),
        "hashtags": count_hashtags(caption),
        "mentions": count_mentions(caption),
        "max_chars": CAPTION_MAX_CHARS,
        "max_hashtags": MAX_HASHTAGS,
        "max_mentions": MAX_MENTIONS,
    }


def _image_forms(story: Story | None, data: QueryDict | None = None) -> list[ImageForm]:
    return [
        ImageForm(data, image=image, number=number) for number, image in enumerate(_images_of(story), start=1)
    ]


def _with_version(data: QueryDict, version: int) -> QueryDict:
    data = data.copy()
    data["version"] = str(version)
    return data


@login_required
def story_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_form(
            request,
            story=None,
            form=StoryForm(user=request.user),
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
        _errors_to_form(form, exc)
        return _render_form(request, story=None, form=form, photos_form=PhotosForm(), image_forms=[])
    _add_uploads(request, story, outcome)
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
    story = _visible_story(request, pk)
    if not can_edit(request.user, story):
        messages.error(request, _("This story cannot be changed now."))
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
    try:
        # Whatever else is wrong, each photo and each valid photo form is saved on its own.
        _apply_image_forms(request, story, image_forms, outcome)
        _add_uploads(request, story, outcome)
        if valid:
            try:
                services.story_update(
                    story=story,
                    user=request.user,
                    expected_version=version if isinstance(version, int) else -1,
                    **form.service_fields(),
                )
                data = _with_version(request.POST, story.version)
            except services.EditConflict as exc:
                outcome.conflict = _conflict_rows(exc, form)
                outcome.ok = False
                # Saving again now keeps what is in the form, which the editor has seen next to theirs.
                data = _with_version(request.POST, exc.current_version)
            except services.InvalidInput as exc:
                _errors_to_form(form, exc)
                outcome.ok = False
        else:
            outcome.ok = False
        if outcome.ok and _next_action(request) == "submit":
            _submit(request, story, outcome)
    except services.NotAllowed as exc:
        messages.error(request, str(exc.message))
        return redirect("stories:detail", pk=story.pk)
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
# The story page


@dataclass(frozen=True)
class Action:
    name: str
    label: Any
    explanation: Any
    text_label: Any = None  # a text field goes along (a comment or a reason)
    text_required: bool = False
    style: str = "primary"


ACTIONS = {
    action.name: action
    for action in (
        Action(
            "submit", gettext_lazy("Submit for review"), gettext_lazy("Send the story to the outreach team.")
        ),
        Action(
            "resubmit",
            gettext_lazy("Resubmit for review"),
            gettext_lazy("Send the changed story back to the outreach team."),
        ),
        Action(
            "take",
            gettext_lazy("Take for review"),
            gettext_lazy("Mark the story as in review by you; it appears under “mine” in the queue."),
            style="secondary",
        ),
        Action(
            "sign-off",
            gettext_lazy("Sign off the science"),
            gettext_lazy("Confirm that the physics in this story is right."),
            style="success",
        ),
        Action(
            "approve",
            gettext_lazy("Approve for posting"),
            gettext_lazy("Approve the story; it goes to the schedule."),
            style="success",
        ),
        Action(
            "request-changes",
            gettext_lazy("Request changes"),
            gettext_lazy("Send the story back to its authors with what to change."),
            text_label=gettext_lazy("What should change"),
            text_required=True,
            style="warning",
        ),
        Action(
            "reject",
            gettext_lazy("Reject the story"),
            gettext_lazy("End the story; the authors see your reason."),
            text_label=gettext_lazy("Reason for the authors"),
            text_required=True,
            style="danger",
        ),
        Action(
            "withdraw",
            gettext_lazy("Withdraw the story"),
            gettext_lazy("Take the story back for good; it will not be posted."),
            style="outline-danger",
        ),
    )
}


def available_actions(user: Any, story: Story) -> list[Action]:
    """The steps this user may take now; the services decide again when one is taken."""
    names = []
    if story.is_author(user):
        if story.status == Status.DRAFT:
            names.append("submit")
        if story.status == Status.CHANGES_REQUESTED:
            names.append("resubmit")
    if can_review(user, story):
        if story.status in (Status.SUBMITTED, Status.RESUBMITTED):
            names.append("take")
    if can_sign_off(user, story) and story.science_signoff_at is None:
        names.append("sign-off")
    if can_review(user, story):
        names += ["approve", "request-changes", "reject"]
    if can_withdraw(user, story):
        names.append("withdraw")
    return [ACTIONS[name] for name in names]


def _story_page_context(request: HttpRequest, story: Story) -> dict[str, Any]:
    user = request.user
    images = list(StoryImage.objects.filter(story=story).prefetch_related("people__consent_recorded_by"))
    shown, cut = preview_cut(story.caption)
    first = next((image for image in images if image.is_ready), None)
    roles = roles_of(user)
    may_edit = can_edit(user, story)
    if may_edit and roles.team:
        _attach_crop_forms(story, images)
    revisions = list(story.revisions.select_related("created_by"))
    diff = None
    if len(revisions) >= 2:
        diff = {"a": revisions[-2], "b": revisions[-1], "fields": revision_diff(revisions[-2], revisions[-1])}
    return {
        "story": story,
        "images": images,
        "preview_text": shown,
        "preview_cut": cut,
        "frame": _frame_class(first),
        "counts": _caption_counts(story.caption),
        "actions": available_actions(user, story),
        "transition_form": TransitionForm(),
        "comments": list(story.comments.select_related("author__contributor", "image")),
        "comment_form": CommentForm(story=story, images=images),
        "transitions": list(story.transitions.select_related("actor__contributor")),
        "revisions": revisions,
        "diff": diff,
        "revision_form": RevisionChoiceForm(
            initial={"a": revisions[-2].number, "b": revisions[-1].number} if len(revisions) >= 2 else None
        ),
        "may_edit": may_edit,
        "may_crop": may_edit and roles.team,
        "may_withdraw_consent": can_withdraw_consent(user, story),
        "problems": services.approval_problems(story) if story.status in REVIEWABLE_STATUSES else [],
        "is_reviewer": can_review(user, story) or can_sign_off(user, story),
        "panels": story_panels(request, story),
        "co_authors": list(story.co_authors.select_related("user")),
    }


def _attach_crop_forms(story: Story, images: list[StoryImage]) -> None:
    """Each photo's crop form; carousel items after the first are held to the first one's ratio."""
    first = images[0] if images else None
    for index, image in enumerate(images):
        image.crop_form = _crop_form(image)  # type: ignore[attr-defined]
        image.target_ratio = None  # type: ignore[attr-defined]
        if (
            index
            and story.format == "carousel"
            and first
            and first.rendition_width
            and first.rendition_height
        ):
            image.target_ratio = round(first.rendition_width / first.rendition_height, 4)  # type: ignore[attr-defined]


def _crop_form(image: StoryImage) -> CropForm:
    box = image.crop
    if box is None and image.original_width and image.original_height:
        box = default_crop(image.original_width, image.original_height)
    initial = {"crop_x": 0.0, "crop_y": 0.0, "crop_width": 1.0, "crop_height": 1.0}
    if box is not None:
        initial = {
            "crop_x": round(box.x, 4),
            "crop_y": round(box.y, 4),
            "crop_width": round(box.width, 4),
            "crop_height": round(box.height, 4),
        }
    return CropForm(initial=initial, prefix=None)


def _frame_class(image: StoryImage | None) -> str:
    """The frame Instagram shows the post in: 4:5, 1:1 or 1.91:1, whichever is nearest."""
    if image is None or not image.rendition_width or not image.rendition_height:
        return "ig-frame-1x1"
    ratio = image.rendition_width / image.rendition_height
    frames = {"ig-frame-4x5": 0.8, "ig-frame-1x1": 1.0, "ig-frame-191x100": 1.91}
    return min(frames, key=lambda name: abs(frames[name] - ratio))


def _render_story(request: HttpRequest, story: Story, status: int = 200, **overrides: Any) -> HttpResponse:
    context = _story_page_context(request, story)
    context.update(overrides)
    return render(request, "stories/detail.html", context, status=status)


@login_required
@require_GET
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_story(request, _visible_story(request, pk))


@login_required
@require_POST
def story_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    story = _visible_story(request, pk)
    chosen = ACTIONS.get(action)
    if chosen is None:
        raise Http404
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _render_story(request, story, status=400, transition_form=form, failed_action=action)
    text = form.cleaned_data["text"]
    user = request.user
    try:
        if action == "submit":
            services.story_submit(story=story, user=user)
        elif action == "resubmit":
            services.story_resubmit(story=story, user=user)
        elif action == "take":
            services.story_start_review(story=story, user=user)
        elif action == "sign-off":
            services.story_science_signoff(story=story, user=user)
        elif action == "approve":
            services.story_approve(story=story, user=user)
        elif action == "request-changes":
            services.story_request_changes(story=story, user=user, comment=text)
        elif action == "reject":
            services.story_reject(story=story, user=user, reason=text)
        elif action == "withdraw":
            services.story_withdraw(story=story, user=user)
    except services.StepBlocked as exc:
        messages.error(request, str(exc.message))
        for item in exc.missing:
            messages.warning(request, item)
        return redirect("stories:detail", pk=story.pk)
    except services.InvalidInput as exc:
        form.add_error("text", str(exc.message) if not exc.errors else next(iter(exc.errors.values()))[0])
        return _render_story(request, story, status=400, transition_form=form, failed_action=action)
    except services.StoryError as exc:
        messages.error(request, str(exc.message))
        return redirect("stories:detail", pk=story.pk)
    story.refresh_from_db()
    messages.success(
        request, _("Done: the story is now “%(status)s”.") % {"status": story.get_status_display()}
    )
    if not can_view(user, story):
        return redirect("stories:mine")
    return redirect("stories:detail", pk=story.pk)


@login_required
@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    story = _visible_story(request, pk)
    images = list(StoryImage.objects.filter(story=story))
    form = CommentForm(request.POST, story=story, images=images)
    if form.is_valid():
        try:
            services.comment_add(
                story=story,
                user=request.user,
                body=form.cleaned_data["body"],
                image=form.cleaned_data["image"],
            )
        except services.InvalidInput as exc:
            _errors_to_form(form, exc)
        except services.StoryError as exc:
            messages.error(request, str(exc.message))
            return redirect("stories:detail", pk=story.pk)
        else:
            messages.success(request, _("Your comment has been added."))
            return redirect(reverse("stories:detail", args=[story.pk]) + "#comments")
    return _render_story(request, story, status=400, comment_form=form)


@login_required
@require_GET
def story_diff(request: HttpRequest, pk: int) -> HttpResponse:
    story = _visible_story(request, pk)
    revisions = {revision.number: revision for revision in story.revisions.select_related("created_by")}
    form = RevisionChoiceForm(request.GET or None)
    diff = None
    if form.is_valid():
        a, b = revisions.get(form.cleaned_data["a"]), revisions.get(form.cleaned_data["b"])
        if a is None or b is None:
            form.add_error(None, _("There is no such revision of this story."))
        else:
            diff = {"a": a, "b": b, "fields": revision_diff(a, b)}
    status = 400 if form.is_bound and diff is None else 200
    return render(
        request,
        "stories/diff.html",
        {
            "story": story,
            "form": form,
            "diff": diff,
            "revisions": sorted(revisions.values(), key=lambda r: r.number),
        },
        status=status,
    )


# ---------------------------------------------------------------------------------------------
# Photos


def _story_image(request: HttpRequest, pk: int, image_id: int) -> tuple[Story, StoryImage]:
    story = _visible_story(request, pk)
    image = get_object_or_404(StoryImage.objects.select_related("story"), pk=image_id, story=story)
    return story, image


_CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp", ".heic": "image/heic"}


@login_required
@require_GET
def image_original(request: HttpRequest, pk: int, image_id: int) -> FileResponse:
    """The uploaded file as it came, for people who may see the story; never cached publicly."""
    _story, image = _story_image(request, pk, image_id)
    try:
        handle = image.original.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    suffix = "." + image.original.name.rsplit(".", 1)[-1].lower() if "." in image.original.name else ""
    content_type = _CONTENT_TYPES.get(suffix) or mimetypes.guess_type(image.original.name)[0]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=image.original_name or f"photo-{image.pk}{suffix}",
        content_type=content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def image_rendition(request: HttpRequest, pk: int, image_id: int) -> FileResponse:
    """The Instagram JPEG, for the story page (published renditions are public anyway)."""
    _story, image = _story_image(request, pk, image_id)
    if not image.rendition:
        raise Http404
    try:
        handle = image.rendition.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_GET
def image_preview(request: HttpRequest, pk: int, image_id: int) -> FileResponse:
    """The whole upright photo, small enough for a browser, for the crop tool (HEIC included).
    Decoded from the original once; afterwards the stored JPEG is sent as it is."""
    _story, image = _story_image(request, pk, image_id)
    if image.original_width * image.original_height > max_pixels():
        raise Http404
    try:
        name = services.image_preview(image=image)
        if name is None:
            raise Http404
        handle = image.preview.storage.open(name, "rb")
    except (OSError, ValueError, ImageRejected, Image.DecompressionBombError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def image_crop(request: HttpRequest, pk: int, image_id: int) -> HttpResponse:
    story, image = _story_image(request, pk, image_id)
    if not (roles_of(request.user).team and can_edit(request.user, story)):
        raise PermissionDenied
    form = CropForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(reverse("stories:detail", args=[story.pk]) + f"#photo-{image.pk}")
    try:
        services.image_update(image=image, user=request.user, crop=form.box())
    except services.StoryError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The crop has been saved."))
    return redirect(reverse("stories:detail", args=[story.pk]) + f"#photo-{image.pk}")


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int, person_id: int) -> HttpResponse:
    story = _visible_story(request, pk)
    person = get_object_or_404(
        PersonShown.objects.select_related("image__story"), pk=person_id, image__story=story
    )
    try:
        services.consent_withdraw(person=person, user=request.user)
    except services.StoryError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The withdrawal of consent has been recorded."))
    return redirect("stories:detail", pk=story.pk)
