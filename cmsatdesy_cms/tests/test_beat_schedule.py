"""The beat schedule is what the README promises: every entry runs a registered task with
arguments that fit it, at the time people at DESY read in the README (Europe/Berlin)."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from celery.schedules import crontab

from cmsatdesy_cms.celery import app

README = Path(__file__).resolve().parents[2] / "README.md"
WHEN = {
    # "daily at 03:30" (local time), "every 5 minutes"
    r"daily at (\d\d):(\d\d)": lambda h, m: crontab(hour=int(h), minute=int(m)),
    r"every (\d+) minutes?": lambda n: crontab(minute=f"*/{n}"),
}


def promised() -> dict[str, tuple[str, Any]]:
    """The README's table of periodic work: entry → (task, schedule)."""
    text = README.read_text()
    section = text.split("<!-- beat schedule -->", 2)[1]
    rows = re.findall(r"^\| `([\w-]+)` \| `([\w.]+)` \| ([^|]+?) \|", section, flags=re.M)
    table = {}
    for entry, task, when in rows:
        for pattern, make in WHEN.items():
            if match := re.fullmatch(pattern, when.strip()):
                table[entry] = (task, make(*match.groups()))
                break
        else:
            pytest.fail(f"README: cannot read the time {when!r} of {entry}")
    return table


def registered_tasks() -> Any:
    app.loader.import_default_modules()
    return app.tasks


def test_the_readme_promises_exactly_the_entries_that_exist() -> None:
    table = promised()
    schedule = app.conf.beat_schedule
    assert sorted(table) == sorted(schedule), (
        f"README lists {sorted(table)}, the beat schedule (cmsatdesy_cms/celery.py) has {sorted(schedule)}"
    )
    for name, (task, when) in table.items():
        assert schedule[name]["task"] == task, (
            f"{name}: README says {task}, schedule runs {schedule[name]['task']}"
        )
        assert schedule[name]["schedule"] == when, (
            f"{name}: README says {when}, schedule {schedule[name]['schedule']}"
        )


@pytest.mark.parametrize("name", sorted(app.conf.beat_schedule))
def test_each_entry_runs_a_registered_task_with_arguments_that_fit(name: str) -> None:
    entry = app.conf.beat_schedule[name]
    tasks = registered_tasks()
    assert entry["task"] in tasks, f"{name}: task {entry['task']} is not registered"
    signature = inspect.signature(tasks[entry["task"]].run)
    try:
        signature.bind(*entry.get("args", ()), **entry.get("kwargs", {}))
    except TypeError as error:
        pytest.fail(f"{name}: arguments do not fit {entry['task']}{signature}: {error}")


def test_times_of_day_are_local_time_at_desy() -> None:
    assert str(app.timezone) == "Europe/Berlin"
    nightly = app.conf.beat_schedule["erase-expired-contacts"]["schedule"]
    nightly = crontab(hour=nightly.hour, minute=nightly.minute, app=app)
    # In summer (CEST, UTC+2) 03:30 in Berlin is 01:30 UTC; in winter (CET) 02:30 UTC.
    for last_run, utc_hour in (
        (datetime(2026, 7, 1, 12, tzinfo=UTC), 1),
        (datetime(2026, 1, 1, 12, tzinfo=UTC), 2),
    ):
        start, delta, _now = nightly.remaining_delta(last_run)
        due = (start + delta).astimezone(UTC)
        assert (due.hour, due.minute) == (utc_hour, 30), due
