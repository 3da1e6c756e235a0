"""Request-wide answers that must not depend on DEBUG."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

TOO_BIG = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


class TooBigRequestMiddleware:
    """A request with too many fields or files, or too much text, is a 413 in every mode.

    In production Django turns these errors into a 400 that `views.bad_request` makes a 413. With
    DEBUG on it shows its technical page instead (a 400, or a 500 when that page reads the same
    fields again and fails the same way). So the request is parsed here, before any other layer
    reads it, and the error is caught here too. Later readers get the parsed values (the CSRF
    check reads a POST body at least as early anyway).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            request.GET  # noqa: B018 - parsed for its error
            if request.method == "POST":
                request.POST  # noqa: B018
                request.FILES  # noqa: B018
            return self.get_response(request)
        except TOO_BIG:
            return render(request, "413.html", status=413)
