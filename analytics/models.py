"""Analytics: daily snapshots of what Instagram reports, and a record of every pull.

Snapshots are written only by `analytics.insights` (the nightly pull, the hourly story sweep and
`pull_insights`); pages read them through the QuerySet methods here. One row per thing per day:
a second pull on the same day updates the row it wrote the first time.

A figure that Instagram did not report (not asked that night, not offered for that media type, or
not yet available) is NULL, never 0, so sums and averages skip it instead of dragging it down.
Anything Instagram reports that has no column (a new metric, or one Meta has since removed such
as ``impressions``, ``plays`` or ``video_views`` in older data) is kept by name in ``raw``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from instagram.models import InstagramAccount
from scheduling.models import Post


def _count(label: Any) -> Any:
    return models.PositiveIntegerField(label, null=True, blank=True)


# Removed by Meta in 2025; ``views`` replaces them (GRAPH_API.md, Insights).
LEGACY_VIEWS = ("impressions", "plays", "video_views")


class PostInsightQuerySet(models.QuerySet["PostInsight"]):
    def between(self, start: date, end: date) -> PostInsightQuerySet:
        return self.filter(day__gte=start, day__lte=end)

    def latest_per_post(self) -> PostInsightQuerySet:
        """The newest snapshot of each post in this queryset (one query, any database)."""
        newest = PostInsight.objects.filter(post=OuterRef("post")).order_by("-day").values("day")[:1]
        return self.filter(day=Subquery(newest))


class PostInsight(models.Model):
    """One published post's lifetime figures as Instagram reported them on ``day``.

    Per-media insights are lifetime totals, so a post's newest row holds its current figures and
    the difference between two days is what it gained in between. Figures only one media type
    offers (reel watch times; story navigation and replies; follows and profile visits of feed
    posts and stories) are fetched per post: every night for recent posts, in a weekly rotation
    for older ones. A night that did not fetch them carries the last known values forward, and
    ``extras_pulled_on`` says when they were really fetched.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="insights", verbose_name=_("post"))
    day = models.DateField(_("day"))
    media_product_type = models.CharField(_("media product type"), max_length=20, blank=True)
    views = _count(_("views"))
    reach = _count(_("accounts reached"))
    likes = _count(_("likes"))
    comments = _count(_("comments"))
    saves = _count(_("saves"))
    shares = _count(_("shares"))
    total_interactions = _count(_("interactions"))
    follows = _count(_("follows"))
    profile_visits = _count(_("profile visits"))
    # Reels, in milliseconds as Meta reports them.
    avg_watch_time_ms = models.PositiveBigIntegerField(_("average watch time (ms)"), null=True, blank=True)
    total_watch_time_ms = models.PositiveBigIntegerField(_("total watch time (ms)"), null=True, blank=True)
    # Stories (available for 24 hours only).
    navigation = _count(_("story navigation actions"))
    navigation_breakdown = models.JSONField(
        _("story navigation by action"), default=dict, blank=True
    )  # {"tap_forward": 19, "tap_back": 4, "tap_exit": 1, "swipe_forward": 1}
    replies = _count(_("story replies"))
    raw = models.JSONField(_("other metrics"), default=dict, blank=True)
    extras_pulled_on = models.DateField(_("type-specific figures fetched on"), null=True, blank=True)
    pulled_at = models.DateTimeField(_("pulled at"), default=timezone.now)

    objects = PostInsightQuerySet.as_manager()

    class Meta:
        verbose_name = _("post insight snapshot")
        verbose_name_plural = _("post insight snapshots")
        ordering = ("-day", "post_id")
        constraints = (models.UniqueConstraint(fields=("post", "day"), name="post_insight_one_per_day"),)
        indexes = (models.Index(fields=("day", "post"), name="post_insight_day"),)

    def __str__(self) -> str:
        return f"{self.post_id} {self.day}"

    @property
    def views_or_legacy(self) -> int | None:
        """``views``, or in data from before Meta replaced them (2025) the figure it replaced:
        ``impressions``, ``plays`` or ``video_views`` from ``raw``."""
        if self.views is not None:
            return self.views
        for name in LEGACY_VIEWS:
            value = (self.raw or {}).get(name)
            if isinstance(value, int):
                return value
        return None


class AccountInsightQuerySet(models.QuerySet["AccountInsight"]):
    def between(self, start: date, end: date) -> AccountInsightQuerySet:
        return self.filter(day__gte=start, day__lte=end)


class AccountInsight(models.Model):
    """What the whole account did on one day (Instagram's ``period=day`` figures for that day).

    ``reach`` counts unique accounts that day and so cannot be summed across days into a unique
    count; the dashboard sums it as "accounts reached per day" and says so.
    ``follower_count`` is the number of followers as read after the day (the account's
    ``followers_count``); ``new_followers`` is Meta's ``follower_count`` metric, the accounts that
    started following that day (reported only for accounts with at least 100 followers, and only
    for the last 30 days).
    """

    account = models.ForeignKey(
        InstagramAccount, on_delete=models.CASCADE, related_name="insights", verbose_name=_("account")
    )
    day = models.DateField(_("day"))
    reach = _count(_("accounts reached"))
    reach_followers = _count(_("followers reached"))
    reach_non_followers = _count(_("non-followers reached"))
    views = _count(_("views"))
    accounts_engaged = _count(_("accounts engaged"))
    total_interactions = _count(_("interactions"))
    follower_count = _count(_("followers"))
    new_followers = _count(_("new followers"))
    # {"POST": 124, "REEL": 80, "STORY": 20, "CAROUSEL_CONTAINER": 100}
    reach_by_product_type = models.JSONField(_("reach by format"), default=dict, blank=True)
    raw = models.JSONField(_("other metrics"), default=dict, blank=True)
    pulled_at = models.DateTimeField(_("pulled at"), default=timezone.now)

    objects = AccountInsightQuerySet.as_manager()

    class Meta:
        verbose_name = _("account insight snapshot")
        verbose_name_plural = _("account insight snapshots")
        ordering = ("-day",)
        constraints = (
            models.UniqueConstraint(fields=("account", "day"), name="account_insight_one_per_day"),
        )
        indexes = (models.Index(fields=("day",), name="account_insight_day"),)

    def __str__(self) -> str:
        return f"{self.account_id} {self.day}"

    @property
    def non_follower_share(self) -> float | None:
        known = (self.reach_followers or 0) + (self.reach_non_followers or 0)
        return (self.reach_non_followers or 0) / known if known else None


class AudienceKind(models.TextChoices):
    FOLLOWERS = "followers", _("Followers")
    ENGAGED = "engaged", _("Engaged audience")


class AudienceQuerySet(models.QuerySet["AudienceSnapshot"]):
    def latest_on_or_before(self, account: Any, kind: str, day: date) -> AudienceSnapshot | None:
        return self.filter(account=account, kind=kind, day__lte=day).order_by("-day").first()


class AudienceSnapshot(models.Model):
    """Who the followers (or the engaged audience) were, as Instagram described them on ``day``.

    One row holds every breakdown, each a mapping of value to count as Meta reports it (top 45
    values only): ``age`` {"18-24": 120, "25-34": 310, ...}, ``gender`` {"F": .., "M": .., "U": ..},
    ``age_gender`` {"18-24|F": ..}, ``country`` {"DE": ..} (ISO codes), ``city`` {"Hamburg, Hamburg": ..}.
    So the dashboard reads one row per audience kind for any date range. An empty mapping means
    Meta did not answer (fewer than 100 followers, or the call was missed).
    """

    account = models.ForeignKey(
        InstagramAccount, on_delete=models.CASCADE, related_name="audiences", verbose_name=_("account")
    )
    day = models.DateField(_("day"))
    kind = models.CharField(_("audience"), max_length=10, choices=AudienceKind.choices)
    timeframe = models.CharField(_("time frame"), max_length=20, blank=True)
    age = models.JSONField(_("by age"), default=dict, blank=True)
    gender = models.JSONField(_("by gender"), default=dict, blank=True)
    age_gender = models.JSONField(_("by age and gender"), default=dict, blank=True)
    country = models.JSONField(_("by country"), default=dict, blank=True)
    city = models.JSONField(_("by city"), default=dict, blank=True)
    raw = models.JSONField(_("other breakdowns"), default=dict, blank=True)
    pulled_at = models.DateTimeField(_("pulled at"), default=timezone.now)

    objects = AudienceQuerySet.as_manager()

    class Meta:
        verbose_name = _("audience snapshot")
        verbose_name_plural = _("audience snapshots")
        ordering = ("-day", "kind")
        constraints = (
            models.UniqueConstraint(fields=("account", "day", "kind"), name="audience_one_per_day_and_kind"),
            models.CheckConstraint(condition=Q(kind__in=AudienceKind.values), name="audience_kind_valid"),
        )
        indexes = (models.Index(fields=("kind", "day"), name="audience_kind_day"),)

    def __str__(self) -> str:
        return f"{self.account_id} {self.day} {self.kind}"


class PullKind(models.TextChoices):
    NIGHTLY = "nightly", _("Nightly pull")
    STORIES = "stories", _("Story sweep")
    MANUAL = "manual", _("pull_insights command")


class PullOutcome(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETE = "complete", _("Complete")
    PARTIAL = "partial", _("Partial: some figures missed")
    STOPPED = "stopped", _("Stopped near the rate limit")
    FAILED = "failed", _("Failed")


class InsightPull(models.Model):
    """One run of the pull: what it wrote, how many calls it made, and what it missed and why.

    Written before the first call and completed after the last, so a run that died leaves a
    ``running`` row behind. Admins read these in the Django admin.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=PullKind.choices)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=PullOutcome.choices, default=PullOutcome.RUNNING
    )
    account = models.ForeignKey(
        InstagramAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    days = models.PositiveSmallIntegerField(_("days asked"), default=1)
    calls = models.PositiveIntegerField(_("calls made"), default=0)
    usage_percent = models.PositiveSmallIntegerField(_("highest rate-limit use (%)"), default=0)
    post_rows = models.PositiveIntegerField(_("post snapshots written"), default=0)
    account_rows = models.PositiveIntegerField(_("account snapshots written"), default=0)
    audience_rows = models.PositiveIntegerField(_("audience snapshots written"), default=0)
    # [{"what": "extras of post 12", "why": "rate limit near 90%"}, ...]
    missed = models.JSONField(_("missed"), default=list, blank=True)
    message = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("insight pull")
        verbose_name_plural = _("insight pulls")
        ordering = ("-started_at",)
        constraints = (
            models.CheckConstraint(condition=Q(kind__in=PullKind.values), name="insight_pull_kind_valid"),
            models.CheckConstraint(
                condition=Q(outcome__in=PullOutcome.values), name="insight_pull_outcome_valid"
            ),
        )

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"
