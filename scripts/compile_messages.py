"""Compile every app's German catalogues, and the project-wide one of templates/ (locale/),
(.po → .mo) in Python, with Babel.

``make run`` needs nothing but Python and make: GNU gettext's msgfmt (which Django's
compilemessages calls) is not on a bare machine. Fuzzy entries are left out, as msgfmt does.
Writes a catalogue only when its source is newer, and says which it wrote with ``-v``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
APPS = ("contributors", "stories", "instagram", "scheduling", "analytics", "cmsatdesy_cms")


def sources() -> list[Path]:
    folders = [ROOT / app / "locale" for app in APPS] + [ROOT / "locale"]
    return sorted(po for folder in folders for po in folder.glob("*/LC_MESSAGES/*.po"))


def compile_catalogue(po: Path) -> Path:
    mo = po.with_suffix(".mo")
    with po.open("rb") as source:
        catalog = read_po(source, locale=po.parent.parent.name, domain=po.stem)
    with mo.open("wb") as target:
        write_mo(target, catalog, use_fuzzy=False)
    return mo


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    for po in sources():
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime and "--force" not in argv:
            continue
        compile_catalogue(po)
        if verbose:
            print(f"compiled {mo.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
