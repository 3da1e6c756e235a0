from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AccountEvent, InstagramAccount


class InstagramAccountForm(forms.ModelForm):
    # Write-only: the stored token is never sent to the browser, not even masked.
    replace_token = forms.CharField(
        label=_("Replace the access token"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "Leave empty to keep the current token. Prefer “Connect Instagram”, which also sets the expiry."
        ),
    )

    class Meta:
        model = InstagramAccount
        # Never the token itself: only the write-only field below.
        fields = [
            "flavour",
            "ig_user_id",
            "username",
            "is_active",
            "token_expires_at",
        ]


class AccountEventInline(admin.TabularInline):
    model = AccountEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "ok", "by", "detail")
    readonly_fields = ("at", "kind", "ok", "by", "detail")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InstagramAccount)
class InstagramAccountAdmin(admin.ModelAdmin):
    form = InstagramAccountForm
    change_list_template = "admin/instagram/instagramaccount/change_list.html"
    list_display = [
        "__str__",
        "ig_user_id",
        "flavour",
        "is_active",
        "token_expires_at",
        "last_checked_at",
        "last_check_ok",
    ]
    list_filter = ["is_active", "flavour"]
    readonly_fields = [
        "has_token_display",
        "token_refreshed_at",
        "connected_by",
        "connected_at",
        "last_checked_at",
        "last_check_ok",
        "last_error_display",
    ]
    fields = [
        "flavour",
        "ig_user_id",
        "username",
        "is_active",
        "has_token_display",
        "replace_token",
        "token_expires_at",
        "token_refreshed_at",
        "connected_by",
        "connected_at",
        "last_checked_at",
        "last_check_ok",
        "last_error_display",
    ]
    inlines = [AccountEventInline]
    actions = ["test_connection_action"]

    def save_model(self, request: HttpRequest, obj: InstagramAccount, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("replace_token"):
            services.replace_token(account=obj, token=form.cleaned_data["replace_token"], user=request.user)

    @admin.display(description=_("last error"))
    def last_error_display(self, obj: InstagramAccount) -> str:
        return obj.last_error

    @admin.display(description=_("token stored"), boolean=True)
    def has_token_display(self, obj: InstagramAccount) -> bool:
        return obj.has_token

    @admin.action(description=_("Test connection"))
    def test_connection_action(self, request: HttpRequest, queryset: QuerySet[InstagramAccount]) -> None:
        for account in queryset:
            if services.check_connection(account=account, user=request.user):
                self.message_user(
                    request,
                    gettext("The connection to %(account)s works.") % {"account": account},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    gettext("The connection to %(account)s does not work: %(reason)s")
                    % {"account": account, "reason": account.last_error},
                    messages.ERROR,
                )
