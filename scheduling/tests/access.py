"""Who may open each page of the scheduling app (checked by the URLconf walk).

Posts made here belong to stories of people["contributor"]; the calendar, posts and leads are
the outreach team's. The feed needs no session: its secret address is the key.
"""

from __future__ import annotations

from typing import Any

from contributors.testing import LOGIN, OK, ROLES, Access, Effect, Visit, everyone, team_only


def _post_kwargs(people: dict[str, Any]) -> dict[str, int]:
    from scheduling.tests.factories import approved_post

    return {"pk": approved_post(author=people["contributor"].contributor).pk}


def _post_action_kwargs(people: dict[str, Any]) -> dict[str, Any]:
    from scheduling.models import PostingSlot

    # A free slot every day, so that "next free slot" has one to offer to every role.
    for weekday in range(7):
        PostingSlot.objects.get_or_create(weekday=weekday, time="12:00")
    return {**_post_kwargs(people), "action": "schedule_next_free"}


def _feed_kwargs(people: dict[str, Any]) -> dict[str, str]:
    from scheduling.models import CalendarFeed

    return {"token": CalendarFeed.objects.get_or_create(user=people["contributor"])[0].token}


def _invite_data(people: dict[str, Any]) -> dict[str, Any]:
    from contributors.tests.factories import PublicationFactory

    publication = PublicationFactory()
    publication.contributors.add(people["contributor"].contributor)
    return {"publication": publication.pk, "contributor": people["contributor"].contributor.pk}


def _public_media_kwargs(people: dict[str, Any]) -> dict[str, str]:
    """A signed address of a scheduled post's rendition, as Meta gets it (no session needed)."""
    from django.utils import timezone

    from scheduling.models import Post
    from scheduling.public_media import public_url

    post = approved_post_of(people)
    Post.objects.filter(pk=post.pk).update(status="scheduled", scheduled_at=timezone.now())
    return {
        "token": public_url(post_id=post.pk, name=post.renditions[0]).rsplit("/", 1)[1].removesuffix(".jpg")
    }


def _public_video_kwargs(people: dict[str, Any]) -> dict[str, str]:
    """A signed address of a scheduled reel's converted video."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from graph_emulator.testing import MP4
    from scheduling.models import Post
    from scheduling.public_media import public_url

    post = approved_post_of(people)
    name = default_storage.save("videos/walk-through.mp4", ContentFile(MP4))
    Post.objects.filter(pk=post.pk).update(
        status="scheduled", scheduled_at=timezone.now(), format="reel", renditions=[name]
    )
    return {"token": public_url(post_id=post.pk, name=name).rsplit("/", 1)[1].removesuffix(".mp4")}


def approved_post_of(people: dict[str, Any]) -> Any:
    from scheduling.tests.factories import approved_post

    return approved_post(author=people["contributor"].contributor)


def _post(visit: Visit) -> Any:
    from scheduling.models import Post

    return Post.objects.get(pk=visit.kwargs["pk"])


def _scheduled(visit: Visit) -> bool:
    return _post(visit).status == "scheduled"


def _moved(visit: Visit) -> bool:
    from datetime import UTC, datetime

    return _post(visit).scheduled_at == datetime(2030, 1, 8, 16, 0, tzinfo=UTC)


def _feed_of_user(people: dict[str, Any]) -> dict[str, Any]:
    from scheduling.models import CalendarFeed

    # Every person starts with an address, so that a reset is a change of it.
    for user in people.values():
        CalendarFeed.objects.get_or_create(user=user, defaults={"token": f"old-{user.pk}"})
    return {}


def _feed_is_new(visit: Visit) -> bool:
    from scheduling.models import CalendarFeed

    return CalendarFeed.objects.filter(user=visit.user).exclude(token__startswith="old-").exists()


def _invited(visit: Visit) -> bool:
    """The invitation is recorded: who invited whom (its e-mail is stored with it)."""
    from scheduling.models import LeadInvitation

    return LeadInvitation.objects.filter(
        invited_by=visit.user, contributor=visit.people["contributor"].contributor
    ).exists()


ACCESS = [
    Access("scheduling:calendar", expect=team_only()),
    Access("scheduling:calendar_events", answer="application/json", expect=team_only()),
    Access("scheduling:post", kwargs=_post_kwargs, expect=team_only()),
    Access(
        "scheduling:post_action",
        kwargs=_post_action_kwargs,
        method="post",
        effect=Effect("the post scheduled in the next free slot", _scheduled),
        expect=team_only(),
    ),
    Access(
        "scheduling:post_move",
        kwargs=_post_kwargs,
        method="post",
        data={"start": "2030-01-08T17:00:00+01:00"},
        answer="application/json",
        effect=Effect("the post moved to the day it was dragged to", _moved),
        expect=team_only(),
    ),
    Access("scheduling:feed", kwargs=_feed_kwargs, answer="text/calendar", expect=everyone(OK, anonymous=OK)),
    Access(
        "scheduling:feed_reset",
        kwargs=_feed_of_user,
        method="post",
        effect=Effect("a new calendar address", _feed_is_new),
        expect=everyone(),
    ),
    Access("scheduling:leads", expect=team_only()),
    Access(
        "scheduling:lead_invite",
        method="post",
        data=_invite_data,
        effect=Effect("the author invited to tell the story", _invited),
        expect=team_only(),
    ),
    Access("scheduling:training", expect=team_only()),
    Access(
        "scheduling:public_media",
        kwargs=_public_media_kwargs,
        answer="image/jpeg",
        expect=everyone(OK, anonymous=OK),
    ),
    Access(
        "scheduling:public_media_video",
        kwargs=_public_video_kwargs,
        answer="video/mp4",
        expect=everyone(OK, anonymous=OK),
    ),
    # The admin's .ics import: the admin site sends everyone but staff to its own login.
    Access(
        "admin:scheduling_calendarevent_import",
        expect={role: (OK if role == "admin" else LOGIN) for role in ROLES},
    ),
]
