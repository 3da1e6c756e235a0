"""The story page: preview, the actions of `stories.workflow`, comments, revisions, History."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .. import history, services
from ..captions import (
    preview_cut,
)
from ..diff import revision_diff
from ..forms import (
    CarouselRatioForm,
    CommentForm,
    CropForm,
    RevisionChoiceForm,
    TransitionForm,
)
from ..images import default_crop
from ..models import (
    AUTHOR_EDITABLE_STATUSES,
    REVIEWABLE_STATUSES,
    Format,
    Story,
    StoryImage,
)
from ..panels import story_panels
from ..permissions import (
    can_crop,
    can_edit,
    can_see_contacts,
    can_see_result,
    can_view,
    can_withdraw_consent,
    why_not_editable,
)
from ..services.videos import video_of
from ..workflow import ACTIONS, available_actions, is_reviewer_of
from .common import caption_counts, errors_to_form, visible_story


def _story_page_context(request: HttpRequest, story: Story) -> dict[str, Any]:
    user = request.user
    images = list(StoryImage.objects.filter(story=story).prefetch_related("people__consent_recorded_by"))
    shown, cut = preview_cut(story.caption)
    first = next((image for image in images if image.is_ready), None)
    may_edit = can_edit(user, story)
    may_crop = can_crop(user, story)
    _attach_cuts(story, images)
    if may_crop:
        _attach_crop_forms(story, images)
    revisions = list(story.revisions.select_related("created_by"))
    diff = None
    if len(revisions) >= 2:
        diff = {"a": revisions[-2], "b": revisions[-1], **revision_diff(revisions[-2], revisions[-1])}
    return {
        "story": story,
        "images": images,
        "video": video_of(story),
        "preview_text": shown,
        "preview_cut": cut,
        "frame": _frame_class(first),
        "first_ready": first,
        "ratio_form": CarouselRatioForm(initial={"ratio": story.carousel_ratio}),
        "counts": caption_counts(story.caption),
        "actions": available_actions(user, story),
        "state_reason": history.reason_for_state(story),
        "transition_form": TransitionForm(),
        "comments": list(story.comments.select_related("author__contributor", "image")),
        "comment_form": CommentForm(story=story, images=images),
        "history": history.lines(story),
        "revisions": revisions,
        "diff": diff,
        "revision_form": RevisionChoiceForm(
            initial={"a": revisions[-2].number, "b": revisions[-1].number} if len(revisions) >= 2 else None
        ),
        "may_edit": may_edit,
        "why_not_editable": why_not_editable(user, story) if story.is_author(user) else None,
        "may_crop": may_crop,
        "may_withdraw_consent": can_withdraw_consent(user, story),
        "may_see_contacts": can_see_contacts(user, story),
        "may_see_result": can_see_result(user, story),
        "problems": services.approval_problems(story) if story.status in REVIEWABLE_STATUSES else [],
        "team_will_need": _team_will_need(user, story),
        "warnings": services.approval_warnings(story) if story.status in REVIEWABLE_STATUSES else [],
        "is_reviewer": is_reviewer_of(user, story),
        "panels": story_panels(request, story),
        "co_authors": list(story.co_authors.select_related("user")),
        "invited": list(story.invitations.select_related("contributor__user")),
    }


def _team_will_need(user: Any, story: Story) -> list[str]:
    """What the authors have not given yet that approval needs (alt text, consent, …). Submitting
    does not wait for it, so the authors see it plainly beside their buttons instead of finding
    out from the team later."""
    if not story.is_author(user) or story.status not in AUTHOR_EDITABLE_STATUSES | REVIEWABLE_STATUSES:
        return []
    blocking = set(services.submission_problems(story))
    return [problem for problem in services.approval_problems(story) if problem not in blocking]


def _attach_cuts(story: Story, images: list[StoryImage]) -> None:
    """How Instagram will show each photo (`stories.crops`): ratio, part kept, flags."""
    first = images[0] if images else None
    for image in images:
        image.cut = services.photo_cut(story, image, first)  # type: ignore[attr-defined]


def _attach_crop_forms(story: Story, images: list[StoryImage]) -> None:
    """Each photo's crop form; carousel items are held to the carousel's ratio."""
    first = images[0] if images else None
    for image in images:
        image.crop_form = _crop_form(image)  # type: ignore[attr-defined]
        image.target_ratio = None  # type: ignore[attr-defined]
        if story.format == Format.CAROUSEL and first and image.original_width and image.original_height:
            image.target_ratio = round(services.needed_ratio(story, image, first), 4)  # type: ignore[attr-defined]


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


def render_story(request: HttpRequest, story: Story, status: int = 200, **overrides: Any) -> HttpResponse:
    context = _story_page_context(request, story)
    context.update(overrides)
    return render(request, "stories/detail.html", context, status=status)


@login_required
@require_GET
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_story(request, visible_story(request, pk))


@login_required
@require_POST
def story_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    story = visible_story(request, pk)
    chosen = ACTIONS.get(action)
    if chosen is None:
        raise Http404
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return render_story(request, story, status=400, transition_form=form, failed_action=action)
    try:
        chosen.take(story=story, user=request.user, text=form.cleaned_data["text"])
    except services.StepBlocked as exc:
        messages.error(request, str(exc.message))
        for item in exc.missing:
            messages.warning(request, item)
        return redirect("stories:detail", pk=story.pk)
    except services.InvalidInput as exc:
        form.add_error("text", str(exc.message) if not exc.errors else next(iter(exc.errors.values()))[0])
        return render_story(request, story, status=400, transition_form=form, failed_action=action)
    except services.StoryError as exc:
        messages.error(request, str(exc.message))
        return redirect("stories:detail", pk=story.pk)
    story.refresh_from_db()
    if chosen.done is not None:
        messages.success(request, str(chosen.done))
    else:
        messages.success(
            request, _("Done: the story is now “%(status)s”.") % {"status": story.get_status_display()}
        )
    if not can_view(request.user, story):
        return redirect("stories:mine")
    return redirect("stories:detail", pk=story.pk)


@login_required
@require_POST
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    story = visible_story(request, pk)
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
            errors_to_form(form, exc)
        except services.StoryError as exc:
            messages.error(request, str(exc.message))
            return redirect("stories:detail", pk=story.pk)
        else:
            messages.success(request, _("Your comment has been added."))
            return redirect(reverse("stories:detail", args=[story.pk]) + "#comments")
    return render_story(request, story, status=400, comment_form=form)


@login_required
@require_GET
def story_diff(request: HttpRequest, pk: int) -> HttpResponse:
    story = visible_story(request, pk)
    revisions = {revision.number: revision for revision in story.revisions.select_related("created_by")}
    form = RevisionChoiceForm(request.GET or None)
    diff = None
    if form.is_valid():
        a, b = revisions.get(form.cleaned_data["a"]), revisions.get(form.cleaned_data["b"])
        if a is None or b is None:
            form.add_error(None, _("There is no such revision of this story."))
        else:
            diff = {"a": a, "b": b, **revision_diff(a, b)}
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
