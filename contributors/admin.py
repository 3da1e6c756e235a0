from django.contrib import admin

from .models import Contributor, Publication


@admin.register(Contributor)
class ContributorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "user", "career_stage", "research_area", "language"]
    list_filter = ["career_stage", "language"]
    search_fields = ["display_name", "user__username", "user__email", "research_area"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "cms_id", "arxiv_id", "doi", "public_from"]
    search_fields = ["title", "cms_id", "arxiv_id", "doi"]
    date_hierarchy = "public_from"
    filter_horizontal = ["contributors"]
