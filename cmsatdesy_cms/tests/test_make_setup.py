"""`make run`'s setup works on a machine with nothing but Python 3.11 and make: no GNU gettext,
no database or broker server. Runs in a copy of the work tree, reusing the installed venv."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def work_tree_copy(target: Path) -> Path:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not name.endswith(".mo"):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def only_python_and_make(bin_dir: Path) -> str:
    bin_dir.mkdir()
    python = Path(sys.base_prefix) / "bin" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    (bin_dir / "python3").symlink_to(python)
    make = shutil.which("make")
    assert make, "make is needed to run this test"
    (bin_dir / "make").symlink_to(make)
    return str(bin_dir)


def test_make_setup_needs_only_python_and_make(tmp_path: Path) -> None:
    tree = work_tree_copy(tmp_path / "cmsatdesy_cms")
    (tree / ".venv").symlink_to((ROOT / ".venv").resolve())
    env = {
        "PATH": only_python_and_make(tmp_path / "bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
    }
    assert shutil.which("msgfmt", path=env["PATH"]) is None

    result = subprocess.run(["make", "setup"], cwd=tree, env=env, capture_output=True, text=True, timeout=600)

    assert result.returncode == 0, result.stdout + result.stderr
    # Every app's catalogues and the project-wide one of templates/ (locale/ at the top).
    catalogues = sorted(
        [*tree.glob("*/locale/de/LC_MESSAGES/*.mo"), *tree.glob("locale/de/LC_MESSAGES/*.mo")]
    )
    sources = [*tree.glob("*/locale/de/LC_MESSAGES/*.po"), *tree.glob("locale/de/LC_MESSAGES/*.po")]
    assert len(catalogues) == len(sources)
    assert tree / "locale/de/LC_MESSAGES/django.mo" in catalogues
    check = subprocess.run(
        [str(tree / ".venv" / "bin" / "python"), "manage.py", "shell", "-c",
         "from django.contrib.auth.models import User; from django.utils import translation; "
         "translation.activate('de'); from django.utils.translation import gettext as _; "
         "print(sorted(User.objects.values_list('username', flat=True))); print(_('Page not found'))"],
        cwd=tree, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
    assert "'reviewer', 'science', 'scientist', 'scientist2'" in check.stdout
    assert "Seite nicht gefunden" in check.stdout
    assert (tree / "var" / "static" / "vendor").is_dir()
