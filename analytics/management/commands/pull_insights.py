from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.insights import pull_insights
from analytics.models import PullKind, PullOutcome


class Command(BaseCommand):
    help = (
        "Pull Instagram's figures into today's snapshots: every post, the account's last N days and "
        "the audience (the beat does the same nightly). A second run the same day updates the rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=1, help="How many past days of account figures to pull (1–30)."
        )

    def handle(self, *args: Any, days: int, **options: Any) -> None:
        if not 1 <= days <= 30:
            raise CommandError(
                "--days must be between 1 and 30 (Instagram keeps account figures for 30 days)."
            )
        run = pull_insights(days=days, kind=PullKind.MANUAL)
        self.stdout.write(f"{run.get_outcome_display()}: {run.message}")
        if run.outcome == PullOutcome.FAILED:
            raise CommandError("The pull failed; see the insight pulls in the admin.")
