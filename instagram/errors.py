"""Meta's errors, as one exception whose ``kind`` says what the caller can do (GRAPH_API.md, "Errors")."""

from __future__ import annotations

import enum

from django.utils.translation import gettext as _

REDACTED = "[redacted]"


class ErrorKind(enum.StrEnum):
    """What a caller can do about a failed call."""

    TRANSIENT = "transient"  # try the same call again later
    RATE_LIMITED = "rate_limited"  # try again after ``retry_after`` seconds
    NEW_CONTAINER_NEEDED = "new_container_needed"  # the container is gone: make a new one
    NOT_READY = "not_ready"  # the container is still processing: wait for FINISHED
    TOKEN_INVALID = "token_invalid"  # noqa: S105 - a person must connect the account again
    PERMANENT = "permanent"  # the request itself must change (content, parameters)


# --- Error mapping (GRAPH_API.md, "Errors") ----------------------------------------------------
TRANSIENT_SUBCODES = frozenset({2207001, 2207003, 2207032, 2207008})
NEW_CONTAINER_SUBCODES = frozenset({2207020, 2207053, 2207006})
NOT_READY_SUBCODES = frozenset({2207027})
NOT_READY_CODES = frozenset({9007})
PUBLISHING_LIMIT_SUBCODE = 2207042
# Account-level refusals that share throttling codes (2207051 arrives with code 4) but that
# waiting does not cure.
ACCOUNT_BLOCKED_SUBCODES = frozenset({2207050, 2207051})
THROTTLING_CODES = frozenset({4, 17, 32, 613, 80001, 80002})
TOKEN_CODES = frozenset({190, 102})
TRANSIENT_CODES = frozenset({1, 2})


def classify(
    *,
    code: int | None,
    subcode: int | None,
    is_transient: bool,
    http_status: int | None,
) -> ErrorKind:
    """Meta's (code, subcode) to what can be done. Subcodes are more specific, so they go first."""
    if code in TOKEN_CODES:
        return ErrorKind.TOKEN_INVALID
    if subcode in ACCOUNT_BLOCKED_SUBCODES:
        return ErrorKind.PERMANENT
    if subcode in TRANSIENT_SUBCODES:
        return ErrorKind.TRANSIENT
    if subcode in NEW_CONTAINER_SUBCODES:
        return ErrorKind.NEW_CONTAINER_NEEDED
    if subcode in NOT_READY_SUBCODES or code in NOT_READY_CODES:
        return ErrorKind.NOT_READY
    if subcode == PUBLISHING_LIMIT_SUBCODE or code in THROTTLING_CODES:
        return ErrorKind.RATE_LIMITED
    if is_transient or code in TRANSIENT_CODES or (http_status is not None and http_status >= 500):
        return ErrorKind.TRANSIENT
    return ErrorKind.PERMANENT


def _fix_hints() -> dict[int, str]:
    # Built per call so each sentence is in the language active at that moment.
    return {
        2207052: _(
            "Instagram could not download the media. Check that the site's public address is reachable "
            "from the internet."
        ),
        2207004: _("The image is larger than 8 MB. Upload a smaller image."),
        2207005: _("Instagram accepts JPEG images only. Let the app make the Instagram version again."),
        2207009: _(
            "The image's aspect ratio must lie between 4:5 (portrait) and 1.91:1 (landscape). Crop it."
        ),
        2207010: _("The caption is too long: at most 2,200 characters. Shorten it."),
        2207026: _("Instagram does not accept this video format. Use an MP4 with H.264 video and AAC sound."),
        2207028: _("A carousel needs 2 to 10 images or videos."),
        2207040: _("Too many @-mentions or tags: at most 20 mentions. Remove some."),
        2207042: _("The account reached Instagram's publishing limit for 24 hours. Schedule the post later."),
        2207051: _(
            "Instagram restricted this activity as suspected spam. Open the Instagram app to check the account."
        ),
        2207050: _(
            "The Instagram account is restricted or inactive. Open the Instagram app to check the account."
        ),
    }


def _kind_hint(kind: ErrorKind) -> str:
    return {
        ErrorKind.TRANSIENT: _("Instagram had a temporary problem. Try again in a few minutes."),
        ErrorKind.RATE_LIMITED: _("Instagram asks us to slow down. Try again later."),
        ErrorKind.NEW_CONTAINER_NEEDED: _(
            "Instagram discarded the prepared upload. Publish again to upload anew."
        ),
        ErrorKind.NOT_READY: _("Instagram is still processing the media. Wait a minute and try again."),
        ErrorKind.TOKEN_INVALID: _(
            "The connection to Instagram has expired or was revoked. An admin must connect Instagram again."
        ),
        ErrorKind.PERMANENT: _("Instagram refused the request. Check the post and try again."),
    }[kind]


class GraphAPIError(Exception):
    """Any failed Graph API call. ``kind`` says what to do; ``user_message`` is Meta's text for people."""

    def __init__(
        self,
        message: str,
        *,
        kind: ErrorKind,
        code: int | None = None,
        subcode: int | None = None,
        user_title: str = "",
        user_message: str = "",
        fbtrace_id: str = "",
        http_status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.code = code
        self.subcode = subcode
        self.user_title = user_title
        self.user_message = user_message
        self.fbtrace_id = fbtrace_id
        self.http_status = http_status
        self.retry_after = retry_after

    @property
    def is_transient(self) -> bool:
        return self.kind == ErrorKind.TRANSIENT

    def fix_hint(self) -> str:
        """One translated sentence that says what to fix or do next."""
        hint = _fix_hints().get(self.subcode or 0)
        return hint if hint is not None else _kind_hint(self.kind)

    def redact(self, secret: str) -> None:
        """Scrub a secret (the token) from every text this error carries."""
        if not secret:
            return
        for name in ("message", "user_title", "user_message"):
            setattr(self, name, getattr(self, name).replace(secret, REDACTED))
        self.args = tuple(a.replace(secret, REDACTED) if isinstance(a, str) else a for a in self.args)

    def __str__(self) -> str:
        parts = [f"[{self.kind}]", self.message]
        if self.code is not None:
            parts.append(f"(code {self.code}" + (f", subcode {self.subcode})" if self.subcode else ")"))
        if self.fbtrace_id:
            parts.append(f"fbtrace_id={self.fbtrace_id}")
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"GraphAPIError(kind={self.kind.value!r}, code={self.code!r}, subcode={self.subcode!r}, "
            f"http_status={self.http_status!r}, message={self.message!r})"
        )


def describe_error(error: GraphAPIError) -> str:
    """What people read, in the active language: Meta's own words where it has some, then what to do."""
    parts = [error.user_message or error.fix_hint()]
    if error.user_message:
        parts.append(error.fix_hint())
    if error.fbtrace_id:
        parts.append(_("(Meta trace id: %(trace)s)") % {"trace": error.fbtrace_id})
    return " ".join(parts)
