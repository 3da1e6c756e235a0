"""The one module that speaks HTTP to Meta's Graph API (or to the emulator standing in for it).

Every call has a timeout and carries the token only in an ``Authorization: Bearer`` header:
never in a URL, never in a log line, never in an exception's text. Every failure, from the
network or from Meta, becomes one :class:`GraphAPIError` whose ``kind`` says what the caller
can do about it. Retries happen only where the caller asks (``retries=N``), and only for
transient failures.
"""

from __future__ import annotations

import enum
import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests
from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

INSTAGRAM_LOGIN = "instagram_login"
FACEBOOK_LOGIN = "facebook_login"
FLAVOURS = (INSTAGRAM_LOGIN, FACEBOOK_LOGIN)

# Meta's hosts per flavour, used when GRAPH_API_BASE_URL is empty (production).
META_GRAPH_HOSTS = {
    INSTAGRAM_LOGIN: "https://graph.instagram.com",
    FACEBOOK_LOGIN: "https://graph.facebook.com",
}
# Instagram Login trades the dialog's code on a host of its own.
META_INSTAGRAM_CODE_EXCHANGE_URL = "https://api.instagram.com/oauth/access_token"
META_DIALOG_URLS = {
    INSTAGRAM_LOGIN: "https://www.instagram.com/oauth/authorize",
    FACEBOOK_LOGIN: "https://www.facebook.com/{version}/dialog/oauth",
}
SCOPES = {
    INSTAGRAM_LOGIN: [
        "instagram_business_basic",
        "instagram_business_content_publish",
        "instagram_business_manage_insights",
    ],
    FACEBOOK_LOGIN: [
        "instagram_basic",
        "instagram_content_publish",
        "instagram_manage_insights",
        "pages_read_engagement",
        "pages_show_list",
    ],
}

REDACTED = "[redacted]"
MEDIA_FIELDS = "id,caption,timestamp,permalink,media_type,media_product_type"


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


# --- Typed results ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Container:
    id: str


@dataclass(frozen=True)
class ContainerStatus:
    id: str
    status_code: str  # IN_PROGRESS, FINISHED, ERROR, EXPIRED, PUBLISHED
    status: str = ""  # Meta's text; on ERROR it carries the subcode


@dataclass(frozen=True)
class InsightValue:
    """One figure. ``value`` is an int, or a dict keyed by breakdown values ("18-24|F") when the
    answer is broken down; ``total`` then keeps the undivided figure where Meta sends one."""

    name: str
    value: int | dict[str, int]
    period: str
    end_time: datetime | None = None
    dimensions: tuple[str, ...] = ()
    total: int | None = None


@dataclass(frozen=True)
class Media:
    id: str
    caption: str = ""
    timestamp: datetime | None = None
    permalink: str = ""
    media_type: str = ""
    media_product_type: str = ""
    insights: list[InsightValue] = field(default_factory=list)


@dataclass(frozen=True)
class MediaPage:
    items: list[Media]
    after_cursor: str | None


@dataclass(frozen=True)
class PublishingLimit:
    quota_usage: int
    quota_total: int
    quota_duration: int


@dataclass(frozen=True)
class Usage:
    """X-Business-Use-Case-Usage: the highest percentage used, and minutes until access returns."""

    max_percent: int
    regain_minutes: int


@dataclass(frozen=True)
class TokenInfo:
    access_token: str = field(repr=False)
    expires_in: int | None
    token_type: str = "bearer"  # noqa: S105
    user_id: str = ""


@dataclass(frozen=True)
class AccountInfo:
    user_id: str
    username: str


# --- Pure parsers -----------------------------------------------------------------------------
def parse_time(value: str | None) -> datetime | None:
    """Meta's ``2025-11-26T12:28:00+0000`` (or ISO with a colon) as an aware datetime."""
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        return datetime.fromisoformat(value)


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def parse_usage(header: str | None) -> Usage | None:
    """The X-Business-Use-Case-Usage header, or None when absent or unreadable."""
    if not header:
        return None
    try:
        payload = json.loads(header)
    except ValueError:
        return None
    if not isinstance(payload, dict):
        return None
    percent = 0
    regain = 0
    for entries in payload.values():
        for entry in entries if isinstance(entries, list) else [entries]:
            if not isinstance(entry, dict):
                continue
            for key in ("call_count", "total_cputime", "total_time"):
                value = entry.get(key)
                if isinstance(value, int | float):
                    percent = max(percent, int(value))
            value = entry.get("estimated_time_to_regain_access")
            if isinstance(value, int | float):
                regain = max(regain, int(value))
    return Usage(max_percent=percent, regain_minutes=regain)


def _retry_after(headers: Mapping[str, str] | None) -> float | None:
    usage = parse_usage(_header(headers, "X-Business-Use-Case-Usage"))
    if usage and usage.regain_minutes > 0:
        return usage.regain_minutes * 60.0
    value = _header(headers, "Retry-After")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            return None
    return None


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def parse_error(
    payload: Any, headers: Mapping[str, str] | None = None, status: int | None = None
) -> GraphAPIError:
    """Meta's error answer (``{"error": {...}}``) as a GraphAPIError."""
    error = payload.get("error") if isinstance(payload, dict) else None
    if not isinstance(error, dict):
        kind = ErrorKind.TRANSIENT if status is None or status >= 500 else ErrorKind.PERMANENT
        return GraphAPIError(
            f"Unexpected answer with HTTP status {status}", kind=kind, http_status=status,
            retry_after=_retry_after(headers),
        )  # fmt: skip
    code = _as_int(error.get("code"))
    subcode = _as_int(error.get("error_subcode"))
    kind = classify(
        code=code,
        subcode=subcode,
        is_transient=bool(error.get("is_transient")),
        http_status=status,
    )
    if code == 1 and error.get("type") == "OAuthException" and not error.get("is_transient"):
        # Code 1 is usually "unknown, try again", but an OAuthException with it is a refused
        # credential (a wrong app secret): repeating the call cannot help.
        kind = ErrorKind.PERMANENT
    return GraphAPIError(
        str(error.get("message") or "Graph API error"),
        kind=kind,
        code=code,
        subcode=subcode,
        user_title=str(error.get("error_user_title") or ""),
        user_message=str(error.get("error_user_msg") or ""),
        fbtrace_id=str(error.get("fbtrace_id") or ""),
        http_status=status,
        retry_after=_retry_after(headers),
    )


def _breakdown_values(
    total_value: dict[str, Any],
) -> tuple[tuple[str, ...], dict[str, int]]:
    dimensions: tuple[str, ...] = ()
    values: dict[str, int] = {}
    for breakdown in total_value.get("breakdowns") or []:
        dimensions = tuple(breakdown.get("dimension_keys") or ())
        for result in breakdown.get("results") or []:
            key = "|".join(str(v) for v in result.get("dimension_values") or [])
            values[key] = values.get(key, 0) + int(result.get("value") or 0)
    return dimensions, values


def parse_insights(payload: Any) -> list[InsightValue]:
    """An insights answer in either shape: ``values`` arrays (time series and legacy lifetime
    metrics such as ``impressions``) or ``total_value`` (with or without breakdowns)."""
    items = payload.get("data", []) if isinstance(payload, dict) else []
    parsed: list[InsightValue] = []
    for item in items:
        name = str(item.get("name", ""))
        period = str(item.get("period", ""))
        total_value = item.get("total_value")
        if isinstance(total_value, dict):
            dimensions, values = _breakdown_values(total_value)
            total = _as_int(total_value.get("value"))
            if values:
                parsed.append(InsightValue(name, values, period, None, dimensions, total))
            else:
                parsed.append(InsightValue(name, total or 0, period, None, (), total))
            continue
        for entry in item.get("values") or []:
            value = entry.get("value", 0)
            if isinstance(value, dict):
                value = {str(k): int(v) for k, v in value.items()}
            else:
                value = int(value or 0)
            parsed.append(InsightValue(name, value, period, parse_time(entry.get("end_time"))))
    return parsed


def parse_media(item: dict[str, Any]) -> Media:
    insights = item.get("insights")
    return Media(
        id=str(item["id"]),
        caption=str(item.get("caption") or ""),
        timestamp=parse_time(item.get("timestamp")),
        permalink=str(item.get("permalink") or ""),
        media_type=str(item.get("media_type") or ""),
        media_product_type=str(item.get("media_product_type") or ""),
        insights=parse_insights(insights) if isinstance(insights, dict) else [],
    )


def parse_media_page(payload: dict[str, Any]) -> MediaPage:
    items = [parse_media(item) for item in payload.get("data", [])]
    paging = payload.get("paging") or {}
    after = (paging.get("cursors") or {}).get("after") if paging.get("next") else None
    return MediaPage(items=items, after_cursor=after)


def parse_container_status(payload: dict[str, Any]) -> ContainerStatus:
    return ContainerStatus(
        id=str(payload.get("id", "")),
        status_code=str(payload.get("status_code", "")),
        status=str(payload.get("status") or ""),
    )


def parse_publishing_limit(payload: dict[str, Any]) -> PublishingLimit:
    entry = (payload.get("data") or [{}])[0]
    config = entry.get("config") or {}
    return PublishingLimit(
        quota_usage=int(entry.get("quota_usage") or 0),
        quota_total=int(config.get("quota_total") or 0),
        quota_duration=int(config.get("quota_duration") or 0),
    )


def parse_token(payload: dict[str, Any]) -> TokenInfo:
    return TokenInfo(
        access_token=str(payload["access_token"]),
        expires_in=_as_int(payload.get("expires_in")),
        token_type=str(payload.get("token_type") or "bearer"),
        user_id=str(payload.get("user_id") or ""),
    )


def _collapse(values: dict[str, int], dimensions: tuple[str, ...], keep: str) -> dict[str, int]:
    if keep not in dimensions:
        return dict(values)
    index = dimensions.index(keep)
    collapsed: dict[str, int] = {}
    for key, value in values.items():
        part = key.split("|")[index]
        collapsed[part] = collapsed.get(part, 0) + value
    return collapsed


# --- The client -------------------------------------------------------------------------------
def graph_base_url(flavour: str) -> str:
    """Where the Graph API lives for this flavour: the configured URL, else Meta's host."""
    return settings.GRAPH_API_BASE_URL or META_GRAPH_HOSTS[flavour]


def oauth_dialog_url(flavour: str) -> str:
    """Where "Connect Instagram" sends the admin to log in and allow access."""
    if settings.INSTAGRAM_OAUTH_DIALOG_URL:
        return str(settings.INSTAGRAM_OAUTH_DIALOG_URL)
    if settings.GRAPH_API_BASE_URL:
        return f"{settings.GRAPH_API_BASE_URL}/oauth/authorize"
    return META_DIALOG_URLS[flavour].format(version=settings.GRAPH_API_VERSION)


class GraphClient:
    """A Graph API client for one account (or one bare token).

    ``account_or_token`` is an :class:`instagram.models.InstagramAccount` (its token, user id
    and flavour are used) or a token string (pass ``ig_user_id`` for calls on the account).
    """

    def __init__(
        self,
        account_or_token: Any = None,
        *,
        flavour: str | None = None,
        ig_user_id: str | None = None,
        base_url: str | None = None,
        version: str | None = None,
        timeout: float | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if account_or_token is None or isinstance(account_or_token, str):
            self._token = account_or_token or ""
            self.ig_user_id = ig_user_id or ""
            self.flavour = flavour or INSTAGRAM_LOGIN
        else:
            self._token = account_or_token.get_token()
            self.ig_user_id = ig_user_id or account_or_token.ig_user_id
            self.flavour = flavour or account_or_token.flavour
        if self.flavour not in FLAVOURS:
            raise ValueError(f"Unknown flavour {self.flavour!r}")
        self.base_url = (base_url or graph_base_url(self.flavour)).rstrip("/")
        self.version = version or settings.GRAPH_API_VERSION
        self.timeout = timeout if timeout is not None else settings.GRAPH_API_TIMEOUT
        self.session = session or requests.Session()
        self.last_usage: Usage | None = None
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"GraphClient(flavour={self.flavour!r}, ig_user_id={self.ig_user_id!r}, base_url={self.base_url!r})"

    # -- transport ------------------------------------------------------------------------------
    def _url(self, path: str, *, versioned: bool) -> str:
        path = path.lstrip("/")
        return f"{self.base_url}/{self.version}/{path}" if versioned else f"{self.base_url}/{path}"

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        retries: int = 0,
        versioned: bool = True,
        url: str | None = None,
        token: str | None = None,
        authenticated: bool = True,
    ) -> Any:
        """One call, with up to ``retries`` more attempts after transient failures only."""
        attempt = 0
        while True:
            try:
                return self._call_once(
                    method, path, params=params, data=data, versioned=versioned, url=url, token=token,
                    authenticated=authenticated,
                )  # fmt: skip
            except GraphAPIError as error:
                if not error.is_transient or attempt >= retries:
                    raise
                delay = min(60.0, 2.0**attempt) * random.uniform(0.5, 1.5)  # noqa: S311 - jitter, not a secret
                logger.info(
                    "Graph API %s %s: transient failure, retry %d in %.1f s",
                    method,
                    path,
                    attempt + 1,
                    delay,
                )
                self._sleep(delay)
                attempt += 1

    def _call_once(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None,
        data: Mapping[str, Any] | None,
        versioned: bool,
        url: str | None,
        token: str | None,
        authenticated: bool,
    ) -> Any:
        secret = token if token is not None else self._token
        headers = {"Accept": "application/json"}
        if authenticated:
            headers["Authorization"] = f"Bearer {secret}"
        target = url or self._url(path, versioned=versioned)
        started = time.monotonic()
        try:
            response = self.session.request(
                method,
                target,
                params=params,
                data=data,
                headers=headers,
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            transient = isinstance(
                exc,
                requests.Timeout | requests.ConnectionError | requests.exceptions.ChunkedEncodingError,
            )
            # The exception text names the URL, which never holds a token; scrub anyway.
            error = GraphAPIError(
                f"{type(exc).__name__}: {exc}",
                kind=ErrorKind.TRANSIENT if transient else ErrorKind.PERMANENT,
            )
            error.redact(secret)
            logger.warning("Graph API %s %s failed: %s", method, path, type(exc).__name__)
            raise error from None
        elapsed = (time.monotonic() - started) * 1000
        # Method and path only: query strings may hold app secrets or codes.
        logger.info(
            "Graph API %s %s -> %s in %.0f ms",
            method,
            path,
            response.status_code,
            elapsed,
        )
        usage = parse_usage(response.headers.get("X-Business-Use-Case-Usage"))
        if usage is not None:
            self.last_usage = usage
        try:
            payload = response.json()
        except ValueError:
            payload = None
        if (
            response.status_code >= 400
            or payload is None
            or (isinstance(payload, dict) and "error" in payload)
        ):
            error = parse_error(payload, response.headers, response.status_code)
            error.redact(secret)
            raise error
        return payload

    def _require_user(self) -> str:
        if not self.ig_user_id:
            raise ValueError("This call needs the account's Instagram user id")
        return self.ig_user_id

    # -- publishing -----------------------------------------------------------------------------
    def _create_container(self, params: dict[str, Any], retries: int) -> Container:
        data = {k: v for k, v in params.items() if v is not None and v != ""}
        payload = self._call("POST", f"{self._require_user()}/media", data=data, retries=retries)
        return Container(id=str(payload["id"]))

    def create_image_container(
        self,
        image_url: str,
        *,
        caption: str | None = None,
        alt_text: str | None = None,
        is_carousel_item: bool = False,
        user_tags: list[dict[str, Any]] | None = None,
        collaborators: list[str] | None = None,
        location_id: str | None = None,
        retries: int = 0,
    ) -> Container:
        return self._create_container(
            {
                "image_url": image_url,
                "caption": None if is_carousel_item else caption,
                "alt_text": alt_text,
                "is_carousel_item": "true" if is_carousel_item else None,
                "user_tags": json.dumps(user_tags) if user_tags else None,
                "collaborators": json.dumps(collaborators) if collaborators else None,
                "location_id": None if is_carousel_item else location_id,
            },
            retries,
        )

    def create_carousel_container(
        self,
        children: Iterable[str],
        *,
        caption: str | None = None,
        location_id: str | None = None,
        collaborators: list[str] | None = None,
        retries: int = 0,
    ) -> Container:
        return self._create_container(
            {
                "media_type": "CAROUSEL",
                "children": ",".join(children),
                "caption": caption,
                "location_id": location_id,
                "collaborators": json.dumps(collaborators) if collaborators else None,
            },
            retries,
        )

    def create_video_container(
        self,
        video_url: str,
        *,
        media_type: str = "REELS",
        caption: str | None = None,
        cover_url: str | None = None,
        thumb_offset: int | None = None,
        share_to_feed: bool | None = None,
        retries: int = 0,
    ) -> Container:
        if media_type not in ("REELS", "STORIES"):
            raise ValueError("media_type must be REELS or STORIES")
        return self._create_container(
            {
                "media_type": media_type,
                "video_url": video_url,
                "caption": caption if media_type == "REELS" else None,
                "cover_url": cover_url,
                "thumb_offset": thumb_offset,
                "share_to_feed": None if share_to_feed is None else ("true" if share_to_feed else "false"),
            },
            retries,
        )

    def create_story_image_container(self, image_url: str, *, retries: int = 0) -> Container:
        return self._create_container({"media_type": "STORIES", "image_url": image_url}, retries)

    def container_status(self, container_id: str, *, retries: int = 0) -> ContainerStatus:
        payload = self._call(
            "GET",
            container_id,
            params={"fields": "id,status_code,status"},
            retries=retries,
        )
        return parse_container_status({"id": container_id, **payload})

    def containers_status(
        self, container_ids: Iterable[str], *, retries: int = 0
    ) -> dict[str, ContainerStatus]:
        ids = list(container_ids)
        if not ids:
            return {}
        payload = self._call(
            "GET",
            "",
            params={"ids": ",".join(ids), "fields": "id,status_code,status"},
            retries=retries,
        )
        return {key: parse_container_status({"id": key, **value}) for key, value in payload.items()}

    def publish(self, container_id: str) -> str:
        """Publish a FINISHED container; returns the media id.

        No retries here on purpose: Meta has no idempotency key, and a publish whose answer was
        lost may have gone through. Callers read the container's status before trying again.
        """
        payload = self._call(
            "POST",
            f"{self._require_user()}/media_publish",
            data={"creation_id": container_id},
        )
        return str(payload["id"])

    def publishing_limit(self, *, retries: int = 0) -> PublishingLimit:
        payload = self._call(
            "GET", f"{self._require_user()}/content_publishing_limit", params={"fields": "quota_usage,config"},
            retries=retries,
        )  # fmt: skip
        return parse_publishing_limit(payload)

    # -- media and insights ---------------------------------------------------------------------
    def media(self, media_id: str, fields: str = MEDIA_FIELDS, *, retries: int = 0) -> Media:
        payload = self._call("GET", media_id, params={"fields": fields}, retries=retries)
        return parse_media({"id": media_id, **payload})

    def list_media(
        self,
        *,
        limit: int = 25,
        after: str | None = None,
        fields: str = MEDIA_FIELDS,
        insight_metrics: Iterable[str] | None = None,
        retries: int = 0,
    ) -> MediaPage:
        """One page of the account's media, newest first; with ``insight_metrics`` each item
        carries its insights (field expansion: one round trip per page)."""
        metrics = list(insight_metrics or [])
        if metrics:
            fields = f"{fields},insights.metric({','.join(metrics)})"
        params: dict[str, Any] = {"fields": fields, "limit": limit}
        if after:
            params["after"] = after
        payload = self._call("GET", f"{self._require_user()}/media", params=params, retries=retries)
        return parse_media_page(payload)

    def media_insights(
        self, media_id: str, metrics: Iterable[str], *, retries: int = 0
    ) -> list[InsightValue]:
        payload = self._call(
            "GET",
            f"{media_id}/insights",
            params={"metric": ",".join(metrics)},
            retries=retries,
        )
        return parse_insights(payload)

    def account_insights(
        self,
        metrics: Iterable[str],
        *,
        period: str = "day",
        metric_type: str | None = None,
        breakdown: str | None = None,
        since: datetime | int | None = None,
        until: datetime | int | None = None,
        timeframe: str | None = None,
        retries: int = 0,
    ) -> list[InsightValue]:
        params: dict[str, Any] = {"metric": ",".join(metrics), "period": period}
        for key, value in (
            ("metric_type", metric_type),
            ("breakdown", breakdown),
            ("timeframe", timeframe),
            ("since", since),
            ("until", until),
        ):
            if value is not None:
                params[key] = int(value.timestamp()) if isinstance(value, datetime) else value
        payload = self._call("GET", f"{self._require_user()}/insights", params=params, retries=retries)
        return parse_insights(payload)

    def demographics(
        self,
        metric: str = "follower_demographics",
        *,
        breakdown: str = "age",
        timeframe: str = "this_month",
        retries: int = 0,
    ) -> dict[str, int]:
        """Audience shares by one dimension (age, gender, country, city): value per key."""
        values = self.account_insights(
            [metric], period="lifetime", metric_type="total_value", breakdown=breakdown, timeframe=timeframe,
            retries=retries,
        )  # fmt: skip
        result: dict[str, int] = {}
        for item in values:
            if isinstance(item.value, dict):
                for key, value in _collapse(item.value, item.dimensions, breakdown).items():
                    result[key] = result.get(key, 0) + value
        return result

    # -- account and tokens -----------------------------------------------------------------------
    def me(self, *, retries: int = 0) -> AccountInfo:
        """Who the token belongs to: the Instagram professional account's id and username."""
        if self.flavour == INSTAGRAM_LOGIN:
            payload = self._call("GET", "me", params={"fields": "user_id,username"}, retries=retries)
            return AccountInfo(
                user_id=str(payload.get("user_id") or payload["id"]),
                username=str(payload["username"]),
            )
        # Facebook Login: the token is a Facebook user's; the Instagram account hangs off a Page.
        payload = self._call(
            "GET",
            "me/accounts",
            params={"fields": "instagram_business_account{id,username}"},
            retries=retries,
        )
        for page in payload.get("data", []):
            account = page.get("instagram_business_account")
            if account:
                return AccountInfo(
                    user_id=str(account["id"]),
                    username=str(account.get("username", "")),
                )
        raise GraphAPIError(
            "No Facebook Page with a linked Instagram professional account",
            kind=ErrorKind.PERMANENT,
        )

    def refresh_token(self, *, retries: int = 0) -> TokenInfo:
        """A fresh long-lived token (60 days) for the current one.

        Instagram Login: ``GET /refresh_access_token?grant_type=ig_refresh_token``. Meta documents
        the token as an ``access_token`` query parameter; the Graph API accepts it in the
        Authorization header instead, which keeps it out of URLs, proxy logs and our logs.
        Facebook Login has no refresh: the long-lived token is exchanged again.
        """
        if self.flavour == FACEBOOK_LOGIN:
            return self.exchange_for_long_lived(
                self._token, client_id=settings.INSTAGRAM_APP_ID, client_secret=settings.INSTAGRAM_APP_SECRET,
                retries=retries,
            )  # fmt: skip
        payload = self._call(
            "GET",
            "refresh_access_token",
            params={"grant_type": "ig_refresh_token"},
            versioned=False,
            retries=retries,
        )
        return parse_token(payload)

    def exchange_code(
        self,
        code: str,
        *,
        redirect_uri: str,
        client_id: str,
        client_secret: str,
        retries: int = 0,
    ) -> TokenInfo:
        """Trade the OAuth dialog's code for a short-lived token. The secrets travel in a POST
        body, never in a URL."""
        form = {
            "client_id": client_id,
            "client_secret": client_secret,
            "redirect_uri": redirect_uri,
            "code": code,
        }
        if self.flavour == INSTAGRAM_LOGIN:
            url = (
                f"{settings.GRAPH_API_BASE_URL}/oauth/access_token"
                if settings.GRAPH_API_BASE_URL
                else META_INSTAGRAM_CODE_EXCHANGE_URL
            )
            payload = self._call(
                "POST", "oauth/access_token", url=url, data={**form, "grant_type": "authorization_code"},
                authenticated=False, retries=retries,
            )  # fmt: skip
            if isinstance(payload.get("data"), list) and payload["data"]:
                payload = payload["data"][0]  # an older answer shape wraps the token in a list
        else:
            payload = self._call(
                "POST",
                "oauth/access_token",
                data=form,
                authenticated=False,
                retries=retries,
            )
        return parse_token(payload)

    def exchange_for_long_lived(
        self,
        short_lived_token: str,
        *,
        client_id: str,
        client_secret: str,
        retries: int = 0,
    ) -> TokenInfo:
        """A long-lived (60-day) token for a short-lived one."""
        if self.flavour == INSTAGRAM_LOGIN:
            payload = self._call(
                "POST", "access_token", data={"grant_type": "ig_exchange_token", "client_secret": client_secret},
                versioned=False, token=short_lived_token, retries=retries,
            )  # fmt: skip
        else:
            payload = self._call(
                "POST",
                "oauth/access_token",
                data={
                    "grant_type": "fb_exchange_token",
                    "client_id": client_id,
                    "client_secret": client_secret,
                    "fb_exchange_token": short_lived_token,
                },
                token=short_lived_token,
                retries=retries,
            )
        return parse_token(payload)
