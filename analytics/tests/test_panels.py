"""Figures on other apps' pages through their hooks: the story page, a scientist's list of
stories, the team's start page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from analytics.models import AccountInsight, PostInsight
from instagram.models import InstagramAccount
from scheduling.models import BERLIN, Post, PostStatus
from scheduling.tests.factories import approved_post

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 5, 14, 10, 0, tzinfo=BERLIN)
TODAY = NOW.date()


def page(user: Any, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def published(post: Post, *, days_ago: int = 3) -> Post:
    Post.objects.filter(pk=post.pk).update(
        status=PostStatus.PUBLISHED,
        media_id=f"1795{post.pk:011d}",
        published_at=NOW - timedelta(days=days_ago),
    )
    post.refresh_from_db()
    return post


def account_days(first: date, last: date, *, followers: int, non_followers: int) -> None:
    account = InstagramAccount.objects.create(ig_user_id="17841400000000001", username="cmsatdesy")
    day = first
    while day <= last:
        AccountInsight.objects.create(
            account=account,
            day=day,
            reach=followers + non_followers,
            reach_followers=followers,
            reach_non_followers=non_followers,
        )
        day += timedelta(days=1)


@time_machine.travel(NOW, tick=False)
def test_a_live_story_shows_its_reach_and_the_accounts_follower_share(people: dict[str, Any]) -> None:
    post = published(approved_post(author=people["contributor"].contributor))
    PostInsight.objects.create(post=post, day=TODAY - timedelta(days=2), reach=1000, total_interactions=90)
    PostInsight.objects.create(post=post, day=TODAY, reach=4210, total_interactions=312, views=6100)
    account_days(TODAY - timedelta(days=10), TODAY, followers=380, non_followers=620)
    html = page(people["contributor"], f"/stories/{post.story_id}/")
    assert "Reach on Instagram" in html
    assert "Your story reached 4,210 people and 312 of them reacted." in html
    assert "It was shown 6,100 times." in html
    assert "62% of the accounts the whole account reached did not follow it" in html
    assert "This share is the account's" in html
    client = Client()
    client.force_login(people["contributor"])
    client.cookies["django_language"] = "de"
    german = client.get(f"/stories/{post.story_id}/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Ihre Geschichte hat 4.210 Personen erreicht, 312 davon haben reagiert." in german
    assert "Dieser Anteil gilt für das ganze Konto" in german


@time_machine.travel(NOW, tick=False)
def test_a_story_published_before_the_first_pull_says_when_figures_come(people: dict[str, Any]) -> None:
    post = published(approved_post(author=people["contributor"].contributor))
    html = page(people["contributor"], f"/stories/{post.story_id}/")
    assert "Instagram's figures for this post arrive with the next nightly pull." in html


def test_a_story_not_yet_published_has_no_reach_panel(people: dict[str, Any]) -> None:
    post = approved_post(author=people["contributor"].contributor)
    assert "Reach on Instagram" not in page(people["contributor"], f"/stories/{post.story_id}/")


@time_machine.travel(NOW, tick=False)
def test_my_stories_show_each_published_storys_reach_in_one_query_for_the_page(
    people: dict[str, Any],
) -> None:
    author = people["contributor"].contributor

    def add_published(number: int) -> None:
        post = published(approved_post(author=author))
        PostInsight.objects.create(post=post, day=TODAY - timedelta(days=1), reach=10, total_interactions=1)
        PostInsight.objects.create(post=post, day=TODAY, reach=1200 + number, total_interactions=30)

    add_published(0)
    approved_post(author=author)  # approved, not published: no figures
    client = Client()
    client.force_login(people["contributor"])
    with CaptureQueriesContext(connection) as one:
        html = client.get("/stories/").content.decode()
    assert html.count('data-testid="story-figures"') == 1
    assert "Reached 1,200 people, 30 reacted" in html

    for number in range(1, 6):
        add_published(number)
    with CaptureQueriesContext(connection) as six:
        html = client.get("/stories/").content.decode()
    assert html.count('data-testid="story-figures"') == 6
    assert "Reached 1,205 people, 30 reacted" in html
    assert len(six) == len(one), [q["sql"] for q in six.captured_queries]


@time_machine.travel(NOW, tick=False)
def test_the_teams_start_page_shows_last_weeks_reach_and_non_follower_share(people: dict[str, Any]) -> None:
    account_days(TODAY - timedelta(days=7), TODAY - timedelta(days=1), followers=300, non_followers=700)
    html = page(people["outreach"], "/")
    assert "Last week on Instagram" in html
    assert (
        "7,000 accounts reached (daily figures added up); 70% of them did not follow the account yet." in html
    )
    assert "Last week on Instagram" not in page(people["contributor"], "/")


def test_the_start_page_says_when_last_weeks_figures_are_missing(people: dict[str, Any]) -> None:
    assert "No figures for last week yet" in page(people["outreach"], "/")
