"""The dashboard in real Chromium: the team changes the range, sees the charts drawn under the
strict Content-Security-Policy, and downloads a chart's figures as CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from analytics.tests.insight_factories import AudienceSnapshotFactory, account_days
from contributors.testing import log_in, wait_for_js

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_team_changes_the_range_and_downloads_the_csv(page: Any, people: dict[str, Any]) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    first = yesterday - timedelta(days=59)
    account_days(first, yesterday, reach_followers=250, reach_non_followers=750)
    AudienceSnapshotFactory(day=yesterday)
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)

    log_in(page, "mira")
    page.get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("heading", name="Analytics", level=1)).to_be_visible()
    expect(page.locator("#headline-reach .headline-value")).to_have_text("28,000")
    # Chart.js drew into the canvas (the script ran, nothing was blocked).
    wait_for_js(page, "() => Boolean(window.Chart && Chart.getChart(document.getElementById('chart-reach')))")

    start = yesterday - timedelta(days=9)
    page.get_by_label("From").fill(start.isoformat())
    page.get_by_label("To (inclusive)").fill(yesterday.isoformat())
    page.get_by_role("button", name="Show these dates").click()
    expect(page.locator("#headline-reach .headline-value")).to_have_text("10,000")
    expect(page.locator("#headline-non_follower_share .headline-value")).to_have_text("75.0%")
    wait_for_js(
        page, "() => Chart.getChart(document.getElementById('chart-reach')).data.labels.length === 10"
    )

    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name="Download “Accounts reached: followers and non-followers” as CSV"
        ).click()
    download = download_info.value
    assert download.suggested_filename == f"cmsatdesy-reach-{start.isoformat()}-{yesterday.isoformat()}.csv"
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8-sig").read())))
    assert rows[0] == ["Day", "Followers reached", "Non-followers reached", "Share who do not follow us (%)"]
    assert [row[0] for row in rows[1:]] == [(start + timedelta(days=n)).isoformat() for n in range(10)]
    assert all(row[1:] == ["250", "750", "75.0"] for row in rows[1:])
    assert problems == []
