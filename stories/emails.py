"""E-mails about stories: HTML and text, in the recipient's language, each with a link.

The services write one `Notice` per recipient with the change; a worker makes the e-mail from
it here, when it is sent (see `stories.services.notices`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import Notice, Story

# Notice kind → (subject, introduction): message ids, translated for each recipient and filled
# with the story's title, the actor's name and the photo number.
MESSAGES: dict[str, tuple[str, str]] = {
    "submit": (
        gettext_noop("New story: %(title)s"),
        gettext_noop("%(actor)s submitted the story “%(title)s”. It waits in the review queue."),
    ),
    "resubmit": (
        gettext_noop("Story resubmitted: %(title)s"),
        gettext_noop("%(actor)s changed the story “%(title)s” and submitted it again."),
    ),
    "request_changes": (
        gettext_noop("Changes requested: %(title)s"),
        gettext_noop("%(actor)s of the outreach team asks for changes to your story “%(title)s”:"),
    ),
    "approve": (
        gettext_noop("Approved: %(title)s"),
        gettext_noop(
            "Your story “%(title)s” has been approved. The outreach team will schedule it for Instagram."
        ),
    ),
    "reject": (
        gettext_noop("Not accepted: %(title)s"),
        gettext_noop("The outreach team decided not to post your story “%(title)s”. The reason:"),
    ),
    "comment": (
        gettext_noop("New comment: %(title)s"),
        gettext_noop("%(actor)s commented on “%(title)s”:"),
    ),
    "signoff_needed": (
        gettext_noop("Science sign-off needed: %(title)s"),
        gettext_noop(
            "%(actor)s submitted the story “%(title)s”, which is linked to a result. Please check its "
            "physics, then sign it off or request changes:"
        ),
    ),
    "science_signoff": (
        gettext_noop("Science signed off: %(title)s"),
        gettext_noop("%(actor)s signed off the science of the story “%(title)s”."),
    ),
    "science_request_changes": (
        gettext_noop("Changes to the science requested: %(title)s"),
        gettext_noop("%(actor)s, science reviewer, asks for changes to the physics of “%(title)s”:"),
    ),
    "take_back": (
        gettext_noop("Taken back to editing: %(title)s"),
        gettext_noop(
            "%(actor)s took the story “%(title)s” back to editing. It has left the review queue until "
            "it is submitted again."
        ),
    ),
    "co_author_invite": (
        gettext_noop("Invitation to co-author: %(title)s"),
        gettext_noop(
            "%(actor)s names you as co-author of the story “%(title)s”. Until you accept, the story "
            "is not shared with you. Accept or decline on your stories page:"
        ),
    ),
}
# Notices whose link leads to the recipient's stories page (they may not open the story yet).
LINK_TO_MY_STORIES = frozenset({"co_author_invite"})
PHOTO_COMMENT = gettext_noop("%(actor)s commented on photo %(number)d of “%(title)s”:")


def display_name(user: Any) -> str:
    contributor = getattr(user, "contributor", None)
    if contributor is not None:
        return contributor.name
    return user.get_full_name() or user.get_username()


def story_link(story: Story, anchor: str = "") -> str:
    return f"{settings.PUBLIC_BASE_URL}{story.get_absolute_url()}{anchor}"


def language_of(user: Any) -> str:
    contributor = getattr(user, "contributor", None)
    return getattr(contributor, "language", None) or settings.LANGUAGE_CODE


def render_notice(notice: Notice) -> EmailMultiAlternatives | None:
    """The e-mail of one notice, in its recipient's language; None if they can no longer get it."""
    user = notice.recipient
    if not user.email or not user.is_active:
        return None
    story = notice.story
    subject, intro = MESSAGES[notice.kind]
    values: dict[str, Any] = {
        "title": story.title,
        "actor": display_name(notice.actor) if notice.actor else "",
        "number": 0,
    }
    anchor = ""
    if notice.comment is not None:
        anchor = f"#comment-{notice.comment.pk}"
        if notice.comment.image_id is not None:
            intro = PHOTO_COMMENT
            values["number"] = notice.comment.image.position + 1 if notice.comment.image else 0
    with translation.override(language_of(user)):
        context = {
            "recipient_name": display_name(user),
            "story": story,
            "intro": _(intro) % values,
            "quote": notice.quote,
            "link": (
                f"{settings.PUBLIC_BASE_URL}{reverse('stories:mine')}#invitations"
                if notice.kind in LINK_TO_MY_STORIES
                else story_link(story, anchor)
            ),
        }
        # A title typed with line breaks must not break the header (Django refuses to send).
        subject_text = " ".join((settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _(subject) % values).split())
        text = render_to_string("stories/email/notification.txt", context)
        html = render_to_string("stories/email/notification.html", context)
    connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or 30)
    message = EmailMultiAlternatives(subject_text, text, to=[user.email], connection=connection)
    message.attach_alternative(html, "text/html")
    return message
