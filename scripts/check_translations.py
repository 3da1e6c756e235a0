"""Fail unless every German catalogue is complete: 0 untranslated, 0 fuzzy.

Each app keeps its own catalogue in ``<app>/locale``; the project-wide templates in
``templates/`` keep theirs in the top-level ``locale/`` (settings.LOCALE_PATHS).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["contributors", "stories", "instagram", "scheduling", "analytics", "cmsatdesy_cms"]
# (folder whose strings are extracted, the locale folder of its catalogue)
CATALOGUES = [(ROOT / app, ROOT / app / "locale") for app in APPS] + [(ROOT / "templates", ROOT / "locale")]


def main() -> int:
    failures = []
    for source, locale in CATALOGUES:
        # Refresh the catalogue first, so a string added without a translation shows up here.
        # makemessages writes an app's strings to the app's own locale/, and the strings of
        # templates/ (which has no locale/ inside) to the first of LOCALE_PATHS, the top-level one.
        locale.mkdir(exist_ok=True)
        for domain in ("django", "djangojs"):
            if domain == "djangojs" and not any((source / "static").rglob("*.js")):
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
                cwd=source,
                check=True,
            )
        for po in sorted(locale.glob("*/LC_MESSAGES/*.po")):
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
