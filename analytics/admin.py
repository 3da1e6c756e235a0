from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import InsightPull


@admin.register(InsightPull)
class InsightPullAdmin(admin.ModelAdmin):
    """Every pull, what it wrote and what it missed; read-only (the pull writes these)."""

    list_display = (
        "started_at",
        "kind",
        "outcome",
        "calls",
        "usage_percent",
        "post_rows",
        "account_rows",
        "audience_rows",
    )
    list_filter = ("kind", "outcome")
    readonly_fields = [field.name for field in InsightPull._meta.fields]
    date_hierarchy = "started_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
