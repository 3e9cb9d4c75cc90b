"""`exsim app`: serve the interactive app (a Mesa SolaraViz page) in the browser."""

from __future__ import annotations

import argparse
import os
import sys

from .arguments import non_negative

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
QUIET_SOLARA = {
    # No usage statistics sent from a researcher's machine; exsim asks for no consent.
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
}
"""Environment for the Solara server, unless the user has set these variables."""


def add(commands) -> None:
    """Register `exsim app` with the subcommand parsers."""
    p = commands.add_parser(
        "app",
        help="explore the model in the browser (needs exsim[app])",
        description="Serve the interactive app: set up an event design, step the model "
        "month by month and watch who speaks, who is heard and who challenges the norm. "
        "Stop it with Ctrl-C. Needs the optional extra: pip install 'exsim[app]'.",
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to serve on (default: {DEFAULT_HOST}, this machine only)",
    )
    p.add_argument(
        "--port",
        type=non_negative,
        default=DEFAULT_PORT,
        help=f"port to serve on, 0 for any free port (default: {DEFAULT_PORT})",
    )
    p.add_argument("--open", action="store_true", help="open the app in the web browser")
    p.set_defaults(handler=_app)


def solara_arguments(args: argparse.Namespace, page: str) -> list[str]:
    """The `solara run` arguments that serve `page` as `args` ask."""
    return [
        "run",
        page,
        "--host",
        args.host,
        "--port",
        str(args.port),
        "--production",
        "--no-check-version",
        "--open" if args.open else "--no-open",
    ]


def _app(args: argparse.Namespace) -> int:
    from ..app import INSTALL_HINT, PAGE, missing_requirements

    missing = missing_requirements()
    if missing:
        print(
            f"exsim: error: the app needs {', '.join(missing)}: {INSTALL_HINT}",
            file=sys.stderr,
        )
        return 2
    for key, value in QUIET_SOLARA.items():
        os.environ.setdefault(key, value)
    from solara.__main__ import cli

    cli.main(args=solara_arguments(args, str(PAGE)), prog_name="solara", standalone_mode=False)
    return 0
