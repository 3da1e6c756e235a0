"""Waking a worker once a change is committed.

Every task the product queues from a change is backed by rows the task reads and by a sweep in
beat that hands out again what waits too long (e-mails, renditions, conversions, posts). The
message only wakes a worker sooner, so a broker that is down or slow must never turn a change
that is already committed into an error page: a failed send is logged and left to the sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction


def after_commit(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Call ``func(*args, **kwargs)`` (usually a task's ``delay``) once the transaction commits;
    an exception from it is logged by Django and goes no further."""

    def wake_up() -> None:
        func(*args, **kwargs)

    # Django names the failed callback by its __qualname__ when it logs it; a partial has none,
    # and the logging itself would then raise.
    wake_up.__qualname__ = getattr(func, "__qualname__", repr(func))
    transaction.on_commit(wake_up, robust=True)
