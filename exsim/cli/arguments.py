"""The argument parser of every command, and the argument types they share.

Every mistake on the command line is one line naming the flag and what it takes
(``exsim: error: --workers: must be 1 or more``) with exit status 2: never argparse's
block of usage text, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from ..errors import UsageError

USAGE_ERROR = 2
MAX_RUNS_DEFAULT = 1_000_000
"""The default of ``--max-runs`` (`exsim.runs.checks.MAX_RUNS`, not imported here so that
``exsim --help`` stays fast)."""


class Parser(argparse.ArgumentParser):
    """An `argparse.ArgumentParser` whose errors are one line: ``exsim: error: --flag:
    what is wrong (see exsim COMMAND --help)``."""

    def error(self, message: str) -> NoReturn:
        """Print `message` as one line and exit with status 2."""
        text = " ".join(message.split())
        if text.startswith("argument "):
            flag, _, rest = text.removeprefix("argument ").partition(": ")
            text = f"{flag.split('/')[-1]}: {rest}"
        command = self.prog.removeprefix("exsim").strip()
        hint = f"exsim {command} --help" if command else "exsim --help"
        print(f"exsim: error: {text} (see {hint})", file=sys.stderr)
        sys.exit(USAGE_ERROR)


def whole(text: str) -> int:
    """A whole number, for argparse."""
    try:
        return int(text.strip())
    except ValueError:
        shown = text if len(text) <= 30 else text[:27] + "..."
        raise argparse.ArgumentTypeError(f"{shown!r} is not a whole number") from None


def non_negative(text: str) -> int:
    """A whole number >= 0, for argparse."""
    value = whole(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def positive(text: str) -> int:
    """A whole number >= 1, for argparse."""
    value = whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def record(text: str) -> str | int:
    """``--record``: ``all``, ``final`` or a whole number N >= 1 (every N months and the
    final one), as a sweep file's ``record``."""
    if text.strip() in ("all", "final"):
        return text.strip()
    try:
        return positive(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            "use all, final or a whole number of months, 1 or more "
            "(every that many months and the final one)"
        ) from None


MAX_WORKERS = 4096
"""The most local workers ``--workers`` may ask for."""


def workers(text: str) -> int | str:
    """``--workers``: a whole number from 1 to `MAX_WORKERS`, or ``auto`` (every core
    this process may use)."""
    if text.strip() == "auto":
        return "auto"
    value = positive(text)
    if value > MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_WORKERS}, or auto")
    return value


def parameter(name: str):
    """An argparse type checking a value against parameter `name` of the schema (e.g.
    ``--seed`` against ``run.seed``), so that the error names the flag."""

    def check(text: str):
        from ..model.parameters import PARAMETERS

        try:
            return PARAMETERS[name].check(whole(text))
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {PARAMETERS[name].allowed()}") from None

    check.__name__ = name
    return check


def add_max_runs(parser: argparse.ArgumentParser) -> None:
    """The ``--max-runs`` option of the commands that plan many runs."""
    parser.add_argument(
        "--max-runs",
        type=positive,
        default=MAX_RUNS_DEFAULT,
        metavar="N",
        help=f"refuse to plan more runs than this (default {MAX_RUNS_DEFAULT:,})",
    )


def add_parallel(parser: argparse.ArgumentParser) -> None:
    """The ``--workers``, ``--backend`` and ``--scheduler`` options of the commands that
    run many runs (`exsim.runs.backends`)."""
    parser.add_argument(
        "--workers",
        type=workers,
        metavar="N",
        help="parallel workers, or auto for all cores (default 1; more than 1 uses the "
        "process backend)",
    )
    parser.add_argument(
        "--backend",
        choices=("serial", "process", "dask"),
        help="serial (one at a time), process (a local pool), dask (a local Dask cluster, "
        "or the one at --scheduler; needs pip install 'exsim[dask]')",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="address of a running Dask scheduler (tcp://host:8786) or a scheduler file",
    )


def parallel_options(args: argparse.Namespace) -> dict:
    """The ``workers``, ``backend`` and ``scheduler`` that `add_parallel` parsed, checked
    together before any work (`exsim.runs.sweep.choose_backend`), as keyword arguments."""
    from ..runs.sweep import choose_backend

    choose_backend(args.backend, args.workers, args.scheduler)
    return {"workers": args.workers, "backend": args.backend, "scheduler": args.scheduler}


def add_outcomes(parser: argparse.ArgumentParser, what: str, default: str, *aliases) -> None:
    """The ``--outcomes`` option (``exsim compare``, ``exsim plot``): names separated by
    commas, as in a sensitivity file, or ``list``; `what` says what they are for. How
    each is summarised is said in the registry's words (`OUTCOMES_HELP`)."""
    parser.add_argument(
        "--outcomes",
        *aliases,
        action="append",
        metavar="NAMES",
        help=f"{what}, separated by commas, named as in a sensitivity file ({OUTCOMES_HELP}); "
        f"'list' lists them; default: {default}",
    )


OUTCOMES_HELP = (
    "challenges: mean over the months with an event; final_norm_endorsement: the value "
    "after the last month; challenges_patient: per role"
)
"""How ``--outcomes`` names are read, in the words of the outcome registry's summaries
(`exsim.model.outcome_rows.SUMMARIES`; a test keeps them equal; the registry is not
imported here, so that ``exsim --help`` starts fast)."""


def add_results_folder(parser: argparse.ArgumentParser) -> None:
    """The positional DIR of the commands that read a sweep's results folder."""
    parser.add_argument("dir", metavar="DIR", help="a sweep's results folder")


SHOWN_FAILURES = 10
"""How many failed runs a command lists, one line each, before it counts the rest."""


def report_failures(failures, see: str) -> None:
    """List failed runs ``(run_id, seed, error)`` on stderr, one line each, at most
    `SHOWN_FAILURES`, then how many more and where to `see` them."""
    for run_id, seed, error in failures[:SHOWN_FAILURES]:
        print(f"exsim: run {run_id} (seed {seed}) failed: {error}", file=sys.stderr)
    if len(failures) > SHOWN_FAILURES:
        print(
            f"exsim: ... and {len(failures) - SHOWN_FAILURES} more failed runs; see {see}",
            file=sys.stderr,
        )


def check_out(path: str, flag: str = "--out") -> None:
    """Refuse an output folder that cannot be written, before any work (`UsageError`)."""
    from ..errors import ConfigError
    from ..runs.files import check_output_folder

    try:
        check_output_folder(path, flag)
    except ConfigError as err:
        raise UsageError(str(err)) from None


FILE_KINDS = {
    "run": ("a model config", "exsim run {path} (or exsim compare with two designs)"),
    "sweep": ("a sweep file", "exsim sweep {path} --out DIR"),
    "sensitivity": ("a sensitivity file", "exsim sensitivity {path} --out DIR"),
}
"""What each kind of TOML file is called, and the command it is for."""


def file_kind(path: str) -> str | None:
    """The command a TOML file is written for (``run``, ``sweep``, ``sensitivity``), from
    keys only that kind of file has; None when it cannot be read or says nothing sure
    (its own command then reports what is wrong with it)."""
    from ..config import read_toml
    from ..errors import ConfigError
    from ..model.parameters import PARAMETERS

    try:
        keys = set(read_toml(path))
    except ConfigError:
        return None
    if keys & {"method", "parameters"}:
        return "sensitivity"
    if keys & {"grid", "sample"}:
        return "sweep"
    groups = {name.split(".")[0] for name in PARAMETERS}
    return "run" if keys & groups else None


def check_kind(path: str, command: str) -> None:
    """Refuse a file written for another command, saying which (`UsageError`): a sweep
    file given to ``exsim run``, a model config given to ``exsim sweep``..."""
    kind = file_kind(path)
    if kind is not None and kind != command:
        name, usage = FILE_KINDS[kind]
        raise UsageError(
            f"{path}: this is {name}, not {FILE_KINDS[command][0]}; "
            f"run it with {usage.format(path=path)}"
        )
