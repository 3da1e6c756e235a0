"""Published posts bound to media in the Graph API emulator, and the call counting Meta does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from contributors.tests.factories import contributor_user
from scheduling.models import Post, PostStatus
from stories.models import Format, Objective, Status, Story

PRODUCT = {
    Format.SINGLE_IMAGE: ("IMAGE", "FEED"),
    Format.CAROUSEL: ("CAROUSEL_ALBUM", "FEED"),
    Format.REEL: ("VIDEO", "REELS"),
    Format.STORY: ("IMAGE", "STORY"),
}
FORMAT_OF = {"FEED": Format.SINGLE_IMAGE, "REELS": Format.REEL, "STORY": Format.STORY}


@pytest.fixture
def demo_account(db: Any, graph_emulator: Any) -> Any:
    from instagram.demo import seed

    return seed(log=lambda *args: None)["instagram_account"]


def bind_posts(media: list[dict[str, Any]], author: Any = None) -> list[Post]:
    """A published post (and its story) for each emulator media, in bulk."""
    author = author or contributor_user().contributor
    stories = Story.objects.bulk_create(
        Story(
            author=author,
            title=f"Story {number}",
            objective=list(Objective)[number % 4],
            format=FORMAT_OF[item["media_product_type"]]
            if item.get("media_type") != "CAROUSEL_ALBUM"
            else Format.CAROUSEL,
            caption="Life at the lab",
            status=Status.APPROVED,
        )
        for number, item in enumerate(media)
    )
    return Post.objects.bulk_create(
        Post(
            story=story,
            format=story.format,
            status=PostStatus.PUBLISHED,
            media_id=item["id"],
            published_at=datetime.fromtimestamp(item["epoch"], UTC),
        )
        for story, item in zip(stories, media, strict=True)
    )


@pytest.fixture
def bind_emulator_media(graph_emulator: Any) -> Callable[..., list[Post]]:
    """Posts for every media the emulator's demo account has (feed, reels and live stories)."""

    def bind(author: Any = None) -> list[Post]:
        media = [m for m in graph_emulator.media() if m["parent_id"] is None]
        return bind_posts(media, author)

    return bind


@pytest.fixture
def make_published(graph_emulator: Any) -> Callable[..., list[Post]]:
    """``make_published([(format, age_days), ...])``: media in the emulator and their posts."""

    def make(specs: list[tuple[str, float]], author: Any = None) -> list[Post]:
        media = []
        for fmt, age_days in specs:
            media_type, product_type = PRODUCT[fmt]
            made = graph_emulator.add_media(
                media_type=media_type, product_type=product_type, age_seconds=age_days * 86400
            )
            epoch = graph_emulator.now() - age_days * 86400
            media.append({**made, "media_type": media_type, "epoch": epoch})
        return bind_posts(media, author)

    return make


def counted_calls(graph_emulator: Any) -> int:
    """Calls as Meta counts them: every id of a multi-id request, every entry of a batch."""
    total = 0
    for call in graph_emulator.calls():
        params = call["params"]
        if params.get("ids"):
            total += len([i for i in params["ids"].split(",") if i])
        elif params.get("batch"):
            import json

            total += len(json.loads(params["batch"]))
        else:
            total += 1
    return total
