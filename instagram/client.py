"""The one module that speaks HTTP to Meta's Graph API (or to the emulator standing in for it).

Every call has a timeout and carries the token only in an ``Authorization: Bearer`` header:
never in a URL, never in a log line, never in an exception's text. Every failure, from the
network or from Meta, becomes one :class:`GraphAPIError` whose ``kind`` says what the caller
can do about it. Retries happen only where the caller asks (``retries=N``), and only for
transient failures.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

import requests
from django.conf import settings

from instagram.errors import (
    ErrorKind,
    GraphAPIError,
)
from instagram.parsing import (
    AccountInfo,
    Container,
    ContainerStatus,
    InsightValue,
    Media,
    MediaPage,
    PublishingLimit,
    TokenInfo,
    Usage,
    _collapse,
    parse_container_status,
    parse_error,
    parse_insights,
    parse_media,
    parse_media_page,
    parse_publishing_limit,
    parse_token,
    parse_usage,
)

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

MEDIA_FIELDS = "id,caption,timestamp,permalink,media_type,media_product_type"


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

    def delete_media(self, media_id: str) -> bool:
        """Remove a published post. Meta allows it only for Facebook Login with
        ``instagram_manage_contents``; other connections get a permanent error (code 10)."""
        payload = self._call("DELETE", media_id)
        return bool(isinstance(payload, dict) and payload.get("success"))

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
        self, media_id: str, metrics: Iterable[str], *, breakdown: str | None = None, retries: int = 0
    ) -> list[InsightValue]:
        params = {"metric": ",".join(metrics)}
        if breakdown:
            params["breakdown"] = breakdown
        payload = self._call("GET", f"{media_id}/insights", params=params, retries=retries)
        return parse_insights(payload)

    def media_insights_many(
        self, media_ids: Iterable[str], metrics: Iterable[str], *, retries: int = 0
    ) -> dict[str, list[InsightValue]]:
        """The same metrics for several media in one round trip (``?ids=A,B&fields=insights...``).
        Meta counts each id as a call, and one id that cannot answer fails them all."""
        ids = list(media_ids)
        if not ids:
            return {}
        payload = self._call(
            "GET",
            "",
            params={"ids": ",".join(ids), "fields": f"id,insights.metric({','.join(metrics)})"},
            retries=retries,
        )
        return {
            str(key): parse_insights(value.get("insights") or {})
            for key, value in payload.items()
            if isinstance(value, dict)
        }

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

    def followers_count(self, *, retries: int = 0) -> int:
        payload = self._call(
            "GET", self._require_user(), params={"fields": "followers_count"}, retries=retries
        )
        return int(payload.get("followers_count") or 0)

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
