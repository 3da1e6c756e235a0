"""Calendar, post, feed, leads and training pages: parse, call one service, render."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from contributors.models import Contributor, Publication
from contributors.roles import roles_of
from stories.models import Status as StoryStatus
from stories.models import StoryVideo

from . import feed, public_media, selectors, services
from .forms import CalendarFilterForm, InviteForm, PostActionForm
from .models import CalendarFeed, Post, PostStatus
from .workflow import BY_NAME, actions_for


def _require_team(request: HttpRequest) -> None:
    if not roles_of(request.user).team:
        raise PermissionDenied


def _parse_instant(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed, timezone.get_default_timezone())
    return parsed


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    _require_team(request)
    filters = CalendarFilterForm(request.GET or None)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    feed_row, _created = CalendarFeed.objects.get_or_create(user=cast(Any, request.user))
    try:
        initial_date = date.fromisoformat(request.GET.get("date", "")).isoformat()
    except ValueError:
        initial_date = ""
    query = request.GET.urlencode() if filters.is_valid() else ""
    return render(
        request,
        "scheduling/calendar.html",
        {
            "filters": filters,
            "initial_date": initial_date,
            "events_url": reverse("scheduling:calendar_events") + (f"?{query}" if query else ""),
            "feed_url": request.build_absolute_uri(reverse("scheduling:feed", args=[feed_row.token])),
            "unscheduled": selectors.unscheduled_posts(objective=chosen.get("objective", "")),
            "upcoming": selectors.upcoming_posts(objective=chosen.get("objective", "")),
        },
    )


@login_required
@require_GET
def calendar_events(request: HttpRequest) -> JsonResponse:
    """FullCalendar's event source: posts and events between start and end."""
    _require_team(request)
    now = timezone.now()
    start = _parse_instant(request.GET.get("start")) or now - timedelta(days=31)
    end = _parse_instant(request.GET.get("end")) or start + timedelta(days=42)
    if end <= start or end - start > timedelta(days=400):
        return JsonResponse({"error": _("Please ask for at most a year at a time.")}, status=400)
    filters = CalendarFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    items = selectors.calendar_items(
        start=start, end=end, kind=chosen.get("kind", ""), objective=chosen.get("objective", "")
    )
    return JsonResponse(items, safe=False)


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_team(request)
    post = get_object_or_404(Post.objects.with_calendar_data(), pk=pk)
    return _render_post(request, post, PostActionForm(initial={"when": _suggested_time(post)}))


def _suggested_time(post: Post) -> datetime | None:
    if post.scheduled_at:
        return timezone.localtime(post.scheduled_at)
    return services.next_free_slot(post=post)


def _render_post(request: HttpRequest, post: Post, form: PostActionForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "scheduling/post.html",
        {
            "post": post,
            "thumbnail": selectors.thumbnail_url(post),
            "video": selectors.video_of_post(post),
            "cover_note": selectors.cover_note(post),
            "form": form,
            "actions": actions_for(request.user, post.status),
            "next_free": services.next_free_slot(post=post),
            "transitions": post.transitions.select_related("actor").order_by("-created_at", "-pk"),
            "steps": post.publish_steps.order_by("-started_at", "-pk")[:50],
        },
        status=status,
    )


@login_required
@require_POST
def post_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_team(request)
    if action not in BY_NAME:
        raise Http404
    post = get_object_or_404(Post.objects.with_calendar_data(), pk=pk)
    form = PostActionForm(request.POST)
    if not form.is_valid():
        return _render_post(request, post, form)
    try:
        services.run_action(
            post=post,
            user=request.user,
            name=action,
            when=form.cleaned_data["when"],
            text=form.cleaned_data["text"],
        )
    except services.PostError as exc:
        form.add_error(None, exc.message)
        return _render_post(request, post, form)
    if action in ("publish_now", "retry"):
        messages.success(request, _("The post goes out to Instagram within a minute."))
    elif action == "removed_by_hand":
        messages.success(request, _("Recorded: you removed the post from Instagram."))
    elif post.scheduled_at:
        messages.success(
            request, _("The post is scheduled for %(when)s.") % {"when": services.shown(post.scheduled_at)}
        )
    else:
        messages.success(request, _("The post is off the calendar."))
    return redirect(post.get_absolute_url())


@login_required
@require_POST
def post_move(request: HttpRequest, pk: int) -> JsonResponse:
    """A drag in the calendar: the same checks as the form; the post stays put when refused."""
    _require_team(request)
    post = get_object_or_404(Post.objects.with_calendar_data(), pk=pk)
    try:
        payload = json.loads(request.body or b"{}") if request.content_type == "application/json" else None
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        payload = request.POST  # a plain form post works as well
    start = payload.get("start")
    when = _parse_instant(start) if isinstance(start, str) else None
    if when is None:
        return JsonResponse({"error": _("Please give a date and time.")}, status=400)
    name = "reschedule" if post.status in BY_NAME["reschedule"].from_states else "schedule"
    try:
        services.run_action(post=post, user=request.user, name=name, when=when)
    except services.PostError as exc:
        return JsonResponse({"error": exc.message}, status=409)
    moved_to = cast(datetime, post.scheduled_at)  # a scheduled post has its time (a constraint)
    return JsonResponse(
        {
            "message": _("Moved to %(when)s.") % {"when": services.shown(moved_to)},
            "start": moved_to.isoformat(),
        }
    )


@never_cache
@require_GET
def feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The person's calendar for calendar apps: no session, the secret address is the key."""
    row = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if row is None:
        raise Http404
    response = HttpResponse(feed.build(row.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cmsatdesy.ics"'
    return response


@login_required
@require_POST
def feed_reset(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        user = cast(Any, request.user)
        CalendarFeed.objects.filter(user=user).delete()
        CalendarFeed.objects.create(user=user)
    messages.success(request, _("Your calendar address is new; the old one no longer works."))
    return redirect("scheduling:calendar" if roles_of(request.user).team else "home")


@login_required
@require_GET
def leads(request: HttpRequest) -> HttpResponse:
    _require_team(request)
    return render(request, "scheduling/leads.html", selectors.leads())


@login_required
@require_POST
def lead_invite(request: HttpRequest) -> HttpResponse:
    _require_team(request)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a result and one of its authors."))
        return redirect("scheduling:leads")
    publication = get_object_or_404(Publication, pk=form.cleaned_data["publication"])
    contributor = get_object_or_404(
        Contributor.objects.select_related("user"),
        pk=form.cleaned_data["contributor"],
        publications=publication,
    )
    services.lead_invite(publication=publication, contributor=contributor, user=request.user)
    messages.success(request, _("%(name)s is invited to tell this story.") % {"name": contributor.name})
    return redirect("scheduling:leads")


@login_required
@require_GET
def training(request: HttpRequest) -> HttpResponse:
    _require_team(request)
    return render(request, "scheduling/training.html", selectors.training_records())


# The states in which Meta may fetch a post's photos: an approved story's post on its way out.
SERVABLE_STATUSES = (PostStatus.SCHEDULED, PostStatus.PUBLISHING, PostStatus.PUBLISHED)


@never_cache
@require_GET
def public_media_file(request: HttpRequest, token: str) -> FileResponse:
    """One rendition for Meta's download, by a signed, short-lived address (no session)."""
    found = public_media.read_token(token)
    if found is None:
        raise Http404
    post_id, name = found
    post = (
        Post.objects.filter(pk=post_id, status__in=SERVABLE_STATUSES, story__status=StoryStatus.APPROVED)
        .only("renditions", "story_id")
        .first()
    )
    if post is None:
        raise Http404
    # A reel's cover photo is the only file served that is not one of the post's renditions.
    if (
        name not in post.renditions
        and not StoryVideo.objects.filter(story_id=post.story_id, cover_photo=name).exists()
    ):
        raise Http404
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = "video/mp4" if name.endswith(public_media.VIDEO_SUFFIX) else "image/jpeg"
    response = FileResponse(handle, content_type=content_type)
    response["X-Robots-Tag"] = "noindex"
    return response
