from contributors.testing import DENIED, LOGIN, OK, Access, team_only

ADMIN_ONLY = {
    "anonymous": LOGIN,
    "contributor": DENIED,
    "other_contributor": DENIED,
    "outreach": DENIED,
    "science": DENIED,
    "admin": OK,
}

ACCESS = [
    Access("instagram:status", expect=team_only()),
    # For the admin: a redirect to the login dialog.
    Access("instagram:connect", expect=ADMIN_ONLY),
    # Without a state from this session the callback only says so.
    Access("instagram:callback", expect=ADMIN_ONLY),
    Access("instagram:test_connection", method="post", expect=ADMIN_ONLY),
]
