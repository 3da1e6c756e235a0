"""The video of a reel or a video story: the private original, the Instagram rendition, and
where its processing stands. Kept apart from `stories.models` (which imports this module at its
end); the probing and transcoding are in `stories.video`, the changes in `stories.services.videos`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import reasons
from .storage import private_storage


class VideoState(models.TextChoices):
    UPLOADING = "uploading", _("Uploading")
    CHECKING = "checking", _("Checking the video")
    TOO_LONG = "too_long", _("Too long for a story: waiting for your choice")
    QUEUED = "queued", _("Waiting to be converted")
    CONVERTING = "converting", _("Being converted")
    READY = "ready", _("Ready")
    REFUSED = "refused", _("Refused")


class CoverState(models.TextChoices):
    NONE = "", _("No cover yet")
    MAKING = "making", _("The cover is being made")
    READY = "ready", _("Cover ready")
    FAILED = "failed", _("The cover could not be made")


class CoverChoice(models.TextChoices):
    FRAME = "frame", _("A frame of the video")
    PHOTO = "photo", _("A photo")


def video_original_upload_to(instance: StoryVideo, filename: str) -> str:
    return f"video-originals/{uuid.uuid4().hex}"


def video_rendition_upload_to(instance: StoryVideo, filename: str) -> str:
    return f"videos/{uuid.uuid4().hex}.mp4"


def video_cover_upload_to(instance: StoryVideo, filename: str) -> str:
    return f"video-covers/{uuid.uuid4().hex}.jpg"


def video_cover_original_upload_to(instance: StoryVideo, filename: str) -> str:
    return f"video-cover-originals/{uuid.uuid4().hex}"


def video_frame_upload_to(instance: StoryVideo, filename: str) -> str:
    return f"video-frames/{uuid.uuid4().hex}.jpg"


class StoryVideo(models.Model):
    story = models.OneToOneField(
        "stories.Story", on_delete=models.CASCADE, related_name="video", verbose_name=_("story")
    )
    state = models.CharField(
        _("state"), max_length=12, choices=VideoState.choices, default=VideoState.UPLOADING, db_index=True
    )
    # The upload, as it arrives in pieces; kept private (it may carry the place it was filmed).
    original = models.FileField(
        _("original"), upload_to=video_original_upload_to, storage=private_storage, blank=True, max_length=255
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    upload_size = models.PositiveBigIntegerField(_("size of the upload"), default=0)
    received_bytes = models.PositiveBigIntegerField(_("bytes received"), default=0)
    # What ffprobe found in the original (stories.video.Probe) and in the rendition.
    probe = models.JSONField(_("probe of the original"), default=dict, blank=True)
    rendition = models.FileField(
        _("rendition"), upload_to=video_rendition_upload_to, blank=True, max_length=255
    )
    rendition_probe = models.JSONField(_("probe of the rendition"), default=dict, blank=True)
    # Set when the scientist agreed to keep only the beginning of a story that is too long.
    keep_seconds = models.FloatField(_("keep the first seconds"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    problem = models.TextField(_("why it was refused"), blank=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    cover = models.CharField(
        _("cover"), max_length=10, choices=CoverChoice.choices, default=CoverChoice.FRAME
    )
    cover_offset_ms = models.PositiveIntegerField(_("cover frame at (ms)"), default=0)
    cover_photo = models.FileField(
        _("cover photo"), upload_to=video_cover_upload_to, blank=True, max_length=255
    )
    # The photo as it was uploaded, kept private until the worker has made the JPEG cover from it.
    cover_original = models.FileField(
        _("cover photo as uploaded"),
        upload_to=video_cover_original_upload_to,
        storage=private_storage,
        blank=True,
        max_length=255,
    )
    # The frame at cover_offset_ms, cut by the worker, for the pages that show the cover.
    cover_frame = models.FileField(
        _("cover frame"), upload_to=video_frame_upload_to, blank=True, max_length=255
    )
    cover_state = models.CharField(
        _("cover state"), max_length=8, choices=CoverState.choices, default=CoverState.NONE, blank=True
    )
    cover_problem = models.TextField(_("why the cover could not be made"), blank=True)
    share_to_feed = models.BooleanField(_("also show the reel in the feed"), default=True)
    # Who confirmed that everyone recognisable in the video agreed (or that nobody can be recognised).
    consent_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent confirmed by"),
    )
    consent_confirmed_at = models.DateTimeField(_("consent confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("video")
        verbose_name_plural = _("videos")
        constraints = (
            models.CheckConstraint(condition=Q(state__in=VideoState.values), name="story_video_state_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="story_video_progress_percent"),
            models.CheckConstraint(
                condition=Q(cover_state__in=CoverState.values), name="story_video_cover_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(received_bytes__lte=models.F("upload_size")),
                name="story_video_received_within_size",
            ),
        )

    def __str__(self) -> str:
        return f"{self.story} ({self.state})"

    @property
    def is_ready(self) -> bool:
        return self.state == VideoState.READY and bool(self.rendition)

    @property
    def is_busy(self) -> bool:
        return self.state in (VideoState.QUEUED, VideoState.CONVERTING)

    @property
    def cover_is_making(self) -> bool:
        return self.cover_state == CoverState.MAKING

    @property
    def cover_file(self) -> Any:
        """The stored JPEG the cover's address serves: the photo when one is chosen, else the
        frame; None while neither has been made."""
        if self.cover == CoverChoice.PHOTO and self.cover_photo:
            return self.cover_photo
        return self.cover_frame or None

    @property
    def cover_shown(self) -> bool:
        """Whether a page may point an image at the cover's address: a file is there and it is
        not being made again (the old one would be replaced under the reader's eyes)."""
        return self.cover_state != CoverState.MAKING and self.cover_file is not None

    @property
    def problem_shown(self) -> str:
        """Why the video was refused, in the reader's language (the worker stores the reason)."""
        return reasons.shown(self.problem)

    @property
    def cover_problem_shown(self) -> str:
        """Why the cover could not be made, in the reader's language."""
        return reasons.shown(self.cover_problem)

    @property
    def cover_note(self) -> str:
        """What a page says where the cover would be while it cannot show it (a failure's own
        problem, stored by the worker, goes beside it)."""
        converting = self.state not in (VideoState.READY, VideoState.REFUSED)
        if self.cover_state == CoverState.MAKING or (converting and not self.cover_file):
            return str(_("Cover being made…"))
        if self.cover_state == CoverState.FAILED:
            return str(_("The cover could not be made."))
        return str(_("No cover yet"))

    @property
    def duration(self) -> float:
        found = self.rendition_probe or self.probe
        return float(found.get("duration") or 0)
