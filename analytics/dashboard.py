"""The figures and charts of the dashboard and the monthly report, built from the selectors.

A chart here is its table: a column of labels and columns of numbers. The same object gives the
Chart.js data (the page), the SVG (print and PDF), the accessible table and the CSV download, so
they can never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from babel import Locale, UnknownLocaleError
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from contributors.models import CareerStage
from stories.models import Format, Objective

from . import selectors, svg
from .models import AudienceSnapshot
from .periods import Period
from .templatetags.analytics_figures import percent

# Longer ranges are drawn week by week, so a chart keeps a readable number of points.
DAILY_UP_TO_DAYS = 92
TARGET_AGE_BANDS = ("18-24", "25-34")
TARGET_COUNTRY = "DE"
TOP_COUNTRIES = 10
TOP_POSTS = 10

FOLLOWERS_COLOUR = "#1f5fa8"
NON_FOLLOWERS_COLOUR = "#e08a00"


def share(part: float | int | None, whole: float | int | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def _total(rows: Iterable[dict[str, Any]], key: str) -> int | None:
    values = [row[key] for row in rows if row[key] is not None]
    return sum(values) if values else None


# --- Headline figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    explanation: str
    value: float | int | None
    previous: float | int | None
    is_share: bool = False

    @property
    def change(self) -> float | None:
        """Relative change for counts; the difference in percentage points for shares."""
        if self.value is None or self.previous is None:
            return None
        if self.is_share:
            return (self.value - self.previous) * 100
        if not self.previous:
            return 0.0 if not self.value else None
        return (self.value - self.previous) / self.previous


@dataclass(frozen=True)
class Totals:
    days_with_figures: int
    reach: int | None
    reach_followers: int | None
    reach_non_followers: int | None
    views: int | None
    accounts_engaged: int | None
    interactions: int | None
    followers: int | None

    @property
    def non_follower_share(self) -> float | None:
        if self.reach_non_followers is None:
            return None
        return share(self.reach_non_followers, (self.reach_followers or 0) + self.reach_non_followers)

    @property
    def reach_per_view(self) -> float | None:
        return share(self.reach, self.views)


def totals(rows: Sequence[dict[str, Any]]) -> Totals:
    followers = [row["follower_count"] for row in rows if row["follower_count"] is not None]
    return Totals(
        days_with_figures=len(rows),
        reach=_total(rows, "reach"),
        reach_followers=_total(rows, "reach_followers"),
        reach_non_followers=_total(rows, "reach_non_followers"),
        views=_total(rows, "views"),
        accounts_engaged=_total(rows, "accounts_engaged"),
        interactions=_total(rows, "total_interactions"),
        followers=followers[-1] if followers else None,
    )


def headlines(current: Totals, previous: Totals, posts: tuple[int, int]) -> list[Headline]:
    return [
        Headline(
            "reach",
            _("Accounts reached"),
            _("Accounts that saw our content, counted day by day and added up."),
            current.reach,
            previous.reach,
        ),
        Headline(
            "non_follower_share",
            _("Reached who do not follow us"),
            _("Share of the accounts reached that do not follow the account."),
            current.non_follower_share,
            previous.non_follower_share,
            is_share=True,
        ),
        Headline(
            "views",
            _("Times shown"),
            _("How often our content was on someone's screen (views), repeats included."),
            current.views,
            previous.views,
        ),
        Headline(
            "reach_per_view",
            _("Accounts reached per time shown"),
            _("Accounts reached divided by times shown: how many different people the showings reached."),
            current.reach_per_view,
            previous.reach_per_view,
            is_share=True,
        ),
        Headline(
            "accounts_engaged",
            _("Accounts that reacted"),
            _("Accounts that liked, commented, saved, shared or replied, counted day by day."),
            current.accounts_engaged,
            previous.accounts_engaged,
        ),
        Headline(
            "followers",
            _("Followers"),
            _("Followers at the end of the period."),
            current.followers,
            previous.followers,
        ),
        Headline(
            "posts",
            _("Posts published"),
            _("Posts, reels and stories published in the period."),
            posts[0],
            posts[1],
        ),
    ]


# --- Charts as tables --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    heading: str
    values: Sequence[float | int | None]
    is_share: bool = False
    in_chart: bool = True
    colour: str = ""
    # A column of words (a date, a kind of post) instead of numbers; never drawn.
    texts: Sequence[str] = ()
    csv_texts: Sequence[str] = ()


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    kind: str  # "line", "bar" or "" for a table without a chart
    label_heading: str
    labels: list[str]
    csv_labels: list[str]
    columns: list[Column]
    highlight: tuple[int, ...] = ()
    stacked: bool = False
    note: str = ""
    links: list[str] = field(default_factory=list)

    @property
    def chart_columns(self) -> list[Column]:
        return [column for column in self.columns if column.in_chart and not column.texts]

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no figure at all, or only zeros (no posts of any kind)."""
        return not any(value for column in (self.chart_columns or self.columns) for value in column.values)

    @property
    def shows_shares(self) -> bool:
        return all(column.is_share for column in self.chart_columns)

    def rows(self) -> list[dict[str, Any]]:
        """The table: one row per label, each cell with the value and whether it is a share."""
        return [
            {
                "label": label,
                "link": self.links[index] if index < len(self.links) else "",
                "highlight": index in self.highlight,
                "cells": [
                    {
                        "value": column.values[index] if index < len(column.values) else None,
                        "is_share": column.is_share,
                        "text": column.texts[index] if column.texts else None,
                    }
                    for column in self.columns
                ],
            }
            for index, label in enumerate(self.labels)
        ]

    def csv_rows(self) -> list[list[Any]]:
        header = [self.label_heading] + [
            _("%(heading)s (%%)") % {"heading": column.heading} if column.is_share else column.heading
            for column in self.columns
        ]
        body = []
        for index, label in enumerate(self.csv_labels):
            row: list[Any] = [label]
            for column in self.columns:
                value = column.values[index] if index < len(column.values) else None
                if column.texts:
                    row.append((column.csv_texts or column.texts)[index])
                elif value is None:
                    row.append("")
                elif column.is_share:
                    row.append(f"{value * 100:.1f}")
                else:
                    row.append(value)
            body.append(row)
        return [header, *body]

    def _chart_values(self, column: Column) -> list[float | None]:
        scale = 100 if column.is_share else 1
        return [None if value is None else round(value * scale, 1) for value in column.values]

    def chart_data(self) -> dict[str, Any]:
        """What static/analytics/dashboard.js hands to Chart.js."""
        return {
            "id": f"chart-{self.slug}",
            "type": self.kind,
            "labels": self.labels,
            "stacked": self.stacked,
            "percent": self.shows_shares,
            "highlight": list(self.highlight),
            "datasets": [
                {
                    "label": column.heading,
                    "data": self._chart_values(column),
                    "colour": column.colour or svg.PALETTE[index % len(svg.PALETTE)],
                }
                for index, column in enumerate(self.chart_columns)
            ],
        }

    def svg(self, width: int = 640, height: int = 240) -> SafeString:
        series = [
            svg.Series(column.heading, self._chart_values(column), column.colour)
            for column in self.chart_columns
        ]
        draw: Callable[..., SafeString] = svg.line_chart if self.kind == "line" else svg.bar_chart
        extra: dict[str, Any] = (
            {"highlight": self.highlight, "stacked": self.stacked} if self.kind == "bar" else {}
        )
        return draw(title=self.title, labels=self.labels, series=series, width=width, height=height, **extra)


def _buckets(period: Period) -> tuple[list[tuple[date, date]], bool]:
    """Days, or for long periods weeks from Monday (the first and last may be shorter)."""
    if period.days <= DAILY_UP_TO_DAYS:
        return [(day, day) for day in period.dates()], False
    buckets = []
    start = period.start
    while start <= period.end:
        end = min(start + timedelta(days=6 - start.weekday()), period.end)
        buckets.append((start, end))
        start = end + timedelta(days=1)
    return buckets, True


def _over_time(
    period: Period, days: dict[date, dict[str, Any]]
) -> tuple[list[str], list[str], list[Totals], str]:
    buckets, weekly = _buckets(period)
    labels = [date_format(start, "SHORT_DATE_FORMAT") for start, _end in buckets]
    csv_labels = [start.isoformat() for start, _end in buckets]
    sums = []
    for start, end in buckets:
        rows = [days[start + timedelta(days=offset)] for offset in range((end - start).days + 1)]
        sums.append(totals([row for row in rows if row is not None]))
    heading = _("Week from") if weekly else _("Day")
    return labels, csv_labels, sums, heading


def reach_chart(period: Period, days: dict[date, dict[str, Any]]) -> Chart:
    labels, csv_labels, sums, heading = _over_time(period, _with_gaps(period, days))
    return Chart(
        slug="reach",
        title=_("Accounts reached: followers and non-followers"),
        description=_(
            "Accounts reached each day (each week for long periods), split into followers and non-followers."
        ),
        kind="bar",
        stacked=True,
        label_heading=heading,
        labels=labels,
        csv_labels=csv_labels,
        columns=[
            Column(_("Followers reached"), [s.reach_followers for s in sums], colour=FOLLOWERS_COLOUR),
            Column(
                _("Non-followers reached"), [s.reach_non_followers for s in sums], colour=NON_FOLLOWERS_COLOUR
            ),
            Column(
                _("Share who do not follow us"),
                [s.non_follower_share for s in sums],
                is_share=True,
                in_chart=False,
            ),
        ],
    )


def views_chart(period: Period, days: dict[date, dict[str, Any]]) -> Chart:
    labels, csv_labels, sums, heading = _over_time(period, _with_gaps(period, days))
    return Chart(
        slug="views-and-reach",
        title=_("Times shown and accounts reached"),
        description=_(
            "How often our content was shown (views) against how many different accounts saw it (reach). "
            "The share says how many different accounts stood behind every hundred showings."
        ),
        kind="line",
        label_heading=heading,
        labels=labels,
        csv_labels=csv_labels,
        columns=[
            Column(_("Times shown"), [s.views for s in sums]),
            Column(_("Accounts reached"), [s.reach for s in sums]),
            Column(
                _("Accounts reached per time shown"),
                [s.reach_per_view for s in sums],
                is_share=True,
                in_chart=False,
            ),
        ],
    )


def _with_gaps(period: Period, days: dict[date, dict[str, Any]]) -> dict[date, Any]:
    return {day: days.get(day) for day in period.dates()}


def _age_key(band: str) -> tuple[int, str]:
    digits = "".join(character if character.isdigit() else " " for character in band).split()
    return (int(digits[0]) if digits else 999, band)


@dataclass(frozen=True)
class AudienceFacts:
    day: date | None
    target_age_share: float | None
    germany_share: float | None


def audience_facts(snapshot: AudienceSnapshot | None) -> AudienceFacts:
    if snapshot is None:
        return AudienceFacts(None, None, None)
    age_total = sum(snapshot.age.values())
    country_total = sum(snapshot.country.values())
    return AudienceFacts(
        snapshot.day,
        share(sum(snapshot.age.get(band, 0) for band in TARGET_AGE_BANDS), age_total),
        share(snapshot.country.get(TARGET_COUNTRY, 0), country_total),
    )


def age_chart(snapshot: AudienceSnapshot | None) -> Chart:
    ages = snapshot.age if snapshot else {}
    bands = sorted(ages, key=_age_key)
    total = sum(ages.values())
    return Chart(
        slug="audience-age",
        title=_("Followers by age"),
        description=_(
            "Share of followers in each age band; the bands of our target audience, 18 to 34, are marked."
        ),
        kind="bar",
        label_heading=_("Age"),
        labels=[band.replace("-", "–") for band in bands],
        csv_labels=bands,
        columns=[
            Column(_("Share of followers"), [share(ages[band], total) for band in bands], is_share=True),
            Column(_("Followers"), [ages[band] for band in bands], in_chart=False),
        ],
        highlight=tuple(index for index, band in enumerate(bands) if band in TARGET_AGE_BANDS),
        note=_("Aged 18 to 34 (our target audience): %(share)s of followers.")
        % {"share": percent(audience_facts(snapshot).target_age_share)}
        if ages
        else "",
    )


def country_name(code: str) -> str:
    try:
        locale = Locale.parse(get_language() or "en", sep="-")
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return str(locale.territories.get(code.upper(), code))


def country_chart(snapshot: AudienceSnapshot | None) -> Chart:
    countries = snapshot.country if snapshot else {}
    total = sum(countries.values())
    top = sorted(countries, key=lambda code: (-countries[code], code))[:TOP_COUNTRIES]
    if TARGET_COUNTRY in countries and TARGET_COUNTRY not in top:
        top.append(TARGET_COUNTRY)
    return Chart(
        slug="audience-country",
        title=_("Followers by country"),
        description=_(
            "The countries most of our followers live in, as a share of all followers Instagram reports a country for."
        ),
        kind="bar",
        label_heading=_("Country"),
        labels=[country_name(code) for code in top],
        csv_labels=top,
        columns=[
            Column(_("Share of followers"), [share(countries[code], total) for code in top], is_share=True),
            Column(_("Followers"), [countries[code] for code in top], in_chart=False),
        ],
        highlight=tuple(index for index, code in enumerate(top) if code == TARGET_COUNTRY),
        note=_("In Germany: %(share)s of followers.")
        % {"share": percent(audience_facts(snapshot).germany_share)}
        if countries
        else "",
    )


def _average(values: Iterable[int | None]) -> float | None:
    known = [value for value in values if value is not None]
    return round(sum(known) / len(known)) if known else None


def _results_chart(
    slug: str,
    title: str,
    heading: str,
    groups: Sequence[tuple[str, Any]],
    results: Sequence[selectors.PostResult],
    member: Callable[[selectors.PostResult, str], bool],
) -> Chart:
    grouped = [[result for result in results if member(result, code)] for code, _label in groups]
    return Chart(
        slug=slug,
        title=title,
        description=_(
            "Posts published in the period and what each reached on average, as of the period's last day."
        ),
        kind="bar",
        label_heading=heading,
        labels=[str(label) for _code, label in groups],
        csv_labels=[code for code, _label in groups],
        columns=[
            Column(_("Posts"), [len(group) for group in grouped], in_chart=False),
            Column(_("Accounts reached per post"), [_average(r.reach for r in group) for group in grouped]),
            Column(
                _("Times shown per post"),
                [_average(r.views for r in group) for group in grouped],
                in_chart=False,
            ),
            Column(
                _("Interactions per post"), [_average(r.interactions for r in group) for group in grouped]
            ),
        ],
    )


def results_charts(results: Sequence[selectors.PostResult]) -> list[Chart]:
    return [
        _results_chart(
            "objectives",
            _("Results per objective"),
            _("Objective"),
            Objective.choices,
            results,
            lambda result, code: result.objective == code,
        ),
        _results_chart(
            "formats",
            _("Results per format"),
            _("Format"),
            Format.choices,
            results,
            lambda result, code: result.format == code,
        ),
        _results_chart(
            "career-stages",
            _("Results per career stage of the people featured"),
            _("Career stage"),
            CareerStage.choices,
            results,
            lambda result, code: code in result.career_stages,
        ),
    ]


def top_posts(results: Sequence[selectors.PostResult], count: int = TOP_POSTS) -> list[selectors.PostResult]:
    return sorted(results, key=lambda result: (-(result.reach or 0), -(result.views or 0), result.post_id))[
        :count
    ]


def top_posts_chart(results: Sequence[selectors.PostResult], count: int = TOP_POSTS) -> Chart:
    best = top_posts(results, count)
    return Chart(
        slug="top-posts",
        title=_("Top posts"),
        description=_("The posts of the period that reached the most accounts, as of the period's last day."),
        kind="",
        label_heading=_("Post"),
        labels=[result.title for result in best],
        csv_labels=[result.title for result in best],
        links=[result.url for result in best],
        columns=[
            Column(
                _("Published"),
                [],
                texts=[date_format(localtime(r.published_at), "SHORT_DATE_FORMAT") for r in best],
                csv_texts=[localtime(r.published_at).date().isoformat() for r in best],
            ),
            Column(
                _("Objective"),
                [],
                texts=[r.objective_label for r in best],
                csv_texts=[r.objective for r in best],
            ),
            Column(_("Format"), [], texts=[r.format_label for r in best], csv_texts=[r.format for r in best]),
            Column(_("Accounts reached"), [r.reach for r in best]),
            Column(_("Times shown"), [r.views for r in best]),
            Column(_("Interactions"), [r.interactions for r in best]),
            Column(_("Saves"), [r.saves for r in best]),
            Column(_("Shares"), [r.shares for r in best]),
        ],
    )


# --- The whole page ----------------------------------------------------------------------------


@dataclass
class Dashboard:
    period: Period
    headlines: list[Headline]
    totals: Totals
    audience: AudienceFacts
    charts: list[Chart]
    best_posts: list[selectors.PostResult]

    def chart(self, slug: str) -> Chart:
        return next(chart for chart in self.charts if chart.slug == slug)

    @property
    def headline_by_key(self) -> dict[str, Headline]:
        return {headline.key: headline for headline in self.headlines}

    @property
    def has_figures(self) -> bool:
        return self.totals.days_with_figures > 0 or bool(self.best_posts)


def build(period: Period, *, top: int = TOP_POSTS) -> Dashboard:
    """Everything the dashboard and the report show for ``period``: five queries, always."""
    days = selectors.account_days(period)
    current = totals([row for day, row in days.items() if day in period])
    previous = totals([row for day, row in days.items() if day in period.previous])
    audience = selectors.follower_audience(period)
    results = selectors.post_results(period)
    posts = selectors.published_counts(period)
    charts = [
        reach_chart(period, days),
        views_chart(period, days),
        age_chart(audience),
        country_chart(audience),
        *results_charts(results),
        top_posts_chart(results, top),
    ]
    return Dashboard(
        period=period,
        headlines=headlines(current, previous, posts),
        totals=current,
        audience=audience_facts(audience),
        charts=charts,
        best_posts=top_posts(results, top),
    )
