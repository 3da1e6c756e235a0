"""Publishing a scheduled post to Instagram once, and carrying on after a crash anywhere.

The database is the queue. `publish_due_posts` (beat, every minute, and `manage.py publish_due`)
moves due posts from scheduled to publishing with a compare-and-set update and marks them ready
(`lease_until <= now`). `advance_publication` takes the lease with a second compare-and-set and
works through the steps; each step's result is committed before the next call to Instagram, and
every call leaves a `PublishStep` row written before it and completed after it. A worker that
dies leaves a lease that runs out, and the next sweep hands the post to another worker, which
carries on from what was stored. Messages only wake workers up: a lost one costs a minute.

Rules that keep a post from going out twice (see ARCHITECTURE.md step 4):
- "publish attempted for container X" (`publish_tried_for`) is committed before `media_publish`;
  after that only X may be published again, and only once its status says it was not.
- A status read that fails means "unknown": it is retried, never taken for "not published".
- A new container only replaces one that reads ERROR or EXPIRED.
- A container that reads PUBLISHED without a stored media id is looked up in the account's media
  by caption and time; when nothing can be learned the post needs attention, with what is known.
"""

from __future__ import annotations

import functools
import logging
import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contributors.queueing import after_commit
from instagram.client import FACEBOOK_LOGIN, ErrorKind, GraphAPIError, GraphClient, Media
from instagram.services import active_account
from stories.models import Format, StoryVideo
from stories.videos import CoverChoice

from . import emails, public_media
from .models import Post, PostStatus, PostTransition, PublishStep

logger = logging.getLogger(__name__)

T = TypeVar("T")
Wake = Callable[[int, float], None]

# Meta answers 100/33 ("does not exist") for a container read right after its creation.
NOT_YET_VISIBLE_CODE, NOT_YET_VISIBLE_SUBCODE = 100, 33
# An image download can fail once where a new container succeeds (GRAPH_API.md).
DOWNLOAD_FAILED_SUBCODE = 2207052
# How far before the publish attempt a found media's timestamp may lie (clocks differ).
MATCH_SLACK = timedelta(minutes=5)


# Set while the Instagram token is refused: every post waits instead of failing one after another.
PAUSED_KEY = "scheduling:publishing-paused"
TOLD_KEY = "scheduling:publishing-paused-told"  # one notice a day, until a post goes out again


class LeaseLost(Exception):
    """Another worker holds the post now (our lease ran out): stop without writing."""


def _lease() -> timedelta:
    # A step makes at most three calls: the lease outlasts them, so a live worker never loses it
    # in the middle of a call and a second worker never repeats a call the first is still making.
    return timedelta(seconds=max(settings.PUBLISH_LEASE_SECONDS, 3 * settings.GRAPH_API_TIMEOUT))


def _no_wake(post_id: int, countdown: float) -> None:
    pass


# ---------------------------------------------------------------------------------------------
# The sweep


def publish_due_posts(*, wake: Wake = _no_wake, now: datetime | None = None) -> list[int]:
    """Claim the due scheduled posts and wake a worker for every post ready for its next step
    (just claimed, waiting time over, or lease run out). Returns the ids woken."""
    now = now or timezone.now()
    # One transaction for all due posts: their rows locked (a sweep running at the same time, or
    # a person moving a post, holds or skips them), one update, the transitions in bulk. Claiming
    # 500 due posts is a few statements, not a thousand.
    with transaction.atomic():
        due = list(
            Post.objects.filter(status=PostStatus.SCHEDULED, scheduled_at__lte=now)
            .select_for_update(skip_locked=True)
            .order_by("scheduled_at", "pk")
            .values_list("pk", "scheduled_at")
        )
        if due:
            Post.objects.filter(pk__in=[pk for pk, _ in due]).update(
                status=PostStatus.PUBLISHING,
                version=F("version") + 1,
                status_changed_at=now,
                publishing_since=now,
                lease_until=now,
                lease_token="",
                retries=0,
                reason="",
            )
            PostTransition.objects.bulk_create(
                PostTransition(
                    post_id=pk,
                    action="publish_due",
                    from_status=PostStatus.SCHEDULED,
                    to_status=PostStatus.PUBLISHING,
                    from_time=scheduled_at,
                    to_time=scheduled_at,
                )
                for pk, scheduled_at in due
            )
    ready = list(
        Post.objects.filter(status=PostStatus.PUBLISHING, lease_until__lte=now)
        .order_by("lease_until", "pk")
        .values_list("pk", flat=True)
    )
    for pk in ready:
        wake(pk, 0)
    return ready


# ---------------------------------------------------------------------------------------------
# One worker's turn


def advance_publication(*, post_id: int, wake: Wake = _no_wake, max_steps: int = 25) -> str:
    """Take the post's lease if it is free and work through its steps until it must wait or is
    settled. Returns what happened: "not_ready", "waiting", "lost", or the post's new status.

    Reasons are stored as the catalogue's English sentences, whatever language is active: pages
    show them in their reader's language (`in_reader_language`)."""
    with translation.override(None):
        return _advance_publication(post_id=post_id, wake=wake, max_steps=max_steps)


def _advance_publication(*, post_id: int, wake: Wake, max_steps: int) -> str:
    token = uuid.uuid4().hex
    now = timezone.now()
    taken = Post.objects.filter(pk=post_id, status=PostStatus.PUBLISHING, lease_until__lte=now).update(
        lease_token=token, lease_until=now + _lease()
    )
    if taken != 1:
        return "not_ready"
    client: GraphClient | None = None
    for _turn in range(max_steps):
        post = Post.objects.select_related("story").get(pk=post_id)
        if post.lease_token != token or post.status != PostStatus.PUBLISHING:
            return "lost"
        try:
            _save(post, token, lease_until=timezone.now() + _lease())
            paused = cache.get(PAUSED_KEY)
            if paused:
                _wait(post, token, settings.PUBLISH_BACKOFF_MAX_SECONDS, wake, reason=paused)
                return "waiting"
            if client is None:
                account = active_account()
                if account is None or not account.has_token:
                    _wait(post, token, settings.PUBLISH_BACKOFF_MAX_SECONDS, wake,
                          reason=_("No Instagram account is connected. An admin must connect Instagram."))  # fmt: skip
                    return "waiting"
                client = GraphClient(account)
            try:
                delay = _step(post, token, client)
            except GraphAPIError as error:
                delay = _after_error(post, token, error)
            if post.status != PostStatus.PUBLISHING:
                return str(post.status)
            if delay is None:
                return str(post.status)
            if delay > 0:
                _wait(post, token, delay, wake)
                return "waiting"
        except LeaseLost:
            return "lost"
    # Many quick steps in a row: hand over to the next wake-up rather than hold the worker.
    _wait(post, token, 0, wake)
    return "waiting"


def _save(post: Post, token: str, **fields: Any) -> None:
    """Write as the lease holder, or not at all."""
    if Post.objects.filter(pk=post.pk, status=PostStatus.PUBLISHING, lease_token=token).update(**fields) != 1:
        raise LeaseLost
    for name, value in fields.items():
        setattr(post, name, value)


def _wait(post: Post, token: str, delay: float, wake: Wake, *, reason: str | None = None) -> None:
    """Give the lease back until the next attempt is due; the sweep picks it up then. Only a short
    wait also gets a wake-up message (a long countdown would outlive the broker's visibility)."""
    fields: dict[str, Any] = {"lease_until": timezone.now() + timedelta(seconds=delay), "lease_token": ""}
    if reason is not None:
        fields["reason"] = reason
    _save(post, token, **fields)
    if delay <= settings.PUBLISH_BACKOFF_MAX_SECONDS:
        after_commit(wake, post.pk, delay)


def _call(
    post: Post, call: str, container_id: str, action: Callable[[], T], describe: Callable[[T], str]
) -> T:
    """One call to Instagram between two rows: "started" before, the outcome after."""
    step = PublishStep.objects.create(post=post, call=call, container_id=container_id)
    try:
        result = action()
    except GraphAPIError as error:
        PublishStep.objects.filter(pk=step.pk).update(
            outcome=PublishStep.Outcome.ERROR,
            detail=str(error)[:2000],
            error_kind=str(error.kind),
            hint=error.fix_hint(),
            fbtrace_id=error.fbtrace_id[:100],
            finished_at=timezone.now(),
        )
        raise
    PublishStep.objects.filter(pk=step.pk).update(
        outcome=PublishStep.Outcome.OK, detail=describe(result)[:2000], finished_at=timezone.now()
    )
    return result


def _public_url(post: Post, name: str) -> str:
    return public_media.public_url(post_id=post.pk, name=name)


# ---------------------------------------------------------------------------------------------
# The steps. Each returns how long to wait before the next one: 0 to go on, None when settled.


def _consent_refused(post: Post, token: str) -> bool:
    """A person shown withdrew consent: nothing more is sent to Instagram. A withdrawal the post
    was not pulled for yet is seen to as its receiver would (the team told once); otherwise the
    post needs attention."""
    from . import services  # services import this module's sweep only when needed

    if services.last_withdrawal(post.story_id) is None:
        return False
    person = services.unpulled_withdrawal(post)
    pulled = None
    if person is not None:
        pulled = services.post_pull_for_consent(
            story_id=post.story_id,
            actor_id=services.withdrawn_by(person),
            photo_number=person.image.position + 1,
            withdrawn_at=person.consent_withdrawn_at,
        )
    if pulled is None:
        _settle(post, token, PostStatus.NEEDS_ATTENTION, reason=_("A person shown withdrew their consent."))
    post.refresh_from_db()
    return True


def _step(post: Post, token: str, client: GraphClient) -> float | None:
    if not post.publish_tried_for and not post.media_id and _consent_refused(post, token):
        return None
    if post.media_id:
        media = _call(post, "read_media", post.media_id, lambda: client.media(post.media_id),
                      lambda m: m.permalink)  # fmt: skip
        _settle(
            post,
            token,
            PostStatus.PUBLISHED,
            permalink=media.permalink,
            published_at=timezone.now(),
            reason="",
        )
        return None
    if not post.container_id:
        return _create_containers(post, token, client)
    container = post.container_id
    status = _call(post, "read_status", container, lambda: client.container_status(container),
                   lambda s: s.status_code)  # fmt: skip
    code = status.status_code
    attempted = post.publish_tried_for == container
    if code == "PUBLISHED":
        return _find_published_media(post, token, client)
    if code in ("ERROR", "EXPIRED"):
        return _new_container(post, token, status.status or code)
    if code != "FINISHED":
        return _video_poll_delay(post, container) if _is_video(post) else float(settings.PUBLISH_POLL_SECONDS)
    if attempted:
        last = post.publish_steps.filter(call="media_publish", container_id=container).last()
        if last is not None and last.outcome == PublishStep.Outcome.STARTED:
            # Its worker died during the call: the request may still be on its way to Meta.
            settled_by = last.started_at + _lease()
            if timezone.now() < settled_by:
                return (settled_by - timezone.now()).total_seconds()
        # Not published: the attempt failed. A refusal that waiting cannot cure ends here.
        if last is not None and last.error_kind == ErrorKind.PERMANENT and _this_round(post, last):
            return _settle(post, token, PostStatus.FAILED, reason=last.hint)
    limit = _call(post, "read_publishing_limit", "", client.publishing_limit,
                  lambda q: f"{q.quota_usage}/{q.quota_total}")  # fmt: skip
    if limit.quota_total and limit.quota_usage >= limit.quota_total:
        _save(
            post,
            token,
            reason=_("Instagram's publishing limit for 24 hours is used up; the post waits for it."),
        )
        return float(settings.PUBLISH_BACKOFF_MAX_SECONDS)
    if _consent_refused(post, token):
        return None
    _save(post, token, publish_tried_for=container, lease_until=timezone.now() + _lease())
    media_id = _call(post, "media_publish", container, lambda: client.publish(container), str)
    _save(post, token, media_id=media_id, reason="")
    return 0


def _create_containers(post: Post, token: str, client: GraphClient) -> float | None:
    if _is_video(post):
        return _create_video_container(post, token, client)
    urls = [_public_url(post, name) for name in post.renditions]
    if not urls:
        if post.wants_video():
            return _settle(post, token, PostStatus.FAILED, reason=_("It has no video ready for Instagram."))
        return _settle(post, token, PostStatus.FAILED, reason=_("It has no photo ready for Instagram."))
    alt_texts = list(post.alt_texts) + [""] * len(urls)
    collaborators = [handle.lstrip("@") for handle in post.collaborators][:3] or None
    if post.format == Format.CAROUSEL and len(urls) > 1:
        children = list(post.child_container_ids)
        for index in range(len(children), len(urls)):
            child = _call(
                post, "create_item_container", "",
                functools.partial(client.create_image_container, urls[index], alt_text=alt_texts[index] or None,
                                  is_carousel_item=True),
                lambda c: c.id,
            )  # fmt: skip
            children.append(child.id)
            _save(post, token, child_container_ids=children)
        parent = _call(
            post, "create_container", "",
            functools.partial(client.create_carousel_container, children, caption=post.caption,
                              collaborators=collaborators),
            lambda c: c.id,
        )  # fmt: skip
    elif post.format == Format.STORY:
        parent = _call(post, "create_container", "", functools.partial(client.create_story_image_container, urls[0]),
                       lambda c: c.id)  # fmt: skip
    else:
        parent = _call(
            post, "create_container", "",
            functools.partial(client.create_image_container, urls[0], caption=post.caption,
                              alt_text=alt_texts[0] or None, collaborators=collaborators),
            lambda c: c.id,
        )  # fmt: skip
    _save(post, token, container_id=parent.id, reason="")
    return 0


def _this_round(post: Post, step: PublishStep) -> bool:
    """Whether a step belongs to this round of publishing (a retry by the team starts a new one)."""
    return post.publishing_since is None or step.started_at >= post.publishing_since


def _containers_used(post: Post) -> int:
    steps = post.publish_steps.filter(call="create_container", outcome=PublishStep.Outcome.OK)
    if post.publishing_since is not None:
        steps = steps.filter(started_at__gte=post.publishing_since)
    return steps.count()


def _new_container(post: Post, token: str, what: str) -> float | None:
    if _containers_used(post) >= settings.PUBLISH_MAX_CONTAINERS:
        if _is_video(post):
            reason = _(
                "Instagram could not process the video (%(status)s). Check the video and publish again."
            )
        else:
            reason = _(
                "Instagram could not process the media (%(status)s). Check the photos and publish again."
            )
        return _settle(post, token, PostStatus.FAILED, reason=reason % {"status": what})
    _save(post, token, container_id="", child_container_ids=[], publish_tried_for="")
    return 0


def _matches(post: Post, media: Media, since: datetime) -> bool:
    return (
        media.caption.strip() == post.caption.strip()
        and media.timestamp is not None
        and media.timestamp >= since - MATCH_SLACK
    )


def _find_published_media(post: Post, token: str, client: GraphClient) -> float | None:
    """The container went out but its media id was never stored (the reply was lost)."""
    attempt = post.publish_steps.filter(call="media_publish", container_id=post.container_id).first()
    since = attempt.started_at if attempt else (post.publishing_since or timezone.now())
    if post.format != Format.STORY:
        page = _call(post, "list_media", "", functools.partial(client.list_media, limit=25),
                     lambda p: f"{len(p.items)} media")  # fmt: skip
        found = [media for media in page.items if _matches(post, media, since)]
        if len(found) == 1:
            _save(post, token, media_id=found[0].id)
            return 0
    return _settle(
        post, token, PostStatus.NEEDS_ATTENTION,
        reason=_("Instagram says container %(container)s was published, but its post could not be found in "
                 "the account. Check the account on Instagram and record the post by hand.")
        % {"container": post.container_id},
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Video: reels and video stories (asynchronous containers, polled with a growing wait)


def _is_video(post: Post) -> bool:
    return post.is_video


def _create_video_container(post: Post, token: str, client: GraphClient) -> float | None:
    name = post.renditions[0]
    video = StoryVideo.objects.filter(story_id=post.story_id, rendition=name).first()
    if video is None:
        return _settle(
            post, token, PostStatus.FAILED, reason=_("Its video is no longer there. Upload it again.")
        )
    is_reel = post.format == Format.REEL
    cover_url = None
    if is_reel and video.cover == CoverChoice.PHOTO and video.cover_photo:
        cover_url = _public_url(post, video.cover_photo.name)
    container = _call(
        post, "create_container", "",
        functools.partial(
            client.create_video_container, _public_url(post, name),
            media_type="REELS" if is_reel else "STORIES",
            caption=post.caption if is_reel else None,  # a story shows no caption
            cover_url=cover_url,
            thumb_offset=video.cover_offset_ms if is_reel and cover_url is None else None,
            share_to_feed=video.share_to_feed if is_reel else None,
        ),
        lambda c: c.id,
    )  # fmt: skip
    _save(post, token, container_id=container.id, reason="")
    return 0


def _video_poll_delay(post: Post, container: str) -> float:
    """Video takes Meta a while: wait twice as long after each read, up to the cap (about once
    a minute is Meta's advice; the post is re-queued for each read, no worker sleeps)."""
    reads = post.publish_steps.filter(call="read_status", container_id=container).count()
    base = float(settings.PUBLISH_VIDEO_POLL_SECONDS)
    return min(base * 2 ** max(reads - 1, 0), float(settings.PUBLISH_VIDEO_POLL_MAX_SECONDS))


# ---------------------------------------------------------------------------------------------
# Errors and endings


def _backoff(post: Post, error: GraphAPIError) -> float:
    base = settings.PUBLISH_BACKOFF_SECONDS * (2 ** min(post.retries, 20))
    delay = min(float(settings.PUBLISH_BACKOFF_MAX_SECONDS), base) * random.uniform(0.5, 1.0)  # noqa: S311 - jitter
    if error.retry_after:
        delay = max(delay, error.retry_after)
    return delay


def _after_error(post: Post, token: str, error: GraphAPIError) -> float | None:
    logger.info("Publishing post %s: %r", post.pk, error)
    learning = bool(post.container_id) and post.publish_tried_for == post.container_id
    if error.kind == ErrorKind.TOKEN_INVALID:
        # Pause all publishing until the connection works again; the team is told once.
        cache.set(PAUSED_KEY, error.fix_hint(), timeout=settings.PUBLISH_BACKOFF_MAX_SECONDS)
        if cache.add(TOLD_KEY, True, timeout=24 * 3600):
            emails.tell_team_publishing_paused(post_id=post.pk)
        _save(post, token, reason=error.fix_hint())
        return float(settings.PUBLISH_BACKOFF_MAX_SECONDS)
    if error.kind == ErrorKind.NEW_CONTAINER_NEEDED and not learning:
        return _new_container(post, token, error.fix_hint())
    retryable = (
        learning  # after an attempt any error leaves the outcome unknown: find out, never guess
        or error.kind in (ErrorKind.TRANSIENT, ErrorKind.RATE_LIMITED, ErrorKind.NOT_READY)
        or (error.code == NOT_YET_VISIBLE_CODE and error.subcode == NOT_YET_VISIBLE_SUBCODE)
        or (
            error.subcode == DOWNLOAD_FAILED_SUBCODE
            and _containers_used(post) < settings.PUBLISH_MAX_CONTAINERS
        )
    )
    if not retryable:
        return _settle(post, token, PostStatus.FAILED, reason=error.fix_hint())
    delay = _backoff(post, error)
    since = post.publishing_since or timezone.now()
    if timezone.now() + timedelta(seconds=delay) > since + timedelta(
        seconds=settings.PUBLISH_RETRY_WINDOW_SECONDS
    ):
        if learning:
            return _settle(
                post, token, PostStatus.NEEDS_ATTENTION,
                reason=_("Publishing container %(container)s was attempted, but Instagram did not tell whether it "
                         "went out. Check the account on Instagram.") % {"container": post.container_id},
            )  # fmt: skip
        return _settle(post, token, PostStatus.FAILED, reason=error.fix_hint())
    _save(post, token, retries=post.retries + 1, reason=error.fix_hint())
    return delay


def _settle(post: Post, token: str, status: str, **fields: Any) -> float | None:
    """The end of publishing: published, failed or needs attention; one audit row; mail."""
    now = timezone.now()
    with transaction.atomic():
        _save(post, token, status=status, status_changed_at=now, lease_until=None, lease_token="",
              version=post.version + 1, **fields)  # fmt: skip
        PostTransition.objects.create(
            post=post,
            action="publish",
            from_status=PostStatus.PUBLISHING,
            to_status=status,
            from_time=post.scheduled_at,
            to_time=post.scheduled_at,
            comment=fields.get("reason", ""),
        )
        # The notices are stored with the new state, in the same transaction: they go out once.
        if status == PostStatus.PUBLISHED:
            cache.delete(TOLD_KEY)
            emails.tell_story_live(post_id=post.pk)
        else:
            emails.tell_team_publishing_problem(post_id=post.pk)
    return None


# ---------------------------------------------------------------------------------------------
# Late posts and removal


def tell_team_late_posts(*, now: datetime | None = None) -> list[int]:
    """The sweep's second half: the team hears once of every post not out 10 minutes after its time."""
    now = now or timezone.now()
    late = Post.objects.filter(
        status__in=(PostStatus.SCHEDULED, PostStatus.PUBLISHING),
        scheduled_at__lte=now - timedelta(seconds=settings.PUBLISH_LATE_NOTICE_SECONDS),
        late_told_at__isnull=True,
    )
    told = []
    for pk in late.values_list("pk", flat=True):
        with transaction.atomic():
            # A compare-and-set: two sweeps at once tell the team once.
            if Post.objects.filter(pk=pk, late_told_at__isnull=True).update(late_told_at=now) == 1:
                emails.tell_team_post_late(post_id=pk)
                told.append(pk)
    return told


def posts_waiting_for_removal(*, now: datetime | None = None) -> list[int]:
    """Posts to be removed that no worker has tried yet a minute after consent was withdrawn (the
    message that should have woken one was lost): the sweep hands them out again."""
    now = now or timezone.now()
    return list(
        Post.objects.filter(
            status=PostStatus.TO_BE_REMOVED, reason="", status_changed_at__lte=now - timedelta(minutes=1)
        ).values_list("pk", flat=True)
    )


def remove_from_instagram(*, post_id: int) -> str:
    """A published post whose consent was withdrawn: delete it through the API where the connection
    allows it (Facebook Login with ``instagram_manage_contents``), else ask the team to remove it by
    hand. Returns what happened: "removed", "by_hand" or "not_to_be_removed"."""
    with translation.override(None):  # reasons are stored as message ids, shown translated
        return _remove_from_instagram(post_id=post_id)


def _remove_from_instagram(*, post_id: int) -> str:
    post = Post.objects.get(pk=post_id)
    if post.status != PostStatus.TO_BE_REMOVED:
        return "not_to_be_removed"
    account = active_account()
    by_hand = _(
        "A person shown withdrew their consent. Remove the post on Instagram by hand (its link is above), "
        "then press “I removed it on Instagram”."
    )
    if account is None or not account.has_token or account.flavour != FACEBOOK_LOGIN or not post.media_id:
        Post.objects.filter(pk=post.pk, status=PostStatus.TO_BE_REMOVED).update(reason=by_hand)
        return "by_hand"
    client = GraphClient(account)
    try:
        _call(post, "delete_media", "", lambda: client.delete_media(post.media_id), str)
    except GraphAPIError as error:
        if error.kind in (ErrorKind.TRANSIENT, ErrorKind.RATE_LIMITED):
            raise  # the task tries again later
        Post.objects.filter(pk=post.pk, status=PostStatus.TO_BE_REMOVED).update(reason=by_hand)
        return "by_hand"
    now = timezone.now()
    with transaction.atomic():
        removed = Post.objects.filter(pk=post.pk, status=PostStatus.TO_BE_REMOVED).update(
            status=PostStatus.REMOVED, removed_at=now, removed_by=None, status_changed_at=now,
            version=F("version") + 1, reason=_("A person shown withdrew their consent."),
        )  # fmt: skip
        if removed == 1:
            PostTransition.objects.create(
                post=post, action="remove", from_status=PostStatus.TO_BE_REMOVED, to_status=PostStatus.REMOVED,
                from_time=post.scheduled_at, to_time=post.scheduled_at,
            )  # fmt: skip
    return "removed"
