"""The control API under /_emulator/: JSON in, JSON out, no token.

Each operation is also a plain function taking the emulator, so the in-process handle
returned by ``start_emulator`` offers the same operations without HTTP.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from graph_emulator import insights
from graph_emulator.faults import FaultSpecError
from graph_emulator.request import Request, Response, json_response
from graph_emulator.state import LONG_LIVED_SECONDS, SHORT_LIVED_SECONDS, format_time

if TYPE_CHECKING:
    from graph_emulator.server import Emulator


class ControlError(ValueError):
    pass


def handle(emu: Emulator, req: Request) -> Response:
    parts = req.path.split("/")[1:]
    name = parts[0] if parts else ""
    body = req.json_body()
    try:
        answer = _dispatch(emu, req, name, parts[1:], body)
    except (ControlError, FaultSpecError, ValueError, TypeError) as exc:
        return json_response({"error": str(exc)}, status=400)
    if isinstance(answer, Response):
        return answer
    return json_response(answer)


def _dispatch(emu: Emulator, req: Request, name: str, rest: list[str], body: dict[str, Any]) -> Any:
    method = req.method
    query = req.params
    if (name, method) == ("", "GET"):
        return {"endpoints": ENDPOINTS}
    if (name, method) == ("reset", "POST"):
        return reset(emu, body.get("seed"))
    if name == "calls" and method == "GET":
        return {"calls": calls(emu, match=query.get("match"), method=query.get("method"))}
    if name == "calls" and method == "DELETE":
        return clear_calls(emu)
    if (name, method) == ("tokens_in_urls", "GET"):
        return {"tokens_in_urls": tokens_in_urls(emu)}
    if (name, method) == ("published", "GET"):
        return {"published": published(emu)}
    if name == "faults" and method == "POST":
        many = body.get("faults")
        specs: list[dict[str, Any]] = many if isinstance(many, list) else [body]
        return {"faults": [add_fault(emu, spec) for spec in specs]}
    if name == "faults" and method == "GET":
        return {"faults": emu.faults.active()}
    if name == "faults" and method == "DELETE":
        return {"removed": emu.faults.remove(rest[0] if rest else None)}
    if (name, method) == ("release", "POST"):
        return {"released": release(emu, body.get("id"), body.get("action", "answer"))}
    if (name, method) == ("held", "GET"):
        wait = float(query.get("wait", 0))
        return {"held": emu.faults.held(wait_seconds=min(wait, 30), at_least=int(query.get("count", 1)))}
    if name == "clock":
        if method == "POST":
            return clock(emu, advance=float(body.get("advance", 0)), freeze=body.get("freeze"))
        return clock(emu)
    if name == "config":
        if method == "POST":
            return configure(emu, body)
        return emu.state.config.as_dict()
    if name == "accounts":
        if method == "POST":
            return create_account(emu, **body)
        return {"accounts": accounts(emu)}
    if (name, method) == ("tokens", "POST"):
        return create_token(emu, **body)
    if (name, method) == ("media", "GET"):
        return {"media": media(emu, rest[0] if rest else query.get("ig_user_id"))}
    if (name, method) == ("media", "POST"):
        return add_media(emu, **body)
    return json_response({"error": f"unknown control endpoint {method} /{req.path}"}, status=404)


ENDPOINTS = [
    "POST /_emulator/reset {seed?}",
    "GET /_emulator/calls?match=REGEX&method=POST",
    "DELETE /_emulator/calls",
    "GET /_emulator/tokens_in_urls",
    "GET /_emulator/published",
    "POST /_emulator/faults {kind, match?, method?, count?, ...options} or {faults: [...]}",
    "GET /_emulator/faults",
    "DELETE /_emulator/faults[/FAULT_ID]",
    "GET /_emulator/held?wait=SECONDS&count=N",
    "POST /_emulator/release {id?, action?: answer|drop}",
    "GET|POST /_emulator/clock {advance?: seconds, freeze?: bool}",
    "GET|POST /_emulator/config {quota_total?, video_processing_seconds?, ...}",
    "GET|POST /_emulator/accounts {username?, followers?, media_count?, token_expires_in?, login?}",
    "POST /_emulator/tokens {ig_user_id?, login?, long_lived?, expires_in?, age_seconds?, scopes?}",
    "GET /_emulator/media[/IG_USER_ID]",
    "POST /_emulator/media {ig_user_id?, media_type?, product_type?, age_seconds?, caption?}",
]


def reset(emu: Emulator, seed: int | None = None) -> dict[str, Any]:
    emu.reset(seed)
    return {"ok": True, "seed": emu.state.seed}


def calls(emu: Emulator, match: str | None = None, method: str | None = None) -> list[dict[str, Any]]:
    pattern = re.compile(match) if match else None
    with emu.calls_lock:
        entries = [dict(entry) for entry in emu.calls]
    return [
        entry
        for entry in entries
        if (pattern is None or pattern.search(entry["endpoint"]))
        and (method is None or entry["method"] == method.upper())
    ]


def tokens_in_urls(emu: Emulator) -> list[dict[str, Any]]:
    """The logged calls whose URL carried a token or an app secret (decided before redaction)."""
    return [entry for entry in calls(emu) if entry["token_in_url"]]


def clear_calls(emu: Emulator) -> dict[str, Any]:
    with emu.calls_lock:
        count = len(emu.calls)
        emu.calls.clear()
    return {"removed": count}


def published(emu: Emulator) -> list[dict[str, Any]]:
    with emu.state.lock:
        return [dict(record) for record in emu.state.published]


def add_fault(emu: Emulator, spec: dict[str, Any]) -> dict[str, Any]:
    return emu.faults.add(spec).describe()


def release(emu: Emulator, hold_id: str | None = None, action: str = "answer") -> list[str]:
    if action not in ("answer", "drop"):
        raise ControlError("action must be answer or drop")
    return emu.faults.release(hold_id, action)


def clock(emu: Emulator, advance: float = 0.0, freeze: bool | None = None) -> dict[str, Any]:
    state = emu.state
    with state.lock:
        if advance < 0:
            raise ControlError("the clock only moves forward")
        if freeze is not None:
            state.clock.freeze(bool(freeze))
        state.clock.advance(advance)
        now = state.now()
        return {"now": format_time(now), "epoch": now, "frozen": state.clock.frozen}


def configure(emu: Emulator, values: dict[str, Any]) -> dict[str, Any]:
    with emu.state.lock:
        unknown = emu.state.config.update(values)
        if unknown:
            raise ControlError(f"unknown configuration keys: {', '.join(unknown)}")
        return emu.state.config.as_dict()


def create_account(
    emu: Emulator,
    username: str | None = None,
    followers: int = 1200,
    media_count: int = 0,
    token_expires_in: float | None = LONG_LIVED_SECONDS,
    login: str = "instagram",
) -> dict[str, Any]:
    with emu.state.lock:
        account, token = emu.state.create_account(username, followers, media_count, token_expires_in, login)
        return {"ig_user_id": account.ig_user_id, "username": account.username, **_token_dict(token)}


def create_token(
    emu: Emulator,
    ig_user_id: str | None = None,
    login: str = "instagram",
    long_lived: bool = True,
    expires_in: float | None = None,
    age_seconds: float = 0.0,
    scopes: list[str] | None = None,
) -> dict[str, Any]:
    """A token issued ``age_seconds`` ago that lives ``expires_in`` seconds from issue."""
    state = emu.state
    with state.lock:
        from graph_emulator import DEMO_APP_ID, DEMO_IG_USER_ID

        owner = ig_user_id or DEMO_IG_USER_ID
        if owner not in state.accounts:
            raise ControlError(f"unknown account {owner}")
        lifetime = (
            expires_in
            if expires_in is not None
            else (LONG_LIVED_SECONDS if long_lived else SHORT_LIVED_SECONDS)
        )
        token = state.issue_token(
            owner, DEMO_APP_ID, login, long_lived=long_lived, expires_in=lifetime, scopes=scopes
        )
        token.issued_at -= age_seconds
        if token.expires_at is not None:
            token.expires_at -= age_seconds
        return {"ig_user_id": owner, **_token_dict(token)}


def _token_dict(token: Any) -> dict[str, Any]:
    return {
        "token": token.value,
        "login": token.login,
        "long_lived": token.long_lived,
        "issued_at": token.issued_at,
        "expires_at": token.expires_at,
    }


def accounts(emu: Emulator) -> list[dict[str, Any]]:
    state = emu.state
    with state.lock:
        return [
            {
                "ig_user_id": a.ig_user_id,
                "username": a.username,
                "followers_count": state.followers_count(a),
                "tokens": [t.value for t in state.tokens.values() if t.ig_user_id == a.ig_user_id],
            }
            for a in state.accounts.values()
        ]


def media(emu: Emulator, ig_user_id: str | None = None) -> list[dict[str, Any]]:
    """Every media object with its current figures (what the insights endpoints answer now)."""
    state = emu.state
    with state.lock:
        now = state.now()
        rows = []
        for item in sorted(state.media.values(), key=lambda m: (m.timestamp, m.id), reverse=True):
            if ig_user_id and item.ig_user_id != ig_user_id:
                continue
            elapsed = now - item.timestamp
            rows.append(
                {
                    "id": item.id,
                    "ig_user_id": item.ig_user_id,
                    "media_type": item.media_type,
                    "media_product_type": item.product_type,
                    "timestamp": format_time(item.timestamp),
                    "epoch": item.timestamp,
                    "elapsed_seconds": elapsed,
                    "parent_id": item.parent_id,
                    "container_id": item.container_id,
                    "caption": item.caption,
                    "metrics": None
                    if item.parent_id
                    else insights.expected_media_metrics(state.seed, item.id, item.product_type, elapsed),
                }
            )
        return rows


def add_media(
    emu: Emulator,
    ig_user_id: str | None = None,
    media_type: str = "IMAGE",
    product_type: str = "FEED",
    age_seconds: float = 0.0,
    caption: str = "",
) -> dict[str, Any]:
    """A published media object made directly (no container), ``age_seconds`` old: for tests
    that need many posts of known types and ages."""
    from graph_emulator import DEMO_IG_USER_ID
    from graph_emulator.state import add_media_object

    state = emu.state
    with state.lock:
        owner = ig_user_id or DEMO_IG_USER_ID
        if owner not in state.accounts:
            raise ControlError(f"unknown account {owner}")
        if (media_type, product_type) not in {
            ("IMAGE", "FEED"), ("CAROUSEL_ALBUM", "FEED"), ("VIDEO", "REELS"), ("IMAGE", "STORY"), ("VIDEO", "STORY"),
        }:  # fmt: skip
            raise ControlError(f"unsupported media: {media_type}/{product_type}")
        item = add_media_object(
            state, state.accounts[owner], media_type, product_type, state.now() - float(age_seconds), caption
        )
        return {
            "id": item.id,
            "timestamp": format_time(item.timestamp),
            "media_product_type": item.product_type,
        }
