"""The dashboard, its CSV downloads and the monthly report: the outreach team's pages."""

from __future__ import annotations

import csv
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from contributors.roles import roles_of

from . import dashboard, report
from .forms import RangeForm
from .periods import EARLIEST, Period, default_period, last_days, month_period, parse_month, previous_month


def _require_team(request: HttpRequest) -> None:
    if not roles_of(request.user).team:
        raise PermissionDenied


def _chosen_period(request: HttpRequest) -> tuple[RangeForm, Period, bool]:
    """The range asked for, or the default one; and whether what was asked for could be read."""
    if "start" not in request.GET and "end" not in request.GET:
        period = default_period()
        return RangeForm(initial={"start": period.start, "end": period.end}), period, True
    form = RangeForm(request.GET)
    if form.is_valid():
        return form, form.period(), True
    return form, default_period(), False


def _presets(current: Period) -> list[dict[str, object]]:
    month = previous_month()
    choices = [
        (_("Last 7 days"), last_days(7)),
        (_("Last 28 days"), last_days(28)),
        (_("Last 90 days"), last_days(90)),
        (_("Last 12 months"), last_days(365)),
        (_("Last calendar month"), month),
    ]
    return [
        {
            "label": label,
            "query": urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()}),
            "current": period == current,
        }
        for label, period in choices
    ]


@login_required
@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    _require_team(request)
    form, period, readable = _chosen_period(request)
    board = dashboard.build(period)
    query = urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})
    return render(
        request,
        "analytics/dashboard.html",
        {
            "form": form,
            "readable": readable,
            "board": board,
            "period": period,
            "query": query,
            "presets": _presets(period),
            "chart_data": [chart.chart_data() for chart in board.charts if chart.kind],
            "report_month": previous_month().start.strftime("%Y-%m"),
        },
        status=200 if readable else 400,
    )


@login_required
@require_GET
def chart_csv(request: HttpRequest, chart: str) -> HttpResponse:
    _require_team(request)
    form, period, readable = _chosen_period(request)
    if not readable:
        messages = "; ".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponse(
            _("These dates cannot be shown: %(problems)s") % {"problems": messages},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    board = dashboard.build(period)
    try:
        table = board.chart(chart)
    except StopIteration:
        raise Http404(_("There is no such chart.")) from None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"cmsatdesy-{table.slug}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte-order mark, so that spreadsheet programs read the umlauts of German headings.
    response.write("\ufeff")
    csv.writer(response).writerows(table.csv_rows())
    return response


def _month_or_404(month: str) -> Period:
    period = parse_month(month)
    if period is None:
        raise Http404(_("There is no such month."))
    return period


@login_required
@require_GET
def report_latest(request: HttpRequest) -> HttpResponse:
    _require_team(request)
    return redirect("analytics:report", month=previous_month().start.strftime("%Y-%m"))


def _month_link(period: Period) -> str:
    return reverse("analytics:report", args=[period.start.strftime("%Y-%m")])


@login_required
@require_GET
def report_view(request: HttpRequest, month: str) -> HttpResponse:
    _require_team(request)
    period = _month_or_404(month)
    earlier = period.previous.start
    later = period.end + date.resolution
    context = report.context(period)
    context.update(
        {
            "earlier_url": _month_link(month_period(earlier.year, earlier.month))
            if earlier >= EARLIEST
            else "",
            "later_url": _month_link(month_period(later.year, later.month)) if later.year <= 9998 else "",
            "pdf_url": reverse("analytics:report_pdf", args=[month]),
        }
    )
    return render(request, "analytics/report.html", context)


@login_required
@require_GET
def report_pdf(request: HttpRequest, month: str) -> HttpResponse:
    _require_team(request)
    period = _month_or_404(month)
    language = get_language() or "en"
    response = HttpResponse(report.render_pdf(period, language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.pdf_filename(period, language)}"'
    return response
