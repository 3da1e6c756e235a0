"""Typed results of the Graph API and the pure functions that read Meta's payloads into them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from instagram.errors import ErrorKind, GraphAPIError, classify


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
