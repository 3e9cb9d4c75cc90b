"""The `exsim` command: parse arguments, call the layers below, report errors in one line.

Exit status: 0 success, 1 a run failed, 2 a usage or config error. Heavy libraries are
imported inside the commands so that ``exsim --help`` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence

from .. import __version__
from ..errors import ConfigError, UsageError
from . import (
    app_command,
    compare_command,
    export_command,
    notice,
    plot_command,
    run_command,
    sensitivity_command,
    sweep_command,
)
from .arguments import USAGE_ERROR, Parser

FAILED = 1
BROKEN_PIPE = 141
"""The exit status of a command whose output pipe closed (128 + SIGPIPE, as a shell's)."""


def _parser() -> Parser:
    parser = Parser(
        prog="exsim",
        description="Simulate co-productive learning in the Exchange Network.",
    )
    parser.add_argument("--version", action="version", version=f"exsim {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=Parser
    )
    for add in COMMANDS:
        add(commands)
    return parser


COMMANDS: list[Callable] = [
    run_command.add,
    compare_command.add,
    sweep_command.add,
    sensitivity_command.add,
    plot_command.add,
    export_command.add,
    app_command.add,
]
"""Each command module's `add(subparsers)`; the order is the order in --help."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `exsim` command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        notice.check_room()
        return args.handler(args)
    except (ConfigError, UsageError) as err:
        print(f"exsim: error: {_one_line(err)}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:  # the reader went away (`exsim run ... | head`): stop quietly
        _silence_stdout()
        return BROKEN_PIPE
    except KeyboardInterrupt:
        print("exsim: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("exsim: error: out of memory; plan fewer or smaller runs", file=sys.stderr)
        return FAILED
    except OSError as err:  # a full disk, a file taken away meanwhile: the system's words
        where = f"{err.filename}: " if err.filename else ""
        print(f"exsim: error: {where}{err.strerror or _one_line(err)}", file=sys.stderr)
        return FAILED


def _silence_stdout() -> None:
    """Point stdout at the null device, so that flushing it at exit does not raise again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())


if __name__ == "__main__":
    sys.exit(main())
