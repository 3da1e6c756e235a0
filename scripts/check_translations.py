"""Fail unless every app's German catalogue is complete: 0 untranslated, 0 fuzzy."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["contributors", "stories", "instagram", "scheduling", "analytics", "cmsatdesy_cms"]


def main() -> int:
    failures = []
    for app in APPS:
        # Refresh the catalogue first, so a string added without a translation shows up here.
        (ROOT / app / "locale").mkdir(exist_ok=True)
        for domain in ("django", "djangojs"):
            if domain == "djangojs" and not any((ROOT / app / "static").rglob("*.js")):
                continue
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "manage.py"),
                    "makemessages",
                    "-l",
                    "de",
                    "-d",
                    domain,
                    "--no-location",
                    "--no-obsolete",
                    "--verbosity",
                    "0",
                ],
                cwd=ROOT / app,
                check=True,
            )
        for po in sorted((ROOT / app / "locale").glob("*/LC_MESSAGES/*.po")):
            result = subprocess.run(
                ["msgfmt", "--check-format", "--check-domain", "--statistics", "-o", "/dev/null", str(po)],
                capture_output=True,
                text=True,
            )
            stats = result.stderr.strip()
            print(f"{po.relative_to(ROOT)}: {stats}")
            if result.returncode != 0 or re.search(r"untranslated|fuzzy", stats):
                failures.append(str(po.relative_to(ROOT)))
    if failures:
        print("Incomplete translations:", ", ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
