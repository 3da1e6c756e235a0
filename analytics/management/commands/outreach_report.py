from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics import report
from analytics.periods import parse_month


class Command(BaseCommand):
    help = (
        "Write the monthly outreach report as a PDF (figures, charts and best posts of the month), "
        "made on the server without a browser."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="The month to report, as YYYY-MM (e.g. 2026-10).")
        parser.add_argument(
            "--output", help="Where to write the PDF (default: cmsatdesy-report-YYYY-MM-LANGUAGE.pdf here)."
        )
        languages = [code for code, _name in settings.LANGUAGES]
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            choices=languages,
            help=f"The report's language ({', '.join(languages)}; default {settings.LANGUAGE_CODE}).",
        )

    def handle(self, *args: Any, month: str, output: str | None, language: str, **options: Any) -> None:
        period = parse_month(month)
        if period is None:
            raise CommandError(f"--month must be a month as YYYY-MM, such as 2026-10, not {month!r}.")
        path = Path(output or report.pdf_filename(period, language))
        if path.is_dir():
            path = path / report.pdf_filename(period, language)
        # WeasyPrint reports every step at INFO; only its warnings matter here.
        logging.getLogger("weasyprint").setLevel(logging.WARNING)
        logging.getLogger("fontTools").setLevel(logging.WARNING)
        pdf = report.render_pdf(period, language)
        try:
            path.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Could not write {path}: {error.strerror}.") from error
        self.stdout.write(f"Wrote {path} ({len(pdf) // 1024} KB).")
