"""Who may open each page of the scheduling app (checked by the URLconf walk).

Posts made here belong to stories of people["contributor"]; the calendar, posts and leads are
the outreach team's. The feed needs no session: its secret address is the key.
"""

from __future__ import annotations

from typing import Any

from contributors.testing import LOGIN, OK, ROLES, Access, everyone, team_only


def _post_kwargs(people: dict[str, Any]) -> dict[str, int]:
    from scheduling.tests.factories import approved_post

    return {"pk": approved_post(author=people["contributor"].contributor).pk}


def _post_action_kwargs(people: dict[str, Any]) -> dict[str, Any]:
    return {**_post_kwargs(people), "action": "schedule_next_free"}


def _feed_kwargs(people: dict[str, Any]) -> dict[str, str]:
    from scheduling.models import CalendarFeed

    return {"token": CalendarFeed.objects.get_or_create(user=people["contributor"])[0].token}


def _invite_data(people: dict[str, Any]) -> dict[str, Any]:
    from contributors.tests.factories import PublicationFactory

    publication = PublicationFactory()
    publication.contributors.add(people["contributor"].contributor)
    return {"publication": publication.pk, "contributor": people["contributor"].contributor.pk}


ACCESS = [
    Access("scheduling:calendar", expect=team_only()),
    Access("scheduling:calendar_events", expect=team_only()),
    Access("scheduling:post", kwargs=_post_kwargs, expect=team_only()),
    Access("scheduling:post_action", kwargs=_post_action_kwargs, method="post", expect=team_only()),
    Access(
        "scheduling:post_move",
        kwargs=_post_kwargs,
        method="post",
        data={"start": "2030-01-08T17:00:00+01:00"},
        expect=team_only(),
    ),
    Access("scheduling:feed", kwargs=_feed_kwargs, expect=everyone(OK, anonymous=OK)),
    Access("scheduling:feed_reset", method="post", expect=everyone()),
    Access("scheduling:leads", expect=team_only()),
    Access("scheduling:lead_invite", method="post", data=_invite_data, expect=team_only()),
    Access("scheduling:training", expect=team_only()),
    # The admin's .ics import: the admin site sends everyone but staff to its own login.
    Access(
        "admin:scheduling_calendarevent_import",
        expect={role: (OK if role == "admin" else LOGIN) for role in ROLES},
    ),
]
