"""The outreach team's dashboard: figures and their change, the audience, results per kind of
post, the range form, CSV downloads, and the same number of queries for any range."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from analytics.tests.insight_factories import (
    AudienceSnapshotFactory,
    PostInsightFactory,
    account_days,
    published_post,
)
from analytics.tests.page_text import text_of

pytestmark = pytest.mark.django_db

# With this as today, the default range is 18 October to 14 November 2026 (28 days to yesterday)
# and the period before it 20 September to 17 October.
TODAY = date(2026, 11, 15)
START, END = date(2026, 10, 18), date(2026, 11, 14)
BEFORE_START, BEFORE_END = date(2026, 9, 20), date(2026, 10, 17)


@pytest.fixture
def today() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def headline(html: str, key: str) -> str:
    return text_of(html, f"headline-{key}")


def test_the_team_sees_the_headline_figures_and_their_change(people, today) -> None:
    account_days(START, END, reach_followers=300, reach_non_followers=700, views=2500, accounts_engaged=80)
    account_days(
        BEFORE_START,
        BEFORE_END,
        reach_followers=200,
        reach_non_followers=300,
        views=2000,
        accounts_engaged=80,
    )

    html = client_for(people["outreach"]).get("/analytics/").content.decode()

    assert "18 October 2026 to 14 November 2026 (28 days)" in html
    reach = headline(html, "reach")
    assert "28,000" in reach and "+100.0% against the period before" in reach
    share = headline(html, "non_follower_share")
    assert "70.0%" in share and "+10.0 percentage points against the period before" in share
    views = headline(html, "views")
    assert "70,000" in views and "+25.0%" in views
    # 28,000 accounts for 70,000 showings; 14,000 for 56,000 before.
    per_view = headline(html, "reach_per_view")
    assert "40.0%" in per_view and "+15.0 percentage points" in per_view
    assert "±0.0%" in headline(html, "accounts_engaged")


def test_an_admin_sees_the_dashboard_too(people, today) -> None:
    assert client_for(people["admin"]).get("/analytics/").status_code == 200


@pytest.mark.parametrize("role", ["contributor", "science"])
def test_people_outside_the_team_are_refused(people, role) -> None:
    assert client_for(people[role]).get("/analytics/").status_code == 403
    assert client_for(people[role]).get("/analytics/csv/reach.csv").status_code == 403


def test_without_figures_the_page_says_so(people, today) -> None:
    html = client_for(people["outreach"]).get("/analytics/").content.decode()

    assert "No figures for these days yet. The nightly pull fills them in." in html
    assert "—" in headline(html, "reach")
    assert "no earlier figures to compare" in headline(html, "reach")


def test_a_chosen_range_is_shown_and_compared_with_as_many_days_before(people, today) -> None:
    account_days(date(2026, 10, 1), date(2026, 10, 7), reach_followers=100, reach_non_followers=100)
    account_days(date(2026, 9, 24), date(2026, 9, 30), reach_followers=50, reach_non_followers=50)

    html = client_for(people["outreach"]).get("/analytics/?start=2026-10-01&end=2026-10-07").content.decode()

    assert "1 October 2026 to 7 October 2026 (7 days)" in html
    assert "1,400" in headline(html, "reach") and "+100.0%" in headline(html, "reach")
    assert 'value="2026-10-01"' in html and 'value="2026-10-07"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-10-07&end=2026-10-01", "The start must be on or before the end."),
        ("start=2026-13-45&end=2026-10-01", "Enter a valid date."),
        ("start=2001-01-01&end=2026-10-01", "Choose a start on or after 1 January 2010."),
        ("start=2020-01-01&end=2026-10-01", "Choose at most three years at a time."),
        ("start=99999999-01-01&end=", "Enter a valid date."),
        ("start=9999-12-01&end=9999-12-31", "Choose an end on or before today (15 November 2026)."),
        ("start=2026-10-01", "This field is required."),
    ],
)
def test_dates_that_cannot_be_shown_are_explained_and_kept(people, today, query, message) -> None:
    response = client_for(people["outreach"]).get(f"/analytics/?{query}")

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "18 October 2026 to 14 November 2026" in html  # the default range, said plainly
    start_value = query.split("&")[0].split("=")[1]
    assert f'value="{start_value}"' in html


def test_presets_offer_the_usual_ranges(people, today) -> None:
    html = client_for(people["outreach"]).get("/analytics/").content.decode()

    assert re.search(
        r'class="nav-link active" aria-current="true" href="\?start=2026-10-18&amp;end=2026-11-14">Last 28 days',
        html,
    )
    assert 'href="?start=2026-11-08&amp;end=2026-11-14">Last 7 days' in html
    assert 'href="?start=2026-10-01&amp;end=2026-10-31">Last calendar month' in html
    assert 'href="/analytics/report/2026-10/"' in html


def test_the_audience_shows_the_target_ages_and_germany(people, today) -> None:
    # 900 of 1300 followers are 18 to 34; 640 of 1000 live in Germany.
    AudienceSnapshotFactory(day=date(2026, 11, 10))
    AudienceSnapshotFactory(day=date(2026, 11, 20), age={"65+": 10}, country={"US": 10})  # after the range

    html = client_for(people["outreach"]).get("/analytics/").content.decode()

    assert "69.2%" in text_of(html, "headline-target-age")
    assert text_of(html, "note-audience-age") == "Aged 18 to 34 (our target audience): 69.2% of followers."
    assert text_of(html, "note-audience-country") == "In Germany: 64.0% of followers."
    age_table = text_of(html, "table-audience-age")
    assert "18–24 target 30.8% 400" in age_table and "25–34 target 38.5% 500" in age_table
    assert "35–44 15.4% 200" in age_table
    assert "Germany target 64.0% 640" in text_of(html, "table-audience-country")


def test_results_per_objective_format_and_career_stage(people, today) -> None:
    reel = published_post(
        published=date(2026, 10, 20), objective="science", format="reel", career_stage="phd"
    )
    photo = published_post(
        published=date(2026, 11, 1),
        objective="outreach",
        format="single_image",
        career_stage="staff",
        co_author_stages=("phd",),
    )
    older = published_post(published=date(2026, 9, 1), objective="training")  # before the range
    PostInsightFactory(post=reel, day=date(2026, 10, 25), reach=1000, views=3000, total_interactions=90)
    PostInsightFactory(post=reel, day=date(2026, 11, 14), reach=1500, views=4000, total_interactions=100)
    PostInsightFactory(post=reel, day=date(2026, 11, 20), reach=9999)  # after the range's last day
    PostInsightFactory(post=photo, day=date(2026, 11, 14), reach=500, views=800, total_interactions=40)
    PostInsightFactory(post=older, day=date(2026, 11, 14), reach=7777)

    html = client_for(people["outreach"]).get("/analytics/").content.decode()

    objectives = text_of(html, "table-objectives")
    assert "Science communication 1 1,500 4,000 100" in objectives
    assert "Outreach 1 500 800 40" in objectives
    assert "Training 0 — — —" in objectives
    formats = text_of(html, "table-formats")
    assert "Reel 1 1,500" in formats and "Single image 1 500" in formats
    stages = text_of(html, "table-career-stages")
    # The PhD student features in both posts (author of one, co-author of the other).
    assert "PhD student 2 1,000 2,400 70" in stages
    assert "Staff scientist 1 500 800 40" in stages
    assert "Postdoc 0" in stages
    top = text_of(html, "table-top-posts")
    assert top.index(reel.story.title) < top.index(photo.story.title)
    assert "7,777" not in html and "9,999" not in html


def test_charts_carry_their_data_for_the_script_without_inline_script(people, today) -> None:
    account_days(START, END)
    html = client_for(people["outreach"]).get("/analytics/").content.decode()

    charts = json.loads(
        re.search(r'<script id="analytics-charts" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    reach = next(chart for chart in charts if chart["id"] == "chart-reach")
    assert reach["type"] == "bar" and reach["stacked"] is True
    assert [dataset["label"] for dataset in reach["datasets"]] == [
        "Followers reached",
        "Non-followers reached",
    ]
    assert reach["datasets"][1]["data"] == [700] * 28
    assert 'id="chart-reach"' in html
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))", html)


def test_a_long_range_is_drawn_week_by_week(people, today) -> None:
    account_days(date(2026, 1, 1), date(2026, 6, 30), reach_followers=10, reach_non_followers=20)

    html = client_for(people["outreach"]).get("/analytics/?start=2026-01-01&end=2026-06-30").content.decode()

    table = text_of(html, "table-reach")
    assert "Week from Followers reached" in table
    # 1 January 2026 is a Thursday: the first week has four days, the next ones seven.
    assert "1 Jan 2026 40 80 66.7%" in table and "5 Jan 2026 70 140 66.7%" in table


def test_each_chart_downloads_as_csv(people, today) -> None:
    account_days(date(2026, 10, 1), date(2026, 10, 3), reach_followers=300, reach_non_followers=700)

    response = client_for(people["outreach"]).get("/analytics/csv/reach.csv?start=2026-10-01&end=2026-10-03")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="cmsatdesy-reach-2026-10-01-2026-10-03.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Day", "Followers reached", "Non-followers reached", "Share who do not follow us (%)"],
        ["2026-10-01", "300", "700", "70.0"],
        ["2026-10-02", "300", "700", "70.0"],
        ["2026-10-03", "300", "700", "70.0"],
    ]


def test_a_csv_of_bad_dates_or_an_unknown_chart_is_refused_plainly(people, today) -> None:
    client = client_for(people["outreach"])

    bad = client.get("/analytics/csv/reach.csv?start=2026-10-05&end=2026-10-01")
    assert bad.status_code == 400
    assert "The start must be on or before the end." in bad.content.decode()
    assert client.get("/analytics/csv/nothing-like-it.csv").status_code == 404


def test_the_csv_speaks_german_to_a_german_reader(people, today) -> None:
    account_days(date(2026, 10, 1), date(2026, 10, 1))
    client = client_for(people["outreach"])
    client.cookies["django_language"] = "de"

    response = client.get(
        "/analytics/csv/reach.csv?start=2026-10-01&end=2026-10-01", HTTP_ACCEPT_LANGUAGE="de"
    )

    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[0] == "Tag"


def _fill(days: int, posts: int) -> None:
    account_days(END - timedelta(days=2 * days), END)
    AudienceSnapshotFactory(day=END)
    stages = ("phd", "postdoc", "staff", "student")
    for number in range(posts):
        post = published_post(
            published=END - timedelta(days=number % days),
            objective=("outreach", "science", "training", "recruitment")[number % 4],
            format=("reel", "carousel", "single_image", "story")[number % 4],
            career_stage=stages[number % 4],
            co_author_stages=stages[: number % 3],
        )
        PostInsightFactory(post=post, day=END - timedelta(days=1))
        PostInsightFactory(post=post, day=END)


# Session, user, groups; account days, audience, post snapshots, co-authors, post counts; the
# token-expiry banner of every team page.
DASHBOARD_QUERIES = 9


@pytest.mark.parametrize(
    ("days", "posts", "query"),
    [(7, 2, "start=2026-11-08&end=2026-11-14"), (365, 40, "start=2025-11-15&end=2026-11-14")],
)
def test_the_dashboard_runs_the_same_queries_for_any_range_and_any_number_of_posts(
    people, today, django_assert_num_queries, days, posts, query
) -> None:
    _fill(days, posts)
    client = client_for(people["outreach"])

    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(f"/analytics/?{query}")

    html = response.content.decode()
    assert response.status_code == 200
    assert text_of(html, "table-top-posts").count("Life at the detector") == min(posts, 10)


def test_top_posts_say_when_they_went_out_and_what_they_were(people, today) -> None:
    reel = published_post(
        published=date(2026, 10, 20), objective="science", format="reel", title="Muons at midnight"
    )
    PostInsightFactory(
        post=reel, day=date(2026, 11, 14), reach=1500, views=4000, total_interactions=100, saves=7, shares=3
    )
    client = client_for(people["outreach"])

    html = client.get("/analytics/").content.decode()
    assert "Muons at midnight 20 Oct 2026 Science communication Reel 1,500 4,000 100 7 3" in text_of(
        html, "table-top-posts"
    )
    assert f'href="/calendar/posts/{reel.pk}/"' in html

    rows = list(
        csv.reader(io.StringIO(client.get("/analytics/csv/top-posts.csv").content.decode("utf-8-sig")))
    )
    assert rows == [
        [
            "Post",
            "Published",
            "Objective",
            "Format",
            "Accounts reached",
            "Times shown",
            "Interactions",
            "Saves",
            "Shares",
        ],
        ["Muons at midnight", "2026-10-20", "science", "reel", "1500", "4000", "100", "7", "3"],
    ]


def test_days_and_posts_from_before_views_count_their_impressions(people, today) -> None:
    account_days(date(2026, 10, 1), date(2026, 10, 2), views=None, raw={"impressions": 1200})
    post = published_post(published=date(2026, 10, 1), title="An old favourite")
    PostInsightFactory(post=post, day=date(2026, 10, 2), views=None, raw={"impressions": 3456})

    html = client_for(people["outreach"]).get("/analytics/?start=2026-10-01&end=2026-10-02").content.decode()

    assert "2,400" in text_of(html, "headline-views")
    assert "An old favourite 1 Oct 2026 Outreach Single image 400 3,456" in text_of(html, "table-top-posts")
