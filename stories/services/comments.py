"""Comments on a story, optionally pinned to one photo."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import InvalidInput, NotAllowed
from ..models import Comment, Story, StoryImage
from ..permissions import can_comment
from .common import comment_text
from .notices import notify


def comment_add(*, story: Story, user: Any, body: str, image: StoryImage | None = None) -> Comment:
    if not can_comment(user, story):
        raise NotAllowed(_("You cannot comment on this story."))
    body = comment_text(body, "body", _("Write a comment first."))
    if image is not None and image.story_id != story.pk:
        raise InvalidInput({"image": [_("This photo belongs to another story.")]})
    with transaction.atomic():
        comment = Comment.objects.create(story=story, author=user, body=body, image=image)
        notify("comment", story=story, actor=user, quote=body, comment=comment)
    return comment
