"""Request and response values passed between the HTTP layer and the endpoint handlers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from graph_emulator.errors import invalid_parameter


@dataclass
class Request:
    method: str
    path: str  # version prefix and outer slashes removed: "17841400000000001/media"
    raw_path: str
    version: str | None
    params: dict[str, str]
    query: dict[str, str]
    headers: Message
    base_url: str
    body: bytes = b""
    target: str = ""  # the request target exactly as received: path and query string
    account_id: str | None = None  # set once the token is known; keys the usage header

    @property
    def endpoint(self) -> str:
        return "/" + self.path

    def json_body(self) -> dict[str, Any]:
        if not self.body.strip():
            return {}
        try:
            data = json.loads(self.body)
        except json.JSONDecodeError:
            return dict(self.params)
        return data if isinstance(data, dict) else {}

    def bearer_token(self) -> str | None:
        header = self.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme.lower() in ("bearer", "oauth") and value.strip():
            return value.strip()
        return self.params.get("access_token") or None


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)
    drop_connection: bool = False


def json_response(data: Any, status: int = 200) -> Response:
    return Response(status=status, body=json.dumps(data).encode())


@dataclass
class FieldSpec:
    name: str
    modifiers: dict[str, str] = field(default_factory=dict)
    subfields: list[FieldSpec] | None = None


def parse_fields(text: str | None) -> list[FieldSpec]:
    """Parse ``id,caption,insights.metric(reach,views),children{id,media_url}``."""
    if not text:
        return []
    return [_parse_field(part) for part in _split_top_level(text) if part.strip()]


def _split_top_level(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
            if depth < 0:
                raise invalid_parameter(f"Syntax error in fields: {text}")
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    if depth != 0:
        raise invalid_parameter(f"Syntax error in fields: {text}")
    parts.append(text[start:])
    return parts


def _parse_field(text: str) -> FieldSpec:
    text = text.strip()
    subfields = None
    if text.endswith("}") and "{" in text:
        brace = text.index("{")
        subfields = parse_fields(text[brace + 1 : -1])
        text = text[:brace]
    name, *modifier_parts = _split_modifiers(text)
    modifiers = {}
    for part in modifier_parts:
        if "(" not in part or not part.endswith(")"):
            raise invalid_parameter(f"Syntax error in fields near: {part}")
        key, _, value = part[:-1].partition("(")
        modifiers[key] = value
    return FieldSpec(name=name, modifiers=modifiers, subfields=subfields)


def _split_modifiers(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "." and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts
