"""E-mails about stories: HTML and text, in the recipient's language, each with a link.

The services write one `Notice` per recipient with the change and render its e-mail here, in
the recipient's language, in the same transaction; `contributors.mail` stores and sends it
(see `stories.services.notices`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
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
    # The other authors of the story hear what one of them did with it.
    "authors_submit": (
        gettext_noop("Submitted for review: %(title)s"),
        gettext_noop(
            "%(actor)s submitted your story “%(title)s” to the outreach team. You will hear when the "
            "team has decided."
        ),
    ),
    "authors_resubmit": (
        gettext_noop("Resubmitted for review: %(title)s"),
        gettext_noop("%(actor)s changed your story “%(title)s” and submitted it to the outreach team again."),
    ),
    "authors_take_back": (
        gettext_noop("Back in editing: %(title)s"),
        gettext_noop(
            "%(actor)s took your story “%(title)s” back to editing. It has left the review queue until "
            "one of you submits it again."
        ),
    ),
    "start_review": (
        gettext_noop("In review: %(title)s"),
        gettext_noop(
            "%(actor)s of the outreach team is reviewing your story “%(title)s” now. Ask them if you have "
            "a question about the review; you will hear when the team has decided."
        ),
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
    "put_on_hold": (
        gettext_noop("On hold: %(title)s"),
        gettext_noop(
            "%(actor)s of the outreach team put your story “%(title)s” on hold. The review goes on when "
            "the hold is lifted; until then the story cannot be changed. The reason:"
        ),
    ),
    "lift_hold": (
        gettext_noop("Hold lifted: %(title)s"),
        gettext_noop(
            "%(actor)s of the outreach team lifted the hold on your story “%(title)s”. The review goes on; "
            "you will hear when the team has decided."
        ),
    ),
    "withdraw": (
        gettext_noop("Withdrawn: %(title)s"),
        gettext_noop("%(actor)s withdrew the story “%(title)s”. It will not be posted."),
    ),
    "consent_withdrawn": (
        gettext_noop("Photo %(number)d may no longer be used: %(title)s"),
        gettext_noop(
            "%(actor)s recorded that a person shown in photo %(number)d of “%(title)s” has withdrawn their "
            "consent. That photo may no longer be used: it must be replaced or removed from the story "
            "before the story can be approved."
        ),
    ),
    "consent_withdrawn_in_review": (
        gettext_noop("Photo %(number)d may no longer be used: %(title)s"),
        gettext_noop(
            "%(actor)s recorded that a person shown in photo %(number)d of “%(title)s” has withdrawn their "
            "consent. That photo may no longer be used, so the story has gone back to its authors: they "
            "must replace the photo or remove it from the story, then resubmit the story."
        ),
    ),
    "consent_withdrawn_approved": (
        gettext_noop("Photo %(number)d may no longer be used: %(title)s"),
        gettext_noop(
            "%(actor)s recorded that a person shown in photo %(number)d of the approved story “%(title)s” "
            "has withdrawn their consent. That photo may no longer be used: the post must not go out with "
            "it, and if it is on Instagram already it must come off. The outreach team takes care of the "
            "post; the approved story itself can no longer be changed."
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


def compose(
    *,
    kind: str,
    language: str,
    to: str,
    recipient_name: str,
    title: str,
    actor_name: str,
    quote: str,
    link: str,
    photo_number: int | None = None,
) -> EmailMultiAlternatives:
    """The e-mail of one notice from plain values, translated into `language`."""
    subject, intro = MESSAGES[kind]
    values: dict[str, Any] = {"title": title, "actor": actor_name, "number": photo_number or 0}
    if kind == "comment" and photo_number is not None:
        intro = PHOTO_COMMENT
    with translation.override(language):
        context = {
            "recipient_name": recipient_name,
            "story": {"title": title},
            "intro": _(intro) % values,
            "quote": quote,
            "link": link,
        }
        # A title typed with line breaks must not break the header (Django refuses to send).
        subject_text = " ".join((settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _(subject) % values).split())
        text = render_to_string("stories/email/notification.txt", context)
        html = render_to_string("stories/email/notification.html", context)
    message = EmailMultiAlternatives(subject_text, text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def render_notice(notice: Notice) -> EmailMultiAlternatives | None:
    """The e-mail of one notice, in its recipient's language; None if they cannot get it."""
    user = notice.recipient
    if not user.email or not user.is_active:
        return None
    story = notice.story
    anchor = ""
    photo_number = notice.photo_number
    if notice.comment is not None:
        anchor = f"#comment-{notice.comment.pk}"
        if notice.comment.image is not None:
            photo_number = notice.comment.image.position + 1
    return compose(
        kind=notice.kind,
        language=language_of(user),
        to=user.email,
        recipient_name=display_name(user),
        title=story.title,
        actor_name=display_name(notice.actor) if notice.actor else "",
        quote=notice.quote,
        link=(
            f"{settings.PUBLIC_BASE_URL}{reverse('stories:mine')}#invitations"
            if notice.kind in LINK_TO_MY_STORIES
            else story_link(story, anchor)
        ),
        photo_number=photo_number,
    )
