"""Answering an invitation to co-author a story (listed on the invited person's stories page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..models import CoAuthorInvitation, Story


def _invited_story(request: HttpRequest, pk: int) -> Story:
    # Only the invited person learns that the invitation exists; anyone else gets a 404.
    invitation = (
        CoAuthorInvitation.objects.select_related("story")
        .filter(story_id=pk, contributor__user_id=int(request.user.pk or 0))
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation.story


@login_required
@require_POST
def invitation_accept(request: HttpRequest, pk: int) -> HttpResponse:
    story = _invited_story(request, pk)
    try:
        services.co_author_accept(story=story, user=request.user)
    except services.StoryError as exc:
        messages.error(request, str(exc.message))
        return redirect("stories:mine")
    messages.success(request, _("You are now a co-author of “%(title)s”.") % {"title": story.title})
    return redirect("stories:detail", pk=story.pk)


@login_required
@require_POST
def invitation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    story = _invited_story(request, pk)
    try:
        services.co_author_decline(story=story, user=request.user)
    except services.StoryError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("You declined to co-author “%(title)s”.") % {"title": story.title})
    return redirect("stories:mine")
