from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .ics_import import IcsImportError, import_ics
from .models import CalendarEvent, EventKind, Post, PostingSlot, PostTransition

MAX_ICS_BYTES = 5 * 1024 * 1024


class IcsImportForm(forms.Form):
    file = forms.FileField(label=_("iCalendar file (.ics)"))
    kind = forms.ChoiceField(label=_("Kind of the imported events"), choices=EventKind.choices)


@admin.register(CalendarEvent)
class CalendarEventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "start", "end", "all_day", "location"]
    list_filter = ["kind", "all_day", "start"]
    search_fields = ["title", "location", "description", "contributors__display_name"]
    date_hierarchy = "start"
    filter_horizontal = ["contributors", "attendees"]
    raw_id_fields = ["publication"]
    actions = ["duplicate"]
    change_list_template = "admin/scheduling/calendarevent/change_list.html"
    # Links typed without a scheme are https (Django 6's default; 5.2 warns otherwise).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description=_("Duplicate the selected events"))
    def duplicate(self, request: HttpRequest, queryset: Any) -> None:
        count = 0
        with transaction.atomic():
            for event in queryset:
                people, attendees = list(event.contributors.all()), list(event.attendees.all())
                event.pk = None
                event.ics_uid = ""
                event.ics_recurrence_id = ""
                event.title = str(_("%(title)s (copy)") % {"title": event.title})[:300]
                event._state.adding = True
                event.save()
                event.contributors.set(people)
                event.attendees.set(attendees)
                count += 1
        self.message_user(
            request,
            ngettext("%(count)d event duplicated.", "%(count)d events duplicated.", count) % {"count": count},
        )

    def get_urls(self) -> list[Any]:
        return [
            path(
                "import-ics/",
                self.admin_site.admin_view(self.import_ics_view),
                name="scheduling_calendarevent_import",
            ),
            *super().get_urls(),
        ]

    def import_ics_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = IcsImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_ICS_BYTES:
                form.add_error("file", _("The file is larger than 5 MB."))
            else:
                try:
                    result = import_ics(upload.read(), kind=form.cleaned_data["kind"])
                except IcsImportError as exc:
                    form.add_error("file", str(exc))
                else:
                    self.message_user(
                        request,
                        _("Imported: %(created)d new, %(updated)d updated.")
                        % {"created": result.created, "updated": result.updated},
                        messages.SUCCESS,
                    )
                    return redirect("admin:scheduling_calendarevent_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Import an iCalendar file"),
            "opts": self.model._meta,
            "is_nav_sidebar_enabled": False,  # a form page; the list of every app adds nothing
        }
        return render(request, "admin/scheduling/import_form.html", context)


@admin.register(PostingSlot)
class PostingSlotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "weekday", "time", "active"]
    list_filter = ["weekday", "active"]
    list_editable = ["active"]


class PostTransitionInline(admin.TabularInline):
    model = PostTransition
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "action", "from_status", "to_status", "from_time", "to_time", "comment")
    readonly_fields = (
        "created_at",
        "actor",
        "action",
        "from_status",
        "to_status",
        "from_time",
        "to_time",
        "comment",
    )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Read-only here: state changes go through the calendar, so each has its audit row."""

    list_display = ["story", "status", "scheduled_at", "format"]
    list_filter = ["status", "format"]
    search_fields = ["story__title", "caption"]
    date_hierarchy = "scheduled_at"
    list_select_related = ["story"]
    readonly_fields = [
        "story",
        "status",
        "scheduled_at",
        "format",
        "caption",
        "renditions",
        "alt_texts",
        "collaborators",
        "version",
        "status_changed_at",
        "created_at",
    ]
    inlines = [PostTransitionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
