"""Measure one upload request in a fresh process: ten PNGs just under the pixel cap, small on the
wire. Prints idle RSS, peak RSS above idle (MiB), the answer's time (s), its status and how many
photos wait for the worker. Used by `make bench` and by test_upload_memory.py.

Run as ``python -m stories.tests.upload_probe FOLDER`` with CMS_VAR_DIR=FOLDER (its own SQLite
file, media and broker). Real RSS from /proc: tracemalloc does not see Pillow's buffers.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# 9000 × 6555 = 58,995,000 pixels: just under the 60-megapixel cap.
SIZE = (9000, 6555)
PHOTOS = 10


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def _reset_peak() -> None:
    # Writing 5 to clear_refs resets VmHWM (the peak) to the current RSS (Linux ≥ 4.0).
    Path("/proc/self/clear_refs").write_text("5")


def make_png(path: Path) -> None:
    """A flat-coloured PNG: tens of KiB on the wire, 177 MB once decoded."""
    from PIL import Image

    Image.new("RGB", SIZE, (40, 90, 160)).save(path, "PNG", optimize=False)


def main(folder: Path) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmsatdesy_cms.settings")
    # Static files as in tests (no manifest to collect first); everything else as in production.
    os.environ.setdefault("CMS_TESTING", "true")
    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client

    from contributors.tests.factories import contributor_user
    from stories import services
    from stories.models import ImageState, StoryImage
    from stories.tests.test_views import image_fields, story_fields

    call_command("migrate", verbosity=0)
    png = folder / "59mp.png"
    if not png.exists():
        make_png(png)
    data = png.read_bytes()
    user = contributor_user(username=f"probe{os.getpid()}")
    story = services.story_create(
        author=user.contributor, title="Probe", objective="outreach", format="carousel"
    )
    client = Client()
    client.force_login(user)
    # Warm up (imports, templates, a first save) so that idle means ready to serve.
    client.get(f"/stories/{story.pk}/edit/")
    form = {**story_fields(title="Probe", format="carousel"), **image_fields(story)}
    files = [SimpleUploadedFile(f"big{n}.png", data, content_type="image/png") for n in range(PHOTOS)]
    idle = _status_kib("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    response = client.post(f"/stories/{story.pk}/edit/", {**form, "photos": files})
    seconds = time.perf_counter() - start
    peak = _status_kib("VmHWM")
    pending = StoryImage.objects.filter(story=story, processing_state=ImageState.PENDING).count()
    print(
        f"{idle / 1024:.0f} {(peak - idle) / 1024:.0f} {seconds:.2f} {response.status_code} {pending} {len(data) // 1024}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
