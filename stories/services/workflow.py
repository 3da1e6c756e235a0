"""The story's review: one service per action of the table in `stories.workflow`.

Each service locks the story, checks its action's guard on the locked row, changes the state
with a compare-and-set, writes the audit row named after the action, and queues (after commit)
the e-mails and signals the step causes.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from contributors.queueing import after_commit

from ..captions import caption_problems
from ..diff import photo_snapshot
from ..errors import ApprovalBlocked, SubmissionBlocked, TransitionNotAllowed
from ..models import (
    CAROUSEL_MIN_IMAGES,
    MAX_IMAGES,
    Comment,
    Format,
    ImageState,
    Story,
    StoryImage,
    StoryRevision,
)
from ..signals import story_approved
from ..workflow import ACTIONS, Action
from .common import comment_text, locked, now, record, required_text, sync
from .notices import notify
from .videos import uses_video, video_of, video_problems


def submission_problems(story: Story) -> list[str]:
    """What the authors must do before the team can see the story."""
    problems = []
    if not story.title.strip():
        problems.append(_("Give the story a title."))
    problems.extend(_media_problems(story, list(story.images.all())))
    problems.extend(caption_problems(story.caption))
    return problems


def _media_problems(story: Story, images: list[StoryImage]) -> list[str]:
    video = video_of(story)
    return (
        video_problems(story, video, images)
        if uses_video(story, video)
        else _image_count_problems(story, images)
    )


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
    problems.extend(_media_problems(story, images))
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
    images = list(StoryImage.objects.filter(story=story).prefetch_related("people"))
    return StoryRevision.objects.create(
        story=story,
        number=(last or 0) + 1,
        title=story.title,
        caption=story.caption,
        alt_texts=[image.alt_text for image in images],
        photos=photo_snapshot(images),
        created_by=user,
    )


def move(
    current: Story,
    user: Any,
    *,
    kind: str,
    to_state: str | None,
    text: str = "",
    params: dict[str, Any] | None = None,
    **fields: Any,
) -> None:
    """Change the locked story with a compare-and-set on state and version, and write the audit
    row. `to_state` None keeps the state (the row then records no state)."""
    changed = now()
    columns: dict[str, Any] = {"updated_at": changed, "version": F("version") + 1, **fields}
    if to_state is not None:
        columns.update(status=to_state, status_changed_at=changed)
    moved = Story.objects.filter(pk=current.pk, status=current.status, version=current.version).update(
        **columns
    )
    if moved != 1:
        # Only possible if the lock above is not a real one and someone else got there first.
        raise TransitionNotAllowed(_("The story was changed by someone else just now. Please reload it."))
    from_status = current.status if to_state is not None else ""
    record(
        current, user, kind, from_status=from_status, to_status=to_state or "", text=text, **(params or {})
    )


def _take(action: Action, current: Story, user: Any, *, text: str = "", **fields: Any) -> None:
    move(current, user, kind=action.name, to_state=action.to_state, text=text, **fields)


def _begin(name: str, story: Story, user: Any) -> tuple[Action, Story]:
    """Lock the story and check the action's guard on the locked row."""
    action = ACTIONS[name]
    current = locked(story)
    action.check(user, current)
    return action, current


def _send_for_review(*, name: str, story: Story, user: Any, first: bool = False) -> Story:
    """Submit and resubmit: the authors hand the story over and a revision is stored."""
    with transaction.atomic():
        action, current = _begin(name, story, user)
        missing = submission_problems(current)
        if missing:
            raise SubmissionBlocked(missing)
        fields: dict[str, Any] = {"submitted_at": current.submitted_at or now()} if first else {}
        _take(action, current, user, **fields)
        _store_revision(current, user)
        notify(name, story=current, actor=user)
        notify(f"authors_{name}", story=current, actor=user)
        if current.needs_science_signoff and current.science_signoff_at is None:
            notify("signoff_needed", story=current, actor=user)
    return sync(story, current)


def story_submit(*, story: Story, user: Any) -> Story:
    """Send a draft to the outreach team (stores revision 1, or the next one)."""
    return _send_for_review(name="submit", story=story, user=user, first=True)


def story_resubmit(*, story: Story, user: Any) -> Story:
    """Send the changed story back to the team; stores the next revision."""
    return _send_for_review(name="resubmit", story=story, user=user)


def story_start_review(*, story: Story, user: Any) -> Story:
    """A team member takes the story: it is in review and theirs ("mine" in the queue); the
    authors are told who reviews it now."""
    with transaction.atomic():
        action, current = _begin("start_review", story, user)
        _take(action, current, user, reviewer=user)
        notify("start_review", story=current, actor=user)
    return sync(story, current)


def story_request_changes(*, story: Story, user: Any, comment: str) -> Story:
    """Send the story back to its authors with what to change (also added to the thread)."""
    comment = comment_text(comment, "comment", _("Say what should change."))
    with transaction.atomic():
        action, current = _begin("request_changes", story, user)
        _take(action, current, user, text=comment, reviewer=current.reviewer or user)
        Comment.objects.create(story=current, author=user, body=comment)
        notify("request_changes", story=current, actor=user, quote=comment)
    return sync(story, current)


def story_science_request_changes(*, story: Story, user: Any, comment: str) -> Story:
    """A science reviewer sends the story back with what is wrong in the physics (also added to
    the thread); the authors and the outreach team are told."""
    comment = comment_text(comment, "comment", _("Say what is wrong in the physics."))
    with transaction.atomic():
        action, current = _begin("science_request_changes", story, user)
        _take(action, current, user, text=comment)
        Comment.objects.create(story=current, author=user, body=comment)
        notify("science_request_changes", story=current, actor=user, quote=comment)
    return sync(story, current)


def story_science_signoff(*, story: Story, user: Any) -> Story:
    """A science reviewer vouches for the physics of a story linked to a result; the team is told."""
    with transaction.atomic():
        action, current = _begin("science_signoff", story, user)
        _take(action, current, user, science_signoff_by=user, science_signoff_at=now())
        notify("science_signoff", story=current, actor=user)
    return sync(story, current)


def story_take_back(*, story: Story, user: Any) -> Story:
    """The authors take the story back to editing (a draft again, out of the queue); whoever
    reviews it and the other authors are told."""
    with transaction.atomic():
        action, current = _begin("take_back", story, user)
        _take(action, current, user)
        notify("take_back", story=current, actor=user)
        notify("authors_take_back", story=current, actor=user)
    return sync(story, current)


def story_approve(*, story: Story, user: Any) -> Story:
    """Approve for posting; `story_approved` is sent once the approval is committed."""
    with transaction.atomic():
        action, current = _begin("approve", story, user)
        missing = approval_problems(current)
        if missing:
            raise ApprovalBlocked(missing)
        _take(action, current, user, approved_at=now(), reviewer=current.reviewer or user)
        after_commit(_send_story_approved, story_id=current.pk)
        notify("approve", story=current, actor=user)
    return sync(story, current)


def _send_story_approved(*, story_id: int) -> None:
    story_approved.send(sender=Story, story=Story.objects.get(pk=story_id))


def story_reject(*, story: Story, user: Any, reason: str) -> Story:
    reason = required_text(reason, "reason", _("Give the authors a reason."))
    with transaction.atomic():
        action, current = _begin("reject", story, user)
        _take(action, current, user, text=reason, rejection_reason=reason, reviewer=current.reviewer or user)
        notify("reject", story=current, actor=user, quote=reason)
    return sync(story, current)


def story_put_on_hold(*, story: Story, user: Any, reason: str) -> Story:
    """Pause the review; the authors are told why, and see the reason on the story page."""
    reason = required_text(reason, "reason", _("Give the authors a reason."))
    with transaction.atomic():
        action, current = _begin("put_on_hold", story, user)
        _take(action, current, user, text=reason, reviewer=current.reviewer or user)
        notify("put_on_hold", story=current, actor=user, quote=reason)
    return sync(story, current)


def story_lift_hold(*, story: Story, user: Any) -> Story:
    """Go on with the review: the story is in review again, with whoever has it; the authors
    are told."""
    with transaction.atomic():
        action, current = _begin("lift_hold", story, user)
        _take(action, current, user, reviewer=current.reviewer or user)
        notify("lift_hold", story=current, actor=user)
    return sync(story, current)


def story_withdraw(*, story: Story, user: Any) -> Story:
    """The authors take the story back for good; the other authors are told, and so is whoever
    reviews it (the team, if nobody has taken it yet) once it has been submitted."""
    with transaction.atomic():
        action, current = _begin("withdraw", story, user)
        _take(action, current, user)
        notify("withdraw", story=current, actor=user)
    return sync(story, current)
