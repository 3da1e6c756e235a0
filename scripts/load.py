"""`make load`: a load smoke test of several web processes on PostgreSQL, with locust.

50 team members browse the review queue, the calendar and the dashboard while 10 scientists add
photos to their drafts, for two minutes (``--minutes``). The database is a fresh one beside
DATABASE_URL's (its name with ``_load``), seeded with the demo data; the sessions are made before
the clock starts, and the load profile raises the login and upload rate limits (60 people from one
address would rightly be refused). Prints requests per second, p50/p95/p99 and errors, and writes
them to BENCHMARKS.md between the ``<!-- load -->`` markers.

Usage: ``make load`` or ``python scripts/load.py --minutes 0.5 --web-processes 3``.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
START, END = "<!-- load -->", "<!-- /load -->"

PREPARE = r"""
import json, sys
import django
django.setup()
from django.test import Client
from contributors.tests.factories import contributor_user, outreach_user
from stories.models import Story
from stories.tests import image_samples
from stories.tests.factories import StoryFactory

out, team_size, scientists, stories_each = sys.argv[1], *map(int, sys.argv[2:5])

def session(user):
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value

photo = out + ".jpg"
open(photo, "wb").write(image_samples.jpeg_with_exif_orientation(1600, 1200, orientation=6))
plan = {"photo": photo, "team": [], "scientists": []}
for number in range(team_size):
    plan["team"].append(session(outreach_user(username=f"load-team-{number}")))
for number in range(scientists):
    user = contributor_user(username=f"load-scientist-{number}")
    drafts = [StoryFactory(author=user.contributor, title=f"Load draft {number}-{n}") for n in range(stories_each)]
    plan["scientists"].append({
        "session": session(user),
        "stories": [
            {"id": story.pk, "fields": {
                "title": story.title, "objective": story.objective, "format": story.format,
                "caption": story.caption, "result_reference": "", "preferred_from": "", "preferred_until": "",
            }}
            for story in drafts
        ],
    })
open(out, "w").write(json.dumps(plan))
"""


COUNT_PHOTOS = r"""
import django
django.setup()
from stories.models import StoryImage
print(StoryImage.objects.filter(story__author__user__username__startswith="load-scientist-").count())
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def load_database(url: str) -> tuple[str, str]:
    """The load test's own database beside DATABASE_URL's: (its URL, its name)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("make load runs on PostgreSQL: set DATABASE_URL=postgres://…")
    name = parts.path.lstrip("/") + "_load"
    return urlunsplit(parts._replace(path="/" + name)), name


def recreate(url: str, name: str, *, create: bool = True) -> None:
    admin = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def wait_for(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn stopped before it answered")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    sys.exit(f"gunicorn did not answer at {url}")


def read_stats(prefix: Path) -> list[dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def table(rows: list[dict[str, str]]) -> list[str]:
    lines = [
        "| request | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
        label = f"{row['Type']} {name}".strip() if row["Type"] else name
        lines.append(
            f"| {label} | {row['Request Count']} | {row['Failure Count']} | {float(row['Requests/s']):.1f} "
            f"| {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    return lines


def write_section(text: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    current = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{START}\n{text.rstrip()}\n{END}"
    if START in current and END in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1]
        current = before + block + after
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    path.write_text(current)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=2.0, help="how long the load runs (default 2)")
    parser.add_argument("--web-processes", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone")
    args = parser.parse_args()

    database_url, database = load_database(os.environ.get("DATABASE_URL", ""))
    workdir = Path(tempfile.mkdtemp(prefix="cms-load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cmsatdesy_cms.settings",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "CMS_VAR_DIR": str(workdir / "var"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "DEBUG": "false",
        # The load profile: one address for everyone, and many photos an hour.
        "LOGIN_RATE_LIMIT": "100000/m/ip",
        "STORY_PHOTOS_PER_HOUR": "1000000",
        "STORY_DRAFTS_PER_HOUR": "1000000",
    }
    (workdir / "var").mkdir()
    server = None
    try:
        print(
            f"Preparing database {database} (migrate, demo data, 60 people and their sessions) …", flush=True
        )
        recreate(os.environ["DATABASE_URL"], database)
        manage = [str(BIN / "python"), "manage.py"]
        run([*manage, "migrate", "--no-input"], env)
        run([*manage, "collectstatic", "--no-input", "--verbosity", "0"], env)
        run([*manage, "seed_demo"], env)
        plan = workdir / "plan.json"
        stories_each = max(10, int(args.minutes * 60 / 2) + 5)  # one fresh draft per photo
        run([str(BIN / "python"), "-c", PREPARE, str(plan), "50", "10", str(stories_each)], env)

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"), "cmsatdesy_cms.wsgi", "--bind", f"127.0.0.1:{port}",
                "--workers", str(args.web_processes), "--timeout", "120", "--log-level", "warning",
            ],
            cwd=ROOT, env=env,
        )  # fmt: skip
        wait_for(f"{base}/healthz", server)
        busy = os.getloadavg()[0]  # other work on the machine when the clock starts
        seconds = max(10, round(args.minutes * 60))
        print(
            f"Load: 60 people on {args.web_processes} web processes at {base} for {seconds} s …", flush=True
        )
        prefix = workdir / "locust"
        subprocess.run(
            [
                str(BIN / "locust"), "-f", str(ROOT / "scripts" / "locustfile.py"), "--headless",
                "--users", "60", "--spawn-rate", "60", "--run-time", f"{seconds}s", "--host", base,
                "--csv", str(prefix), "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING",
            ],
            cwd=ROOT, env={**env, "LOAD_PLAN": str(plan)}, check=False,
        )  # fmt: skip
        rows = read_stats(prefix)
        count = subprocess.run(
            [str(BIN / "python"), "-c", COUNT_PHOTOS],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        photos = int(count.stdout.strip())
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(workdir, ignore_errors=True)
        try:
            recreate(os.environ["DATABASE_URL"], database, create=False)
        except psycopg2.Error as exc:  # the figures matter more than the clean-up
            print(f"Could not drop {database}: {exc}", file=sys.stderr)

    total = next(row for row in rows if row["Name"] == "Aggregated")
    errors = int(total["Failure Count"])
    cores = os.cpu_count()
    text = "\n".join(
        [
            "## Load (`make load`)",
            "",
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} ({platform.machine()}, {cores} cores, "
            f"Python {platform.python_version()}), PostgreSQL, {args.web_processes} gunicorn web processes, "
            f"for {seconds} s: 50 team members browse the review queue, the calendar and the dashboard "
            "(1–3 s between pages) while 10 scientists add photos (1600×1200 JPEG, rendered in the request) "
            "to their drafts and look at their stories (2–5 s between steps). Sessions were made before the "
            "clock started; the login and upload rate limits were raised for the run.",
            "",
            f"**The load generator (locust) and the server share the same {cores} cores here** (the "
            f"machine's load average was {busy:.1f} when the clock started), so these figures are a floor "
            "for the server, not its capacity.",
            "",
            *table(rows),
            "",
            f"Errors: {errors}. Photos stored by the scientists: {photos}.",
        ]
    )
    print()
    print(text)
    if not args.no_write:
        write_section(text)
        print("\nWritten to BENCHMARKS.md.")
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
