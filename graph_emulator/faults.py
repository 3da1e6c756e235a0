"""Injected faults and held requests.

A fault is scoped by a regular expression searched in the request path (version prefix
removed, e.g. ``/17841400000000001/media_publish``), an optional HTTP method, and a count of
matching calls it applies to. Some kinds act before the request is handled (transient,
timeout, rate_limit, error, token_expired, proxy_error, hold); the others are taken by the
handler that they concern (container_error and container_expired by container creation or
status reads, publish_lost_reply by media_publish).
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

BEFORE_HANDLING = {"transient", "timeout", "rate_limit", "error", "token_expired", "proxy_error", "hold"}
IN_HANDLER = {"container_error", "container_expired", "publish_lost_reply"}
FAULT_KINDS = BEFORE_HANDLING | IN_HANDLER
DEFAULT_MATCH = {"publish_lost_reply": "/media_publish$"}


class FaultSpecError(ValueError):
    pass


def _is_http_status(value: Any) -> bool:
    try:
        return not isinstance(value, bool) and 100 <= int(value) <= 599
    except (TypeError, ValueError):
        return False


@dataclass
class Fault:
    id: str
    kind: str
    match: str
    method: str | None
    remaining: int | None
    options: dict[str, Any]
    hits: int = 0

    def applies_to(self, method: str, path: str) -> bool:
        if self.method and self.method != method:
            return False
        return re.search(self.match, path) is not None

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "match": self.match,
            "method": self.method,
            "remaining": self.remaining,
            "hits": self.hits,
            **self.options,
        }


@dataclass
class HeldRequest:
    id: str
    fault_id: str
    method: str
    path: str
    params: dict[str, str]
    since: float
    stage: str
    released: threading.Event = field(default_factory=threading.Event)
    action: str = "answer"

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "fault_id": self.fault_id,
            "method": self.method,
            "path": self.path,
            "params": self.params,
            "stage": self.stage,
            "held_seconds": round(time.monotonic() - self.since, 3),
        }


class FaultStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._held: list[HeldRequest] = []
        self._held_changed = threading.Condition(self._lock)
        self._ids = itertools.count(1)
        self._wake = threading.Event()

    # faults --------------------------------------------------------------------------------------
    def add(self, spec: dict[str, Any]) -> Fault:
        kind = spec.get("kind")
        if kind not in FAULT_KINDS:
            raise FaultSpecError(f"kind must be one of {sorted(FAULT_KINDS)}")
        match = str(spec.get("match") or DEFAULT_MATCH.get(kind, ""))
        try:
            re.compile(match)
        except re.error as exc:
            raise FaultSpecError(f"match is not a regular expression: {exc}") from exc
        count = spec.get("count", 1)
        if count is not None and (not isinstance(count, int) or count < 1):
            raise FaultSpecError("count must be a positive integer, or null for every matching call")
        if spec.get("status") is not None and not _is_http_status(spec["status"]):
            raise FaultSpecError("status must be an HTTP status code (100 to 599)")
        method = spec.get("method")
        options = {k: v for k, v in spec.items() if k not in {"kind", "match", "count", "method"}}
        fault = Fault(
            id=f"fault-{next(self._ids)}",
            kind=kind,
            match=match,
            method=method.upper() if isinstance(method, str) else None,
            remaining=count,
            options=options,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, kinds: set[str], method: str, path: str) -> Fault | None:
        """The first active fault of these kinds matching the call; counts it as used."""
        with self._lock:
            for fault in self._faults:
                if fault.kind in kinds and fault.applies_to(method, path):
                    fault.hits += 1
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def active(self) -> list[dict[str, Any]]:
        with self._lock:
            return [fault.describe() for fault in self._faults]

    def remove(self, fault_id: str | None = None) -> int:
        with self._lock:
            before = len(self._faults)
            self._faults = [f for f in self._faults if fault_id is not None and f.id != fault_id]
            return before - len(self._faults)

    # holding ---------------------------------------------------------------------------------------
    def hold(self, fault: Fault, method: str, path: str, params: dict[str, str], stage: str) -> HeldRequest:
        held = HeldRequest(
            id=f"hold-{next(self._ids)}",
            fault_id=fault.id,
            method=method,
            path=path,
            params=params,
            since=time.monotonic(),
            stage=stage,
        )
        with self._lock:
            self._held.append(held)
            self._held_changed.notify_all()
        limit = float(fault.options.get("max_seconds", 600))
        if not held.released.wait(limit):
            held.action = "answer"
        with self._lock:
            if held in self._held:
                self._held.remove(held)
        return held

    def held(self, wait_seconds: float = 0.0, at_least: int = 1) -> list[dict[str, Any]]:
        deadline = time.monotonic() + wait_seconds
        with self._lock:
            while len(self._held) < at_least:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._held_changed.wait(remaining)
            return [held.describe() for held in self._held]

    def release(self, hold_id: str | None = None, action: str = "answer") -> list[str]:
        with self._lock:
            chosen = [h for h in self._held if hold_id is None or h.id == hold_id]
            for held in chosen:
                held.action = action
                self._held.remove(held)
                held.released.set()
        return [held.id for held in chosen]

    # sleeping --------------------------------------------------------------------------------------
    def sleep(self, seconds: float) -> None:
        """Sleep that ends early when the emulator is reset or stopped."""
        self._wake.wait(seconds)

    def clear(self) -> None:
        """Drop all faults; let sleepers and held requests go (held ones without an answer)."""
        self.remove()
        self.release(action="drop")
        wake, self._wake = self._wake, threading.Event()
        wake.set()
