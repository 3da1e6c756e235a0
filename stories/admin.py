"""The admin: a back office view of stories. The workflow itself runs through the services;
state, version and sign-off are read-only here so the audit trail stays true, and every save
that changes a story leaves a row in its History naming the admin and what changed."""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import (
    Comment,
    Notice,
    PersonShown,
    Status,
    Story,
    StoryEvent,
    StoryImage,
    StoryRevision,
    StoryVideo,
)
from .templatetags.stories_extras import who


def _thumbnail(image: StoryImage, size: int = 64) -> str:
    if not image.rendition:
        return "–"
    # The rendition is served after a permission check; the admin is allowed to see it.
    return format_html(
        '<img src="{}" alt="" height="{}" loading="lazy" class="admin-thumb">', image.rendition_url, size
    )


class StoryImageInline(admin.TabularInline):
    """The photos, in order from 1. Photos come with an upload, through the story form (which
    checks them and makes their renditions), so none is added here."""

    model = StoryImage
    extra = 0
    fields = (
        "thumbnail",
        "number",
        "original_name",
        "alt_text",
        "no_identifiable_person",
        "processing_state",
    )
    readonly_fields = ("thumbnail", "number", "original_name", "processing_state")
    show_change_link = True
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("photo"))
    def thumbnail(self, obj: StoryImage) -> str:
        return _thumbnail(obj)

    @admin.display(description=_("position"))
    def number(self, obj: StoryImage) -> int:
        return obj.position + 1


class StoryEventInline(admin.TabularInline):
    model = StoryEvent
    extra = 0
    fields = ("created_at", "actor", "kind", "from_status", "to_status", "text")
    readonly_fields = fields
    can_delete = False
    classes = ("collapse",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StoryAdminForm(forms.ModelForm):
    """The author is never offered as their own co-author; the result is one field, the reference,
    linked to a known publication when saved."""

    class Meta:
        model = Story
        fields = (
            "author",
            "co_authors",
            "title",
            "objective",
            "format",
            "caption",
            "carousel_ratio",
            "result_reference",
            "preferred_from",
            "preferred_until",
            "reviewer",
            "rejection_reason",
            "published_at",
        )
        widgets = {"caption": forms.Textarea(attrs={"rows": 6, "cols": 60})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("co_authors")
        if field is not None and self.instance.author_id:
            field.queryset = field.queryset.exclude(pk=self.instance.author_id)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        author = data.get("author")
        if author is not None and author in (data.get("co_authors") or []):
            self.add_error("co_authors", _("The author cannot also be a co-author."))
        reference = (data.get("result_reference") or "").strip()
        if reference:
            try:
                data["linked_publication"] = services.link_result(reference)
            except services.InvalidInput as exc:
                self.add_error("result_reference", str(exc.message))
        else:
            data["linked_publication"] = None
        return data


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    form = StoryAdminForm
    list_display = ("thumbnail", "title", "author", "status", "objective", "format", "status_changed_at")
    list_display_links = ("thumbnail", "title")
    list_filter = ("status", "objective", "format")
    search_fields = ("title", "caption", "author__display_name", "author__user__username", "result_reference")
    list_select_related = ("author__user",)
    raw_id_fields = ("author", "reviewer")
    filter_horizontal = ("co_authors",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "linked_result",
        "workflow_status",
        "version",
        "science_signoff_by",
        "science_signoff_at",
        "submitted_at",
        "approved_at",
        "status_changed_at",
        "created_at",
        "updated_at",
    )
    inlines = (StoryImageInline, StoryEventInline)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Story]:
        return super().get_queryset(request).prefetch_related("images")

    @admin.display(description=_("first photo"))
    def thumbnail(self, obj: Story) -> str:
        first = next(iter(obj.ordered_images()), None)
        return _thumbnail(first, 48) if first else "–"

    @admin.display(description=_("related result"))
    def linked_result(self, obj: Story) -> str:
        if obj.publication is None:
            return str(_("none known (the reference alone)")) if obj.result_reference else "–"
        return str(obj.publication)

    # The state changes only through the review's actions on the story page: each checks who may
    # take it from which state, records it and tells the people concerned. A status picked here
    # would skip all three (an approval without its checks, a post nobody made).
    @admin.display(description=_("status"))
    def workflow_status(self, obj: Story) -> str:
        if not obj.pk:
            return str(Status.DRAFT.label)
        return format_html(
            '{} <span class="help">{} <a href="{}">{}</a></span>',
            obj.get_status_display(),
            _("The status changes only through the review's actions:"),
            obj.get_absolute_url(),
            _("take the next step on the story page"),
        )

    def save_model(self, request: HttpRequest, obj: Story, form: Any, change: bool) -> None:
        publication = form.cleaned_data.get("linked_publication")
        if getattr(publication, "pk", None) != obj.publication_id:
            # A new result needs its own sign-off, as in the story form.
            obj.publication = publication
            if obj.science_signoff_at is not None:
                form.signoff_cleared = True
            obj.science_signoff_by = None
            obj.science_signoff_at = None
        if change:
            # Someone editing in the browser at the same time must see a conflict, not lose this.
            obj.version = F("version") + 1  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        story = form.instance
        before = {c.pk: c.name for c in story.co_authors.all()} if change else {}
        super().save_related(request, form, formsets, change)
        if not change:
            services.record_admin_change(story=story, user=request.user, created=True)
            return
        after = {c.pk: c.name for c in story.co_authors.all()}
        photos: dict[int, list[str]] = {}
        removed_photos: list[int] = []
        for formset in formsets:
            if formset.model is not StoryImage:
                continue
            for image, fields in formset.changed_objects:
                photos[image.position + 1] = list(fields)
            removed_photos.extend(image.position + 1 for image in formset.deleted_objects)
        services.record_admin_change(
            story=story,
            user=request.user,
            fields=[
                *form.changed_data,
                *(["science_signoff"] if getattr(form, "signoff_cleared", False) else []),
            ],
            added=[after[pk] for pk in after.keys() - before.keys()],
            removed=[before[pk] for pk in before.keys() - after.keys()],
            photos=photos,
            removed_photos=removed_photos,
        )


class PersonShownInline(admin.TabularInline):
    model = PersonShown
    extra = 0
    fields = (
        "name",
        "contact",
        "consent_given",
        "consent_recorded_at",
        "consent_withdrawn_at",
        "contact_erased_at",
    )
    # Consent is recorded and withdrawn on the story page, which tells the people who must act
    # and takes a post down; a tick changed here would do neither.
    readonly_fields = ("consent_given", "consent_recorded_at", "consent_withdrawn_at", "contact_erased_at")


def _record_photo_change(request: HttpRequest, image: StoryImage, fields: list[str]) -> None:
    """A photo or a person shown changed in the admin: a row in the story's History."""
    if fields:
        services.record_admin_change(
            story=image.story, user=request.user, photos={image.position + 1: fields}
        )


@admin.register(StoryImage)
class StoryImageAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "processing_state",
        "original_width",
        "original_height",
        "no_identifiable_person",
    )
    list_filter = ("processing_state",)
    list_select_related = ("story",)
    raw_id_fields = ("story",)
    # The original lives in private storage, which has no URL: link to the view that checks access.
    exclude = ("original", "preview")
    readonly_fields = (
        "original_file",
        "original_width",
        "original_height",
        "rendition",
        "processing_error",
    )
    inlines = (PersonShownInline,)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        fields = list(form.changed_data) if change else []
        if any(
            formset.new_objects or formset.changed_objects or formset.deleted_objects for formset in formsets
        ):
            fields.append("people")
        _record_photo_change(request, form.instance, fields)

    @admin.display(description=_("original"))
    def original_file(self, obj: StoryImage) -> str:
        if not obj.pk or not obj.original:
            return "–"
        url = reverse("stories:image_original", args=[obj.story_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name or _("Download"))


@admin.action(description=_("Forget this person (erase name and contact, keep that consent existed)"))
def forget_people(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[PersonShown]
) -> None:
    count = 0
    for person in queryset.select_related("image__story"):
        try:
            services.person_forget(person=person, user=request.user)
        except services.StoryError as exc:
            modeladmin.message_user(request, str(exc.message), messages.ERROR)
            return
        count += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d person was forgotten.", "%(count)d people were forgotten.", count)
        % {"count": count},
        messages.SUCCESS,
    )


class ConsentFilter(admin.SimpleListFilter):
    title = _("consent")
    parameter_name = "consent"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("valid", _("given and valid")),
            ("withdrawn", _("withdrawn")),
            ("missing", _("not given")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[PersonShown]) -> QuerySet[PersonShown]:
        if self.value() == "valid":
            return queryset.filter(consent_given=True, consent_withdrawn_at__isnull=True)
        if self.value() == "withdrawn":
            return queryset.filter(consent_withdrawn_at__isnull=False)
        if self.value() == "missing":
            return queryset.filter(consent_given=False, consent_withdrawn_at__isnull=True)
        return queryset


# A spreadsheet must not run a cell as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _when(value: Any) -> str:
    return value.isoformat(timespec="seconds") if value else ""


@admin.action(
    description=_("Export the consent register of the selected people as CSV"), permissions=["view"]
)
def export_consent_register(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[PersonShown]
) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="consent-register.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(
        [
            _("story"),
            _("story id"),
            _("photo"),
            _("name"),
            _("consent given"),
            _("wording agreed to"),
            _("consent recorded by"),
            _("consent recorded at"),
            _("consent withdrawn at"),
            _("contact data erased at"),
        ]
    )
    rows = queryset.select_related("image__story", "consent_recorded_by__contributor").order_by(
        "image__story_id", "image__position", "pk"
    )
    for person in rows:
        story = person.image.story
        writer.writerow(
            [
                _cell(story.title),
                story.pk,
                person.image.position + 1,
                _cell(person.name),
                _("yes") if person.consent_given else _("no"),
                _cell(person.consent_wording),
                _cell(who(person.consent_recorded_by) if person.consent_recorded_by_id else ""),
                _when(person.consent_recorded_at),
                _when(person.consent_withdrawn_at),
                _when(person.contact_erased_at),
            ]
        )
    return response


@admin.register(PersonShown)
class PersonShownAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "image",
        "consent_given",
        "recorded_by",
        "consent_recorded_at",
        "consent_withdrawn_at",
        "contact_erased_at",
    )
    list_filter = (ConsentFilter, "consent_given")
    search_fields = ("name", "contact")
    list_select_related = ("image__story", "consent_recorded_by__contributor")
    raw_id_fields = ("image", "consent_recorded_by")
    # As in PersonShownInline: consent changes only on the story page.
    readonly_fields = (
        "consent_given",
        "consent_recorded_by",
        "consent_recorded_at",
        "consent_withdrawn_at",
        "contact_erased_at",
    )
    actions = (forget_people, export_consent_register)

    def save_model(self, request: HttpRequest, obj: PersonShown, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # The row names the photo, never the person (see `stories.services.people`).
        if form.changed_data or not change:
            _record_photo_change(request, obj.image, ["people"])

    @admin.display(description=_("consent recorded by"), ordering="consent_recorded_by")
    def recorded_by(self, obj: PersonShown) -> str:
        return who(obj.consent_recorded_by) if obj.consent_recorded_by_id else "–"


@admin.register(StoryRevision)
class StoryRevisionAdmin(admin.ModelAdmin):
    list_display = ("story", "number", "created_by", "created_at")
    list_select_related = ("story", "created_by")
    readonly_fields = (
        "story",
        "number",
        "title",
        "caption",
        "alt_texts",
        "photos",
        "created_by",
        "created_at",
    )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "story", "author", "created_at")
    list_select_related = ("story", "author")
    raw_id_fields = ("story", "author", "image")
    search_fields = ("body",)


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Who was told what, and whether the e-mail went: the worker sends it (contributors.mail)."""

    list_display = (
        "kind",
        "story",
        "recipient",
        "email_state",
        "email_attempts",
        "created_at",
        "email_sent_at",
    )
    list_filter = ("kind",)
    list_select_related = ("story", "recipient", "email")
    readonly_fields = (
        "story",
        "recipient",
        "actor",
        "comment",
        "kind",
        "quote",
        "photo_number",
        "email",
        "email_state",
        "email_attempts",
        "email_sent_at",
        "email_last_failure",
        "created_at",
    )

    @admin.display(description=_("e-mail"))
    def email_state(self, notice: Notice) -> str:
        if notice.email is None:
            return str(_("not sent"))
        if notice.email.sent_at is not None:
            return str(_("sent"))
        if notice.email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            return str(_("given up"))
        return str(_("waiting to be sent"))

    @admin.display(description=_("attempts"))
    def email_attempts(self, notice: Notice) -> int:
        return notice.email.attempts if notice.email else 0

    @admin.display(description=_("sent"))
    def email_sent_at(self, notice: Notice) -> Any:
        return notice.email.sent_at if notice.email else None

    @admin.display(description=_("last failure"))
    def email_last_failure(self, notice: Notice) -> str:
        return notice.email.last_failure if notice.email else ""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(StoryVideo)
class StoryVideoAdmin(admin.ModelAdmin):
    """Where each video stands; changes go through the story pages."""

    list_display = ("story", "state", "progress", "original_name", "updated_at")
    list_filter = ("state",)
    list_select_related = ("story",)
    readonly_fields = [field.name for field in StoryVideo._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
