"""The monthly outreach report: one template for the page and for its PDF (WeasyPrint, no browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.formats import date_format

from . import dashboard
from .periods import Period

REPORT_CSS = Path(__file__).resolve().parent / "static" / "analytics" / "report.css"
BEST_POSTS = 5
# Charts in the report, in order; each is drawn as SVG on the server.
REPORT_CHARTS = ("reach", "views-and-reach", "audience-age", "audience-country", "objectives")


def context(period: Period) -> dict[str, Any]:
    board = dashboard.build(period, top=BEST_POSTS)
    return {
        "board": board,
        "period": period,
        "month_name": date_format(period.start, "YEAR_MONTH_FORMAT"),
        "previous_month_name": date_format(period.previous.start, "YEAR_MONTH_FORMAT"),
        "report_charts": [board.chart(slug) for slug in REPORT_CHARTS],
        "month": period.start.strftime("%Y-%m"),
    }


def pdf_filename(period: Period, language: str) -> str:
    return f"cmsatdesy-report-{period.start:%Y-%m}-{language}.pdf"


def _weasyprint() -> Any:
    """WeasyPrint, imported without its one global side effect.

    Importing it sets Pillow's ``ImageFile.LOAD_TRUNCATED_IMAGES = True`` for the whole process,
    after which a web process or worker that once made a PDF would take damaged photo uploads as
    whole ones. The report holds no raster images (its charts are SVG), so the flag goes back.
    """
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    import weasyprint

    ImageFile.LOAD_TRUNCATED_IMAGES = before
    return weasyprint


def render_pdf(period: Period, language: str) -> bytes:
    """The report of ``period`` as a PDF in ``language`` (about half a second per page)."""
    weasyprint = _weasyprint()

    with translation.override(language):
        html = render_to_string("analytics/report_document.html", {**context(period), "language": language})
    document = weasyprint.HTML(string=html, base_url=str(REPORT_CSS.parent))
    return bytes(document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(REPORT_CSS))]))
