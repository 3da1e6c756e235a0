"""The demo calendar looks lived in: published, failed and scheduled posts around today."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from scheduling.demo import MONTH_POSTS
from scheduling.models import Post

pytestmark = pytest.mark.django_db


def test_the_demo_calendar_shows_a_month_of_posts_in_every_state_once() -> None:
    call_command("seed_demo", verbosity=0)
    posts = Post.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Post.objects.count() == posts  # running it again adds nothing

    client = Client()
    client.force_login(get_user_model().objects.get(username="reviewer"))
    now = timezone.now()
    window = {"start": (now - timedelta(days=21)).isoformat(), "end": (now + timedelta(days=21)).isoformat()}
    shown = [
        item for item in client.get("/calendar/events/", window).json() if item["id"].startswith("post-")
    ]
    states = Counter(item["extendedProps"]["status"] for item in shown)
    assert states["scheduled"] >= 3 and states["published"] >= 3 and states["failed"] >= 1
    weeks = {item["start"][:10] for item in shown}
    assert len(weeks) >= 7  # spread over the weeks, not piled on one day
    # The month's own posts show their photos.
    month = {title for title, *_rest in MONTH_POSTS}
    ours = [item for item in shown if item["title"] in month]
    assert len(ours) == len(MONTH_POSTS)
    assert all(item["extendedProps"]["thumbnail"] for item in ours)
