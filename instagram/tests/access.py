from typing import Any

from contributors.testing import DENIED, LOGIN, OK, REDIRECT, Access, Effect, Visit, team_only

ADMIN_ONLY = {
    "anonymous": LOGIN,
    "contributor": DENIED,
    "other_contributor": DENIED,
    "outreach": DENIED,
    "science": DENIED,
    "admin": OK,
}


def _fresh_account(people: dict[str, Any]) -> dict[str, Any]:
    """A connected account of its own for each role (the Graph API is not reached here: the
    check is recorded as failed, which is an outcome all the same)."""
    from instagram.models import InstagramAccount

    InstagramAccount.objects.all().delete()
    account = InstagramAccount(ig_user_id="17841400000000001", username="cmsatdesy")
    account.set_token("IGAA-walk-token")
    account.save()
    return {}


def _connection_checked(visit: Visit) -> bool:
    from instagram.models import AccountEvent

    return AccountEvent.objects.filter(kind=AccountEvent.Kind.CHECKED).exists()


ACCESS = [
    Access("instagram:status", expect=team_only()),
    # For the admin: a redirect to the login dialog.
    Access("instagram:connect", answer=REDIRECT, expect=ADMIN_ONLY),
    # Without a state from this session the callback says so, back on the status page.
    Access("instagram:callback", answer=REDIRECT, expect=ADMIN_ONLY),
    Access(
        "instagram:test_connection",
        kwargs=_fresh_account,
        method="post",
        effect=Effect("a recorded connection check", _connection_checked),
        expect=ADMIN_ONLY,
    ),
]
