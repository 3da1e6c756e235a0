"""The lists: my stories, and the review queue (its filtering is `queries.review_queue`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_GET

from contributors.models import name_of
from contributors.roles import roles_of

from .. import queries
from ..forms import (
    ReviewFilterForm,
)
from ..models import (
    CoAuthorInvitation,
    Format,
    Objective,
    Status,
    Story,
)
from ..panels import ListedStory, story_list_figures, story_next_steps
from ..templatetags.stories_extras import status_badge, waited

QUEUE_PAGE_SIZE = 25
MINE_PAGE_SIZE = 30


# ---------------------------------------------------------------------------------------------
# Lists


class CountedPaginator(Paginator):
    """A paginator told how many objects there are (another query has counted them already)."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


@login_required
@require_GET
def my_stories(request: HttpRequest) -> HttpResponse:
    own = Story.objects.mine(request.user)
    # Counted on the plain stories: the rows' joins and subqueries would only slow the count down.
    page = CountedPaginator(
        own.order_by("-updated_at", "-pk").values(*queries.MINE_ROW_FIELDS),
        MINE_PAGE_SIZE,
        own.count(),
    ).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    pks = [row["pk"] for row in listed]
    records = [ListedStory(row["pk"], row["status"], row["title"]) for row in listed]
    figures = story_list_figures(records)
    next_steps = story_next_steps(records)
    invitations = CoAuthorInvitation.objects.filter(
        contributor__user_id=int(request.user.pk or 0)
    ).select_related("story__author__user", "invited_by__contributor")
    return render(
        request,
        "stories/mine.html",
        {
            "page": page,
            "rows": _mine_rows(
                listed, queries.photos_of(pks), figures, next_steps, int(request.user.pk or 0)
            ),
            "invitations": list(invitations),
        },
    )


@dataclass(frozen=True)
class MineRow:
    """What one row of "my stories" shows, worked out in Python once (as `QueueRow`)."""

    url: str
    title: str
    thumb_url: str
    details: str
    status_label: str
    status_badge: str
    next_step: str
    updated_on: str
    figures: list[str]


# What happens next for a story in each state, as its authors read it on the list (a higher app
# may say more through `register_story_next_steps`, e.g. when an approved story goes out).
NEXT_STEPS = {
    Status.DRAFT: gettext_lazy("Draft — submit it when it is ready"),
    Status.SUBMITTED: gettext_lazy("Waiting for the team"),
    Status.RESUBMITTED: gettext_lazy("Resubmitted — waiting for the team"),
    Status.IN_REVIEW: gettext_lazy("The team is reviewing it"),
    Status.CHANGES_REQUESTED: gettext_lazy("Changes requested — edit and resubmit"),
    Status.ON_HOLD: gettext_lazy("On hold — the team will get back to you"),
    Status.APPROVED: gettext_lazy("Approved — the team will choose a date"),
    Status.WITHDRAWN: gettext_lazy("Withdrawn — nothing more to do"),
    Status.REJECTED: gettext_lazy("Not taken — the story page says why"),
}


def _mine_rows(
    stories: list[dict[str, Any]],
    photos: dict[int, tuple[int, int, str]],
    figures: dict[int, list[str]],
    next_steps: dict[int, str],
    user_id: int,
) -> list[MineRow]:
    detail_url = _url_maker("stories:detail", 987654321)
    thumb_url = _url_maker("stories:image_rendition", 987654321, 987654322)
    # The day each story last changed, formatted once per day (rows share days).
    days: dict[Any, str] = {}
    status_labels = dict(Status.choices)
    objective_labels = dict(Objective.choices)
    format_labels = dict(Format.choices)
    rows = []
    for story in stories:
        pk, status = story["pk"], story["status"]
        photo_count, first_id, first_rendition = photos.get(pk, (0, 0, ""))
        details = [
            str(objective_labels.get(story["objective"], story["objective"])),
            str(format_labels.get(story["format"], story["format"])),
            ngettext("%(counter)s photo", "%(counter)s photos", photo_count) % {"counter": photo_count},
        ]
        if story["author__user_id"] != user_id:
            author = name_of(
                story["author__display_name"],
                story["author__user__first_name"],
                story["author__user__last_name"],
                story["author__user__username"],
            )
            details.append(gettext("with %(name)s") % {"name": author})
        day = timezone.localtime(story["updated_at"]).date()
        if day not in days:
            days[day] = date_format(day, "SHORT_DATE_FORMAT")
        thumb = ""
        if first_rendition:
            thumb = f"{thumb_url(pk, first_id)}?v={PurePosixPath(first_rendition).stem}"
        rows.append(
            MineRow(
                url=detail_url(pk),
                title=story["title"],
                thumb_url=thumb,
                details=" · ".join(details),
                status_label=str(status_labels.get(status, status)),
                status_badge=status_badge(status),
                next_step=next_steps.get(pk) or str(NEXT_STEPS.get(status, "")),
                updated_on=days[day],
                figures=figures.get(pk, []),
            )
        )
    return rows


def _is_reviewer(user: Any) -> bool:
    roles = roles_of(user)
    return roles.team or roles.science


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    if not _is_reviewer(request.user):
        raise PermissionDenied
    form = ReviewFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    stories, counts = queries.review_queue(request.user, filters)
    page = CountedPaginator(
        stories.values(*queries.QUEUE_ROW_FIELDS), QUEUE_PAGE_SIZE, queries.queue_length(counts, filters)
    ).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    co_authors = queries.co_authors_of(row["pk"] for row in listed)
    rows = _queue_rows(listed, co_authors, queries.without_eligible_reviewer(listed, co_authors))
    query = request.GET.copy()
    query.pop("page", None)
    status_counts = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Status.choices
        if value != Status.DRAFT
    ]
    return render(
        request,
        "stories/review_queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "status_counts": status_counts,
            "awaiting_count": queries.queue_length(counts, {"status": queries.AWAITING}),
            "query": query.urlencode(),
        },
    )


@dataclass(frozen=True)
class QueueRow:
    """What one row of the review queue shows, worked out in Python once: a template resolving
    the same from the story took most of the page's time."""

    url: str
    title: str
    thumb_url: str
    byline: str
    photos: str
    needs_admin: bool
    status_label: str
    status_badge: str
    waited: str
    objective: str
    format: str
    result: str
    reviewer: str


def _url_maker(name: str, *placeholders: int) -> Callable[..., str]:
    """`reverse(name, args=...)` for many rows at the cost of one reversal: the pattern's
    placeholders (numbers no row has) are replaced by each row's numbers."""
    pattern = reverse(name, args=placeholders)
    marks = [f"/{number}/" for number in placeholders]

    def url(*numbers: int) -> str:
        result = pattern
        for mark, number in zip(marks, numbers, strict=True):
            result = result.replace(mark, f"/{number}/", 1)
        return result

    return url


def _queue_rows(
    stories: list[dict[str, Any]], co_authors: dict[int, list[tuple[int, str]]], needs_admin: set[int]
) -> list[QueueRow]:
    detail_url = _url_maker("stories:detail", 987654321)
    thumb_url = _url_maker("stories:image_rendition", 987654321, 987654322)
    labels: dict[str, dict[str, Any]] = {
        "status": dict(Status.choices),
        "objective": dict(Objective.choices),
        "format": dict(Format.choices),
    }
    rows = []
    for story in stories:
        pk, status = story["pk"], story["status"]
        result = (
            story["publication__cms_id"]
            or story["publication__arxiv_id"]
            or story["publication__doi"]
            or story["publication__title"]
            or story["result_reference"]
        )
        author = name_of(
            story["author__display_name"],
            story["author__user__first_name"],
            story["author__user__last_name"],
            story["author__user__username"],
        )
        reviewer = ""
        if story["reviewer_id"] is not None:
            reviewer = name_of(
                "", story["reviewer__first_name"], story["reviewer__last_name"], story["reviewer__username"]
            )
        rows.append(
            QueueRow(
                url=detail_url(pk),
                title=story["title"],
                thumb_url=thumb_url(pk, story["thumb_id"]) if story["thumb_id"] else "",
                byline=", ".join([author, *(name for _user_id, name in co_authors.get(pk, []))]),
                photos=ngettext("%(counter)s photo", "%(counter)s photos", story["photo_count"])
                % {"counter": story["photo_count"]},
                needs_admin=pk in needs_admin,
                status_label=str(labels["status"].get(status, status)),
                status_badge=status_badge(status),
                waited=waited(story["status_changed_at"]),
                objective=str(labels["objective"].get(story["objective"], story["objective"])),
                format=str(labels["format"].get(story["format"], story["format"])),
                result=Truncator(result).chars(30) if result else "–",
                reviewer=reviewer or "–",
            )
        )
    return rows
