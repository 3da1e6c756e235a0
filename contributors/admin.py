from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .importing import MAX_BYTES, PublicationImportError, import_publications
from .models import Contributor, Publication


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "career_stage", "research_area", "language"]
    list_filter = ["career_stage", "language"]
    search_fields = ["display_name", "user__username", "user__email", "research_area", "orcid", "inspire_id"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


class PublicationImportForm(forms.Form):
    file = forms.FileField(label=_("INSPIRE-HEP JSON export or arXiv Atom feed"))


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "cms_id", "arxiv_id", "doi", "public_from"]
    search_fields = ["title", "cms_id", "arxiv_id", "doi", "inspire_id"]
    date_hierarchy = "public_from"
    filter_horizontal = ["contributors"]
    change_list_template = "admin/contributors/publication/change_list.html"

    def get_urls(self) -> list[Any]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="contributors_publication_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            return redirect("admin:index")
        form = PublicationImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_BYTES:
                    raise PublicationImportError(_("The file is larger than 20 MB."))
                result = import_publications(upload.read())
            except PublicationImportError as exc:
                form.add_error("file", str(exc))
            else:
                self.message_user(
                    request,
                    _(
                        "Imported: %(created)d new, %(updated)d updated, %(matched)d authors of the group matched."
                    )
                    % {
                        "created": result.created,
                        "updated": result.updated,
                        "matched": result.matched_authors,
                    },
                    messages.SUCCESS,
                )
                return redirect("admin:contributors_publication_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Import publications"),
            "opts": self.model._meta,
            "is_nav_sidebar_enabled": False,  # a form page; the list of every app adds nothing
        }
        return render(request, "admin/contributors/import_form.html", context)
