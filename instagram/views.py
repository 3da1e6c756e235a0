from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contributors.roles import roles_of

from . import services
from .client import SCOPES, oauth_dialog_url
from .models import AccountEvent

SESSION_STATE = "instagram_oauth_state"
SESSION_REDIRECT_URI = "instagram_oauth_redirect_uri"


def _staff_only(view):  # type: ignore[no-untyped-def]
    """Admins only; others get 403, anonymous people the login page."""

    @login_required
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__module__ = view.__module__
    wrapped.__doc__ = view.__doc__
    return wrapped


@login_required
def status(request: HttpRequest) -> HttpResponse:
    """The connected account, days left, last check: for the team; admins can act on it."""
    roles = roles_of(request.user)
    if not roles.team:
        raise PermissionDenied
    account = services.active_account()
    events = list(AccountEvent.objects.filter(account=account).select_related("by")[:10]) if account else []
    return render(
        request,
        "instagram/status.html",
        {
            "account": account,
            "days_left": account.days_left() if account else None,
            "expired": account.token_expired() if account else False,
            "events": events,
            "can_manage": request.user.is_staff,
            "now": timezone.now(),
        },
    )


@_staff_only
def connect(request: HttpRequest) -> HttpResponse:
    """Send the admin to Meta's (or the emulator's) dialog, with a state bound to the session."""
    if not settings.INSTAGRAM_APP_ID:
        messages.error(
            request,
            _("Connecting Instagram needs INSTAGRAM_APP_ID and INSTAGRAM_APP_SECRET in the settings."),
        )
        return redirect("instagram:status")
    flavour = settings.INSTAGRAM_LOGIN_FLAVOUR
    state = secrets.token_urlsafe(32)
    redirect_uri = request.build_absolute_uri(reverse("instagram:callback"))
    request.session[SESSION_STATE] = state
    request.session[SESSION_REDIRECT_URI] = redirect_uri
    query = {
        "client_id": settings.INSTAGRAM_APP_ID,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": ",".join(SCOPES[flavour]),
        "state": state,
    }
    return redirect(f"{oauth_dialog_url(flavour)}?{urlencode(query)}")


@_staff_only
def callback(request: HttpRequest) -> HttpResponse:
    """Where the dialog sends the admin back: check the state, trade the code, store the token."""
    expected = request.session.pop(SESSION_STATE, None)
    redirect_uri = request.session.pop(SESSION_REDIRECT_URI, None)
    state = request.GET.get("state", "")
    if not expected or not state or not constant_time_compare(expected, state):
        messages.error(
            request,
            _("The answer from Instagram did not match this session. Please start again."),
        )
        return redirect("instagram:status")
    if request.GET.get("error"):
        messages.warning(request, _("Instagram was not connected: access was not allowed."))
        return redirect("instagram:status")
    code = request.GET.get("code", "")
    if not code:
        messages.error(request, _("Instagram sent no authorisation code. Please start again."))
        return redirect("instagram:status")
    try:
        account = services.connect_account(code=code, redirect_uri=redirect_uri, user=request.user)
    except services.InstagramConnectionError as error:
        messages.error(
            request,
            _("Instagram could not be connected: %(reason)s") % {"reason": error},
        )
        return redirect("instagram:status")
    days = account.days_left()
    if days is None:
        messages.success(
            request,
            _("Connected the Instagram account @%(username)s.") % {"username": account.username},
        )
    else:
        messages.success(
            request,
            _(
                "Connected the Instagram account @%(username)s. The access expires in %(days)d days and renews itself."
            )
            % {"username": account.username, "days": days},
        )
    return redirect("instagram:status")


@require_POST
@_staff_only
def test_connection(request: HttpRequest) -> HttpResponse:
    account = services.active_account()
    if account is None:
        messages.error(request, _("No Instagram account is connected."))
    elif services.check_connection(account=account, user=request.user):
        messages.success(
            request,
            _("The connection to @%(username)s works.") % {"username": account.username},
        )
    else:
        messages.error(
            request,
            _("The connection to @%(username)s does not work: %(reason)s")
            % {"username": account.username, "reason": account.last_error},
        )
    return redirect("instagram:status")
