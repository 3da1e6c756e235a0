from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .forms import ContributorProfileForm
from .models import Contributor
from .panels import profile_panels


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    contributor, _created = Contributor.objects.get_or_create(user=request.user)
    form = ContributorProfileForm(request.POST or None, instance=contributor)
    if request.method == "POST" and form.is_valid():
        contributor = form.save()
        request.session["profile_language"] = contributor.language
        messages.success(request, _("Your profile has been saved."))
        return redirect("contributors:profile")
    return render(
        request,
        "contributors/profile.html",
        {"form": form, "contributor": contributor, "panels": profile_panels(request, contributor)},
    )


def lockout(
    request: HttpRequest, response: HttpResponse | None = None, credentials: object = None
) -> HttpResponse:
    """django-axes calls this when an account is locked from one address (translated page)."""
    minutes = max(1, round(float(settings.AXES_COOLOFF_TIME) * 60))
    return render(request, "account/lockout.html", {"cooloff_minutes": minutes}, status=429)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered on the profile of a signed-in person."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES) and request.user.is_authenticated:
        Contributor.objects.filter(user=request.user).update(language=language)
        request.session["profile_language"] = language
    return response
