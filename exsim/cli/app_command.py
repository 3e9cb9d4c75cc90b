"""`exsim app`: serve the interactive app (a Mesa SolaraViz page) in the browser."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import socket
import sys
import warnings

from ..errors import UsageError
from .notice import warm_up

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
        "Stop it with Ctrl-C. A busy or invalid port is reported in one line (exit "
        "status 2). Needs the optional extra: pip install 'exsim[app]'.",
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to serve on (default: {DEFAULT_HOST}, this machine only)",
    )
    p.add_argument(
        "--port",
        default=str(DEFAULT_PORT),
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


def read_port(text: str) -> int:
    """The port to serve on, from the command line (0: any free port)."""
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise UsageError(f"--port: {text!r} is not a port (a whole number from 0 to 65535)")
    return int(text)


def check_free(host: str, port: int) -> None:
    """Raise `UsageError` in one line unless the app can listen on `host`:`port`.

    Checked before the server starts, so a busy port or an address this machine does
    not have is one line, not a server that announces itself and then fails. The check
    binds as the server will (address reuse on, so a port a closed server left in
    TIME_WAIT is free) and lets go at once.
    """
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as err:
        raise UsageError(f"--host: cannot serve on {host!r}: {err}") from None
    family, kind, proto, _, address = found[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(address)
        except OSError as err:
            reason = "it is in use" if err.errno in BUSY else err.strerror or str(err)
            raise UsageError(
                f"--port: cannot serve on {host}:{port}: {reason} (choose another with --port)"
            ) from None


BUSY = {98, 48, 10048}
"""errno of an address in use (Linux, macOS, Windows)."""


def quiet_cookie_warning() -> None:
    """Hide Solara's warning about samesite cookies over plain http (a dozen lines on the
    first page load): it concerns embedding the page in another site's frame, not a page
    served to this machine's own browser."""
    warnings.filterwarnings(
        "ignore", message="Cookies with samesite=none require https", category=UserWarning
    )


def _loopback(host: str) -> bool:
    """Whether `host` is this machine only (127.0.0.1, ::1, localhost)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _app(args: argparse.Namespace) -> int:
    from ..app import INSTALL_HINT, PAGE, missing_requirements

    port = read_port(args.port)
    missing = missing_requirements()
    if missing:
        print(
            f"exsim: error: the app needs {', '.join(missing)}: {INSTALL_HINT}",
            file=sys.stderr,
        )
        return 2
    if port:
        check_free(args.host, port)
    args.port = port
    for key, value in QUIET_SOLARA.items():
        os.environ.setdefault(key, value)
    warm_up()  # compiled before a page is served: a first request must not wait on it
    if _loopback(args.host):
        quiet_cookie_warning()
    from click.exceptions import Abort
    from solara.__main__ import cli

    with contextlib.suppress(Abort, KeyboardInterrupt):  # Ctrl-C (click makes it Abort)
        cli.main(args=solara_arguments(args, str(PAGE)), prog_name="solara", standalone_mode=False)
    print("exsim: the app has stopped", file=sys.stderr)
    return 0
