"""The monthly report: a page that prints well, and the same report as a PDF made on the server."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pypdf import PdfReader

from analytics.tests.insight_factories import (
    AudienceSnapshotFactory,
    PostInsightFactory,
    account_days,
    published_post,
)
from analytics.tests.page_text import text_of

pytestmark = pytest.mark.django_db


def client_for(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages
    )


@pytest.fixture
def october() -> dict[str, Any]:
    # October: 31 days of 412 followers and 1,203 non-followers reached; September less.
    account_days(
        date(2026, 10, 1), date(2026, 10, 31), reach_followers=412, reach_non_followers=1203, views=4000
    )
    account_days(
        date(2026, 9, 1), date(2026, 9, 30), reach_followers=400, reach_non_followers=600, views=3000
    )
    AudienceSnapshotFactory(day=date(2026, 10, 30))
    best = published_post(published=date(2026, 10, 12), title="Muons at midnight", format="reel")
    other = published_post(published=date(2026, 10, 20), title="A day at the control room")
    PostInsightFactory(post=best, day=date(2026, 10, 31), reach=5321)
    PostInsightFactory(post=other, day=date(2026, 10, 31), reach=1234)
    return {"best": best}


def test_the_report_page_shows_the_months_figures_and_best_posts(people, october) -> None:
    response = client_for(people["outreach"]).get("/analytics/report/2026-10/")

    html = response.content.decode()
    assert "@cmsatdesy on Instagram: October 2026" in html
    assert "Changes are against September 2026." in html
    # 31 × 1,615 accounts, 1,203 of every 1,615 not following.
    assert (
        text_of(html, "report-lead") == "Our content reached 50,065 accounts; 74.5% of them do not follow us."
    )
    assert text_of(html, "report-reach").startswith("Accounts reached 50,065 +66.9%")
    assert "74.5% +14.5 percentage points" in text_of(html, "report-non_follower_share")
    assert "69.2%" in text_of(html, "report-target-age")
    assert "64.0%" in text_of(html, "report-germany")
    posts = text_of(html, "report-best-posts")
    assert posts.index("Muons at midnight") < posts.index("A day at the control room")
    # Charts are drawn on the server, so that print and PDF need no script.
    assert html.count("<svg") == 5
    assert 'href="/analytics/report/2026-10/pdf/"' in html
    assert 'href="/analytics/report/2026-09/"' in html and 'href="/analytics/report/2026-11/"' in html


def test_the_first_month_offers_no_month_before(people) -> None:
    html = client_for(people["outreach"]).get("/analytics/report/2010-01/").content.decode()

    assert "Month before" not in html and 'href="/analytics/report/2010-02/"' in html


@pytest.mark.parametrize("month", ["2026-13", "2026-00", "0000-01", "9999-12"])
def test_a_month_that_does_not_exist_is_not_found(people, month) -> None:
    assert client_for(people["outreach"]).get(f"/analytics/report/{month}/").status_code == 404


def test_outreach_report_writes_a_pdf_holding_the_figures_as_the_page_shows_them(
    people, october, tmp_path
) -> None:
    html = client_for(people["outreach"]).get("/analytics/report/2026-10/").content.decode()
    reach = text_of(html, "report-reach-value")
    share = text_of(html, "report-non_follower_share-value")
    assert (reach, share) == ("50,065", "74.5%")

    output = tmp_path / "october.pdf"
    call_command("outreach_report", "--month", "2026-10", "--output", str(output), stdout=io.StringIO())

    assert output.read_bytes().startswith(b"%PDF-")
    text = pdf_text(output.read_bytes())
    assert "@cmsatdesy on Instagram: October 2026" in text
    assert f"Our content reached {reach} accounts; {share} of them do not follow us." in text
    assert "Muons at midnight" in text


def test_the_german_report_and_its_pdf_agree(people, october, tmp_path) -> None:
    html = client_for(people["outreach"], "de").get("/analytics/report/2026-10/").content.decode()
    lead = text_of(html, "report-lead")
    assert lead == "Unsere Inhalte erreichten 50.065 Konten; 74,5 % davon folgen uns nicht."

    output = tmp_path / "oktober.pdf"
    call_command(
        "outreach_report",
        "--month",
        "2026-10",
        "--output",
        str(output),
        "--language",
        "de",
        stdout=io.StringIO(),
    )

    text = pdf_text(output.read_bytes())
    assert "@cmsatdesy auf Instagram: Oktober 2026" in text
    assert "Kennzahl Dieser Monat Veränderung Bedeutung" in text
    assert lead in text


def test_the_pdf_downloads_from_the_report_page(people, october) -> None:
    response = client_for(people["outreach"]).get("/analytics/report/2026-10/pdf/")

    assert response["Content-Type"] == "application/pdf"
    assert 'filename="cmsatdesy-report-2026-10-en.pdf"' in response["Content-Disposition"]
    assert "50,065" in pdf_text(response.content)


@pytest.mark.parametrize("month", ["2026-1", "October", "2026-13", ""])
def test_outreach_report_refuses_a_month_it_cannot_read(month, tmp_path) -> None:
    with pytest.raises(CommandError, match="--month must be a month as YYYY-MM"):
        call_command("outreach_report", "--month", month, "--output", str(tmp_path / "x.pdf"))


def test_outreach_report_says_when_it_cannot_write(db, tmp_path) -> None:
    missing = Path(tmp_path) / "no" / "such" / "folder" / "report.pdf"
    with pytest.raises(CommandError, match="Could not write"):
        call_command("outreach_report", "--month", "2026-10", "--output", str(missing))


def test_after_a_pdf_a_damaged_photo_is_still_refused(people, october) -> None:
    # WeasyPrint, once imported, would have Pillow accept truncated images process-wide.
    from stories import services
    from stories.tests.factories import StoryFactory, upload
    from stories.tests.test_upload_limits import _png

    assert client_for(people["outreach"]).get("/analytics/report/2026-10/pdf/").status_code == 200

    story = StoryFactory()
    with pytest.raises(services.ImageRejected):
        services.image_add(
            story=story, user=story.author.user, upload=upload("b.png", _png(800, 600, cut=0.3), "image/png")
        )
