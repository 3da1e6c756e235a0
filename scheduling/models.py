"""Scheduling: the group's calendar, the posting slots, and the post each approved story becomes.

State changes of a post go through `scheduling.services` (the actions are listed in
`scheduling.workflow`); reads through the QuerySet methods here.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contributors.models import Contributor, Publication
from stories.models import Format, Story

# Where converted videos are stored (stories.videos.video_rendition_upload_to).
VIDEO_RENDITION_PREFIX = "videos/"

BERLIN = ZoneInfo("Europe/Berlin")


class EventKind(models.TextChoices):
    RESULT_RELEASE = "result_release", _("Result release")
    PUBLICATION = "publication", _("Publication")
    CONFERENCE_TALK = "conference_talk", _("Conference talk")
    SEMINAR = "seminar", _("Seminar talk")
    OUTREACH_EVENT = "outreach_event", _("Outreach event")
    LAB_VISIT = "lab_visit", _("Lab visit or open day")
    TRAINING = "training", _("Training session")
    DEADLINE = "deadline", _("Deadline")
    BLACKOUT = "blackout", _("Blackout (no posts)")


class CalendarEventQuerySet(models.QuerySet["CalendarEvent"]):
    def overlapping(self, start: datetime, end: datetime) -> CalendarEventQuerySet:
        return self.filter(start__lt=end, end__gt=start)

    def blackouts(self) -> CalendarEventQuerySet:
        return self.filter(kind=EventKind.BLACKOUT)

    def visible_to_roles(self, roles: Any, *, now: datetime | None = None) -> CalendarEventQuerySet:
        """The team sees everything; others do not see results that are not public yet."""
        if roles.team:
            return self
        now = now or timezone.now()
        return self.exclude(publication__public_from__gt=now)


class CalendarEvent(models.Model):
    """Something in the group's calendar: a release, a talk, a visit, a training, a blackout."""

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"))
    all_day = models.BooleanField(
        _("all day"), default=False, help_text=_("Runs from midnight to midnight, Europe/Berlin.")
    )
    location = models.CharField(_("location"), max_length=300, blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    contributors = models.ManyToManyField(
        Contributor, related_name="calendar_events", blank=True, verbose_name=_("people involved")
    )
    attendees = models.ManyToManyField(
        Contributor,
        related_name="trainings_attended",
        blank=True,
        verbose_name=_("attended"),
        help_text=_("For training sessions: who took part."),
    )
    publication = models.ForeignKey(
        Publication,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calendar_events",
        verbose_name=_("result"),
    )
    # Where an imported event came from; a moved occurrence of a recurring event keeps its
    # series' UID and names the occurrence it replaces in RECURRENCE-ID.
    ics_uid = models.CharField(_("iCalendar UID"), max_length=500, blank=True, editable=False)
    ics_recurrence_id = models.CharField(
        _("iCalendar RECURRENCE-ID"), max_length=100, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = CalendarEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar event")
        verbose_name_plural = _("calendar events")
        ordering = ("start", "pk")
        constraints = (
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid"),
            models.UniqueConstraint(
                fields=("ics_uid", "ics_recurrence_id"),
                condition=~Q(ics_uid=""),
                name="event_unique_ics_occurrence",
            ),
        )

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end is before the start.")})
        if self.all_day and self.start:
            self.start, self.end = whole_days(self.start, self.end)

    @property
    def local_days(self) -> list[Any]:
        """The dates (Europe/Berlin) this event touches."""
        first = timezone.localtime(self.start, BERLIN).date()
        last = timezone.localtime(self.end - timedelta(microseconds=1), BERLIN).date()
        days, day = [], first
        while day <= max(first, last):
            days.append(day)
            day += timedelta(days=1)
        return days


def whole_days(start: datetime, end: datetime | None) -> tuple[datetime, datetime]:
    """Midnight of the start's day to midnight after the end's day, Europe/Berlin."""
    first = timezone.localtime(start, BERLIN).date()
    last = timezone.localtime(end, BERLIN).date() if end else first
    if end and last > first and timezone.localtime(end, BERLIN).time() == time(0):
        last -= timedelta(days=1)  # an end at midnight closes the day before
    return (
        datetime.combine(first, time(0), tzinfo=BERLIN),
        datetime.combine(max(first, last) + timedelta(days=1), time(0), tzinfo=BERLIN),
    )


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class PostingSlot(models.Model):
    """A weekday and time (Europe/Berlin) at which the account likes to post."""

    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    time = models.TimeField(_("time (Europe/Berlin)"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("posting slot")
        verbose_name_plural = _("posting slots")
        ordering = ("weekday", "time")
        constraints = (models.UniqueConstraint(fields=("weekday", "time"), name="slot_unique_weekday_time"),)

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.time:%H:%M}"

    def on(self, day: Any) -> datetime:
        """This slot's instant on a given date (Europe/Berlin), right across DST changes."""
        return datetime.combine(day, self.time, tzinfo=BERLIN)


class PostStatus(models.TextChoices):
    UNSCHEDULED = "unscheduled", _("Unscheduled")
    SCHEDULED = "scheduled", _("Scheduled")
    PUBLISHING = "publishing", _("Publishing")
    PUBLISHED = "published", _("Published")
    FAILED = "failed", _("Failed")
    NEEDS_ATTENTION = "needs_attention", _("Needs attention")
    # Published, then a person shown withdrew consent: it must come off Instagram at once.
    TO_BE_REMOVED = "to_be_removed", _("To be removed from Instagram")
    REMOVED = "removed", _("Removed from Instagram")


# The states in which a post holds its time in the calendar (and so counts for spacing).
HOLDING_STATUSES = (PostStatus.SCHEDULED, PostStatus.PUBLISHING, PostStatus.PUBLISHED)


class PostQuerySet(models.QuerySet["Post"]):
    def with_calendar_data(self) -> PostQuerySet:
        return self.select_related(
            "story__publication", "story__author__user", "story__video"
        ).prefetch_related("story__images")

    def holding_time(self) -> PostQuerySet:
        return self.filter(status__in=HOLDING_STATUSES, scheduled_at__isnull=False)

    def visible_to(self, user: Any) -> PostQuerySet:
        from contributors.roles import roles_of

        roles = roles_of(user)
        if roles.team:
            return self
        if not roles.authenticated:
            return self.none()
        return self.filter(story__in=Story.objects.mine(user))


class Post(models.Model):
    """What Instagram will receive for one approved story, and where it stands."""

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, related_name="post", verbose_name=_("story")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PostStatus.choices, default=PostStatus.UNSCHEDULED, db_index=True
    )
    scheduled_at = models.DateTimeField(_("scheduled for"), null=True, blank=True, db_index=True)
    format = models.CharField(_("format"), max_length=20)
    caption = models.TextField(_("caption"), blank=True)
    renditions = models.JSONField(_("renditions"), default=list, blank=True)
    alt_texts = models.JSONField(_("alt texts"), default=list, blank=True)
    collaborators = models.JSONField(_("collaborators"), default=list, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    status_changed_at = models.DateTimeField(_("state since"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Publishing: what has been stored so far, so that whoever holds the lease next carries on.
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True, db_index=True)
    lease_token = models.CharField(_("lease token"), max_length=32, blank=True, editable=False)
    child_container_ids = models.JSONField(_("carousel item containers"), default=list, blank=True)
    container_id = models.CharField(_("container"), max_length=64, blank=True)
    publish_tried_for = models.CharField(
        _("publish attempted for container"), max_length=64, blank=True, editable=False
    )
    publishing_since = models.DateTimeField(_("publishing since"), null=True, blank=True)
    retries = models.PositiveIntegerField(_("retries"), default=0)
    media_id = models.CharField(_("Instagram media id"), max_length=64, blank=True)
    permalink = models.URLField(_("link on Instagram"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # The team was told that the post is late (once per post).
    late_told_at = models.DateTimeField(_("team told it is late"), null=True, blank=True, editable=False)
    removed_at = models.DateTimeField(_("removed from Instagram"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
        help_text=_("Empty when the app removed it through Instagram's API."),
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ("scheduled_at", "pk")
        constraints = (
            models.CheckConstraint(condition=Q(status__in=PostStatus.values), name="post_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=PostStatus.SCHEDULED) | Q(scheduled_at__isnull=False),
                name="post_scheduled_has_time",
            ),
        )

    def __str__(self) -> str:
        return self.story.title

    def get_absolute_url(self) -> str:
        return f"/calendar/posts/{self.pk}/"

    @property
    def embargo_until(self) -> datetime | None:
        publication = self.story.publication
        if publication is None or publication.public_from is None:
            return None
        return publication.public_from

    def thumbnail_url(self) -> str:
        images = self.story.ordered_images()
        for image in images:
            if image.rendition:
                return str(image.rendition.url)
        return ""

    @property
    def is_video(self) -> bool:
        """A reel or video story: it sends its converted video (stories.videos), not photos."""
        return self.format in (Format.REEL, Format.STORY) and any(
            str(name).startswith(VIDEO_RENDITION_PREFIX) for name in self.renditions[:1]
        )

    def wants_video(self) -> bool:
        """A reel, or a story made of a video: what it lacks is a video, not a photo."""
        if self.is_video or self.format == Format.REEL:
            return True
        from stories.models import StoryVideo

        return self.format == Format.STORY and StoryVideo.objects.filter(story_id=self.story_id).exists()

    def missing(self) -> list[str]:
        """What still stands between this post and publishing, in the reader's language."""
        problems = []
        if self.status == PostStatus.UNSCHEDULED:
            problems.append(str(_("It has no time yet.")))
        if not self.renditions:
            if self.wants_video():
                problems.append(str(_("It has no video ready for Instagram.")))
            else:
                problems.append(str(_("It has no photo ready for Instagram.")))
        return problems


class PostTransition(models.Model):
    """One row per change of a post's state or time: who, from, to, when, why."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("post")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=20, choices=PostStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PostStatus.choices)
    from_time = models.DateTimeField(_("time before"), null=True, blank=True)
    to_time = models.DateTimeField(_("time after"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("post change")
        verbose_name_plural = _("post changes")
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.post}: {self.from_status} → {self.to_status}"


class PublishStep(models.Model):
    """One call to Instagram while publishing: written before the call, completed after it,
    so a crash at any point leaves a record a person and the recovery sweep can read."""

    class Outcome(models.TextChoices):
        STARTED = "started", _("Started, no answer yet")
        OK = "ok", _("Succeeded")
        ERROR = "error", _("Failed")

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="publish_steps", verbose_name=_("post")
    )
    call = models.CharField(_("call"), max_length=40)
    container_id = models.CharField(_("container"), max_length=64, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.STARTED)
    detail = models.TextField(_("detail"), blank=True)
    error_kind = models.CharField(_("kind of error"), max_length=30, blank=True)
    hint = models.TextField(_("what to do"), blank=True)
    fbtrace_id = models.CharField(_("fbtrace_id"), max_length=100, blank=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("publishing step")
        verbose_name_plural = _("publishing steps")
        ordering = ("started_at", "pk")

    def __str__(self) -> str:
        return f"{self.call} {self.container_id} {self.outcome}"


class LeadInvitation(models.Model):
    """The team invited an author to tell the story of a result: who invited whom, and when."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("result")
    )
    contributor = models.ForeignKey(
        Contributor, on_delete=models.CASCADE, related_name="lead_invitations", verbose_name=_("invited")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("invitation to tell a story")
        verbose_name_plural = _("invitations to tell a story")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.contributor} ← {self.publication}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's secret calendar address; resetting it makes the old address worthless."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("user"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.user)
