"""What decides a run's numbers besides its config: package versions and the source."""

from __future__ import annotations

import importlib.metadata
import platform
import subprocess
from pathlib import Path

PACKAGES = ("mesa", "numpy", "numba", "scipy", "pandas", "pyarrow", "SALib")
"""Packages whose versions a sweep records (SALib when it is installed)."""


def environment() -> dict[str, str]:
    """Versions of what shapes the numbers: exsim, its packages (`PACKAGES`, those
    installed) and Python."""
    from .. import __version__

    versions = {"exsim": __version__}
    for name in PACKAGES:
        try:
            versions[name.lower()] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    versions["python"] = platform.python_version()
    return versions


def source_revision() -> str | None:
    """The git revision of the exsim checkout this runs from (``+dirty`` if files
    changed since), or None when exsim is not run from a git checkout."""
    root = Path(__file__).resolve().parents[2]
    if not (root / ".git").exists():
        return None
    try:
        head = _git(root, "rev-parse", "HEAD")
        dirty = _git(root, "status", "--porcelain", "--untracked-files=no", "--", "exsim")
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("+dirty" if dirty else "")


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10, check=True
    )
    return done.stdout.strip()
