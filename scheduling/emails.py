"""E-mails of the scheduling app, each in its recipient's language; queued after commit with ids."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from contributors.mail import queue_email
from contributors.models import Contributor, Publication
from contributors.roles import OUTREACH_TEAM, members

from .models import BERLIN, Post, PostStatus


def _language_of(user: Any) -> str:
    contributor = getattr(user, "contributor", None)
    return getattr(contributor, "language", None) or settings.LANGUAGE_CODE


def _name_of(user: Any) -> str:
    contributor = getattr(user, "contributor", None)
    return contributor.name if contributor else (user.get_full_name() or user.get_username())


def _team() -> list[Any]:
    return list(members(OUTREACH_TEAM).select_related("contributor"))


def _send(
    users: Iterable[Any], *, subject: str, intro: str, link: str, link_label: str, **values: Any
) -> int:
    """One message per person, translated for them; `subject`, `intro`, `link_label` are message ids.

    Each is stored as an `OutgoingEmail` row (in the caller's transaction, when there is one) and
    sent by the worker once: a crash neither loses it nor sends it twice."""
    sent = 0
    for user in users:
        if not user.email or not user.is_active:
            continue
        with translation.override(_language_of(user)):
            context = {
                "recipient_name": _name_of(user),
                "intro": _(intro) % values,
                "link": link,
                "link_label": _(link_label),
            }
            subject_text = " ".join((settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _(subject) % values).split())
            text = render_to_string("scheduling/email/notice.txt", context)
            html = render_to_string("scheduling/email/notice.html", context)
        message = EmailMultiAlternatives(subject_text, text, to=[user.email])
        message.attach_alternative(html, "text/html")
        queue_email(message=message, purpose=f"scheduling:{subject[:60]}")
        sent += 1
    return sent


def tell_team_consent_withdrawn(*, post_id: int, actor_id: int | None, photo_number: int) -> int:
    """The team's one message about a withdrawn consent on an approved story: what became of the
    post. Its reviewer hears it too; the person who recorded the withdrawal and the story's
    authors (told by the story's own notice) do not."""
    post = Post.objects.select_related("story__author").get(pk=post_id)
    story = post.story
    left_out = {actor_id, story.author.user_id, *story.co_authors.values_list("user_id", flat=True)}
    reviewer = [story.reviewer] if story.reviewer_id is not None else []
    recipients = {user.pk: user for user in [*_team(), *reviewer] if user.pk not in left_out}
    intro = gettext_noop(
        "A person shown in photo %(number)d of the approved story “%(title)s” withdrew their consent. "
        "The post must not go out with that photo. It is now “%(status)s”; please check it before it "
        "goes anywhere."
    )
    if post.status == PostStatus.TO_BE_REMOVED:
        intro = gettext_noop(
            "A person shown in photo %(number)d of “%(title)s” withdrew their consent, and the post is on "
            "Instagram: it must come off at once. The app removes it where the Instagram connection "
            "allows it; otherwise the post page asks you to remove it by hand and to record that you did."
        )
    return _send(
        recipients.values(),
        subject=gettext_noop("Consent withdrawn: %(title)s"),
        intro=intro,
        link=f"{settings.PUBLIC_BASE_URL}{post.get_absolute_url()}",
        link_label=gettext_noop("Open the post:"),
        title=story.title,
        number=photo_number,
        status=PostStatus(post.status).label,  # lazy: in the recipient's language
    )


def invite_to_tell(*, publication_id: int, contributor_id: int, actor_id: int) -> int:
    publication = Publication.objects.get(pk=publication_id)
    contributor = Contributor.objects.select_related("user").get(pk=contributor_id)
    actor = get_user_model().objects.select_related("contributor").get(pk=actor_id)
    query = urlencode(
        {
            "title": publication.title[:200],
            "result_reference": publication_reference(publication),
            "objective": "science",
        }
    )
    return _send(
        [contributor.user],
        subject=gettext_noop("Would you tell the story of “%(title)s”?"),
        intro=gettext_noop(
            "%(actor)s of the outreach team invites you to tell the story behind your result “%(title)s” "
            "on @cmsatdesy. The form below is already filled in with the result."
        ),
        link=f"{settings.PUBLIC_BASE_URL}/stories/new/?{query}",
        link_label=gettext_noop("Tell the story:"),
        title=publication.title,
        actor=_name_of(actor),
    )


def publication_reference(publication: Publication) -> str:
    return publication.cms_id or publication.arxiv_id or publication.doi


def tell_story_live(*, post_id: int) -> int:
    """The author and co-authors: the story is on Instagram, with its link."""
    post = Post.objects.select_related("story__author__user").get(pk=post_id)
    story = post.story
    people = [story.author.user, *(c.user for c in story.co_authors.select_related("user"))]
    return _send(
        people,
        subject=gettext_noop("Your story is live: %(title)s"),
        intro=gettext_noop("Your story “%(title)s” is now on Instagram."),
        link=post.permalink or f"{settings.PUBLIC_BASE_URL}{story.get_absolute_url()}",
        link_label=gettext_noop("See it on Instagram:"),
        title=story.title,
    )


def tell_team_publishing_problem(*, post_id: int) -> int:
    """The team: a post failed or needs attention, and why."""
    post = Post.objects.select_related("story").get(pk=post_id)
    return _send(
        _team(),
        subject=gettext_noop("Not published: %(title)s"),
        intro=gettext_noop("The post “%(title)s” is “%(status)s”: %(reason)s"),
        link=f"{settings.PUBLIC_BASE_URL}{post.get_absolute_url()}",
        link_label=gettext_noop("Open the post:"),
        title=post.story.title,
        status=PostStatus(post.status).label,  # lazy: in the recipient's language
        reason=post.reason,
    )


def tell_team_publishing_paused(*, post_id: int) -> int:
    """The team, once per pause: Instagram refuses the token, so no post goes out until it is fixed."""
    post = Post.objects.select_related("story").get(pk=post_id)
    return _send(
        _team(),
        subject=gettext_noop("Publishing paused: the Instagram connection needs an admin"),
        intro=gettext_noop(
            "Instagram refused the app's access while publishing “%(title)s”. No post goes out until an "
            "admin connects Instagram again; scheduled posts wait and go out afterwards."
        ),
        link=f"{settings.PUBLIC_BASE_URL}/admin/instagram/",
        link_label=gettext_noop("Connect Instagram again:"),
        title=post.story.title,
    )


def tell_team_post_late(*, post_id: int) -> int:
    """The team, once per post: it is not out ten minutes after its time."""
    post = Post.objects.select_related("story").get(pk=post_id)
    return _send(
        _team(),
        subject=gettext_noop("Late: %(title)s is not on Instagram yet"),
        intro=gettext_noop(
            "The post “%(title)s” should have gone out at %(when)s and is still “%(status)s”. %(reason)s"
        ),
        link=f"{settings.PUBLIC_BASE_URL}{post.get_absolute_url()}",
        link_label=gettext_noop("Open the post:"),
        title=post.story.title,
        when=lazy(_berlin, str)(post.scheduled_at),  # formatted in the recipient's language
        status=PostStatus(post.status).label,  # lazy: in the recipient's language
        reason=post.reason,
    )


def _berlin(when: Any) -> str:
    return str(formats.date_format(timezone.localtime(when, BERLIN), "DATETIME_FORMAT")) + " (Europe/Berlin)"
