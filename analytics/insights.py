"""The pull: Instagram's figures into the daily snapshots, with as few calls as the API allows.

A nightly pull (``pull_insights``):
1. pages through the account's media with field expansion, 100 a page, asking only the metrics
   feed posts and reels share (one metric a media type lacks fails the whole page);
2. asks each day's account figures (reach split into followers and non-followers and by format;
   views, accounts engaged, interactions; new followers) and the follower count;
3. asks the audience (followers and engaged audience, by age and gender, country, city);
4. fetches the type-specific figures (reel watch times; follows and profile visits of feed
   posts) with multi-id requests, one per media type: for posts of the last
   ``RECENT_DAYS`` every night, for older ones a seventh of them a night, oldest first.

The hourly story sweep (``sweep_story_insights``) fetches every live story's insights, so the
last pull before a story vanishes (24 h) is at most an hour before it does.

Every answer carries Meta's usage header: the pull stops once it reaches
``USAGE_STOP_PERCENT`` (below Meta's 90 % warning line), keeps what it got, and writes what it
left into its ``InsightPull`` row, as it does for any other failure.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from instagram.client import GraphClient
from instagram.errors import ErrorKind, GraphAPIError
from instagram.models import InstagramAccount
from instagram.parsing import InsightValue
from scheduling.models import Post, PostStatus
from stories.models import Format

from .models import (
    AccountInsight,
    AudienceKind,
    AudienceSnapshot,
    InsightPull,
    PostInsight,
    PullKind,
    PullOutcome,
)

logger = logging.getLogger(__name__)
BERLIN = ZoneInfo("Europe/Berlin")
T = TypeVar("T")

USAGE_STOP_PERCENT = 85
RECENT_DAYS = 14
ROTATION_NIGHTS = 7
PAGE_SIZE = 100
IDS_PER_REQUEST = 50
STORY_LIFETIME = timedelta(hours=24)

# What the media listing carries: the metrics both feed posts and reels offer.
SHARED_METRICS = ("views", "reach", "likes", "comments", "saved", "shares", "total_interactions")
# Fetched per media type (multi-id requests), recent posts nightly and older ones in rotation.
EXTRA_METRICS = {
    "FEED": ("follows", "profile_visits", "profile_activity", "reposts"),
    "REELS": ("ig_reels_avg_watch_time", "ig_reels_video_view_total_time", "reposts"),
}
STORY_METRICS = (
    "views", "reach", "shares", "total_interactions", "follows", "profile_visits", "navigation", "replies",
)  # fmt: skip
STORY_NAVIGATION_BREAKDOWN = "story_navigation_action_type"

# Meta's metric name -> PostInsight column. Anything else goes into ``raw`` by name.
POST_COLUMNS = {
    "views": "views",
    "reach": "reach",
    "likes": "likes",
    "comments": "comments",
    "saved": "saves",
    "shares": "shares",
    "total_interactions": "total_interactions",
    "follows": "follows",
    "profile_visits": "profile_visits",
    "ig_reels_avg_watch_time": "avg_watch_time_ms",
    "ig_reels_video_view_total_time": "total_watch_time_ms",
    "navigation": "navigation",
    "replies": "replies",
}
POST_FIGURE_FIELDS = (*POST_COLUMNS.values(), "navigation_breakdown", "raw", "media_product_type")
ACCOUNT_COLUMNS = {
    "views": "views",
    "accounts_engaged": "accounts_engaged",
    "total_interactions": "total_interactions",
}
DEMOGRAPHIC_METRICS = {
    "follower_demographics": AudienceKind.FOLLOWERS,
    "engaged_audience_demographics": AudienceKind.ENGAGED,
}
# One call per group; both audience kinds in each.
DEMOGRAPHIC_BREAKDOWNS = ("age,gender", "country", "city")
DEMOGRAPHIC_TIMEFRAME = "this_month"


# --- Reading Meta's figures -------------------------------------------------------------------
def post_figures(values: Iterable[InsightValue]) -> dict[str, Any]:
    """Per-media insights as PostInsight fields. Unknown metrics, and removed ones that older
    answers still carry (impressions, plays, video_views ...), land in ``raw`` by name."""
    figures: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    for item in values:
        if item.name == "navigation" and isinstance(item.value, dict):
            figures["navigation_breakdown"] = dict(item.value)
            figures["navigation"] = item.total if item.total is not None else sum(item.value.values())
            continue
        column = POST_COLUMNS.get(item.name)
        if column and isinstance(item.value, int):
            figures[column] = item.value
        else:
            raw[item.name] = item.value
    if raw:
        figures["raw"] = raw
    return figures


def split_by(value: dict[str, int], dimensions: tuple[str, ...], keep: str) -> dict[str, int]:
    """One dimension of a broken-down figure ("18-24|F" keyed), found by name, summed over the rest."""
    if keep not in dimensions:
        return {}
    index = dimensions.index(keep)
    result: dict[str, int] = {}
    for key, count in value.items():
        parts = key.split("|")
        if index < len(parts):
            result[parts[index]] = result.get(parts[index], 0) + count
    return result


def without(value: dict[str, int], dimensions: tuple[str, ...], drop: str) -> dict[str, int]:
    """A broken-down figure with one dimension (the engaged audience's leading timeframe) removed."""
    if drop not in dimensions:
        return dict(value)
    index = dimensions.index(drop)
    result: dict[str, int] = {}
    for key, count in value.items():
        parts = key.split("|")
        rest = "|".join(part for i, part in enumerate(parts) if i != index)
        result[rest] = result.get(rest, 0) + count
    return result


def account_reach_figures(values: Iterable[InsightValue]) -> dict[str, Any]:
    """``reach`` broken down by follow type and/or media product type."""
    figures: dict[str, Any] = {}
    for item in values:
        if item.name != "reach":
            continue
        if isinstance(item.value, dict):
            follow = split_by(item.value, item.dimensions, "follow_type")
            if follow:
                figures["reach_followers"] = follow.get("FOLLOWER", 0)
                figures["reach_non_followers"] = follow.get("NON_FOLLOWER", 0)
            by_type = split_by(item.value, item.dimensions, "media_product_type")
            if by_type:
                figures["reach_by_product_type"] = by_type
            figures["reach"] = item.total if item.total is not None else sum(item.value.values())
        else:
            figures["reach"] = item.value
    return figures


def account_total_figures(values: Iterable[InsightValue]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    for item in values:
        column = ACCOUNT_COLUMNS.get(item.name)
        if column and isinstance(item.value, int):
            figures[column] = item.value
        else:
            raw[item.name] = (
                item.total if isinstance(item.value, dict) and item.total is not None else item.value
            )
    if raw:
        figures["raw"] = raw
    return figures


def audience_figures(values: Iterable[InsightValue]) -> dict[str, dict[str, Any]]:
    """Demographics answers as AudienceSnapshot fields per audience kind."""
    result: dict[str, dict[str, Any]] = {}
    for item in values:
        kind = DEMOGRAPHIC_METRICS.get(item.name)
        if kind is None or not isinstance(item.value, dict):
            continue
        target = result.setdefault(kind, {})
        value = without(item.value, item.dimensions, "timeframe")
        dimensions = tuple(d for d in item.dimensions if d != "timeframe")
        for name in ("age", "gender", "country", "city"):
            part = split_by(value, dimensions, name)
            if part:
                target[name] = part
        if "age" in dimensions and "gender" in dimensions:
            target["age_gender"] = {
                f"{a}|{g}": count
                for key, count in value.items()
                for a, g in [_pick(key, dimensions, "age", "gender")]
            }
        if "timeframe" in item.dimensions:
            timeframes = split_by(item.value, item.dimensions, "timeframe")
            if timeframes:
                target["timeframe"] = next(iter(timeframes))
    return result


def _pick(key: str, dimensions: tuple[str, ...], *names: str) -> tuple[str, ...]:
    parts = key.split("|")
    return tuple(parts[dimensions.index(name)] for name in names)


# --- Running a pull ---------------------------------------------------------------------------
class StopPull(Exception):
    """Stop making calls: the usage header is near Meta's limit, or Meta throttles or refuses the token."""


@dataclass
class Pull:
    """One run: the calls it makes, what it collected, what it missed."""

    account: InstagramAccount
    run: InsightPull
    client: GraphClient
    today: date
    now: datetime
    missed: list[dict[str, str]] = field(default_factory=list)
    stopped: str = ""
    post_figures: dict[int, dict[str, Any]] = field(default_factory=dict)
    extras_pulled: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    listing_complete: bool = False

    # (calls made, usage percent) at the first and the latest usage header read.
    first_reading: tuple[int, int] | None = None
    last_reading: tuple[int, int] | None = None

    def room(self) -> int | None:
        """How many more calls fit below USAGE_STOP_PERCENT, from how fast the usage rose during
        this pull (None until two headers said anything)."""
        if self.first_reading is None or self.last_reading is None:
            return None
        (calls0, usage0), (calls1, usage1) = self.first_reading, self.last_reading
        if calls1 <= calls0:
            return None  # one reading tells nothing of the rate: other work may have used the rest
        per_call = (usage1 - usage0) / (calls1 - calls0)
        if per_call <= 0:
            return None
        return max(0, math.floor((USAGE_STOP_PERCENT - usage1) / per_call))

    def call(self, calls: int, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Make one request (``calls`` = how many calls Meta counts it as), then read the usage."""
        if self.stopped:
            raise StopPull(self.stopped)
        room = self.room()
        if room is not None and calls > room and self.last_reading is not None:
            self.stopped = (
                f"Stopped at {self.last_reading[1]}% of Instagram's rate limit: {calls} more calls would pass "
                f"{USAGE_STOP_PERCENT}% (this pull stops there, before Meta's 90%)"
            )
            raise StopPull(self.stopped)
        self.run.calls += calls
        try:
            result = func(*args, **kwargs)
        except GraphAPIError as error:
            self._read_usage()
            if error.kind in (ErrorKind.RATE_LIMITED, ErrorKind.TOKEN_INVALID):
                self.stopped = (
                    f"Instagram refused the token: {error}"
                    if error.kind == ErrorKind.TOKEN_INVALID
                    else f"Instagram throttled the calls: {error}"
                )
                raise StopPull(self.stopped) from error
            raise
        self._read_usage()
        return result

    def _read_usage(self) -> None:
        usage = self.client.last_usage
        if usage is None:
            return
        self.run.usage_percent = max(self.run.usage_percent, min(usage.max_percent, 100))
        self.last_reading = (self.run.calls, usage.max_percent)
        if self.first_reading is None:
            self.first_reading = self.last_reading
        if usage.max_percent >= USAGE_STOP_PERCENT and not self.stopped:
            self.stopped = (
                f"Stopped at {usage.max_percent}% of Instagram's rate limit "
                f"(this pull stops at {USAGE_STOP_PERCENT}%, before Meta's 90%)"
            )

    def miss(self, what: str, why: str) -> None:
        self.missed.append({"what": what, "why": why})
        logger.warning("Insights pull %s missed %s: %s", self.run.pk, what, why)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=BERLIN)


def _published_posts() -> dict[str, Post]:
    return {
        post.media_id: post
        for post in Post.objects.filter(status=PostStatus.PUBLISHED)
        .exclude(media_id="")
        .only("pk", "media_id", "format", "published_at")
    }


def _product_type(post: Post, listed: str | None) -> str:
    if listed:
        return listed
    if post.format == Format.REEL:
        return "REELS"
    if post.format == Format.STORY:
        return "STORY"
    return "FEED"


def _latest_snapshots(post_ids: Iterable[int], on_or_before: date) -> dict[int, PostInsight]:
    newest = (
        PostInsight.objects.filter(post=OuterRef("post"), day__lte=on_or_before)
        .order_by("-day")
        .values("day")[:1]
    )
    rows = PostInsight.objects.filter(post_id__in=list(post_ids), day=Subquery(newest))
    return {row.post_id: row for row in rows}


def _write_post_snapshots(pull: Pull) -> int:
    """Today's row per post: the last known figures carried forward, overlaid with today's."""
    if not pull.post_figures:
        return 0
    previous = _latest_snapshots(pull.post_figures, pull.today)
    rows = []
    for post_id, figures in pull.post_figures.items():
        row = PostInsight(post_id=post_id, day=pull.today, pulled_at=pull.now)
        before = previous.get(post_id)
        if before is not None:
            for name in (*POST_FIGURE_FIELDS, "extras_pulled_on"):
                setattr(row, name, getattr(before, name))
            row.raw = dict(before.raw or {})
        for name, value in figures.items():
            if name == "raw":
                row.raw = {**(row.raw or {}), **value}
            else:
                setattr(row, name, value)
        if post_id in pull.extras_pulled:
            row.extras_pulled_on = pull.today
        rows.append(row)
    PostInsight.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["post", "day"],
        update_fields=[*POST_FIGURE_FIELDS, "extras_pulled_on", "pulled_at"],
        batch_size=500,
    )
    return len(rows)


def _merge(pull: Pull, post_id: int, figures: dict[str, Any]) -> None:
    target = pull.post_figures.setdefault(post_id, {})
    raw = figures.pop("raw", None)
    target.update(figures)
    if raw:
        target["raw"] = {**target.get("raw", {}), **raw}


# --- The steps of the nightly pull ---------------------------------------------------------------
def _pull_listing(pull: Pull, posts: dict[str, Post]) -> dict[int, str]:
    """Every media with the shared metrics, a page at a time. Returns post id -> product type."""
    product_types: dict[int, str] = {}
    after: str | None = None
    pages = 0
    while True:
        try:
            page = pull.call(
                1,
                pull.client.list_media,
                limit=PAGE_SIZE,
                after=after,
                fields="id,timestamp,media_type,media_product_type",
                insight_metrics=SHARED_METRICS,
            )
        except StopPull:
            pull.miss(f"media list after page {pages}", pull.stopped)
            raise
        except GraphAPIError as error:
            pull.miss(f"media list after page {pages}", str(error))
            return product_types
        pages += 1
        for media in page.items:
            post = posts.get(media.id)
            if post is None:
                continue
            product_types[post.pk] = media.media_product_type or _product_type(post, None)
            figures = post_figures(media.insights)
            figures["media_product_type"] = product_types[post.pk]
            _merge(pull, post.pk, figures)
        if not page.after_cursor or not page.items:
            pull.listing_complete = True
            return product_types
        after = page.after_cursor


def _pull_account_days(pull: Pull, days: int) -> None:
    """Each of the last ``days`` complete days (yesterday first), two calls a day, then the
    new followers of all of them in one time series and the follower count now."""
    for back in range(1, days + 1):
        day = pull.today - timedelta(days=back)
        since, until = _local_midnight(day), _local_midnight(day + timedelta(days=1))
        figures: dict[str, Any] = {}
        try:
            figures.update(
                account_reach_figures(
                    pull.call(
                        1,
                        pull.client.account_insights,
                        ["reach"],
                        period="day",
                        metric_type="total_value",
                        breakdown="media_product_type,follow_type",
                        since=since,
                        until=until,
                    )  # fmt: skip
                )
            )
            figures.update(
                account_total_figures(
                    pull.call(
                        1,
                        pull.client.account_insights,
                        ["views", "accounts_engaged", "total_interactions", "follows_and_unfollows"],
                        period="day",
                        metric_type="total_value",
                        since=since,
                        until=until,
                    )  # fmt: skip
                )
            )
        except StopPull:
            first_missed = day if not figures else day - timedelta(days=1)
            if first_missed >= pull.today - timedelta(days=days):
                pull.miss(
                    f"account figures from {(pull.today - timedelta(days=days)).isoformat()} "
                    f"to {first_missed.isoformat()}",
                    pull.stopped,
                )
            pull.miss("follower count", pull.stopped)
            raise
        except GraphAPIError as error:
            pull.miss(f"account figures of {day.isoformat()}", str(error))
        finally:
            if figures:
                _save_account_day(pull, day, figures)
    _pull_followers(pull, days)


def _save_account_day(pull: Pull, day: date, figures: dict[str, Any]) -> None:
    with transaction.atomic():
        row, _created = AccountInsight.objects.select_for_update().get_or_create(
            account=pull.account, day=day
        )
        raw = figures.pop("raw", None)
        for name, value in figures.items():
            setattr(row, name, value)
        if raw:
            row.raw = {**(row.raw or {}), **raw}
        row.pulled_at = pull.now
        row.save()
    pull.run.account_rows += 1


def _pull_followers(pull: Pull, days: int) -> None:
    first = pull.today - timedelta(days=min(days, 29))
    try:
        series = pull.call(
            1, pull.client.account_insights, ["follower_count"], period="day",
            since=_local_midnight(first), until=_local_midnight(pull.today),
        )  # fmt: skip
    except StopPull:
        pull.miss("follower count", pull.stopped)
        raise
    except GraphAPIError as error:
        pull.miss("new followers per day", str(error))
        series = []
    for item in series:
        if item.name != "follower_count" or item.end_time is None or not isinstance(item.value, int):
            continue
        # Meta's days end at 07:00 UTC (midnight in California): the value is for the day before.
        day = (item.end_time.astimezone(UTC) - timedelta(days=1)).date()
        if day >= pull.today or day < pull.today - timedelta(days=days):
            continue
        AccountInsight.objects.update_or_create(
            account=pull.account, day=day, defaults={"new_followers": item.value}
        )
    try:
        followers = pull.call(1, pull.client.followers_count)
    except StopPull:
        pull.miss("follower count", pull.stopped)
        raise
    except GraphAPIError as error:
        pull.miss("follower count", str(error))
        return
    AccountInsight.objects.update_or_create(
        account=pull.account, day=pull.today - timedelta(days=1), defaults={"follower_count": followers}
    )


def _pull_audience(pull: Pull) -> None:
    collected: dict[str, dict[str, Any]] = {}
    try:
        for breakdown in DEMOGRAPHIC_BREAKDOWNS:
            try:
                values = pull.call(
                    1, pull.client.account_insights, list(DEMOGRAPHIC_METRICS), period="lifetime",
                    metric_type="total_value", breakdown=breakdown, timeframe=DEMOGRAPHIC_TIMEFRAME,
                )  # fmt: skip
            except StopPull:
                pull.miss(f"audience by {breakdown}", pull.stopped)
                raise
            except GraphAPIError as error:
                pull.miss(f"audience by {breakdown}", error.user_message or str(error))
                continue
            for kind, figures in audience_figures(values).items():
                collected.setdefault(kind, {}).update(figures)
    finally:
        for kind, figures in collected.items():
            AudienceSnapshot.objects.update_or_create(
                account=pull.account, day=pull.today, kind=kind, defaults={**figures, "pulled_at": pull.now}
            )
            pull.run.audience_rows += 1


def _extras_due(pull: Pull, posts: dict[str, Post], product_types: dict[int, str]) -> list[Post]:
    """Recent posts, and the seventh of the older ones whose extras are oldest."""
    # Only media the listing showed tonight: a post missing from it is gone from Instagram (or
    # the listing broke off), and asking for it would fail a whole multi-id request.
    candidates = [
        post
        for post in posts.values()
        if post.pk in product_types and product_types[post.pk] in EXTRA_METRICS
    ]

    recent_since = pull.now - timedelta(days=RECENT_DAYS)
    recent = [post for post in candidates if post.published_at and post.published_at >= recent_since]
    older = [post for post in candidates if not (post.published_at and post.published_at >= recent_since)]
    latest = _latest_snapshots([post.pk for post in older], pull.today)
    never = date.min

    def last_pulled(post: Post) -> tuple[date, int]:
        row = latest.get(post.pk)
        return (row.extras_pulled_on or never) if row else never, post.pk

    older.sort(key=last_pulled)
    share = math.ceil(len(older) / ROTATION_NIGHTS)
    return recent + older[:share]


def _pull_extras(pull: Pull, due: list[Post], product_types: dict[int, str]) -> None:
    by_type: dict[str, list[Post]] = {}
    for post in due:
        by_type.setdefault(_product_type(post, product_types.get(post.pk)), []).append(post)
    left = list(due)
    for product_type, group in by_type.items():
        metrics = EXTRA_METRICS[product_type]
        waiting = list(group)
        while waiting:
            # A multi-id request counts once per id: never ask more ids than the usage leaves room for.
            room = pull.room()
            size = min(IDS_PER_REQUEST, room) if room is not None else IDS_PER_REQUEST
            chunk, waiting = waiting[: max(1, size)], waiting[max(1, size) :]
            try:
                answers = pull.call(
                    len(chunk), pull.client.media_insights_many, [p.media_id for p in chunk], metrics
                )
            except StopPull:
                pull.miss(f"type-specific figures of {len(left)} posts", pull.stopped)
                raise
            except GraphAPIError as error:
                # One media that cannot answer (deleted on Instagram, say) fails the whole request:
                # ask the others one by one.
                answers = {}
                for post in chunk:
                    try:
                        answers[post.media_id] = pull.call(
                            1, pull.client.media_insights, post.media_id, metrics
                        )
                    except StopPull:
                        pull.miss(f"type-specific figures of {len(left)} posts", pull.stopped)
                        raise
                    except GraphAPIError as single:
                        pull.miss(f"type-specific figures of post {post.pk}", str(single) or str(error))
            for post in chunk:
                left.remove(post)
                if post.media_id in answers:
                    _merge(pull, post.pk, post_figures(answers[post.media_id]))
                    pull.extras_pulled.add(post.pk)


def start_run(kind: str, account: InstagramAccount | None, days: int = 1) -> InsightPull:
    return InsightPull.objects.create(kind=kind, account=account, days=days)


def finish_run(
    pull: Pull | None, run: InsightPull, *, wrote_anything: bool, failure: str = ""
) -> InsightPull:
    missed = pull.missed if pull else []
    run.missed = missed
    run.finished_at = timezone.now()
    stopped = pull.stopped if pull else ""
    if (failure or stopped) and not wrote_anything:
        run.outcome = PullOutcome.FAILED
    elif stopped:
        run.outcome = PullOutcome.STOPPED
    elif missed or failure:
        run.outcome = PullOutcome.PARTIAL
    else:
        run.outcome = PullOutcome.COMPLETE
    parts = [
        f"{run.post_rows} post snapshots, {run.account_rows} account days, "
        f"{run.audience_rows} audiences; {run.calls} calls, usage up to {run.usage_percent}%."
    ]
    if stopped:
        parts.append(stopped + ".")
    if failure:
        parts.append(failure)
    if pull and pull.notes:
        parts.extend(pull.notes)
    if missed:
        parts.append("Missed: " + "; ".join(f"{m['what']} ({m['why']})" for m in missed))
    run.message = " ".join(parts)
    run.save()
    return run


def pull_insights(*, days: int = 1, kind: str = PullKind.NIGHTLY, now: datetime | None = None) -> InsightPull:
    """The nightly pull (also ``manage.py pull_insights``). Always returns its finished run row.

    Each step keeps what it got when a later call fails; a step that breaks does not stop the
    next one, but a usage header near the limit (or throttling, or a refused token) does."""
    now = now or timezone.now()
    account = InstagramAccount.objects.active().first()
    run = start_run(kind, account, days)
    if account is None or not account.has_token:
        return finish_run(None, run, wrote_anything=False, failure="No Instagram account is connected.")
    today = now.astimezone(BERLIN).date()
    pull = Pull(account=account, run=run, client=GraphClient(account), today=today, now=now)
    posts = _published_posts()
    product_types: dict[int, str] = {}
    failures: list[str] = []

    def listing() -> None:
        product_types.update(_pull_listing(pull, posts))
        unlisted = [p for p in posts.values() if p.pk not in product_types and p.format != Format.STORY]
        if pull.listing_complete and unlisted:
            pull.notes.append(
                f"{len(unlisted)} published posts are not among the account's media on Instagram "
                f"(removed there?): posts {', '.join(str(p.pk) for p in unlisted[:20])}"
                + (" …" if len(unlisted) > 20 else "")
                + "."
            )

    def extras() -> None:
        _pull_extras(pull, _extras_due(pull, posts, product_types), product_types)

    steps: list[tuple[str, Callable[[], None]]] = [
        ("media list", listing),
        ("account figures", lambda: _pull_account_days(pull, days)),
        ("audience", lambda: _pull_audience(pull)),
        ("type-specific figures", extras),
    ]
    try:
        for label, step in steps:
            if pull.stopped:
                pull.miss(label, pull.stopped)
                continue
            try:
                step()
            except StopPull:
                continue
            except Exception as error:  # keep what was collected, say what broke, go on
                logger.exception("Insights pull %s: %s failed", run.pk, label)
                failures.append(f"{label} broke off: {type(error).__name__}: {error}.")
                pull.miss(label, f"{type(error).__name__}: {error}")
    finally:
        run.post_rows = _write_post_snapshots(pull)
    wrote = bool(run.post_rows or run.account_rows or run.audience_rows)
    return finish_run(pull, run, wrote_anything=wrote, failure=" ".join(failures))


def sweep_story_insights(*, now: datetime | None = None) -> InsightPull | None:
    """Hourly: every live story's figures, so the last pull before it vanishes is at most an hour
    before. No run row when no story is live."""
    now = now or timezone.now()
    stories = list(
        Post.objects.filter(
            status=PostStatus.PUBLISHED, format=Format.STORY, published_at__gt=now - STORY_LIFETIME
        ).exclude(media_id="")
    )
    if not stories:
        return None
    account = InstagramAccount.objects.active().first()
    run = start_run(PullKind.STORIES, account)
    if account is None or not account.has_token:
        return finish_run(None, run, wrote_anything=False, failure="No Instagram account is connected.")
    pull = Pull(
        account=account, run=run, client=GraphClient(account), today=now.astimezone(BERLIN).date(), now=now
    )
    try:
        for post in stories:
            try:
                values = pull.call(1, pull.client.media_insights, post.media_id, STORY_METRICS)
                values += pull.call(
                    1,
                    pull.client.media_insights,
                    post.media_id,
                    ["navigation"],
                    breakdown=STORY_NAVIGATION_BREAKDOWN,
                )
            except StopPull:
                raise
            except GraphAPIError as error:
                pull.miss(f"story {post.pk}", str(error))
                continue
            if values:  # after 24 hours Meta answers with nothing: keep the last figures
                figures = post_figures(values)
                figures["media_product_type"] = "STORY"
                _merge(pull, post.pk, figures)
                pull.extras_pulled.add(post.pk)
    except StopPull:
        done = set(pull.post_figures)
        for post in stories:
            if post.pk not in done and not any(m["what"] == f"story {post.pk}" for m in pull.missed):
                pull.miss(f"story {post.pk}", pull.stopped)
    finally:
        run.post_rows = _write_post_snapshots(pull)
    return finish_run(pull, run, wrote_anything=bool(run.post_rows))
