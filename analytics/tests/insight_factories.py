"""Snapshots for the dashboard and report tests: the account, its days, its audience and posts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import factory

from analytics.models import AccountInsight, AudienceKind, AudienceSnapshot, PostInsight
from contributors.models import Contributor
from contributors.tests.factories import ContributorFactory
from instagram.models import InstagramAccount
from scheduling.models import BERLIN, Post, PostStatus
from stories.models import Format, Objective, Status
from stories.tests.factories import StoryFactory


def active_account() -> InstagramAccount:
    account = InstagramAccount.objects.filter(is_active=True).first()
    if account is None:
        account = InstagramAccount.objects.create(ig_user_id="17841400000000001", username="cmsatdesy")
    return account


class AccountInsightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccountInsight

    account = factory.LazyFunction(active_account)
    day = date(2026, 10, 1)
    reach_followers = 300
    reach_non_followers = 700
    reach = factory.LazyAttribute(lambda row: row.reach_followers + row.reach_non_followers)
    views = 2500
    accounts_engaged = 80
    total_interactions = 120
    follower_count = 1500


def account_days(start: date, end: date, **figures: Any) -> list[AccountInsight]:
    """One row per day from ``start`` to ``end`` (inclusive), bulk inserted, all with ``figures``."""
    account = active_account()
    days = (end - start).days + 1
    rows = [
        AccountInsightFactory.build(account=account, day=start + timedelta(days=offset), **figures)
        for offset in range(days)
    ]
    return AccountInsight.objects.bulk_create(rows)


class AudienceSnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AudienceSnapshot

    account = factory.LazyFunction(active_account)
    day = date(2026, 10, 31)
    kind = AudienceKind.FOLLOWERS
    timeframe = "this_month"
    age = factory.LazyFunction(
        lambda: {"13-17": 20, "18-24": 400, "25-34": 500, "35-44": 200, "45-54": 100, "55-64": 50, "65+": 30}
    )
    gender = factory.LazyFunction(lambda: {"F": 600, "M": 650, "U": 50})
    country = factory.LazyFunction(lambda: {"DE": 640, "CH": 120, "FR": 90, "US": 80, "IT": 70})
    city = factory.LazyFunction(lambda: {"Hamburg, Hamburg": 300, "Berlin, Berlin": 120})


def _person(career_stage: str) -> Contributor:
    # A new user gets a profile of their own on creation; the factory then finds that one.
    person = ContributorFactory()
    Contributor.objects.filter(pk=person.pk).update(career_stage=career_stage)
    person.career_stage = career_stage
    return person


def published_post(
    *,
    published: date,
    objective: str = Objective.OUTREACH,
    format: str = Format.SINGLE_IMAGE,
    career_stage: str = "phd",
    co_author_stages: tuple[str, ...] = (),
    title: str | None = None,
) -> Post:
    """A post that went out on ``published`` (noon in Berlin), its story told by a person of ``career_stage``."""
    author = _person(career_stage)
    extra = {"title": title} if title else {}
    story = StoryFactory(author=author, objective=objective, format=format, status=Status.APPROVED, **extra)
    for stage in co_author_stages:
        story.co_authors.add(_person(stage))
    return Post.objects.create(
        story=story,
        status=PostStatus.PUBLISHED,
        format=format,
        published_at=datetime.combine(published, time(12), tzinfo=BERLIN),
        media_id=f"1790{story.pk:012d}",
    )


class PostInsightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostInsight

    post = factory.LazyFunction(lambda: published_post(published=date(2026, 10, 5)))
    day = date(2026, 10, 6)
    views = 900
    reach = 400
    likes = 60
    comments = 5
    saves = 12
    shares = 8
    total_interactions = 85
