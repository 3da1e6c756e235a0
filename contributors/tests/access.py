from contributors.testing import OK, Access, everyone

ACCESS = [
    Access("contributors:profile", expect=everyone()),
    Access(
        "set_language", method="post", data={"language": "de", "next": "/"}, expect=everyone(OK, anonymous=OK)
    ),
    Access("home", expect=everyone()),
    Access("healthz", expect=everyone(OK, anonymous=OK)),
    Access("javascript-catalog", expect=everyone(OK, anonymous=OK)),
]
