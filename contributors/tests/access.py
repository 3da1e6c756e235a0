from typing import Any

from contributors.testing import LOGIN, OK, ROLES, Access, Effect, Visit, everyone


def _language_became_german(visit: Visit) -> bool:
    """The choice is kept in the language cookie and, for a signed-in person, on the profile."""
    from django.conf import settings

    from contributors.models import Contributor

    cookie = visit.response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie is None or cookie.value != "de":
        return False
    return visit.user is None or Contributor.objects.get(user=visit.user).language == "de"


def _english(people: dict[str, Any]) -> dict[str, Any]:
    from contributors.models import Contributor

    Contributor.objects.update(language="en")
    return {}


ACCESS = [
    Access("contributors:profile", expect=everyone()),
    Access(
        "set_language",
        kwargs=_english,
        method="post",
        data={"language": "de", "next": "/"},
        effect=Effect("the switch to German", _language_became_german),
        expect=everyone(OK, anonymous=OK),
    ),
    Access("home", expect=everyone()),
    Access("healthz", answer="application/json", expect=everyone(OK, anonymous=OK)),
    Access("javascript-catalog", answer="text/javascript", expect=everyone(OK, anonymous=OK)),
    # The admin's publication import: the admin site sends everyone but staff to its own login.
    Access(
        "admin:contributors_publication_import",
        expect={role: (OK if role == "admin" else LOGIN) for role in ROLES},
    ),
]
