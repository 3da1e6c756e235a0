from contributors.testing import LOGIN, OK, ROLES, Access, everyone

ACCESS = [
    Access("contributors:profile", expect=everyone()),
    Access(
        "set_language", method="post", data={"language": "de", "next": "/"}, expect=everyone(OK, anonymous=OK)
    ),
    Access("home", expect=everyone()),
    Access("healthz", expect=everyone(OK, anonymous=OK)),
    Access("javascript-catalog", expect=everyone(OK, anonymous=OK)),
    # The admin's publication import: the admin site sends everyone but staff to its own login.
    Access(
        "admin:contributors_publication_import",
        expect={role: (OK if role == "admin" else LOGIN) for role in ROLES},
    ),
]
