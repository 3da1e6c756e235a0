"""Print the figures the issues ask for: list pages at scale, and the image pipeline.

Runs on its own SQLite file under a temporary folder (or on DATABASE_URL if set), so it never
touches the development database. Usage: ``make bench`` or ``python scripts/bench.py --scale 20``.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAKE_SAMPLES = r"""
import sys
sys.path.insert(0, sys.argv[1])
from stories.tests import image_samples
open(sys.argv[2], "wb").write(image_samples.jpeg_with_exif_orientation(6000, 4000, orientation=6, gps=True))
open(sys.argv[3], "wb").write(image_samples.heic_bytes(4000, 3000, orientation=6))
"""

# Peak memory is read in a fresh process: tracemalloc does not see Pillow's buffers.
IMAGE_BENCH = r"""
import io, resource, sys, time
sys.path.insert(0, sys.argv[1])
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmsatdesy_cms.settings")
django.setup()
from stories import images
data = open(sys.argv[2], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
images.inspect_image(io.BytesIO(data))
checked = time.perf_counter()
rendition = images.make_rendition(io.BytesIO(data))
done = time.perf_counter()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{(checked-start)*1000:.0f} {(done-checked)*1000:.0f} {rendition.width}x{rendition.height} {len(rendition.content)//1024} {(after-before)//1024}")
"""


def bench_pages(scale: int, runs: int) -> None:
    import django
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    started = time.perf_counter()
    call_command("seed_demo", scale=scale, verbosity=0, stdout=io.StringIO())
    print(f"seed_demo --scale {scale}: {time.perf_counter() - started:.1f} s")
    from stories.models import Story

    print(f"stories in the database: {Story.objects.count()}")
    users = get_user_model().objects
    pages = [
        ("reviewer", "/review/"),
        ("reviewer", "/review/?status=submitted"),
        ("scientist", "/stories/"),
        ("reviewer", "/"),
    ]
    print(f"{'page':32} {'user':10} {'status':>6} {'queries':>7} {'median ms':>9} {'p95 ms':>7}")
    for username, path in pages:
        client = Client()
        client.force_login(users.get(username=username))
        timings = []
        queries = 0
        status = 0
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - start) * 1000)
            queries = len(captured.captured_queries)
            status = response.status_code
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(
            f"{path:32} {username:10} {status:>6} {queries:>7} {statistics.median(timings):>9.1f} {p95:>7.1f}"
        )


def bench_images(folder: str) -> None:
    jpeg, heic = os.path.join(folder, "photo.jpg"), os.path.join(folder, "photo.heic")
    subprocess.run([sys.executable, "-c", MAKE_SAMPLES, str(ROOT), jpeg, heic], check=True, env=os.environ)
    print(f"{'image':28} {'check ms':>8} {'render ms':>9} {'rendition':>10} {'KiB':>5} {'peak +MiB':>9}")
    for path, label in [(jpeg, "6000x4000 JPEG, orientation 6"), (heic, "12 MP HEIC, orientation 6")]:
        out = subprocess.run(
            [sys.executable, "-c", IMAGE_BENCH, str(ROOT), path],
            capture_output=True,
            text=True,
            env=os.environ,
        )
        if out.returncode != 0:
            print(f"{label:28} failed: {out.stderr.strip().splitlines()[-1:]}")
            continue
        check, render, size, kib, peak = out.stdout.split()
        print(f"{label:28} {check:>8} {render:>9} {size:>10} {kib:>5} {peak:>9}")


def bench_upload(folder: str) -> None:
    """Ten 59-megapixel PNGs in one request: peak RSS of the web process above idle, and time."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL")}
    env["CMS_VAR_DIR"] = os.path.join(folder, "upload")
    os.makedirs(env["CMS_VAR_DIR"], exist_ok=True)
    out = subprocess.run(
        [sys.executable, "-m", "stories.tests.upload_probe", env["CMS_VAR_DIR"]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    if out.returncode != 0:
        print(f"upload failed: {out.stderr.strip().splitlines()[-1:]}")
        return
    idle, peak, seconds, status, pending, kib = out.stdout.split()[-6:]
    print(f"{'request':40} {'idle MiB':>8} {'peak +MiB':>9} {'s':>6} {'status':>6} {'pending':>7}")
    label = f"10 × 59 MP PNG ({kib} KiB each)"
    print(f"{label:40} {idle:>8} {peak:>9} {seconds:>6} {status:>6} {pending:>7}")
    print("target: peak under 150 MiB above idle, answer within 2 s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=int(os.environ.get("BENCH_SCALE", "100")))
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="cms-bench-")
    os.environ["CMS_VAR_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmsatdesy_cms.settings")
    os.environ["DEBUG"] = "false"
    print(f"== List pages (data in {folder}) ==")
    bench_pages(args.scale, args.runs)
    print("\n== Image pipeline (fresh process each) ==")
    bench_images(folder)
    print("\n== Upload request (fresh process, real RSS) ==")
    bench_upload(folder)


if __name__ == "__main__":
    main()
