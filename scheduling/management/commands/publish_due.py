from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from scheduling import publishing, tasks


class Command(BaseCommand):
    help = (
        "Claim the posts that are due and wake a worker for each post ready for its next step "
        "(the beat does the same every minute). With --here, work through them in this process."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--here", action="store_true", help="Publish in this process instead of waking a worker."
        )

    def handle(self, *args: Any, here: bool, **options: Any) -> None:
        if not here:
            woken = publishing.publish_due_posts(wake=tasks.wake)
            self.stdout.write(f"{len(woken)} post(s) handed to the workers.")
            return
        woken = publishing.publish_due_posts()
        for post_id in woken:
            outcome = publishing.advance_publication(post_id=post_id)
            self.stdout.write(f"post {post_id}: {outcome}")
