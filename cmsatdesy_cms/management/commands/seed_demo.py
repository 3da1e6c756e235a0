from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

# Each app with demo data offers ``<app>.demo.seed(*, scale, log, context) -> dict`` (what later
# layers may use, merged into ``context``); called lowest layer first, each in one transaction.
DEMO_MODULES = ["contributors.demo", "stories.demo", "instagram.demo", "scheduling.demo", "analytics.demo"]


class Command(BaseCommand):
    help = "Create the demo users and realistic demo data. Safe to run again."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=int, default=1, help="Multiply the amount of data (for benchmarks)."
        )

    def handle(self, *args: Any, scale: int, **options: Any) -> None:
        if scale < 1:
            self.stderr.write("--scale must be at least 1")
            raise SystemExit(2)
        context: dict[str, Any] = {}
        for name in DEMO_MODULES:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name == name:
                    continue
                raise
            with transaction.atomic():
                context.update(module.seed(scale=scale, log=self.stdout.write, context=context) or {})
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
