"""seed_demo fills two years of snapshots that look like the group's account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from analytics.insights import BERLIN
from analytics.models import AccountInsight, AudienceKind, AudienceSnapshot, PostInsight
from scheduling.models import Post, PostStatus

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_two_years_of_plausible_daily_snapshots_once() -> None:
    call_command("seed_demo", verbosity=0)
    today = timezone.now().astimezone(BERLIN).date()
    days = AccountInsight.objects.order_by("day").values_list("day", flat=True)
    assert days.first() == today - timedelta(days=730) and days.last() == today - timedelta(days=1)
    assert days.count() == 730

    totals = AccountInsight.objects.aggregate(f=Sum("reach_followers"), n=Sum("reach_non_followers"))
    assert 0.55 < totals["n"] / (totals["f"] + totals["n"]) < 0.75  # mostly people who do not follow yet
    first_month = AccountInsight.objects.filter(day__lt=today - timedelta(days=700)).aggregate(
        r=Sum("reach")
    )["r"]
    last_month = AccountInsight.objects.filter(day__gte=today - timedelta(days=30)).aggregate(r=Sum("reach"))[
        "r"
    ]
    assert last_month > 1.8 * first_month  # growing

    audience = AudienceSnapshot.objects.filter(kind=AudienceKind.FOLLOWERS).latest("day")
    young = audience.age["18-24"] + audience.age["25-34"]
    assert 0.6 < young / sum(audience.age.values()) < 0.8
    assert max(audience.country, key=audience.country.get) == "DE"

    published = Post.objects.filter(status=PostStatus.PUBLISHED)
    assert published.count() >= 150
    assert set(PostInsight.objects.values_list("post_id", flat=True).distinct()) == set(
        published.values_list("pk", flat=True)
    )
    counts = (PostInsight.objects.count(), AccountInsight.objects.count(), AudienceSnapshot.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (
        PostInsight.objects.count(),
        AccountInsight.objects.count(),
        AudienceSnapshot.objects.count(),
    ) == counts
