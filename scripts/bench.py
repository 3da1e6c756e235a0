"""``make bench``: the figures of the speed-and-scale table, measured on PostgreSQL.

Creates two databases of its own on the server of DATABASE_URL (default: the local server as
``postgres``) and drops them at the end, so it never touches the development database:

- the pages at two scales (``seed_demo --scale``: about 1,000 and then 10,000 stories), beside a
  bare Django ``ListView`` of the same page of stories, in this process through Django's test client;
- the image pipeline, each case in a fresh process (peak RSS is real memory: tracemalloc does not
  see Pillow's buffers), beside the plain "open, exif_transpose, crop, resize, save" path;
- the insights pull and the publishing sweep against the Graph API emulator;
- a hostile upload (ten 59-megapixel PNGs in one request) in a fresh web process.

Prints one table and writes it to BENCHMARKS.md. ``python scripts/bench.py --stories 100,1000``
for a quicker run; the test suite runs ``measure_pages`` at tiny scales.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The pages of the table: (label, user, path). The calendar is asked for one month of events, as
# FullCalendar asks; BARE is a plain Django ListView of the same page of stories (title, author,
# status, updated), served through the same middleware.
BARE = "/bench/bare-list/"


def pages() -> list[tuple[str, str, str]]:
    from django.utils import timezone

    today = timezone.localdate()
    first = today.replace(day=1)
    after = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return [
        ("/review/", "reviewer", "/review/"),
        ("/stories/", "scientist", "/stories/"),
        (
            "/calendar/ (month)",
            "reviewer",
            f"/calendar/events/?start={first.isoformat()}&end={after.isoformat()}",
        ),
        ("/leads/", "reviewer", "/leads/"),
        ("/analytics/", "reviewer", "/analytics/"),
        ("bare ListView (25 stories)", "reviewer", BARE),
    ]


def install_bare_list() -> str:
    """A URLconf with the project's URLs and the bare ListView; returns its module name."""
    import types

    from django.contrib.auth.mixins import LoginRequiredMixin
    from django.template import engines
    from django.urls import path
    from django.views.generic import ListView

    from stories.models import Story
    from stories.views.lists import QUEUE_PAGE_SIZE

    # In the site's page layout (navigation, messages, footer), as every page of the table is:
    # the difference to a page of the table is that page's own work.
    template = engines["django"].from_string(
        '{% extends "base.html" %}{% block title %}Stories{% endblock %}{% block content %}'
        "<table>{% for story in object_list %}<tr><td>{{ story.title }}</td><td>{{ story.author }}</td>"
        "<td>{{ story.get_status_display }}</td><td>{{ story.updated_at }}</td></tr>{% endfor %}</table>"
        '{% if page_obj.has_next %}<a href="?page={{ page_obj.next_page_number }}">next</a>{% endif %}'
        "{% endblock %}"
    )

    class BareList(LoginRequiredMixin, ListView):  # type: ignore[type-arg]
        paginate_by = QUEUE_PAGE_SIZE

        def get_queryset(self):  # type: ignore[no-untyped-def]
            return (
                Story.objects.filter(submitted_at__isnull=False)
                .select_related("author__user")
                .order_by("status_changed_at", "pk")
            )

        def render_to_response(self, context, **kwargs):  # type: ignore[no-untyped-def]
            from django.http import HttpResponse

            return HttpResponse(template.render(context, self.request))

    from cmsatdesy_cms import urls as project_urls

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [path(BARE.strip("/") + "/", BareList.as_view()), *project_urls.urlpatterns]  # type: ignore[attr-defined]
    for name in ("handler400",):
        setattr(module, name, getattr(project_urls, name))
    sys.modules["bench_urls"] = module
    return "bench_urls"


def measure_pages(runs: int) -> dict[str, tuple[int, int, float]]:
    """Per page: (status, SQL queries, median ms) over `runs` rounds after one warm-up. Each round
    asks for every page once, so that a busy moment of the machine falls on all pages alike."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    users = get_user_model().objects
    timings: dict[str, list[float]] = {}
    results: dict[str, tuple[int, int, float]] = {}
    with override_settings(ROOT_URLCONF=install_bare_list()):
        clients = {}
        for label, username, url in pages():
            client = Client()
            client.force_login(users.get(username=username))
            client.get(url)  # warm-up: templates, translations, connection
            clients[label] = client
            timings[label] = []
        for _ in range(runs):
            for label, _username, url in pages():
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    response = clients[label].get(url)
                    timings[label].append((time.perf_counter() - start) * 1000)
                results[label] = (response.status_code, len(captured.captured_queries), 0.0)
    return {
        label: (status, queries, statistics.median(timings[label]))
        for label, (status, queries, _) in results.items()
    }


def seed(stories: int) -> tuple[float, int]:
    """Seed (or top up) the demo data to about `stories` stories; seconds taken and the count."""
    from django.core.management import call_command

    from stories.demo import STORIES
    from stories.models import Story

    started = time.perf_counter()
    call_command("seed_demo", scale=max(1, round(stories / len(STORIES))), verbosity=0, stdout=io.StringIO())
    return time.perf_counter() - started, Story.objects.count()


# ---------------------------------------------------------------------------------------------
# Sections, each run in a process of its own; each prints one line "RESULT <json>" last.


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmsatdesy_cms.settings")
    django.setup()


def section_pages(stories: list[int], runs: int) -> dict[str, Any]:
    _django()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    result: dict[str, Any] = {}
    for wanted in stories:
        seconds, count = seed(wanted)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load
        result[str(wanted)] = {"seed_s": seconds, "stories": count, "pages": measure_pages(runs)}
    return result


# The sample photos: a camera's 6000×4000 JPEG shot in portrait (orientation 6), the same photo
# in landscape, and a 12-megapixel HEIC from a phone.
MAKE_SAMPLES = r"""
import sys
sys.path.insert(0, sys.argv[1])
from stories.tests import image_samples
folder = sys.argv[2]
open(folder + "/portrait.jpg", "wb").write(image_samples.jpeg_with_exif_orientation(6000, 4000, orientation=6, gps=True))
open(folder + "/landscape.jpg", "wb").write(image_samples.jpeg_with_exif_orientation(6000, 4000, orientation=1, gps=True))
open(folder + "/phone.heic", "wb").write(image_samples.heic_bytes(4000, 3000, orientation=6))
"""

# One case in a fresh process: RSS just before decoding, the peak reset there (clear_refs), and
# the peak (VmHWM) after. "product" is the site's path, the content check included: the upload's
# check (`inspect_image`) and then the rendition. All three sample photos are over the decode
# budget, so the request reads the header (and the JPEG's end marker) and the worker makes the
# rendition from the stored original; a smaller photo's rendition, made from the upload in the
# request, is its check, which is the same two calls. "plain" is open, exif_transpose, crop,
# resize with LANCZOS, save.
IMAGE_CASE = r"""
import io, os, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmsatdesy_cms.settings")
import django
django.setup()
from PIL import Image, ImageOps
from stories import images
images.register_heif()
path, path_kind, ratio = sys.argv[2], sys.argv[3], float(sys.argv[4])
data = open(path, "rb").read()
def kib(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
crop = images.CropBox(0, 0, 1, 1) if ratio == 0 else None
target = None if ratio == 0 else ratio
def run(data):
    if path_kind == "product":
        images.inspect_image(io.BytesIO(data))
        out = images.make_rendition(io.BytesIO(data), crop=crop, target_ratio=target)
        return (out.width, out.height)
    im = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    w, h = im.size
    if target:
        cw, ch = (w, round(w / target)) if w / h < target else (round(h * target), h)
        im = im.crop(((w - cw) // 2, (h - ch) // 2, (w - cw) // 2 + cw, (h - ch) // 2 + ch))
    width = min(1440, im.width)
    im = im.resize((width, round(width * im.height / im.width)), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    im.convert("RGB").save(buffer, "JPEG", quality=images.JPEG_QUALITY)
    return im.size
# A worker lives long: warm up (Pillow's plugins, the colour profiles) on a small photo of the
# same kind first, so the figures are the photo's own cost.
small = io.BytesIO()
ImageOps.exif_transpose(Image.open(io.BytesIO(data))).reduce(8).save(small, Image.open(io.BytesIO(data)).format)
run(small.getvalue())
before = kib("VmRSS")
Path("/proc/self/clear_refs").write_text("5")
start, cpu = time.perf_counter(), time.process_time()
size = run(data)
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
print(seconds * 1000, cpu * 1000, (kib("VmHWM") - before) / 1024, size[0], size[1])
"""

IMAGE_CASES = [
    ("6000×4000 JPEG, orientation 6 → 4:5", "portrait.jpg", 0.8),
    ("same photo, landscape, no crop", "landscape.jpg", 0),
    ("12 MP HEIC, orientation 6 → 4:5", "phone.heic", 0.8),
]


def section_images(folder: str, repeats: int) -> dict[str, Any]:
    subprocess.run([sys.executable, "-c", MAKE_SAMPLES, str(ROOT), folder], check=True)
    result: dict[str, Any] = {}
    for label, name, ratio in IMAGE_CASES:
        row: dict[str, Any] = {}
        for kind in ("product", "plain"):
            times, cpus, peaks = [], [], []
            size = ""
            for _ in range(repeats):
                out = subprocess.run(
                    [
                        sys.executable,
                        "-c",
                        IMAGE_CASE,
                        str(ROOT),
                        os.path.join(folder, name),
                        kind,
                        str(ratio),
                    ],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                ms, cpu, mib, width, height = out.stdout.split()[-5:]
                times.append(float(ms))
                cpus.append(float(cpu))
                peaks.append(float(mib))
                size = f"{width}×{height}"
            row[kind] = {
                "ms": statistics.median(times),
                "cpu_ms": statistics.median(cpus),
                "peak_mib": statistics.median(peaks),
                "size": size,
            }
        result[label] = row
    return result


def _emulator_posts(emulator: Any, count: int, author: Any) -> list[Any]:
    """`count` published posts bound to new media in the emulator: reels, carousels, images,
    a few of them recent and the rest spread over two years."""
    from analytics.tests.conftest import PRODUCT, bind_posts
    from stories.models import Format

    media = []
    for number in range(count):
        fmt = (
            Format.REEL if number % 5 == 0 else (Format.CAROUSEL if number % 5 == 1 else Format.SINGLE_IMAGE)
        )
        age_days = 1 + number * 0.07 if number < count // 20 else 15 + number * (700 / count)
        media_type, product_type = PRODUCT[fmt]
        made = emulator.add_media(
            media_type=media_type, product_type=product_type, age_seconds=age_days * 86400
        )
        media.append({**made, "media_type": media_type, "epoch": emulator.now() - age_days * 86400})
    return bind_posts(media, author)


def section_flow() -> dict[str, Any]:
    """The insights pull (200 and 2,000 posts) and a publishing sweep of 500 due posts."""
    _django()
    from django.conf import settings
    from django.core.management import call_command

    from analytics.insights import EXTRA_METRICS, pull_insights
    from analytics.models import PostInsight
    from analytics.tests.conftest import counted_calls
    from contributors.tests.factories import contributor_user
    from graph_emulator.server import start_emulator
    from instagram.demo import seed as seed_instagram
    from scheduling import publishing
    from scheduling.models import Post, PostStatus
    from stories.models import Status, Story

    call_command("migrate", verbosity=0)
    emulator = start_emulator()
    settings.GRAPH_API_BASE_URL = emulator.base_url
    result: dict[str, Any] = {"insights": {}, "groups": 1 + (1 if EXTRA_METRICS else 0)}
    try:
        seed_instagram(log=lambda *args: None)
        author = contributor_user(username="bench-author").contributor
        for count in (200, 2000):
            emulator.reset()
            Post.objects.all().delete()
            PostInsight.objects.all().delete()
            posts = _emulator_posts(emulator, count, author)
            before = counted_calls(emulator)
            started = time.perf_counter()
            run = pull_insights()
            seconds = time.perf_counter() - started
            result["insights"][str(count)] = {
                "posts": len(posts),
                "calls": counted_calls(emulator) - before,
                "seconds": seconds,
                "outcome": str(run.outcome),
                "stored": PostInsight.objects.filter(post__in=posts).values("post").distinct().count(),
            }
        # Publishing: 500 posts due now, claimed and handed to the queue by one sweep.
        emulator.reset()
        now = datetime.now(UTC)
        stories = Story.objects.bulk_create(
            Story(
                author=author, title=f"Due {n}", objective="outreach", caption="Due", status=Status.APPROVED
            )
            for n in range(500)
        )
        Post.objects.bulk_create(
            Post(
                story=story,
                format=story.format,
                caption=story.caption,
                status=PostStatus.SCHEDULED,
                scheduled_at=now - timedelta(seconds=n),
            )
            for n, story in enumerate(stories)
        )
        woken: list[int] = []
        before = counted_calls(emulator)
        started = time.perf_counter()
        publishing.publish_due_posts(wake=lambda pk, countdown: woken.append(pk))
        seconds = time.perf_counter() - started
        result["publish"] = {
            "due": 500,
            "claimed": Post.objects.filter(status=PostStatus.PUBLISHING).count(),
            "queued": len(woken),
            "seconds": seconds,
            "calls": counted_calls(emulator) - before,
        }
    finally:
        emulator.stop()
    return result


def section_upload(folder: str, database_url: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL",)}
    env["CMS_VAR_DIR"] = os.path.join(folder, "upload")
    env["DATABASE_URL"] = database_url
    os.makedirs(env["CMS_VAR_DIR"], exist_ok=True)
    out = subprocess.run(
        [sys.executable, "-m", "stories.tests.upload_probe", env["CMS_VAR_DIR"]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    idle, peak, seconds, status, pending, kib = out.stdout.split()[-6:]
    return {
        "idle_mib": float(idle),
        "peak_mib": float(peak),
        "seconds": float(seconds),
        "status": int(status),
        "pending": int(pending),
        "kib": int(kib),
    }


# ---------------------------------------------------------------------------------------------
# The run: databases of its own, the sections, the table.


def _database(base: str, name: str) -> str:
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + name))


def _admin(base: str, sql: str) -> None:
    import psycopg2

    connection = psycopg2.connect(_database(base, "postgres"))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def _run_section(name: str, env: dict[str, str], *args: str) -> Any:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--section", name, *args],
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stdout[-4000:] + out.stderr[-4000:])
        raise SystemExit(f"bench section {name} failed")
    for line in reversed(out.stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise SystemExit(f"bench section {name} printed no result")


def _machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores ({cpu or platform.processor()}){memory}, {platform.platform()}, Python {platform.python_version()}"


def table(figures: dict[str, Any], stories: list[int]) -> str:
    small, large = (str(n) for n in stories)
    pages = figures["pages"]
    lines = [
        f"## Pages (median server time of {figures['runs']} requests, Django test client, PostgreSQL)",
        "",
        f"Seeded {pages[small]['stories']} stories in {pages[small]['seed_s']:.1f} s, then topped up to "
        f"{pages[large]['stories']} in {pages[large]['seed_s']:.1f} s (bulk inserts).",
        "",
        f"| page | queries {small} | queries {large} | ms {small} | ms {large} | growth | × bare ListView ({large}) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    bare_label = [label for label in pages[large]["pages"] if label.startswith("bare")][0]
    bare = pages[large]["pages"][bare_label][2]
    for label in pages[small]["pages"]:
        _, q1, t1 = pages[small]["pages"][label]
        _, q2, t2 = pages[large]["pages"][label]
        lines.append(f"| {label} | {q1} | {q2} | {t1:.1f} | {t2:.1f} | {t2 / t1:.2f}× | {t2 / bare:.2f}× |")
    lines += [
        "",
        f"## Image pipeline (fresh process per case, median of {figures['image_repeats']})",
        "",
        "Peak memory is the growth of the peak RSS above the RSS just before decoding. The site's path "
        "includes the content check; the plain path is open, exif_transpose, crop, resize (LANCZOS), save. "
        "Each process first handles a small photo of the same kind (a worker lives long). Speed-up is "
        "of CPU time, which other work on a shared machine disturbs far less than wall time.",
        "",
        "| photo | rendition | site CPU ms | plain CPU ms | speed-up | site wall ms | plain wall ms "
        "| site peak MiB | plain peak MiB | memory share |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, row in figures["images"].items():
        site, plain = row["product"], row["plain"]
        lines.append(
            f"| {label} | {site['size']} | {site['cpu_ms']:.0f} | {plain['cpu_ms']:.0f} "
            f"| {plain['cpu_ms'] / site['cpu_ms']:.2f}× | {site['ms']:.0f} | {plain['ms']:.0f} "
            f"| {site['peak_mib']:.0f} | {plain['peak_mib']:.0f} | {100 * site['peak_mib'] / max(plain['peak_mib'], 1):.0f}% |"
        )
    flow = figures["flow"]
    groups = flow["groups"]
    lines += [
        "",
        "## Insights pull against the Graph API emulator",
        "",
        f"| published posts | calls (as Meta counts them) | one call per post per metric group ({groups}) | wall s | outcome |",
        "|---:|---:|---:|---:|---|",
    ]
    for count, row in flow["insights"].items():
        lines.append(
            f"| {count} | {row['calls']} | {int(count) * groups} | {row['seconds']:.1f} | {row['outcome']} |"
        )
    publish = flow["publish"]
    lines += [
        "",
        "## Publishing sweep",
        "",
        "| due posts | claimed | queued | time to claim and queue all | Graph API calls per post in the sweep |",
        "|---:|---:|---:|---:|---:|",
        f"| {publish['due']} | {publish['claimed']} | {publish['queued']} | {publish['seconds'] * 1000:.0f} ms "
        f"| {publish['calls'] / publish['due']:.2f} |",
    ]
    upload = figures["upload"]
    lines += [
        "",
        "## Hostile upload (one request, ten 59-megapixel PNGs, fresh web process)",
        "",
        "| PNG size | web process idle MiB | peak above idle MiB | answer s | status | photos left for the worker |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {upload['kib']} KiB | {upload['idle_mib']:.0f} | {upload['peak_mib']:.0f} | {upload['seconds']:.2f} "
        f"| {upload['status']} | {upload['pending']} |",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stories", default="1000,10000", help="the two scales, in stories")
    parser.add_argument("--runs", type=int, default=25, help="requests per page")
    parser.add_argument("--image-repeats", type=int, default=5)
    parser.add_argument("--section", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--note", default="", help="a line for BENCHMARKS.md (what else ran meanwhile)")
    parser.add_argument("--output", default=str(ROOT / "BENCHMARKS.md"))
    args = parser.parse_args()
    stories = [int(n) for n in args.stories.split(",")]
    if args.section:
        if args.section == "pages":
            result: Any = section_pages(stories, args.runs)
        elif args.section == "images":
            result = section_images(args.folder, args.image_repeats)
        elif args.section == "flow":
            result = section_flow()
        else:
            raise SystemExit(f"unknown section {args.section}")
        print("RESULT " + json.dumps(result))
        return

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not base.startswith(("postgres://", "postgresql://")):
        raise SystemExit("make bench measures on PostgreSQL: set DATABASE_URL to a PostgreSQL server")
    folder = tempfile.mkdtemp(prefix="cms-bench-")
    names = {kind: f"cmsatdesy_bench_{kind}_{os.getpid()}" for kind in ("pages", "flow")}
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL",)}
    env.update(CMS_VAR_DIR=folder, DJANGO_SETTINGS_MODULE="cmsatdesy_cms.settings", DEBUG="false")
    started = time.perf_counter()
    figures: dict[str, Any] = {"runs": args.runs, "image_repeats": args.image_repeats}
    for name in names.values():
        _admin(base, f'CREATE DATABASE "{name}"')
    try:
        print("Pages …", flush=True)
        pages_env = {**env, "DATABASE_URL": _database(base, names["pages"])}
        figures["pages"] = _run_section(
            "pages", pages_env, "--stories", args.stories, "--runs", str(args.runs)
        )
        print("Image pipeline …", flush=True)
        figures["images"] = _run_section(
            "images", env, "--folder", folder, "--image-repeats", str(args.image_repeats)
        )
        print("Insights pull and publishing sweep …", flush=True)
        flow_url = _database(base, names["flow"])
        figures["flow"] = _run_section("flow", {**env, "DATABASE_URL": flow_url})
        print("Hostile upload …", flush=True)
        figures["upload"] = section_upload(folder, flow_url)
    finally:
        for name in names.values():
            _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)
    minutes = (time.perf_counter() - started) / 60
    body = table(figures, stories)
    header = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, in {minutes:.1f} minutes.",
        f"Machine: {_machine()}; PostgreSQL at {urlsplit(base).hostname}.",
    ]
    if args.note:
        header.append(args.note)
    text = "\n".join([*header, "", body, ""])
    print(text)
    output = Path(args.output)
    # `make load` keeps its own section between markers: it stays as it was.
    previous = output.read_text(encoding="utf-8") if output.exists() else ""
    load = re.search(r"<!-- load -->.*?<!-- /load -->", previous, flags=re.S)
    output.write_text(text + (f"\n{load.group(0)}\n" if load else ""), encoding="utf-8")


if __name__ == "__main__":
    main()
