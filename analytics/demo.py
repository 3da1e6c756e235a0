"""Demo data: two years of the account's past on Instagram, so the dashboard is full on first run.

Published archive posts (with their stories) and plausible daily snapshots of them, of the
account (reach growing, mostly non-followers) and of its audience (mostly 18-34, mostly in
Germany). Deterministic (a fixed random seed), bulk inserted, and safe to run again: the archive
posts are made once, and every snapshot insert skips rows that exist.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from instagram.models import InstagramAccount
from scheduling.models import Post, PostStatus
from stories.models import Format, Objective, Status, Story

from .insights import BERLIN
from .models import AccountInsight, AudienceKind, AudienceSnapshot, PostInsight

DAYS = 730
ARCHIVE_POSTS = 180
MEDIA_ID_BASE = 17960000000000000
ARCHIVE_TITLES = [
    "A day in the CMS control room",
    "How we measure the Higgs boson's width",
    "Meet our summer students",
    "Tracker modules leave Hamburg for CERN",
    "What a trigger does in 40 million collisions a second",
    "Open day at DESY: the detector lab",
    "From PhD thesis to press release",
    "Coffee, code and collisions",
    "Beam test week in the DESY test beam",
    "Why top quarks are heavy",
]
FORMATS = [Format.SINGLE_IMAGE] * 5 + [Format.CAROUSEL] * 3 + [Format.REEL] * 2
AGE = {"13-17": 2, "18-24": 33, "25-34": 37, "35-44": 14, "45-54": 8, "55-64": 4, "65+": 2}
GENDER = {"F": 46, "M": 50, "U": 4}
COUNTRY = {"DE": 61, "CH": 5, "AT": 4, "US": 4, "FR": 3, "NL": 3, "IT": 3, "GB": 2, "ES": 2, "PL": 2, "IN": 2}
CITY = {
    "Hamburg, Hamburg": 27,
    "Berlin, Berlin": 11,
    "Zeuthen, Brandenburg": 5,
    "Munich, Bavaria": 4,
    "Geneva, Geneva": 3,
    "Aachen, North Rhine-Westphalia": 3,
}


def _split(total: int, weights: dict[str, int], rng: random.Random) -> dict[str, int]:
    jittered = {key: weight * rng.uniform(0.9, 1.1) for key, weight in weights.items()}
    whole = sum(jittered.values())
    return {key: round(total * weight / whole) for key, weight in jittered.items()}


def _archive_posts(users: dict[str, Any], today: date, rng: random.Random) -> list[Post]:
    existing = list(
        Post.objects.filter(media_id__startswith=str(MEDIA_ID_BASE)[:6], story__title__startswith="Archive: ")
    )
    if existing or not users:
        return existing
    authors = [user.contributor for user in users.values() if hasattr(user, "contributor")]
    objectives = list(Objective)
    stories = Story.objects.bulk_create(
        Story(
            author=authors[number % len(authors)],
            title=f"Archive: {ARCHIVE_TITLES[number % len(ARCHIVE_TITLES)]} ({number + 1})",
            objective=objectives[number % len(objectives)],
            format=FORMATS[number % len(FORMATS)],
            caption="From the archive of @cmsatdesy. #CMS #DESY #physics",
            status=Status.APPROVED,
        )
        for number in range(ARCHIVE_POSTS)
    )
    posts = []
    for number, story in enumerate(stories):
        # Spread over two years, oldest first, at the usual posting times.
        day = today - timedelta(days=DAYS - 2 - number * (DAYS - 5) // ARCHIVE_POSTS)
        at = datetime.combine(day, time(rng.choice([9, 12, 18]), 0), tzinfo=BERLIN)
        posts.append(
            Post(
                story=story,
                format=story.format,
                caption=story.caption,
                status=PostStatus.PUBLISHED,
                scheduled_at=at,
                published_at=at,
                media_id=str(MEDIA_ID_BASE + number),
                permalink=f"https://www.instagram.com/p/cmsatdesy{number:04d}/",
            )
        )
    return Post.objects.bulk_create(posts)


def _post_rows(posts: list[Post], today: date, rng: random.Random) -> list[PostInsight]:
    rows = []
    for post in posts:
        assert post.published_at is not None
        published = post.published_at.astimezone(BERLIN).date()
        age_of_account = (published - (today - timedelta(days=DAYS))).days / DAYS
        reel = post.format == Format.REEL
        potential = rng.uniform(900, 3200) * (1 + age_of_account) * (2.6 if reel else 1.0)
        tau = 1.5 if reel else 0.7
        shares = {name: rng.uniform(*span) for name, span in (
            ("reach", (0.55, 0.8)), ("likes", (0.04, 0.1)), ("comments", (0.002, 0.01)), ("saves", (0.005, 0.02)),
            ("shares", (0.003, 0.015)), ("visits", (0.01, 0.03)), ("follows", (0.05, 0.2)),
        )}  # fmt: skip
        watch_ms = rng.randint(4000, 16000)
        age = 0
        while published + timedelta(days=age) < today:
            day = published + timedelta(days=age)
            views = math.floor(potential * (1 - math.exp(-(age + 1) / tau)))
            reach = math.floor(views * shares["reach"])
            likes, comments = math.floor(reach * shares["likes"]), math.floor(reach * shares["comments"])
            saves, shared = math.floor(reach * shares["saves"]), math.floor(reach * shares["shares"])
            visits = math.floor(reach * shares["visits"])
            rows.append(
                PostInsight(
                    post=post,
                    day=day,
                    media_product_type="REELS" if reel else "FEED",
                    views=views,
                    reach=reach,
                    likes=likes,
                    comments=comments,
                    saves=saves,
                    shares=shared,
                    total_interactions=likes + comments + saves + shared,
                    follows=None if reel else math.floor(visits * shares["follows"]),
                    profile_visits=None if reel else visits,
                    avg_watch_time_ms=watch_ms if reel else None,
                    total_watch_time_ms=views * watch_ms if reel else None,
                    extras_pulled_on=day,
                )
            )
            # Every night for two weeks, then weekly, as the figures barely move.
            age += 1 if age < 14 else 7
    return rows


def _account_rows(account: InstagramAccount, today: date, rng: random.Random) -> list[AccountInsight]:
    rows = []
    followers = 900
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        growth = 1 + 1.6 * (DAYS - back) / DAYS  # reach roughly grows 2.6-fold over two years
        weekly = 1.15 if day.weekday() in (1, 3) else (0.85 if day.weekday() >= 5 else 1.0)
        reach = round(rng.uniform(260, 360) * growth * weekly)
        non_share = min(0.8, rng.uniform(0.52, 0.62) + 0.1 * (DAYS - back) / DAYS)
        non_followers = round(reach * non_share)
        new = max(0, round(reach * rng.uniform(0.002, 0.005)))
        followers += new - rng.randint(0, 1)
        reach_reels = round(reach * rng.uniform(0.3, 0.45))
        reach_stories = round(reach * rng.uniform(0.05, 0.12))
        engaged = round(reach * rng.uniform(0.04, 0.08))
        rows.append(
            AccountInsight(
                account=account,
                day=day,
                reach=reach,
                reach_followers=reach - non_followers,
                reach_non_followers=non_followers,
                views=round(reach * rng.uniform(1.5, 1.9)),
                accounts_engaged=engaged,
                total_interactions=round(engaged * rng.uniform(1.3, 1.8)),
                follower_count=followers,
                new_followers=new,
                reach_by_product_type={
                    "REEL": reach_reels,
                    "STORY": reach_stories,
                    "POST": reach - reach_reels - reach_stories,
                },
            )
        )
    return rows


def _audience_rows(
    account: InstagramAccount, accounts: list[AccountInsight], rng: random.Random
) -> list[AudienceSnapshot]:
    rows = []
    for row in accounts:
        for kind, total in (
            (AudienceKind.FOLLOWERS, row.follower_count or 0),
            (AudienceKind.ENGAGED, (row.accounts_engaged or 0) * 20),
        ):
            age = _split(total, AGE, rng)
            gender = _split(total, GENDER, rng)
            rows.append(
                AudienceSnapshot(
                    account=account,
                    day=row.day,
                    kind=kind,
                    timeframe="THIS_MONTH" if kind == AudienceKind.ENGAGED else "",
                    age=age,
                    gender=gender,
                    age_gender={
                        f"{a}|{g}": round(count * gender[g] / max(1, sum(gender.values())))
                        for a, count in age.items()
                        for g in gender
                    },
                    country=_split(total, COUNTRY, rng),
                    city=_split(round(total * 0.72), CITY, rng),
                )
            )
    return rows


def seed(*, scale: int = 1, log: Any = print, context: dict[str, Any] | None = None) -> dict[str, Any]:
    context = context or {}
    account = context.get("instagram_account") or InstagramAccount.objects.active().first()
    if account is None:
        log("Analytics: no Instagram account, no snapshots")
        return {}
    today = timezone.now().astimezone(BERLIN).date()
    rng = random.Random(20260101)  # noqa: S311 - demo figures, not secrets
    posts = _archive_posts(context.get("users") or {}, today, rng)
    post_rows = _post_rows(posts, today, rng)
    account_rows = _account_rows(account, today, rng)
    audience_rows = _audience_rows(account, account_rows, rng)
    PostInsight.objects.bulk_create(post_rows, batch_size=2000, ignore_conflicts=True)
    AccountInsight.objects.bulk_create(account_rows, batch_size=2000, ignore_conflicts=True)
    AudienceSnapshot.objects.bulk_create(audience_rows, batch_size=2000, ignore_conflicts=True)
    log(
        f"Analytics: {len(posts)} archive posts, {len(post_rows)} post, {len(account_rows)} account and "
        f"{len(audience_rows)} audience snapshots over {DAYS} days"
    )
    return {}
