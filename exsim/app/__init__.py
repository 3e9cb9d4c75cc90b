"""The interactive app: a Mesa `SolaraViz` page for trying out event designs.

The app needs the optional extra ``exsim[app]`` (Solara and Mesa's visualization
libraries); nothing else in exsim imports it. Start it with ``exsim app`` or with
``solara run exsim/app/page.py``. Importing this package does not import Solara:
`missing_requirements` tells whether the app can run at all.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

PAGE = Path(__file__).with_name("page.py")
"""The Solara page module (``solara run`` takes its path)."""

REQUIREMENTS = ("solara", "bqplot", "jinja2")
"""Modules the app imports beyond exsim's own dependencies (jinja2: pandas' styled tables)."""

INSTALL_HINT = "pip install 'exsim[app]'"


def missing_requirements() -> list[str]:
    """Names of the modules the app needs that are not installed."""
    return [name for name in REQUIREMENTS if find_spec(name) is None]
