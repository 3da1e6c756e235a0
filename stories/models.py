"""Stories: what a scientist tells, the photos that go with it, and its path through review.

State changes go through `stories.services`; the steps of the review are one table in
`stories.workflow`; who may open or change what is in `stories.permissions`.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from contributors.models import Contributor, Publication
from contributors.roles import roles_of

from .crops import CHOSEN_RATIO_CHOICES

# Re-exported: migrations name stories.models.PrivateMediaStorage.
from .storage import PrivateMediaStorage as PrivateMediaStorage
from .storage import private_storage as private_storage

MAX_IMAGES = 10
CAROUSEL_MIN_IMAGES = 2
ALT_TEXT_MAX_CHARS = 1000
COMMENT_MAX_CHARS = 5000
FORGOTTEN_NAME = "(forgotten)"


class Objective(models.TextChoices):
    OUTREACH = "outreach", _("Outreach")
    SCIENCE = "science", _("Science communication")
    TRAINING = "training", _("Training")
    RECRUITMENT = "recruitment", _("Recruitment")


class Format(models.TextChoices):
    SINGLE_IMAGE = "single_image", _("Single image")
    CAROUSEL = "carousel", _("Carousel (2–10 images)")
    REEL = "reel", _("Reel")
    STORY = "story", _("Story")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    ON_HOLD = "on_hold", _("On hold")
    APPROVED = "approved", _("Approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")


FINAL_STATUSES = frozenset({Status.APPROVED, Status.WITHDRAWN, Status.REJECTED})
# States in which the team has something to decide.
REVIEWABLE_STATUSES = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.RESUBMITTED})
# States in which the authors may change the story.
AUTHOR_EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})


class ImageState(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


def original_upload_to(instance: StoryImage, filename: str) -> str:
    # The uploader's file name says nothing reliable and may say too much; keep only a suffix
    # that the content check agreed with.
    suffix = Path(filename).suffix.lower()
    if suffix not in {".jpg", ".png", ".webp", ".heic"}:
        suffix = ""
    return f"originals/{uuid.uuid4().hex}{suffix}"


def rendition_upload_to(instance: StoryImage, filename: str) -> str:
    return f"renditions/{uuid.uuid4().hex}.jpg"


def preview_upload_to(instance: StoryImage, filename: str) -> str:
    # Named after the original it shows, so a preview of an earlier original is recognised as such.
    return f"previews/{Path(instance.original.name).stem}.jpg"


# A story names a result when it is linked to one or carries a reference no import knows yet.
RESULT_NAMED = Q(publication__isnull=False) | ~Q(result_reference="")


def _own_stories(user: Any) -> Q:
    """Stories `user` wrote or co-wrote, as two id subqueries: no join that repeats rows, so the
    outer query stays plain and its planner can use the list indexes."""
    contributors = Contributor.objects.filter(user_id=user.pk).values("pk")
    co_written = Story.co_authors.through.objects.filter(contributor__in=contributors).values("story_id")
    return Q(author__in=contributors) | Q(pk__in=co_written)


class StoryQuerySet(models.QuerySet["Story"]):
    def visible_to(self, user: Any) -> StoryQuerySet:
        """Stories the user may open.

        Authors and co-authors see their own in every state. The team (and admins) see every
        story that has been submitted at least once, never someone else's unsubmitted draft.
        Science reviewers see submitted stories that name a result (linked or only referenced).
        """
        roles = roles_of(user)
        if not roles.authenticated:
            return self.none()
        own = _own_stories(user)
        if roles.team:
            condition = own | Q(submitted_at__isnull=False)
        elif roles.science:
            condition = own | (Q(submitted_at__isnull=False) & RESULT_NAMED)
        else:
            condition = own
        return self.filter(condition)

    def submitted_visible_to(self, user: Any) -> StoryQuerySet:
        """`visible_to(user)` of the stories submitted at least once (the review queue's), in the
        shorter form that restriction allows: the team sees all of them, without the subqueries
        that find its own stories."""
        roles = roles_of(user)
        submitted = self.filter(submitted_at__isnull=False)
        if roles.authenticated and roles.team:
            return submitted
        return submitted.visible_to(user)

    def mine(self, user: Any) -> StoryQuerySet:
        """Stories the user wrote or co-wrote (the "my stories" page)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(_own_stories(user))

    def for_review_queue(self) -> StoryQuerySet:
        """Stories that have reached the team, with the photo count and the first photo counted
        and found by the database (`photo_count`, and `thumb_id` when that photo is ready to show)
        rather than by loading every photo of the page."""
        photos = StoryImage.objects.filter(story=OuterRef("pk"))
        ready = Q(processing_state=ImageState.READY) & ~Q(rendition="")
        return (
            self.filter(submitted_at__isnull=False)
            .select_related("author__user", "reviewer", "publication")
            .annotate(
                photo_count=Coalesce(
                    Subquery(photos.order_by().values("story").annotate(n=Count("pk")).values("n")), 0
                ),
                thumb_id=Subquery(
                    photos.order_by("position", "pk")
                    .annotate(thumb=Case(When(ready, then=F("pk")), default=None))
                    .values("thumb")[:1]
                ),
            )
        )

    def waiting_longest_first(self) -> StoryQuerySet:
        return self.order_by("status_changed_at", "pk")

    def with_result(self) -> StoryQuerySet:
        """Stories linked to a result, or naming one that no import knows yet: both need the
        science sign-off."""
        return self.filter(RESULT_NAMED)

    def without_result(self) -> StoryQuerySet:
        return self.exclude(RESULT_NAMED)

    def awaiting_review(self) -> StoryQuerySet:
        return self.filter(status__in=REVIEWABLE_STATUSES)


class Story(models.Model):
    author = models.ForeignKey(
        Contributor,
        on_delete=models.PROTECT,
        related_name="stories",
        verbose_name=_("author"),
    )
    co_authors = models.ManyToManyField(
        Contributor,
        related_name="co_authored_stories",
        blank=True,
        verbose_name=_("co-authors"),
    )
    title = models.CharField(_("title"), max_length=200)
    objective = models.CharField(_("objective"), max_length=20, choices=Objective.choices)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.SINGLE_IMAGE)
    caption = models.TextField(_("caption"), blank=True)
    publication = models.ForeignKey(
        Publication,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
        verbose_name=_("related result"),
    )
    result_reference = models.CharField(
        _("result reference"),
        max_length=200,
        blank=True,
        help_text=_("An arXiv id (2511.01234), a DOI (10.1234/abcd) or a CMS result id (CMS-HIG-25-001)."),
    )
    # The team's choice of ratio for every item of a carousel; empty: the first photo's (see
    # `stories.crops`).
    carousel_ratio = models.CharField(
        _("carousel ratio"), max_length=8, blank=True, default="", choices=CHOSEN_RATIO_CHOICES
    )
    preferred_from = models.DateField(_("preferred from"), null=True, blank=True)
    preferred_until = models.DateField(_("preferred until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories_reviewed",
        verbose_name=_("taken by"),
    )
    # Bumped by every change made through the services; an update names the version it saw.
    version = models.PositiveIntegerField(_("version"), default=1)
    science_signoff_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories_signed_off",
        verbose_name=_("science sign-off by"),
    )
    science_signoff_at = models.DateTimeField(_("science sign-off at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # Set when the post goes live (by the scheduling app); the retention clock starts here.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("waiting since"), auto_now_add=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ("-created_at", "-pk")
        constraints = (
            models.CheckConstraint(
                condition=Q(preferred_from__isnull=True)
                | Q(preferred_until__isnull=True)
                | Q(preferred_until__gte=models.F("preferred_from")),
                name="story_preferred_dates_in_order",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="story_status_valid"),
        )
        indexes = (
            # The review queue walks submitted stories oldest-waiting first and stops after a page.
            models.Index(
                fields=("status_changed_at", "id"),
                condition=Q(submitted_at__isnull=False),
                name="story_queue_waiting_order",
            ),
            # "My stories": most recently changed first.
            models.Index(fields=("-updated_at", "-id"), name="story_recently_updated"),
        )

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"/stories/{self.pk}/"

    def clean(self) -> None:
        if self.preferred_from and self.preferred_until and self.preferred_until < self.preferred_from:
            raise ValidationError(
                {"preferred_until": _("The end of the preferred period is before its start.")}
            )

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def needs_science_signoff(self) -> bool:
        """Linked to a result, or naming one the publications import does not know yet."""
        return self.publication_id is not None or bool(self.result_reference)

    def ordered_images(self) -> list[StoryImage]:
        """The images in carousel order (uses a prefetch when there is one)."""
        return sorted(self.images.all(), key=lambda image: (image.position, image.pk))

    def author_user_ids(self) -> set[int]:
        """Users who wrote the story (uses a prefetch of co_authors when there is one)."""
        ids = {self.author.user_id}
        ids.update(contributor.user_id for contributor in self.co_authors.all())
        return ids

    def is_author(self, user: Any) -> bool:
        return bool(getattr(user, "is_authenticated", False)) and user.pk in self.author_user_ids()


class StoryImage(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="images", verbose_name=_("story"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    original = models.FileField(
        _("original"),
        upload_to=original_upload_to,
        storage=private_storage,
        max_length=255,
    )
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    original_width = models.PositiveIntegerField(_("width of the original"), default=0)
    original_height = models.PositiveIntegerField(_("height of the original"), default=0)
    rendition = models.FileField(_("rendition"), upload_to=rendition_upload_to, blank=True, max_length=255)
    # The whole upright photo, small, for the crop tool: made from the original once, when first
    # asked for, so that nobody waits for a phone photo to be decoded again.
    preview = models.FileField(
        _("preview"),
        upload_to=preview_upload_to,
        storage=private_storage,
        blank=True,
        max_length=255,
    )
    rendition_width = models.PositiveIntegerField(_("width of the rendition"), null=True, blank=True)
    rendition_height = models.PositiveIntegerField(_("height of the rendition"), null=True, blank=True)
    # The crop as fractions of the upright original; empty until the first rendition.
    crop_x = models.FloatField(_("crop left"), null=True, blank=True)
    crop_y = models.FloatField(_("crop top"), null=True, blank=True)
    crop_width = models.FloatField(_("crop width"), null=True, blank=True)
    crop_height = models.FloatField(_("crop height"), null=True, blank=True)
    # The team set the crop by hand (kept while it fits, see `stories.crops`).
    crop_by_hand = models.BooleanField(_("crop set by hand"), default=False)
    # A crop set by hand no longer had the ratio needed and was fitted anew: the team should look.
    crop_refitted = models.BooleanField(_("crop fitted anew"), default=False)
    alt_text = models.TextField(
        _("alt text"),
        max_length=ALT_TEXT_MAX_CHARS,
        blank=True,
        help_text=_("Describe the photo for people who cannot see it."),
    )
    no_identifiable_person = models.BooleanField(_("no identifiable person in this photo"), default=False)
    processing_state = models.CharField(
        _("processing"),
        max_length=10,
        choices=ImageState.choices,
        default=ImageState.PENDING,
    )
    processing_error = models.TextField(_("processing error"), blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ("position", "pk")

    def __str__(self) -> str:
        return f"{self.story} #{self.position + 1}"

    @property
    def crop(self) -> Any:
        """The stored crop as a `stories.images.CropBox`, or None."""
        from .images import CropBox

        values = (self.crop_x, self.crop_y, self.crop_width, self.crop_height)
        if any(value is None for value in values):
            return None
        return CropBox(x=self.crop_x, y=self.crop_y, width=self.crop_width, height=self.crop_height)  # type: ignore[arg-type]

    @property
    def rendition_version(self) -> str:
        """Changes whenever the rendition does (each one is stored under a new name)."""
        return Path(self.rendition.name).stem if self.rendition else ""

    @property
    def rendition_url(self) -> str:
        """The rendition's address, new for each new rendition, so browsers may keep it long."""
        url = reverse("stories:image_rendition", kwargs={"pk": self.story_id, "image_id": self.pk})
        return f"{url}?v={self.rendition_version}"

    @property
    def preview_url(self) -> str:
        """The crop tool's whole photo; it changes only with the original."""
        url = reverse("stories:image_preview", kwargs={"pk": self.story_id, "image_id": self.pk})
        return f"{url}?v={Path(self.original.name).stem}"

    @property
    def preview_is_current(self) -> bool:
        """A preview exists, and was made from the original the photo has now."""
        if not self.preview or not self.original:
            return False
        made_from, current = Path(self.preview.name).stem, Path(self.original.name).stem
        # Storage adds "_<random>" when the name is taken (another row sharing the original).
        return made_from == current or made_from.startswith(current + "_")

    @property
    def is_ready(self) -> bool:
        return self.processing_state == ImageState.READY and bool(self.rendition)

    @cached_property
    def consent_complete(self) -> bool:
        """Either nobody can be recognised, or everyone shown agreed and still agrees."""
        if self.no_identifiable_person:
            return True
        people = list(self.people.all())
        return bool(people) and all(person.has_valid_consent for person in people)


class PersonShown(models.Model):
    image = models.ForeignKey(
        StoryImage,
        on_delete=models.CASCADE,
        related_name="people",
        verbose_name=_("image"),
    )
    name = models.CharField(_("name"), max_length=200)
    contact = models.CharField(
        _("contact"), max_length=300, blank=True, help_text=_("E-mail or phone number.")
    )
    consent_given = models.BooleanField(_("consent given"), default=False)
    consent_wording = models.TextField(_("wording agreed to"))
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    consent_recorded_at = models.DateTimeField(_("consent recorded at"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn at"), null=True, blank=True)
    contact_erased_at = models.DateTimeField(_("contact data erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("person shown")
        verbose_name_plural = _("people shown")
        ordering = ("pk",)

    def __str__(self) -> str:
        return self.name

    @property
    def has_valid_consent(self) -> bool:
        return self.consent_given and self.consent_withdrawn_at is None

    @property
    def is_forgotten(self) -> bool:
        return self.name == FORGOTTEN_NAME and self.contact_erased_at is not None


class StoryEvent(models.Model):
    """One row per change to a story or the people in it: who, when, what, and why.

    `kind` is a workflow action's name (see `stories.workflow`) or an `EventKind`; states are
    stored as codes and `params` holds what the sentence in the History needs (photo numbers,
    field names), so the sentence is made in the reader's language when it is shown
    (`stories.history`). `text` is what a person typed (a comment, a reason) and is shown as typed.
    """

    story = models.ForeignKey(
        Story,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("story"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    # Both empty when the state did not change.
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    text = models.TextField(_("text"), blank=True)
    params = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("story event")
        verbose_name_plural = _("story events")
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.story}: {self.kind}"


class EventKind(models.TextChoices):
    """Events that are not workflow actions (those are named after their action)."""

    CREATED = "created", _("Story created")
    EDITED = "edited", _("Story changed")
    # Saved in the Django admin, which writes the rows itself (`stories.admin`).
    ADMIN_CHANGED = "admin_changed", _("Changed in the admin")
    CO_AUTHORS_CHANGED = "co_authors_changed", _("Co-authors changed")
    CO_AUTHOR_INVITED = "co_author_invited", _("Co-author invited")
    CO_AUTHOR_ACCEPTED = "co_author_accepted", _("Co-author accepted")
    CO_AUTHOR_DECLINED = "co_author_declined", _("Co-author declined")
    PHOTO_ADDED = "photo_added", _("Photo added")
    PHOTO_CHANGED = "photo_changed", _("Photo changed")
    PHOTO_CROPPED = "photo_cropped", _("Photo cropped")
    PHOTO_REMOVED = "photo_removed", _("Photo removed")
    PHOTOS_REORDERED = "photos_reordered", _("Photos reordered")
    CAROUSEL_RATIO_CHANGED = "carousel_ratio_changed", _("Carousel ratio changed")
    PERSON_ADDED = "person_added", _("Person shown added")
    PERSON_REMOVED = "person_removed", _("Person shown removed")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    PERSON_FORGOTTEN = "person_forgotten", _("Person shown forgotten")
    VIDEO_ADDED = "video_added", _("Video added")
    VIDEO_SHORTENED = "video_shortened", _("Video shortened")
    VIDEO_SETTINGS = "video_settings", _("Video cover changed")
    VIDEO_REMOVED = "video_removed", _("Video removed")


class Notice(models.Model):
    """Who was told what about a story, and the e-mail that told them.

    Written in the transaction of the change, with the e-mail rendered in the recipient's
    language; the e-mail itself (`contributors.OutgoingEmail`) is sent by the worker once, retried
    and swept by `contributors.mail`. The notice stays when the e-mail's bodies are emptied.
    """

    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="notices", verbose_name=_("story")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("recipient")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    comment = models.ForeignKey(
        "Comment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comment"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    quote = models.TextField(_("quoted text"), blank=True)
    # The photo the notice is about, numbered from 1 as the story page shows it then (a
    # withdrawn consent); photos may be reordered or removed later.
    photo_number = models.PositiveSmallIntegerField(_("photo"), null=True, blank=True)
    email = models.OneToOneField(
        "contributors.OutgoingEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="story_notice",
        verbose_name=_("e-mail"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail notice")
        verbose_name_plural = _("e-mail notices")
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class StoryRevision(models.Model):
    """What the story said when it was submitted; reviewers compare any two."""

    story = models.ForeignKey(
        Story,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("story"),
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    caption = models.TextField(_("caption"), blank=True)
    alt_texts = models.JSONField(_("alt texts"), default=list, blank=True)
    # Each photo as it was, in order, named by its id, so that two revisions are compared photo by
    # photo whatever the order (see `stories.diff`): alt text, crop, the people shown and their
    # consent.
    photos = models.JSONField(_("photos"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ("story", "number")
        constraints = (
            models.UniqueConstraint(fields=["story", "number"], name="story_revision_number_unique"),
        )

    def __str__(self) -> str:
        return f"{self.story} v{self.number}"


class Comment(models.Model):
    story = models.ForeignKey(
        Story,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("story"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="story_comments",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_CHARS)
    image = models.ForeignKey(
        StoryImage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("about image"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return self.body[:60]


# Kept in its own module (see there); imported here so that Django and readers find it.
from .invitations import CoAuthorInvitation as CoAuthorInvitation  # noqa: E402
from .videos import StoryVideo as StoryVideo  # noqa: E402
