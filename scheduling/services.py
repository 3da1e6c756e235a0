"""Changes to posts: each a named function that locks the row, checks who and from which
state, compare-and-sets, writes one audit row and refuses with a `PostError` the view shows.

The actions the team may take are listed in `scheduling.workflow.ACTIONS`.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from contributors.queueing import after_commit
from contributors.roles import roles_of
from stories.models import EventKind, Format, PersonShown, Story, StoryEvent, StoryVideo
from stories.models import Status as StoryStatus

from . import emails
from .models import (
    BERLIN,
    HOLDING_STATUSES,
    CalendarEvent,
    LeadInvitation,
    Post,
    PostingSlot,
    PostStatus,
    PostTransition,
)
from .workflow import BY_NAME

logger = logging.getLogger(__name__)

# How far ahead "next free slot" looks before it gives up.
SLOT_SEARCH_DAYS = 366


class PostError(Exception):
    """Something the team asked for cannot be done; the message says why, in their language."""

    def __init__(self, message: Promise | str) -> None:
        super().__init__(str(message))
        self.message = str(message)

    def __str__(self) -> str:
        return self.message


class NotAllowed(PostError):
    pass


class TimeRefused(PostError):
    """The time asked for is before an embargo, on a blackout day, or in the past."""


def shown(when: datetime) -> str:
    """A time as the team reads it: Europe/Berlin, with its zone."""
    return formats.date_format(timezone.localtime(when, BERLIN), "DATETIME_FORMAT")


def _spacing() -> timedelta:
    return timedelta(hours=settings.POST_MIN_SPACING_HOURS)


# ---------------------------------------------------------------------------------------------
# Creating posts


def _snapshot(story: Story) -> dict[str, Any]:
    images = story.ordered_images()
    handles = [story.author.instagram_handle, *(c.instagram_handle for c in story.co_authors.all())]
    return {
        "format": story.format,
        "caption": story.caption,
        "renditions": [image.rendition.name for image in images if image.rendition],
        "alt_texts": [image.alt_text for image in images],
        **_video_snapshot(story),
        "collaborators": [handle for handle in handles if handle],
    }


def _video_snapshot(story: Story) -> dict[str, Any]:
    """A reel or video story sends its converted video; Meta takes no alt text for video."""
    if story.format not in (Format.REEL, Format.STORY):
        return {}
    video = StoryVideo.objects.filter(story=story).first()
    if video is None or not video.is_ready:
        return {}
    return {"renditions": [video.rendition.name], "alt_texts": []}


def post_create_for_story(*, story: Story) -> Post:
    """The post of an approved story; calling it again returns the same post."""
    existing = Post.objects.filter(story=story).first()
    if existing is not None:
        return existing
    story = Story.objects.select_related("author").prefetch_related("images", "co_authors").get(pk=story.pk)
    if story.status != StoryStatus.APPROVED:
        raise PostError(_("Only an approved story becomes a post."))
    try:
        with transaction.atomic():
            post = Post.objects.create(story=story, **_snapshot(story))
            PostTransition.objects.create(
                post=post, action="create", from_status="", to_status=PostStatus.UNSCHEDULED
            )
    except IntegrityError:
        # Another receiver or the sweep made it in the meantime: the unique story decides.
        return Post.objects.get(story=story)
    return post


def create_missing_posts() -> int:
    """The sweep: a post for every approved story a failed receiver left without one."""
    created = 0
    for story in Story.objects.filter(status=StoryStatus.APPROVED, post__isnull=True):
        post_create_for_story(story=story)
        created += 1
    return created


# ---------------------------------------------------------------------------------------------
# Which times are allowed


def blackout_on(day: date, blackouts: list[CalendarEvent] | None = None) -> CalendarEvent | None:
    """The blackout covering this date (Europe/Berlin), if any."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=BERLIN)
    end = start + timedelta(days=1)
    if blackouts is None:
        return CalendarEvent.objects.blackouts().overlapping(start, end).first()
    return next((event for event in blackouts if event.start < end and event.end > start), None)


def time_problem(post: Post, when: datetime, *, now: datetime | None = None) -> str | None:
    """Why this post cannot go out at this time, or None."""
    now = now or timezone.now()
    if when <= now:
        return _("That time has passed already. Please choose a time in the future.")
    embargo = post.embargo_until
    if embargo is not None and when < embargo:
        return _("The result is not public before %(when)s: the post cannot go out earlier.") % {
            "when": shown(embargo)
        }
    blackout = blackout_on(timezone.localtime(when, BERLIN).date())
    if blackout is not None:
        return _("%(day)s is a blackout day (%(title)s): nothing is posted then.") % {
            "day": formats.date_format(timezone.localtime(when, BERLIN).date(), "DATE_FORMAT"),
            "title": blackout.title,
        }
    return None


def next_free_slot(*, post: Post | None = None, now: datetime | None = None) -> datetime | None:
    """The first posting slot after now (and after the embargo) that keeps the spacing to
    every other post and is not on a blackout day; None if there is none within a year.

    Three queries, however far it has to look.
    """
    now = now or timezone.now()
    slots = list(PostingSlot.objects.filter(active=True))
    if not slots:
        return None
    earliest = now
    if post is not None and post.embargo_until is not None:
        earliest = max(earliest, post.embargo_until)
    spacing = _spacing()
    horizon = earliest + timedelta(days=SLOT_SEARCH_DAYS)
    taken_qs = Post.objects.holding_time().filter(
        scheduled_at__gt=earliest - spacing, scheduled_at__lt=horizon + spacing
    )
    if post is not None:
        taken_qs = taken_qs.exclude(pk=post.pk)
    taken = [when for when in taken_qs.values_list("scheduled_at", flat=True) if when is not None]
    blackouts = list(CalendarEvent.objects.blackouts().overlapping(earliest, horizon + timedelta(days=1)))
    by_weekday: dict[int, list[PostingSlot]] = {}
    for slot in slots:
        by_weekday.setdefault(slot.weekday, []).append(slot)
    day = timezone.localtime(earliest, BERLIN).date()
    for _offset in range(SLOT_SEARCH_DAYS + 1):
        if by_weekday.get(day.weekday()) and blackout_on(day, blackouts) is None:
            for slot in sorted(by_weekday[day.weekday()], key=lambda s: s.time):
                candidate = slot.on(day)
                if candidate <= earliest:
                    continue
                if all(abs(candidate - other) >= spacing for other in taken):
                    return candidate
        day += timedelta(days=1)
    return None


# ---------------------------------------------------------------------------------------------
# Transitions


def _locked(post: Post) -> Post:
    # Only the post's row is locked: PostgreSQL cannot lock the nullable side of the join.
    return Post.objects.select_for_update(of=("self",)).select_related("story__publication").get(pk=post.pk)


def _sync(post: Post, fresh: Post) -> Post:
    fresh.refresh_from_db()
    for field in Post._meta.concrete_fields:
        setattr(post, field.attname, getattr(fresh, field.attname))
    return post


def _check(action_name: str, user: Any, current: Post) -> None:
    action = BY_NAME[action_name]
    if not action.may_act(user):
        raise NotAllowed(_("Only the outreach team can schedule posts."))
    if current.status not in action.from_states:
        raise PostError(
            _("A post that is “%(status)s” cannot be changed this way (%(action)s).")
            % {"status": current.get_status_display(), "action": action.label}
        )


def _move(
    current: Post,
    user: Any,
    action: str,
    to_status: str,
    when: datetime | None,
    comment: str = "",
) -> None:
    """Compare-and-set on state and version; one audit row."""
    moved = Post.objects.filter(pk=current.pk, status=current.status, version=current.version).update(
        status=to_status,
        scheduled_at=when,
        version=F("version") + 1,
        status_changed_at=timezone.now(),
    )
    if moved != 1:
        raise PostError(_("The post was changed by someone else just now. Please reload the page."))
    PostTransition.objects.create(
        post=current,
        actor=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        from_status=current.status,
        to_status=to_status,
        from_time=current.scheduled_at,
        to_time=when,
        comment=comment,
    )


def _schedule(action: str, *, post: Post, user: Any, when: datetime | None, comment: str = "") -> Post:
    if when is None:
        raise TimeRefused(_("Please give a date and time."))
    with transaction.atomic():
        current = _locked(post)
        _check(action, user, current)
        problem = time_problem(current, when)
        if problem:
            raise TimeRefused(problem)
        _move(current, user, action, PostStatus.SCHEDULED, when, comment)
    return _sync(post, current)


def post_schedule(*, post: Post, user: Any, when: datetime | None, comment: str = "") -> Post:
    return _schedule("schedule", post=post, user=user, when=when, comment=comment)


def post_reschedule(*, post: Post, user: Any, when: datetime | None, comment: str = "") -> Post:
    return _schedule("reschedule", post=post, user=user, when=when, comment=comment)


def post_schedule_next_free(
    *, post: Post, user: Any, comment: str = "", when: datetime | None = None
) -> Post:
    with transaction.atomic():
        current = _locked(post)
        _check("schedule_next_free", user, current)
        slot = next_free_slot(post=current)
        if slot is None:
            raise TimeRefused(
                _("There is no free posting slot within the next year. Please add posting slots.")
            )
        _move(current, user, "schedule_next_free", PostStatus.SCHEDULED, slot, comment)
    return _sync(post, current)


def post_unschedule(*, post: Post, user: Any, comment: str = "", when: datetime | None = None) -> Post:
    comment = (comment or "").strip()
    if not comment:
        raise PostError(_("Please say why the post comes off the calendar."))
    with transaction.atomic():
        current = _locked(post)
        _check("unschedule", user, current)
        _move(current, user, "unschedule", PostStatus.UNSCHEDULED, None, comment)
    return _sync(post, current)


def _wake_the_sweep() -> None:
    from . import tasks  # tasks import services; the other way round only when needed

    after_commit(tasks.publish_due_posts.delay)


def _due_now(action: str, *, post: Post, user: Any, comment: str) -> Post:
    """Make the post due now and wake the sweep, which claims it once (a compare-and-set):
    however often this is pressed, the post is published once."""
    now = timezone.now()
    with transaction.atomic():
        current = _locked(post)
        if not BY_NAME[action].may_act(user):
            raise NotAllowed(_("Only the outreach team can schedule posts."))
        due = current.status == PostStatus.SCHEDULED and current.scheduled_at and current.scheduled_at <= now
        if due or current.status in (PostStatus.PUBLISHING, PostStatus.PUBLISHED):
            # A second press, or someone else's: the first one is being carried out.
            raise PostError(_("The post is on its way to Instagram already, or out."))
        _check(action, user, current)
        problem = time_problem(current, now + timedelta(seconds=1), now=now)
        if problem:
            raise TimeRefused(problem)
        _move(current, user, action, PostStatus.SCHEDULED, now, comment)
        _wake_the_sweep()
    return _sync(post, current)


def post_publish_now(*, post: Post, user: Any, comment: str = "", when: datetime | None = None) -> Post:
    return _due_now("publish_now", post=post, user=user, comment=comment)


def post_retry(*, post: Post, user: Any, comment: str = "", when: datetime | None = None) -> Post:
    """Publish a failed post again, carrying on from what is stored: a container already tried is
    only published again once Instagram says it was not (see `scheduling.publishing`)."""
    return _due_now("retry", post=post, user=user, comment=comment)


def post_removed_by_hand(*, post: Post, user: Any, comment: str = "", when: datetime | None = None) -> Post:
    """Someone of the team removed the post on Instagram themselves: who and when are recorded."""
    with transaction.atomic():
        current = _locked(post)
        _check("removed_by_hand", user, current)
        _move(current, user, "removed_by_hand", PostStatus.REMOVED, current.scheduled_at, comment)
        Post.objects.filter(pk=current.pk).update(removed_at=timezone.now(), removed_by=user)
    return _sync(post, current)


def lead_invite(*, publication: Any, contributor: Any, user: Any) -> LeadInvitation:
    """Invite an author of a result to tell its story: a row (who invited whom, when) and the e-mail,
    stored together."""
    if not roles_of(user).team:
        raise NotAllowed(_("Only the outreach team can invite people to tell a story."))
    with transaction.atomic():
        invitation = LeadInvitation.objects.create(
            publication=publication, contributor=contributor, invited_by=user
        )
        emails.invite_to_tell(publication_id=publication.pk, contributor_id=contributor.pk, actor_id=user.pk)
    return invitation


def run_action(*, post: Post, user: Any, name: str, when: datetime | None = None, text: str = "") -> Post:
    """Dispatch one action of the table to its service."""
    action = BY_NAME.get(name)
    if action is None:
        raise PostError(_("Unknown action."))
    service = globals()[action.service]
    result: Post = service(post=post, user=user, when=when, comment=text)
    return result


def post_pull_for_consent(
    *, story_id: int, actor_id: int | None, photo_number: int, withdrawn_at: datetime | None = None
) -> Post | None:
    """Consent withdrawn on an approved story: a post waiting to go out comes off the calendar;
    one already out is marked for the team's attention. The team (its reviewer too, never the
    person who recorded it nor the story's authors, who hear of it from the story) is told what
    became of the post, whatever its state; a post the approval's receiver missed is made first,
    so the team can see to it. Returns the post, or None when there is no post to see to.

    A withdrawal the post was pulled for already (by the receiver or the sweep, whichever came
    first; `withdrawn_at` says when it was recorded) is not seen to twice."""
    post = Post.objects.filter(story_id=story_id).first()
    if post is None:
        story = Story.objects.filter(pk=story_id, status=StoryStatus.APPROVED).first()
        if story is None:
            return None
        post = post_create_for_story(story=story)
    reason = _("A person shown withdrew their consent.")
    with transaction.atomic():
        current = _locked(post)
        if current.status == PostStatus.REMOVED:
            return None  # off Instagram already: nothing is left to do about the photo
        if withdrawn_at is not None and _pulled_since(current.pk, withdrawn_at):
            return None
        if current.status == PostStatus.SCHEDULED:
            _move(current, None, "consent_withdrawn", PostStatus.UNSCHEDULED, None, reason)
        elif current.status == PostStatus.PUBLISHED:
            # Out already: it comes off Instagram at once, through the API where the connection
            # allows it (the worker tries), by hand otherwise.
            _move(current, None, "consent_withdrawn", PostStatus.TO_BE_REMOVED, current.scheduled_at, reason)
            from . import tasks

            after_commit(tasks.remove_from_instagram.delay, current.pk)
        elif current.status == PostStatus.PUBLISHING:
            _move(
                current, None, "consent_withdrawn", PostStatus.NEEDS_ATTENTION, current.scheduled_at, reason
            )
        emails.tell_team_consent_withdrawn(post_id=current.pk, actor_id=actor_id, photo_number=photo_number)
    return _sync(post, current)


# Posts a withdrawn consent must keep off Instagram: waiting for their time, on their way with no
# publish attempted yet, or out already.
def _pullable(post: Post) -> bool:
    if post.status == PostStatus.PUBLISHING:
        return not post.publish_tried_for
    return post.status in (PostStatus.SCHEDULED, PostStatus.PUBLISHED)


def _pulled_since(post_id: int, since: datetime) -> bool:
    return PostTransition.objects.filter(
        post_id=post_id, action="consent_withdrawn", created_at__gte=since
    ).exists()


def last_withdrawal(story_id: int) -> PersonShown | None:
    """The person shown in the story whose consent was withdrawn last, if any."""
    return (
        PersonShown.objects.filter(image__story_id=story_id, consent_withdrawn_at__isnull=False)
        .select_related("image")
        .order_by("-consent_withdrawn_at", "-pk")
        .first()
    )


def unpulled_withdrawal(post: Post) -> PersonShown | None:
    """The withdrawal this post has not been pulled for yet, if any."""
    person = last_withdrawal(post.story_id)
    if person is None or person.consent_withdrawn_at is None:
        return None
    if _pulled_since(post.pk, person.consent_withdrawn_at):
        return None
    return person


def withdrawn_by(person: PersonShown) -> int | None:
    """Who recorded the withdrawal (from the story's history): they are not told of it again."""
    event = (
        StoryEvent.objects.filter(
            story_id=person.image.story_id,
            kind=EventKind.CONSENT_WITHDRAWN,
            params__number=person.image.position + 1,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    return event.actor_id if event is not None else None


def pull_for_missed_withdrawal(*, post_id: int) -> Post | None:
    """What the receiver of `consent_withdrawn` does, for a post it missed (the signal was lost or
    the receiver failed); nothing for a post pulled already. Returns the post if it was pulled."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None or not _pullable(post):
        return None
    person = unpulled_withdrawal(post)
    if person is None:
        return None
    return post_pull_for_consent(
        story_id=post.story_id,
        actor_id=withdrawn_by(person),
        photo_number=person.image.position + 1,
        withdrawn_at=person.consent_withdrawn_at,
    )


def pull_posts_of_withdrawn_consent() -> int:
    """The sweep: every post still scheduled, publishing (nothing sent yet) or published although a
    person shown in its story withdrew consent is pulled, and the team told, once."""
    stories = PersonShown.objects.filter(consent_withdrawn_at__isnull=False).values("image__story_id")
    candidates = Post.objects.filter(
        story_id__in=stories,
        status__in=(PostStatus.SCHEDULED, PostStatus.PUBLISHING, PostStatus.PUBLISHED),
    ).values_list("pk", flat=True)
    pulled = 0
    for pk in candidates:
        if pull_for_missed_withdrawal(post_id=pk) is not None:
            pulled += 1
    return pulled


__all__ = [
    "HOLDING_STATUSES",
    "NotAllowed",
    "PostError",
    "TimeRefused",
    "create_missing_posts",
    "lead_invite",
    "next_free_slot",
    "post_create_for_story",
    "post_publish_now",
    "post_pull_for_consent",
    "post_removed_by_hand",
    "post_retry",
    "post_reschedule",
    "post_schedule",
    "post_schedule_next_free",
    "post_unschedule",
    "pull_for_missed_withdrawal",
    "pull_posts_of_withdrawn_consent",
    "run_action",
    "shown",
    "time_problem",
]
