from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from scheduling.selectors import next_two_weeks

from .celery import app as celery_app
from .models import WorkerHeartbeat
from .next_steps import next_steps


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    context = next_steps(request.user)
    if context.get("team") is not None:
        context.update(next_two_weeks())
    return render(request, "home.html", context)


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # noqa: BLE001 - a health check reports, it does not raise
        return f"error: {exc.__class__.__name__}"


def _broker_state() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = _database_state()
    broker = _broker_state()
    worker = "unknown"
    if database == "ok":
        recent = timezone.now() - timedelta(minutes=3)
        worker = "ok" if WorkerHeartbeat.objects.filter(seen_at__gte=recent).exists() else "not seen"
    healthy = database == "ok" and broker == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "database": database, "broker": broker, "worker": worker},
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
