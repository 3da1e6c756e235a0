"""The admin: a back office view of stories. The workflow itself runs through the services;
state, version and sign-off are read-only here so the audit trail stays true."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Comment, Notice, PersonShown, Story, StoryEvent, StoryImage, StoryRevision, StoryVideo


class StoryImageInline(admin.TabularInline):
    model = StoryImage
    extra = 0
    fields = ("position", "original_name", "alt_text", "no_identifiable_person", "processing_state")
    readonly_fields = ("original_name", "processing_state")
    show_change_link = True


class StoryEventInline(admin.TabularInline):
    model = StoryEvent
    extra = 0
    fields = ("created_at", "actor", "kind", "from_status", "to_status", "text", "params")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ("title", "author", "status", "objective", "format", "status_changed_at")
    list_filter = ("status", "objective", "format")
    search_fields = ("title", "caption", "author__display_name", "author__user__username", "result_reference")
    list_select_related = ("author__user",)
    raw_id_fields = ("author", "publication", "reviewer")
    filter_horizontal = ("co_authors",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "status",
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

    def save_model(self, request: HttpRequest, obj: Story, form: Any, change: bool) -> None:
        if change:
            # Someone editing in the browser at the same time must see a conflict, not lose this.
            obj.version = F("version") + 1  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])


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
    readonly_fields = ("consent_recorded_at", "consent_withdrawn_at", "contact_erased_at")


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


@admin.register(PersonShown)
class PersonShownAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "image",
        "consent_given",
        "consent_recorded_at",
        "consent_withdrawn_at",
        "contact_erased_at",
    )
    list_filter = ("consent_given",)
    search_fields = ("name", "contact")
    list_select_related = ("image__story",)
    raw_id_fields = ("image", "consent_recorded_by")
    readonly_fields = (
        "consent_recorded_by",
        "consent_recorded_at",
        "consent_withdrawn_at",
        "contact_erased_at",
    )
    actions = (forget_people,)


@admin.register(StoryRevision)
class StoryRevisionAdmin(admin.ModelAdmin):
    list_display = ("story", "number", "created_by", "created_at")
    list_select_related = ("story", "created_by")
    readonly_fields = ("story", "number", "title", "caption", "alt_texts", "created_by", "created_at")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "story", "author", "created_at")
    list_select_related = ("story", "author")
    raw_id_fields = ("story", "author", "image")
    search_fields = ("body",)


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """E-mail notices, to see what was sent and what waits; the worker writes them."""

    list_display = ("kind", "story", "recipient", "state", "attempts", "created_at", "sent_at")
    list_filter = ("state", "kind")
    list_select_related = ("story", "recipient")
    readonly_fields = (
        "story",
        "recipient",
        "actor",
        "comment",
        "kind",
        "quote",
        "state",
        "attempts",
        "claimed_until",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "created_at",
    )

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
