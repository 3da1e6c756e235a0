"""HTTP plumbing: parse requests, apply faults, route, add Meta's headers, log calls."""

from __future__ import annotations

import itertools
import json
import re
import sys
import threading
import traceback
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from graph_emulator import API_VERSION, api, control, oauth
from graph_emulator.errors import GraphError, new_fbtrace_id, rate_limited, token_expired, transient_error
from graph_emulator.faults import BEFORE_HANDLING, Fault, FaultStore
from graph_emulator.redaction import Redactor
from graph_emulator.request import Request, Response, json_response
from graph_emulator.state import EmulatorState, format_time

VERSION_PREFIX = re.compile(r"^v\d+\.\d+$")


def proxy_error_page(status: int, body: str | None = None) -> Response:
    """What nginx in front of an upstream answers: an HTML page, nothing of Meta's."""
    if body is None:
        try:
            title = f"{status} {HTTPStatus(status).phrase}"
        except ValueError:
            title = str(status)
        body = (
            f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
            f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        )
    return Response(status=status, body=body.encode(), content_type="text/html")


class Emulator:
    """State, faults and the call log behind one server."""

    def __init__(self, seed: int = 1) -> None:
        self.state = EmulatorState(seed)
        self.faults = FaultStore()
        self.calls: list[dict[str, Any]] = []
        self.calls_lock = threading.Lock()
        self._call_ids = itertools.count(1)

    def reset(self, seed: int | None = None) -> None:
        self.faults.clear()
        self.state = EmulatorState(self.state.seed if seed is None else int(seed))
        with self.calls_lock:
            self.calls.clear()

    # -- one Graph call --------------------------------------------------------------------------
    def serve_graph(self, req: Request) -> Response:
        state = self.state
        with state.lock:
            token = state.tokens.get(req.bearer_token() or "")
            req.account_id = token.ig_user_id if token else None
            # Every token issued so far and every app secret: what must never be in a URL.
            redactor = Redactor([*state.tokens, *(app.secret for app in state.apps.values())])
        entry = self._log_call(req, redactor)
        fault = self.faults.take(BEFORE_HANDLING, req.method, req.endpoint)
        if fault is not None:
            entry["fault"] = fault.id
            response = self._with_fault(fault, req, redactor)
        else:
            response = self._handle(req)
        entry["status"] = None if response.drop_connection else response.status
        return response

    def _with_fault(self, fault: Fault, req: Request, redactor: Redactor) -> Response:
        options = fault.options
        if fault.kind == "transient":
            return self._error(
                req, transient_error(int(options.get("code", 2)), int(options.get("status", 500)))
            )
        if fault.kind == "rate_limit":
            error = rate_limited(int(options.get("code", 80002)))
            return self._error(req, error, throttled_minutes=int(options.get("minutes", 5)))
        if fault.kind == "token_expired":
            return self._error(req, token_expired(format_time(self.state.now())))
        if fault.kind == "error":
            error = GraphError(
                str(options.get("message", "An error occurred")),
                code=int(options.get("code", 1)),
                subcode=options.get("subcode"),
                status=int(options.get("status", 400)),
                is_transient=bool(options.get("is_transient", False)),
                user_title=options.get("user_title"),
                user_msg=options.get("user_msg"),
            )
            return self._error(req, error)
        if fault.kind == "timeout":
            seconds = float(options.get("seconds", self.state.config.default_timeout_fault_seconds))
            if options.get("effect"):
                response = self._handle(req)
                self.faults.sleep(seconds)
                return response
            self.faults.sleep(seconds)
            return Response(drop_connection=True)
        if fault.kind == "proxy_error":
            # A proxy or load balancer in front of Meta answers: no error object, no Meta headers.
            body = options.get("body")
            return proxy_error_page(int(options.get("status", 502)), None if body is None else str(body))
        # hold
        path, params = redactor.text(req.endpoint), redactor.params(req.params)
        stage = str(options.get("stage", "before"))
        if stage == "after":
            response = self._handle(req)
            held = self.faults.hold(fault, req.method, path, params, stage)
            return Response(drop_connection=True) if held.action == "drop" else response
        held = self.faults.hold(fault, req.method, path, params, stage)
        if held.action == "drop":
            return Response(drop_connection=True)
        return self._handle(req)

    def _handle(self, req: Request) -> Response:
        try:
            if req.path in oauth.OAUTH_PATHS:
                response = oauth.handle(self, req)
            else:
                response = api.handle(self, req)
        except GraphError as error:
            return self._error(req, error)
        except Exception:  # noqa: BLE001 - a bug in the emulator must still answer in Meta's shape
            traceback.print_exc(file=sys.stderr)
            return self._error(req, transient_error(code=1, status=500))
        self._add_usage_headers(req, response)
        return response

    def _error(self, req: Request, error: GraphError, throttled_minutes: int | None = None) -> Response:
        response = json_response(error.body(), status=error.status)
        response.headers.update(error.extra_headers)
        self._add_usage_headers(req, response, throttled_minutes)
        return response

    def _add_usage_headers(
        self, req: Request, response: Response, throttled_minutes: int | None = None
    ) -> None:
        state = self.state
        with state.lock:
            usage: dict[str, Any] = {}
            app_percent = 0
            if req.account_id:
                # Meta counts every id of a multi-id request as a call of its own.
                weight = len([i for i in req.params.get("ids", "").split(",") if i]) if not req.path else 1
                state.call_times.setdefault(req.account_id, []).extend([state.now()] * max(1, weight))
                percent = state.usage_percent(req.account_id)
                regain = 0
                if throttled_minutes is not None:
                    percent, regain = 100, throttled_minutes
                usage[req.account_id] = [
                    {
                        "type": "instagram",
                        "call_count": percent,
                        "total_cputime": percent // 2,
                        "total_time": percent // 2,
                        "estimated_time_to_regain_access": regain,
                    }
                ]
                app_percent = percent
        response.headers["X-Business-Use-Case-Usage"] = json.dumps(usage, separators=(",", ":"))
        response.headers["X-App-Usage"] = json.dumps(
            {"call_count": app_percent, "total_time": app_percent // 2, "total_cputime": app_percent // 2},
            separators=(",", ":"),
        )
        response.headers["x-fb-trace-id"] = new_fbtrace_id()
        response.headers["facebook-api-version"] = req.version or API_VERSION

    def _log_call(self, req: Request, redactor: Redactor) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "id": next(self._call_ids),
            "time": format_time(self.state.now()),
            "epoch": self.state.now(),
            "method": req.method,
            "url": redactor.target(req.target),
            # Decided on the target as received, before any redaction.
            "token_in_url": redactor.found_in(req.target),
            "path": redactor.text(req.raw_path),
            "endpoint": redactor.text(req.endpoint),
            "version": req.version,
            "host": req.headers.get("Host"),
            "params": redactor.params(req.params),
            "authorization": Redactor.authorization(req.headers.get("Authorization")),
            "account_id": req.account_id,
            "fault": None,
            "status": None,
        }
        with self.calls_lock:
            self.calls.append(entry)
        return entry


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------
class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        super().__init__(address, GraphRequestHandler)


class GraphRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "graph-emulator"
    server: EmulatorHTTPServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        emulator = self.server.emulator
        req = self._build_request()
        if req.path == "_emulator" or req.path.startswith("_emulator/"):
            response = control.handle(emulator, req)
        else:
            response = emulator.serve_graph(req)
        if response.drop_connection:
            self.close_connection = True
            return
        self._send(response)

    def _build_request(self) -> Request:
        split = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        form: dict[str, str] = {}
        content_type = self.headers.get("Content-Type", "")
        if body and "application/x-www-form-urlencoded" in content_type:
            form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
        elif body and "application/json" in content_type and not split.path.startswith("/_emulator"):
            try:
                data = json.loads(body)
            except json.JSONDecodeError:
                data = {}
            if isinstance(data, dict):
                form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
        segments = [s for s in split.path.split("/") if s]
        version = None
        if segments and VERSION_PREFIX.match(segments[0]):
            version = segments.pop(0)
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        return Request(
            method=self.command,
            path="/".join(segments),
            raw_path=split.path,
            version=version,
            params={**query, **form},
            query=query,
            headers=self.headers,
            base_url=f"http://{host}",
            body=body,
            target=self.path,
        )

    def _send(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            if response.content_type:
                self.send_header("Content-Type", response.content_type)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (a timeout fault); nothing left to tell it.
            self.close_connection = True


# ---------------------------------------------------------------------------------------------
# Running it
# ---------------------------------------------------------------------------------------------
@dataclass
class EmulatorHandle:
    """A running emulator; the methods mirror the /_emulator/ control API without HTTP."""

    emulator: Emulator
    httpd: EmulatorHTTPServer
    thread: threading.Thread
    base_url: str

    def stop(self) -> None:
        self.emulator.faults.clear()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def reset(self, seed: int | None = None) -> None:
        control.reset(self.emulator, seed)

    def advance_clock(self, seconds: float) -> dict[str, Any]:
        return control.clock(self.emulator, advance=seconds)

    def freeze_clock(self, frozen: bool = True) -> dict[str, Any]:
        return control.clock(self.emulator, freeze=frozen)

    def configure(self, **values: Any) -> dict[str, Any]:
        return control.configure(self.emulator, values)

    def add_fault(self, kind: str, **options: Any) -> dict[str, Any]:
        return control.add_fault(self.emulator, {"kind": kind, **options})

    def clear_faults(self) -> None:
        self.emulator.faults.remove()

    def held(self, wait: float = 0.0, count: int = 1) -> list[dict[str, Any]]:
        return self.emulator.faults.held(wait_seconds=wait, at_least=count)

    def release(self, hold_id: str | None = None, action: str = "answer") -> list[str]:
        return control.release(self.emulator, hold_id, action)

    def calls(self, match: str | None = None, method: str | None = None) -> list[dict[str, Any]]:
        return control.calls(self.emulator, match, method)

    def tokens_in_urls(self) -> list[dict[str, Any]]:
        return control.tokens_in_urls(self.emulator)

    def published(self) -> list[dict[str, Any]]:
        return control.published(self.emulator)

    def create_account(self, **options: Any) -> dict[str, Any]:
        return control.create_account(self.emulator, **options)

    def create_token(self, **options: Any) -> dict[str, Any]:
        return control.create_token(self.emulator, **options)

    def media(self, ig_user_id: str | None = None) -> list[dict[str, Any]]:
        return control.media(self.emulator, ig_user_id)

    def add_media(self, **options: Any) -> dict[str, Any]:
        return control.add_media(self.emulator, **options)

    @property
    def seed(self) -> int:
        return self.emulator.state.seed

    def now(self) -> float:
        return self.emulator.state.now()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_emulator(port: int = 0, seed: int = 1, host: str = "127.0.0.1") -> EmulatorHandle:
    """Start an emulator on a daemon thread; ``port=0`` picks a free port."""
    emulator = Emulator(seed)
    httpd = EmulatorHTTPServer((host, port), emulator)
    thread = threading.Thread(target=httpd.serve_forever, name="graph-emulator", daemon=True)
    thread.start()
    bound_port = httpd.server_address[1]
    return EmulatorHandle(emulator, httpd, thread, f"http://{host}:{bound_port}")
