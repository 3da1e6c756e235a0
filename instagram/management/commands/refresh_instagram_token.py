from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from instagram.services import (
    RefreshOutcome,
    active_account,
    refresh_token_if_due,
    warn_admins_if_expiring,
)


class Command(BaseCommand):
    help = "Refresh the Instagram access token if it is due (the daily task does the same)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Refresh now even if the token has more than the usual days left.",
        )

    def handle(self, *args: Any, force: bool, **options: Any) -> None:
        account = active_account()
        if account is None:
            raise CommandError("No Instagram account is connected.")
        outcome, error = refresh_token_if_due(account=account, force=force)
        account.refresh_from_db()
        warned = warn_admins_if_expiring(account=account)
        days = account.days_left()
        left = "unknown" if days is None else f"{days} days"
        messages = {
            RefreshOutcome.NOT_DUE: f"Not due yet: the token of @{account.username} has {left} left.",
            RefreshOutcome.TOO_YOUNG: "The token is less than 24 hours old; Instagram refreshes older tokens only.",
            RefreshOutcome.REFRESHED: f"Refreshed the token of @{account.username}: {left} left.",
            RefreshOutcome.EXPIRED: "The token has expired: an admin must connect Instagram again.",
            RefreshOutcome.FAILED: f"Refreshing failed: {error}",
        }
        if warned:
            self.stdout.write(f"Warned {warned} admins by e-mail.")
        if outcome in (RefreshOutcome.EXPIRED, RefreshOutcome.FAILED):
            raise CommandError(messages[outcome])
        self.stdout.write(self.style.SUCCESS(messages[outcome]))
