"""Tokens and the login dialog: code exchange, long-lived exchange, refresh, debug_token."""

from __future__ import annotations

import html
import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from graph_emulator.errors import (
    GraphError,
    invalid_parameter,
    missing_parameter,
    token_expired,
    token_invalid,
    token_missing,
)
from graph_emulator.request import Request, Response, json_response
from graph_emulator.state import (
    DAY,
    LONG_LIVED_SECONDS,
    SHORT_LIVED_SECONDS,
    App,
    AuthorizationCode,
    Token,
    format_time,
)

if TYPE_CHECKING:
    from graph_emulator.server import Emulator

DIALOG_PATHS = {"oauth/authorize", "dialog/oauth"}
TOKEN_PATHS = {"oauth/access_token", "access_token", "refresh_access_token", "debug_token"}
OAUTH_PATHS = DIALOG_PATHS | TOKEN_PATHS
CODE_LIFETIME_SECONDS = 3600


def handle(emu: Emulator, req: Request) -> Response:
    if req.path in DIALOG_PATHS:
        return dialog_submit(emu, req) if req.method == "POST" else dialog_page(emu, req)
    if req.path == "oauth/access_token":
        return access_token_grant(emu, req)
    if req.path == "access_token":
        return instagram_long_lived_exchange(emu, req)
    if req.path == "refresh_access_token":
        return instagram_refresh(emu, req)
    return debug_token(emu, req)


def check_token(emu: Emulator, value: str | None) -> Token:
    """The token behind ``value``, or the 190 error Meta answers with."""
    if not value:
        raise token_missing()
    with emu.state.lock:
        token = emu.state.tokens.get(value)
        now = emu.state.now()
    if token is None:
        raise token_invalid()
    if token.expired(now):
        assert token.expires_at is not None
        raise token_expired(format_time(token.expires_at))
    return token


def _app(emu: Emulator, client_id: str | None, secret: str | None, *, need_secret: bool = True) -> App:
    if not client_id:
        raise missing_parameter("client_id")
    app = emu.state.apps.get(client_id)
    if app is None:
        raise GraphError("Error validating application. Invalid application ID.", code=101)
    if need_secret and secret != app.secret:
        raise GraphError("Error validating client secret.", code=1)
    return app


def _token_answer(token: Token, now: float) -> dict[str, object]:
    answer: dict[str, object] = {"access_token": token.value, "token_type": "bearer"}
    if token.expires_at is not None:
        answer["expires_in"] = int(token.expires_at - now)
    return answer


# ---------------------------------------------------------------------------------------------
# Dialog
# ---------------------------------------------------------------------------------------------
def dialog_page(emu: Emulator, req: Request) -> Response:
    p = req.params
    app = emu.state.apps.get(p.get("client_id", ""))
    redirect_uri = p.get("redirect_uri", "")
    if app is None:
        return _html_error("Invalid App ID: the client_id is not a known app.")
    if not redirect_uri.startswith(("http://", "https://")):
        return _html_error("The redirect_uri is missing or is not an absolute http(s) URL.")
    if p.get("response_type", "code") != "code":
        return _html_error("Only response_type=code is supported.")
    scopes = [s for s in p.get("scope", "").replace(" ", ",").split(",") if s]
    with emu.state.lock:
        accounts = list(emu.state.accounts.values())
    chosen = p.get("ig_user_id", accounts[0].ig_user_id if accounts else "")
    options = "".join(
        f'<option value="{html.escape(a.ig_user_id)}"{" selected" if a.ig_user_id == chosen else ""}>'
        f"@{html.escape(a.username)}</option>"
        for a in accounts
    )
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(p.get(name, ""))}">'
        for name in ("client_id", "redirect_uri", "state", "scope", "response_type")
    )
    scope_items = "".join(f"<li>{html.escape(scope)}</li>" for scope in scopes) or "<li>basic access</li>"
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Log in with Instagram (emulator)</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 26rem; margin: 3rem auto; color: #262626; }}
.card {{ border: 1px solid #dbdbdb; border-radius: 8px; padding: 1.5rem; }}
button {{ font-size: 1rem; padding: .5rem 1.25rem; border-radius: 6px; border: 0; cursor: pointer; }}
.allow {{ background: #0095f6; color: #fff; }}
.cancel {{ background: #efefef; }}
</style>
</head>
<body>
<div class="card">
<h1>Allow access?</h1>
<p><strong>{html.escape(app.name)}</strong> would like to use your Instagram professional account.</p>
<ul>{scope_items}</ul>
<form method="post" action="{html.escape(req.raw_path)}">
{hidden}
<p><label for="ig_user_id">Account</label>
<select id="ig_user_id" name="ig_user_id">{options}</select></p>
<p><button class="allow" type="submit" name="decision" value="allow">Allow</button>
<button class="cancel" type="submit" name="decision" value="cancel">Cancel</button></p>
</form>
</div>
</body>
</html>
"""
    return Response(body=page.encode(), content_type="text/html; charset=utf-8")


def dialog_submit(emu: Emulator, req: Request) -> Response:
    p = req.params
    redirect_uri = p.get("redirect_uri", "")
    app = emu.state.apps.get(p.get("client_id", ""))
    if app is None or not redirect_uri.startswith(("http://", "https://")):
        return _html_error("Invalid App ID or redirect_uri.")
    state_param = {"state": p["state"]} if p.get("state") else {}
    if p.get("decision") != "allow":
        query = {
            "error": "access_denied",
            "error_reason": "user_denied",
            "error_description": "The user denied your request.",
            **state_param,
        }
        return _redirect(redirect_uri, query)
    with emu.state.lock:
        account = emu.state.accounts.get(p.get("ig_user_id", ""))
        if account is None:
            return _html_error("Unknown account.")
        code = "EMUCODE-" + secrets.token_urlsafe(24)
        emu.state.codes[code] = _new_code(emu, code, app.app_id, redirect_uri, account.ig_user_id, p)
    return _redirect(redirect_uri, {"code": code, **state_param})


def _new_code(
    emu: Emulator, code: str, app_id: str, redirect_uri: str, ig_user_id: str, p: dict[str, str]
) -> AuthorizationCode:
    scopes = [s for s in p.get("scope", "").replace(" ", ",").split(",") if s]
    return AuthorizationCode(code, app_id, redirect_uri, ig_user_id, scopes, emu.state.now())


def _redirect(uri: str, query: dict[str, str]) -> Response:
    separator = "&" if "?" in uri else "?"
    return Response(status=302, headers={"Location": uri + separator + urlencode(query)}, content_type="")


def _html_error(message: str) -> Response:
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Error</title></head>'
        f"<body><h1>Something went wrong</h1><p>{html.escape(message)}</p></body></html>"
    )
    return Response(status=400, body=page.encode(), content_type="text/html; charset=utf-8")


# ---------------------------------------------------------------------------------------------
# Exchanges
# ---------------------------------------------------------------------------------------------
def _redeem_code(emu: Emulator, req: Request, login: str) -> Response:
    p = req.params
    app = _app(emu, p.get("client_id"), p.get("client_secret"))
    value = p.get("code") or ""
    if not value:
        raise missing_parameter("code")
    state = emu.state
    with state.lock:
        code = state.codes.get(value)
        if code is None or code.client_id != app.app_id:
            raise invalid_parameter("Invalid verification code format.")
        if code.used:
            raise invalid_parameter("This authorization code has been used.", subcode=36009)
        if state.now() > code.created_at + CODE_LIFETIME_SECONDS:
            raise invalid_parameter("This authorization code has expired.", subcode=36007)
        if p.get("redirect_uri") != code.redirect_uri:
            raise invalid_parameter(
                "Error validating verification code. Please make sure your redirect_uri is identical "
                "to the one you used in the OAuth dialog request",
                subcode=36008,
            )
        code.used = True
        token = state.issue_token(
            code.ig_user_id,
            app.app_id,
            login,
            long_lived=False,
            expires_in=SHORT_LIVED_SECONDS,
            scopes=code.scopes or None,
        )
        now = state.now()
    if login == "instagram":
        # Instagram answers with the account id as a JSON number.
        return json_response(
            {"access_token": token.value, "user_id": int(token.ig_user_id), "permissions": token.scopes}
        )
    return json_response(_token_answer(token, now))


def access_token_grant(emu: Emulator, req: Request) -> Response:
    """``/oauth/access_token`` chosen by its parameters, not its method. Meta documents GET for
    Facebook Login and POST for Instagram Login; both answer alike here, so a client can keep
    the secrets in a POST body for either."""
    grant_type = req.params.get("grant_type") or ""
    if grant_type == "authorization_code":
        return instagram_code_exchange(emu, req)
    if grant_type == "fb_exchange_token":
        return facebook_long_lived_exchange(emu, req)
    if not grant_type:
        # Facebook Login's code exchange names no grant type.
        return facebook_code_exchange(emu, req)
    raise invalid_parameter(f"Unsupported grant_type: {grant_type}")


def instagram_code_exchange(emu: Emulator, req: Request) -> Response:
    return _redeem_code(emu, req, "instagram")


def facebook_code_exchange(emu: Emulator, req: Request) -> Response:
    return _redeem_code(emu, req, "facebook")


def facebook_long_lived_exchange(emu: Emulator, req: Request) -> Response:
    p = req.params
    app = _app(emu, p.get("client_id"), p.get("client_secret"))
    short = check_token(emu, p.get("fb_exchange_token"))
    with emu.state.lock:
        token = emu.state.issue_token(
            short.ig_user_id, app.app_id, "facebook", long_lived=True, expires_in=LONG_LIVED_SECONDS
        )
        return json_response(_token_answer(token, emu.state.now()))


def instagram_long_lived_exchange(emu: Emulator, req: Request) -> Response:
    p = req.params
    if p.get("grant_type") != "ig_exchange_token":
        raise invalid_parameter("grant_type must be ig_exchange_token")
    short = check_token(emu, req.bearer_token())
    _app(emu, short.app_id, p.get("client_secret"))
    with emu.state.lock:
        token = emu.state.issue_token(
            short.ig_user_id,
            short.app_id,
            "instagram",
            long_lived=True,
            expires_in=LONG_LIVED_SECONDS,
            scopes=short.scopes,
        )
        return json_response(_token_answer(token, emu.state.now()))


def instagram_refresh(emu: Emulator, req: Request) -> Response:
    if req.params.get("grant_type") != "ig_refresh_token":
        raise invalid_parameter("grant_type must be ig_refresh_token")
    token = check_token(emu, req.bearer_token())
    state = emu.state
    with state.lock:
        now = state.now()
        if not token.long_lived or token.login != "instagram":
            raise invalid_parameter("Only long-lived Instagram User access tokens can be refreshed")
        if state.config.refresh_requires_token_age and now - token.issued_at < DAY:
            raise invalid_parameter("The access token must be at least 24 hours old to be refreshed")
        # Same string, new lifetime: a client stores whatever comes back either way.
        token.issued_at = now
        token.expires_at = now + LONG_LIVED_SECONDS
        return json_response(_token_answer(token, now))


def debug_token(emu: Emulator, req: Request) -> Response:
    caller = req.bearer_token() or ""
    app_id, _, secret = caller.partition("|")
    if not (secret and app_id in emu.state.apps and emu.state.apps[app_id].secret == secret):
        check_token(emu, caller)
    input_token = req.params.get("input_token")
    if not input_token:
        raise missing_parameter("input_token")
    with emu.state.lock:
        token = emu.state.tokens.get(input_token)
        now = emu.state.now()
        if token is None:
            data: dict[str, object] = {
                "error": {"code": 190, "message": "Invalid OAuth access token - Cannot parse access token"},
                "is_valid": False,
                "scopes": [],
            }
            return json_response({"data": data})
        app = emu.state.apps[token.app_id]
        data = {
            "app_id": app.app_id,
            "type": "USER",
            "application": app.name,
            "data_access_expires_at": int(token.issued_at + 90 * DAY),
            "expires_at": int(token.expires_at) if token.expires_at is not None else 0,
            "is_valid": not token.expired(now),
            "issued_at": int(token.issued_at),
            "scopes": token.scopes,
            "granular_scopes": [{"scope": s, "target_ids": [token.ig_user_id]} for s in token.scopes],
            "user_id": token.ig_user_id,
        }
        if token.expired(now):
            data["error"] = {
                "code": 190,
                "subcode": 463,
                "message": f"Session has expired on {format_time(token.expires_at or now)}.",
            }
    return json_response({"data": data})
