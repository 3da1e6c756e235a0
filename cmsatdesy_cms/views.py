from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from analytics.panels import last_week_reach
from scheduling.selectors import next_two_weeks

from .health import DOWN, UNKNOWN, health, is_healthy
from .next_steps import next_steps


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    context = next_steps(request.user)
    if context.get("team") is not None:
        context.update(next_two_weeks())
        context.update(last_week_reach())
    return render(request, "home.html", context)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while every part works; 503 naming the parts that are down (for a monitor)."""
    parts = health()
    healthy = is_healthy(parts)
    down = [name for name, state in parts.items() if state in (DOWN, UNKNOWN)]
    return JsonResponse(
        {"status": "ok" if healthy else "error", **parts, "down": down},
        status=200 if healthy else 503,
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 page, but a request that is simply too big (too many files or fields, too
    much text) says so, as a 413."""
    if isinstance(exception, (RequestDataTooBig, TooManyFilesSent, TooManyFieldsSent)):
        return render(request, "413.html", status=413)
    return defaults.bad_request(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A failed CSRF check, in the site's layout and the person's language."""
    return render(request, "403_csrf.html", status=403)
