from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from contributors.importing import PublicationImportError, import_publications


class Command(BaseCommand):
    help = "Import publications from an INSPIRE-HEP literature JSON export or an arXiv Atom feed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="INSPIRE-HEP JSON or arXiv Atom file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        try:
            result = import_publications(data)
        except PublicationImportError as exc:
            raise CommandError(f"{path}: nothing imported. {exc}") from exc
        self.stdout.write(
            f"{result.created} new, {result.updated} updated, {result.matched_authors} authors of the group matched."
        )
