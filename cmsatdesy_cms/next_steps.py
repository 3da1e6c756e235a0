"""What the start page offers each person next: their stories that need them, and the team's queue."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from contributors.roles import roles_of
from stories.models import REVIEWABLE_STATUSES, Status, Story
from stories.queries import queue_summary

# Stories that wait for their authors; sorted by status, changes requested come before drafts.
AUTHOR_ACTION_STATUSES = (Status.CHANGES_REQUESTED, Status.DRAFT)
SHOWN = 5


def next_steps(user: Any) -> dict[str, Any]:
    """Counts and the few stories the start page lists, in a constant number of queries."""
    roles = roles_of(user)
    mine = Story.objects.mine(user)
    own = mine.aggregate(
        total=Count("pk"),
        drafts=Count("pk", filter=Q(status=Status.DRAFT)),
        changes_requested=Count("pk", filter=Q(status=Status.CHANGES_REQUESTED)),
        with_team=Count("pk", filter=Q(status__in=REVIEWABLE_STATUSES)),
    )
    needing_me = list(
        mine.filter(status__in=AUTHOR_ACTION_STATUSES)
        .order_by("status", "-updated_at", "pk")
        .only("pk", "title", "status", "updated_at")[:SHOWN]
    )
    steps: dict[str, Any] = {"own": own, "needing_me": needing_me, "team": None, "science": None}
    if roles.team:
        steps["team"] = queue_summary(user)
    if roles.science:
        # Never one's own: nobody signs off the physics of their own story.
        steps["science"] = (
            Story.objects.visible_to(user)
            .with_result()
            .filter(status__in=REVIEWABLE_STATUSES, science_signoff_at__isnull=True)
            .exclude(pk__in=mine.values("pk"))
            .count()
        )
    return steps
