"""Keeping tokens and secrets out of the call log, and noticing when they were sent in a URL.

The log is redacted twice over: by parameter name (``access_token=...``) and by value (any
string the emulator knows to be a token or an app secret, wherever it appears). Whether a URL
carried a secret is decided on the URL as received, before any of that, so redaction never
hides a leak.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote, unquote_plus

SECRET_PARAMS = frozenset({"access_token", "fb_exchange_token", "client_secret", "input_token", "code"})
REDACTED = "[REDACTED]"
AUTH_SCHEMES = frozenset({"bearer", "oauth", "basic"})


class Redactor:
    """Redaction against one set of secrets: the tokens and app secrets known at call time."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret that contains another is replaced whole.
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def found_in(self, target: str) -> bool:
        """Whether a secret appears in ``target``, plain or percent-encoded."""
        forms = {target, unquote(target), unquote_plus(target)}
        return any(secret in form for secret in self.secrets for form in forms)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            value = value.replace(secret, REDACTED).replace(quote(secret, safe=""), REDACTED)
        if self.found_in(value):
            # Encoded in some other way: give up on keeping the text as received.
            value = unquote_plus(value)
            for secret in self.secrets:
                value = value.replace(secret, REDACTED)
        return value

    def params(self, params: Mapping[str, str]) -> dict[str, str]:
        return {key: REDACTED if key in SECRET_PARAMS else self.text(value) for key, value in params.items()}

    def target(self, target: str) -> str:
        """The request target (path and query) as received, secret parameters' values replaced."""
        path, separator, query = target.partition("?")
        if separator:
            pieces = []
            for piece in query.split("&"):
                name, equals, _value = piece.partition("=")
                pieces.append(
                    f"{name}={REDACTED}" if equals and unquote_plus(name) in SECRET_PARAMS else piece
                )
            target = f"{path}?{'&'.join(pieces)}"
        return self.text(target)

    @staticmethod
    def authorization(header: str | None) -> str | None:
        """Keep the scheme (``Bearer``), never the credential."""
        if not header:
            return None
        scheme, separator, _credential = header.strip().partition(" ")
        if separator and scheme.lower() in AUTH_SCHEMES:
            return f"{scheme} {REDACTED}"
        return REDACTED
