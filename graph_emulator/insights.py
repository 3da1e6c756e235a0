"""Deterministic insight figures.

Every media figure is a pure function of (seed, media id, product type, seconds since
publishing): tests call :func:`expected_media_metrics` to predict exactly what the emulator
answers. Each media object has a final "potential" that it approaches along
``1 - exp(-t / tau)``; derived metrics are floors of their parents, so the usual
invariants hold at every instant: reach <= views, likes + comments + saved + shares <=
total_interactions, and every figure only ever grows.

Account figures are sums of the media increments inside the asked window plus a small
organic baseline, so posting something moves the account dashboard too.
"""

from __future__ import annotations

import math
import random
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph_emulator.state import EmulatorState

DAY = 86400
FEED, REELS, STORY = "FEED", "REELS", "STORY"

FEED_METRICS = (
    "views",
    "reach",
    "likes",
    "comments",
    "saved",
    "shares",
    "total_interactions",
    "profile_visits",
    "follows",
    "profile_activity",
    "reposts",
)
REELS_METRICS = (
    "views",
    "reach",
    "likes",
    "comments",
    "saved",
    "shares",
    "total_interactions",
    "reposts",
    "ig_reels_avg_watch_time",
    "ig_reels_video_view_total_time",
)
STORY_METRICS = (
    "views",
    "reach",
    "shares",
    "total_interactions",
    "profile_visits",
    "follows",
    "profile_activity",
    "navigation",
    "replies",
)
MEDIA_METRICS: dict[str, tuple[str, ...]] = {FEED: FEED_METRICS, REELS: REELS_METRICS, STORY: STORY_METRICS}
REMOVED_MEDIA_METRICS = {
    "impressions": "views",
    "plays": "views",
    "video_views": "views",
    "clips_replays_count": "views",
    "ig_reels_aggregated_all_plays_count": "views",
    "engagement": "total_interactions",
    "exits": "navigation",
    "taps_forward": "navigation",
    "taps_back": "navigation",
    "carousel_album_impressions": "views",
    "carousel_album_reach": "reach",
}
MEDIA_BREAKDOWNS = {"profile_activity": "action_type", "navigation": "story_navigation_action_type"}

TITLES: dict[str, tuple[str, str]] = {
    "views": ("Views", "The number of times your content was played or displayed."),
    "reach": (
        "Accounts reached",
        "The number of unique accounts that have seen your content, at least once.",
    ),
    "likes": ("Likes", "The number of likes on your post."),
    "comments": ("Comments", "The number of comments on your post."),
    "saved": ("Saves", "The number of saves of your post."),
    "saves": ("Saves", "The number of saves of your posts, reels and videos."),
    "shares": ("Shares", "The number of shares of your post."),
    "reposts": ("Reposts", "The number of times your post was reposted."),
    "total_interactions": (
        "Interactions",
        (
            "The number of likes, saves, comments and shares on your post, minus the number of unlikes, "
            "unsaves and deleted comments."
        ),
    ),
    "profile_visits": ("Profile visits", "The number of times your profile was visited from this content."),
    "follows": ("Follows", "The number of accounts that started following you from this content."),
    "profile_activity": (
        "Profile activity",
        "The number of actions people take when they visit your profile after engaging with your post.",
    ),
    "ig_reels_avg_watch_time": ("Average watch time", "The average amount of time spent playing the reel."),
    "ig_reels_video_view_total_time": (
        "Watch time",
        "The total amount of time the reel was played, including replays.",
    ),
    "navigation": (
        "Navigation",
        "The total number of actions taken from your story: exited, forward, back and next story.",
    ),
    "replies": ("Replies", "The number of replies to your story."),
    "accounts_engaged": (
        "Accounts engaged",
        "The number of accounts that have interacted with your content, including in ads.",
    ),
    "follows_and_unfollows": (
        "Follows and unfollows",
        "The number of accounts that have followed you and the number that have unfollowed you.",
    ),
    "profile_links_taps": (
        "Profile links taps",
        "The number of taps on your business address, call or email.",
    ),
    "follower_count": ("Follower count", "The number of new followers per day."),
    "follower_demographics": (
        "Follower demographics",
        "The demographic characteristics of followers, including countries, cities and gender distribution.",
    ),
    "engaged_audience_demographics": (
        "Engaged audience demographics",
        (
            "The demographic characteristics of the engaged audience, including countries, cities and "
            "gender distribution."
        ),
    ),
}


def title_and_description(metric: str) -> tuple[str, str]:
    return TITLES.get(metric, (metric.replace("_", " ").capitalize(), metric))


# ---------------------------------------------------------------------------------------
# Media figures
# ---------------------------------------------------------------------------------------
GROWTH_TAU_SECONDS = {FEED: 16 * 3600, REELS: 36 * 3600, STORY: 5 * 3600}


def growth(product_type: str, elapsed_seconds: float) -> float:
    """Share of the final audience reached after ``elapsed_seconds``; stories stop at 24 h."""
    elapsed = max(0.0, elapsed_seconds)
    if product_type == STORY:
        elapsed = min(elapsed, DAY)
    return 1.0 - math.exp(-elapsed / GROWTH_TAU_SECONDS[product_type])


def _media_profile(seed: int, media_id: str, product_type: str) -> dict[str, float]:
    rng = random.Random(f"{seed}:{media_id}:insights")
    potential = {FEED: (900, 4200), REELS: (2500, 12000), STORY: (250, 700)}[product_type]
    return {
        "potential": rng.randint(*potential),
        "reach": rng.uniform(*{FEED: (0.55, 0.8), REELS: (0.6, 0.85), STORY: (0.8, 0.95)}[product_type]),
        "likes": rng.uniform(0.04, 0.1),
        "comments": rng.uniform(0.002, 0.01),
        "saved": rng.uniform(0.005, 0.02),
        "shares": rng.uniform(0.003, 0.015),
        "reposts": rng.uniform(0.0, 0.004),
        "profile_visits": rng.uniform(0.01, 0.03),
        "follows": rng.uniform(0.05, 0.2),
        "bio_link": rng.uniform(0.1, 0.3),
        "email": rng.uniform(0.0, 0.05),
        "watch_ms": rng.randint(4000, 16000),
        "replies": rng.uniform(0.005, 0.02),
        "navigation": rng.uniform(0.7, 0.95),
    }


def expected_media_metrics(
    seed: int, media_id: str, product_type: str, elapsed_seconds: float
) -> dict[str, int]:
    """Every metric the emulator reports for this media after ``elapsed_seconds``.

    ``product_type`` is the media's ``media_product_type``: FEED, REELS or STORY.
    """
    p = _media_profile(seed, media_id, product_type)
    views = math.floor(p["potential"] * growth(product_type, elapsed_seconds))
    reach = math.floor(views * p["reach"])
    shares = math.floor(reach * p["shares"])
    profile_visits = math.floor(reach * p["profile_visits"])
    figures: dict[str, int] = {"views": views, "reach": reach, "shares": shares}
    if product_type in (FEED, REELS):
        figures["likes"] = math.floor(reach * p["likes"])
        figures["comments"] = math.floor(reach * p["comments"])
        figures["saved"] = math.floor(reach * p["saved"])
        figures["reposts"] = math.floor(reach * p["reposts"])
        figures["total_interactions"] = (
            figures["likes"] + figures["comments"] + figures["saved"] + shares + figures["reposts"]
        )
    if product_type in (FEED, STORY):
        figures["profile_visits"] = profile_visits
        figures["follows"] = math.floor(profile_visits * p["follows"])
        figures["profile_activity"] = sum(_profile_activity(p, profile_visits).values())
    if product_type == REELS:
        # Reach stands in for "played at least once"; watch time is per play.
        figures["ig_reels_avg_watch_time"] = int(p["watch_ms"]) if views else 0
        figures["ig_reels_video_view_total_time"] = views * int(p["watch_ms"])
    if product_type == STORY:
        figures["replies"] = math.floor(reach * p["replies"])
        figures["navigation"] = sum(_navigation(p, views).values())
        figures["total_interactions"] = figures["replies"] + shares
    return {name: figures[name] for name in MEDIA_METRICS[product_type]}


def _profile_activity(p: dict[str, float], profile_visits: int) -> dict[str, int]:
    return {
        "bio_link_clicked": math.floor(profile_visits * p["bio_link"]),
        "email": math.floor(profile_visits * p["email"]),
    }


def _navigation(p: dict[str, float], views: int) -> dict[str, int]:
    total = math.floor(views * p["navigation"])
    tap_back = math.floor(total * 0.12)
    tap_exit = math.floor(total * 0.1)
    swipe_forward = math.floor(total * 0.06)
    return {
        "tap_forward": total - tap_back - tap_exit - swipe_forward,
        "tap_back": tap_back,
        "tap_exit": tap_exit,
        "swipe_forward": swipe_forward,
    }


def media_metric_breakdown(
    seed: int, media_id: str, product_type: str, elapsed_seconds: float, metric: str
) -> list[dict[str, Any]]:
    """``results`` for a media metric asked with its breakdown (profile_activity, navigation)."""
    p = _media_profile(seed, media_id, product_type)
    figures = expected_media_metrics(seed, media_id, product_type, elapsed_seconds)
    if metric == "profile_activity":
        parts = _profile_activity(p, figures["profile_visits"])
    else:
        parts = _navigation(p, figures["views"])
    return [{"dimension_values": [key], "value": value} for key, value in parts.items() if value]


# ---------------------------------------------------------------------------------------
# Account figures
# ---------------------------------------------------------------------------------------
ACCOUNT_TOTAL_METRICS: dict[str, set[str]] = {
    "reach": {"media_product_type", "follow_type"},
    "views": {"media_product_type", "follow_type"},
    "total_interactions": {"media_product_type"},
    "likes": {"media_product_type"},
    "comments": {"media_product_type"},
    "saves": {"media_product_type"},
    "shares": {"media_product_type"},
    "replies": {"media_product_type"},
    "reposts": {"media_product_type"},
    "accounts_engaged": set(),
    "follows_and_unfollows": {"follow_type"},
    "profile_links_taps": {"contact_button_type"},
}
TIME_SERIES_METRICS = {"reach", "follower_count"}
DEMOGRAPHIC_METRICS = {"follower_demographics", "engaged_audience_demographics"}
DEMOGRAPHIC_BREAKDOWNS = ("age", "gender", "country", "city")
REMOVED_ACCOUNT_METRICS = {
    "impressions",
    "profile_views",
    "website_clicks",
    "email_contacts",
    "phone_call_clicks",
    "text_message_clicks",
    "get_directions_clicks",
    "audience_city",
    "audience_country",
    "audience_gender_age",
    "audience_locale",
}

PRODUCT_BUCKETS = ("POST", "CAROUSEL_CONTAINER", "REEL", "STORY")
FOLLOWER_SHARE = {"POST": 0.62, "CAROUSEL_CONTAINER": 0.66, "REEL": 0.35, "STORY": 0.9}
MEDIA_TO_ACCOUNT_METRIC = {
    "views": "views",
    "reach": "reach",
    "total_interactions": "total_interactions",
    "likes": "likes",
    "comments": "comments",
    "saved": "saves",
    "shares": "shares",
    "replies": "replies",
    "reposts": "reposts",
    "follows": "follows",
    "profile_activity": "profile_activity",
}


def _bucket(media_type: str, product_type: str) -> str:
    if product_type == REELS:
        return "REEL"
    if product_type == STORY:
        return "STORY"
    return "CAROUSEL_CONTAINER" if media_type == "CAROUSEL_ALBUM" else "POST"


def _baseline_rates(seed: int, ig_user_id: str) -> dict[str, float]:
    rng = random.Random(f"{seed}:{ig_user_id}:organic")
    return {"views": rng.uniform(40, 120), "reach": rng.uniform(25, 70)}


def account_parts(
    state: EmulatorState, ig_user_id: str, since: float, until: float
) -> dict[str, dict[str, int]]:
    """Per product bucket, the growth of each account metric between ``since`` and ``until``."""
    parts = {
        bucket: dict.fromkeys(ACCOUNT_TOTAL_METRICS, 0) | {"follows": 0, "profile_activity": 0}
        for bucket in PRODUCT_BUCKETS
    }
    for media in state.account_media(ig_user_id):
        if media.timestamp >= until:
            continue
        before = expected_media_metrics(state.seed, media.id, media.product_type, since - media.timestamp)
        after = expected_media_metrics(state.seed, media.id, media.product_type, until - media.timestamp)
        target = parts[_bucket(media.media_type, media.product_type)]
        for name, value in after.items():
            account_name = MEDIA_TO_ACCOUNT_METRIC.get(name)
            if account_name:
                target[account_name] += value - before.get(name, 0)
    rates = _baseline_rates(state.seed, ig_user_id)
    days = max(0.0, until - since) / DAY
    parts["POST"]["views"] += math.floor(rates["views"] * days)
    parts["POST"]["reach"] += math.floor(rates["reach"] * days)
    for bucket in parts.values():
        # Unique accounts overlap across posts: the account reach is below the sum of media reach.
        bucket["reach"] = math.floor(bucket["reach"] * 0.85)
        bucket["accounts_engaged"] = math.floor(bucket["total_interactions"] * 0.8)
        bucket["profile_links_taps"] = bucket.pop("profile_activity", 0)
        bucket["follows_and_unfollows"] = bucket["follows"] + math.floor(bucket["follows"] * 0.15)
    return parts


def account_total_value(
    state: EmulatorState, ig_user_id: str, metric: str, since: float, until: float, breakdowns: list[str]
) -> dict[str, Any]:
    """The ``total_value`` object of an account metric, with the asked breakdowns."""
    parts = account_parts(state, ig_user_id, since, until)
    total = sum(bucket[metric] for bucket in parts.values())
    result: dict[str, Any] = {"value": total}
    if not breakdowns:
        return result
    rows: list[tuple[list[str], int]] = []
    for bucket_name, bucket in parts.items():
        value = bucket[metric]
        share = FOLLOWER_SHARE[bucket_name]
        if metric == "follows_and_unfollows":
            followers = bucket["follows"]
            split = {"FOLLOWER": followers, "NON_FOLLOWER": value - followers}
        else:
            followers = round(value * share)
            split = {"FOLLOWER": followers, "NON_FOLLOWER": value - followers}
        rows.extend(_combine(bucket_name, split, breakdowns, value))
    merged: dict[tuple[str, ...], int] = {}
    for dims, value in rows:
        merged[tuple(dims)] = merged.get(tuple(dims), 0) + value
    results = [{"dimension_values": list(dims), "value": value} for dims, value in merged.items() if value]
    result["breakdowns"] = [{"dimension_keys": breakdowns, "results": results}]
    return result


def _combine(
    bucket: str, follow_split: dict[str, int], breakdowns: list[str], value: int
) -> list[tuple[list[str], int]]:
    if breakdowns == ["media_product_type"]:
        return [([bucket], value)]
    if breakdowns == ["follow_type"]:
        return [([kind], amount) for kind, amount in follow_split.items()]
    if breakdowns == ["contact_button_type"]:
        return [(["UNDEFINED"], value)]
    first_is_product = breakdowns[0] == "media_product_type"
    return [
        (([bucket, kind] if first_is_product else [kind, bucket]), amount)
        for kind, amount in follow_split.items()
    ]


def new_followers(state: EmulatorState, ig_user_id: str, since: float, until: float) -> int:
    parts = account_parts(state, ig_user_id, since, until)
    return sum(bucket["follows"] for bucket in parts.values())


def media_follows_total(state: EmulatorState, ig_user_id: str, now: float) -> int:
    total = 0
    for media in state.account_media(ig_user_id):
        if media.product_type in (FEED, STORY) and media.timestamp < now:
            total += expected_media_metrics(state.seed, media.id, media.product_type, now - media.timestamp)[
                "follows"
            ]
    return total


# ---------------------------------------------------------------------------------------
# Demographics: the audience is mostly 18-34 and in Germany
# ---------------------------------------------------------------------------------------
AGE_WEIGHTS = {
    "13-17": 2,
    "18-24": 33,
    "25-34": 37,
    "35-44": 14,
    "45-54": 8,
    "55-64": 4,
    "65+": 2,
}
GENDER_WEIGHTS = {"F": 46, "M": 50, "U": 4}
COUNTRY_WEIGHTS = {
    "DE": 61,
    "CH": 5,
    "AT": 4,
    "US": 4,
    "FR": 3,
    "NL": 3,
    "IT": 3,
    "GB": 2,
    "ES": 2,
    "PL": 2,
    "IN": 2,
    "CN": 2,
    "DK": 1,
    "SE": 1,
    "BE": 1,
    "CZ": 1,
    "BR": 1,
    "TR": 1,
    "GR": 1,
}
CITY_WEIGHTS = {
    "Hamburg, Hamburg": 27,
    "Berlin, Berlin": 11,
    "Zeuthen, Brandenburg": 5,
    "Munich, Bavaria": 4,
    "Aachen, North Rhine-Westphalia": 3,
    "Karlsruhe, Baden-Württemberg": 3,
    "Geneva, Geneva": 3,
    "Meyrin, Geneva": 2,
    "Kiel, Schleswig-Holstein": 2,
    "Bremen, Bremen": 2,
    "Hannover, Lower Saxony": 2,
    "Göttingen, Lower Saxony": 2,
    "Frankfurt, Hesse": 2,
    "Cologne, North Rhine-Westphalia": 2,
    "Dresden, Saxony": 1,
    "Vienna, Vienna": 2,
    "Zurich, Zurich": 2,
    "Lüneburg, Lower Saxony": 1,
    "Potsdam, Brandenburg": 1,
    "Heidelberg, Baden-Württemberg": 1,
}
DIMENSION_WEIGHTS = {
    "age": AGE_WEIGHTS,
    "gender": GENDER_WEIGHTS,
    "country": COUNTRY_WEIGHTS,
    "city": CITY_WEIGHTS,
}


def demographic_results(total: int, breakdowns: list[str]) -> list[dict[str, Any]]:
    """Split ``total`` over the breakdown dimensions; top 45 values only, as Meta does."""
    combos: list[tuple[list[str], float]] = [([], 1.0)]
    for dimension in breakdowns:
        weights = DIMENSION_WEIGHTS[dimension]
        weight_sum = sum(weights.values())
        combos = [
            (keys + [key], share * weight / weight_sum)
            for keys, share in combos
            for key, weight in weights.items()
        ]
    if breakdowns == ["city"]:
        # Cities only cover part of the audience; the rest lives in many small places.
        combos = [(keys, share * 0.72) for keys, share in combos]
    allocated = _largest_remainder([share for _, share in combos], total)
    rows = [(keys, value) for (keys, _), value in zip(combos, allocated, strict=True) if value > 0]
    rows.sort(key=lambda row: row[1], reverse=True)
    return [{"dimension_values": keys, "value": value} for keys, value in rows[:45]]


def _largest_remainder(shares: list[float], total: int) -> list[int]:
    share_sum = sum(shares)
    exact = [total * share for share in shares]
    floors = [math.floor(x) for x in exact]
    target = round(total * share_sum)
    leftover = target - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[: max(0, leftover)]:
        floors[i] += 1
    return floors
