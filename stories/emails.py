"""E-mails about stories: HTML and text, each in its recipient's language, each with a link.

The services queue these with `transaction.on_commit`, passing ids; a rolled-back change sends
nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from contributors.roles import OUTREACH_TEAM

from .models import Comment, Story

logger = logging.getLogger(__name__)


def display_name(user: Any) -> str:
    contributor = getattr(user, "contributor", None)
    if contributor is not None:
        return contributor.name
    return user.get_full_name() or user.get_username()


def story_link(story: Story, anchor: str = "") -> str:
    return f"{settings.PUBLIC_BASE_URL}{story.get_absolute_url()}{anchor}"


def _language_of(user: Any) -> str:
    contributor = getattr(user, "contributor", None)
    return getattr(contributor, "language", None) or settings.LANGUAGE_CODE


def _story(story_id: int) -> Story:
    return (
        Story.objects.select_related("author__user__contributor", "reviewer__contributor")
        .prefetch_related("co_authors__user__contributor")
        .get(pk=story_id)
    )


def _authors(story: Story) -> list[Any]:
    return [story.author.user, *(c.user for c in story.co_authors.all())]


def _team() -> list[Any]:
    return list(
        get_user_model()
        .objects.filter(groups__name=OUTREACH_TEAM, is_active=True)
        .select_related("contributor")
        .distinct()
        .order_by("pk")
    )


def _send(
    users: Iterable[Any],
    *,
    actor_id: int | None,
    story: Story,
    subject: str,
    intro: str,
    quote: str = "",
    anchor: str = "",
    **values: Any,
) -> int:
    """Send one message per person, rendered in that person's language.

    `subject` and `intro` are untranslated message ids (marked with gettext_noop), translated
    for each recipient and filled with the story's title and `values`.
    """
    values = {"title": story.title, **values}
    sent = 0
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk == actor_id or user.pk in seen or not user.email or not user.is_active:
            continue
        seen.add(user.pk)
        with translation.override(_language_of(user)):
            context = {
                "recipient_name": display_name(user),
                "story": story,
                "intro": _(intro) % values,
                "quote": quote,
                "link": story_link(story, anchor),
            }
            # A title typed with line breaks must not break the header (Django refuses to send).
            subject_text = " ".join((settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _(subject) % values).split())
            text = render_to_string("stories/email/notification.txt", context)
            html = render_to_string("stories/email/notification.html", context)
        message = EmailMultiAlternatives(subject_text, text, to=[user.email])
        message.attach_alternative(html, "text/html")
        message.send()
        sent += 1
    return sent


def _actor_name(actor_id: int | None) -> str:
    if actor_id is None:
        return ""
    user = get_user_model().objects.select_related("contributor").filter(pk=actor_id).first()
    return display_name(user) if user else ""


def notify_submitted(*, story_id: int, actor_id: int) -> int:
    return _send(
        _team(),
        actor_id=actor_id,
        story=_story(story_id),
        subject=gettext_noop("New story: %(title)s"),
        intro=gettext_noop("%(actor)s submitted the story “%(title)s”. It waits in the review queue."),
        actor=_actor_name(actor_id),
    )


def notify_resubmitted(*, story_id: int, actor_id: int) -> int:
    story = _story(story_id)
    return _send(
        [story.reviewer] if story.reviewer else _team(),
        actor_id=actor_id,
        story=story,
        subject=gettext_noop("Story resubmitted: %(title)s"),
        intro=gettext_noop("%(actor)s changed the story “%(title)s” and submitted it again."),
        actor=_actor_name(actor_id),
    )


def notify_changes_requested(*, story_id: int, actor_id: int, comment: str) -> int:
    story = _story(story_id)
    return _send(
        _authors(story),
        actor_id=actor_id,
        story=story,
        subject=gettext_noop("Changes requested: %(title)s"),
        intro=gettext_noop("%(actor)s of the outreach team asks for changes to your story “%(title)s”:"),
        quote=comment,
        actor=_actor_name(actor_id),
    )


def notify_approved(*, story_id: int, actor_id: int) -> int:
    story = _story(story_id)
    return _send(
        _authors(story),
        actor_id=actor_id,
        story=story,
        subject=gettext_noop("Approved: %(title)s"),
        intro=gettext_noop(
            "Your story “%(title)s” has been approved. The outreach team will schedule it for Instagram."
        ),
    )


def notify_rejected(*, story_id: int, actor_id: int) -> int:
    story = _story(story_id)
    return _send(
        _authors(story),
        actor_id=actor_id,
        story=story,
        subject=gettext_noop("Not accepted: %(title)s"),
        intro=gettext_noop("The outreach team decided not to post your story “%(title)s”. The reason:"),
        quote=story.rejection_reason,
    )


def notify_comment(*, comment_id: int) -> int:
    comment = Comment.objects.select_related("image").get(pk=comment_id)
    story = _story(comment.story_id)
    if comment.image is not None:
        intro = gettext_noop("%(actor)s commented on photo %(number)d of “%(title)s”:")
        number = comment.image.position + 1
    else:
        intro = gettext_noop("%(actor)s commented on “%(title)s”:")
        number = 0
    return _send(
        _authors(story) + ([story.reviewer] if story.reviewer else []),
        actor_id=comment.author_id,
        story=story,
        subject=gettext_noop("New comment: %(title)s"),
        intro=intro,
        quote=comment.body,
        anchor=f"#comment-{comment.pk}",
        actor=_actor_name(comment.author_id),
        number=number,
    )
