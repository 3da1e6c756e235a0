"""The lists: my stories, and the review queue (its filtering is `queries.review_queue`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from contributors.roles import roles_of

from .. import queries
from ..forms import (
    ReviewFilterForm,
)
from ..models import (
    REVIEWABLE_STATUSES,
    CoAuthorInvitation,
    Status,
    Story,
)
from ..panels import story_list_figures

QUEUE_PAGE_SIZE = 25
MINE_PAGE_SIZE = 30


# ---------------------------------------------------------------------------------------------
# Lists


@login_required
@require_GET
def my_stories(request: HttpRequest) -> HttpResponse:
    stories = Story.objects.mine(request.user).with_list_data().order_by("-updated_at", "-pk")
    page = Paginator(stories, MINE_PAGE_SIZE).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    figures = story_list_figures(listed)
    for story in listed:
        story.list_figures = figures.get(story.pk, [])
    invitations = CoAuthorInvitation.objects.filter(
        contributor__user_id=int(request.user.pk or 0)
    ).select_related("story__author__user", "invited_by__contributor")
    return render(
        request,
        "stories/mine.html",
        {"page": page, "stories": listed, "invitations": list(invitations)},
    )


def _is_reviewer(user: Any) -> bool:
    roles = roles_of(user)
    return roles.team or roles.science


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    if not _is_reviewer(request.user):
        raise PermissionDenied
    form = ReviewFilterForm(request.GET or None)
    stories, counts = queries.review_queue(request.user, form.cleaned_data if form.is_valid() else {})
    page = Paginator(stories, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
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
            "stories": page.object_list,
            "without_reviewer": queries.without_eligible_reviewer(page.object_list),
            "status_counts": status_counts,
            "awaiting_count": sum(counts.get(value, 0) for value in REVIEWABLE_STATUSES),
            "query": query.urlencode(),
            "now": timezone.now(),
        },
    )
