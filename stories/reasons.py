"""Reasons a worker stores on a row, shown in the reader's language.

A worker has no reader: it stores a reason as its English message id with its parameters (JSON),
and the page fills it in in its reader's language. A parameter may itself be a reason (a length,
what was wrong with a photo). A row stored before holds a plain sentence: it is shown as stored,
in the reader's language when the catalogue knows it."""

from __future__ import annotations

import json
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

_KEY = "reasons"


def reason(message: str | Promise, *, braces: bool = False, **params: Any) -> dict[str, Any]:
    """A message id (marked with gettext_noop, or a lazy translation) and its parameters, named
    as %(name)s in the message, or as {name} with `braces`."""
    if isinstance(message, Promise):
        with translation.override(None):
            message = str(message)
    found = {"message": message, "params": params}
    return {**found, "braces": True} if braces else found


def stored(*reasons: dict[str, Any]) -> str:
    """What goes in the row's text field: one reason or several, said one after the other."""
    return json.dumps({_KEY: list(reasons)}, ensure_ascii=False)


def text(one: dict[str, Any]) -> str:
    """One reason in the active language."""
    params = {
        name: text(value) if isinstance(value, dict) else value for name, value in one["params"].items()
    }
    sentence = gettext(one["message"])
    if not params:
        return sentence
    return sentence.format(**params) if one.get("braces") else sentence % params


def shown(value: str) -> str:
    """A stored reason in the active language; a plain sentence as stored."""
    if not value.startswith("{"):
        return gettext(value) if value else value
    try:
        return " ".join(text(one) for one in json.loads(value)[_KEY])
    except (ValueError, KeyError, TypeError):
        return value
