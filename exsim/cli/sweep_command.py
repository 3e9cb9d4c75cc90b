"""`exsim sweep`: run a sweep file into a results folder, resuming what is there.

Exit status: 0 every run done, 1 some runs failed (each is in the runs table with its
error and seed), 2 a bad sweep file or options, 130 interrupted (runs saved so far stay;
run the same command again to resume).
"""

from __future__ import annotations

import argparse
import signal
import sys

from .. import __version__
from ..errors import UsageError
from .arguments import (
    add_max_runs,
    add_parallel,
    check_kind,
    check_out,
    parallel_options,
    positive,
    report_failures,
)


def add(commands) -> None:
    """Register `exsim sweep` with the subcommand parsers."""
    p = commands.add_parser(
        "sweep",
        help="run a parameter sweep into a results folder (resumable)",
        description="Run every run of a sweep file and write the runs, timeseries and "
        "events tables (Parquet) and manifest.json to --out. Running the same command "
        "again runs only what is missing or failed.",
        epilog="Exit status: 0 all runs done, 1 some runs failed, 2 bad input, "
        "130 interrupted. See docs/sweeps.md.",
    )
    p.add_argument("sweep", help="a TOML sweep file, e.g. configs/sweeps/demo.toml")
    p.add_argument("--out", help="results folder (default: results/<name of the sweep file>)")
    add_parallel(p)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--batch-size",
        type=positive,
        default=100,
        metavar="N",
        help="runs gathered into each Parquet part file (default 100)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="list the runs (id, seed, varied parameters) and exit without running",
    )
    p.add_argument(
        "--config-of",
        metavar="RUN_ID",
        help="print the complete config of one run as TOML and exit; "
        "`exsim run` on it repeats the run exactly",
    )
    add_max_runs(p)
    p.set_defaults(handler=_sweep)


def _sweep(args: argparse.Namespace) -> int:
    from ..runs.spec import describe_runs, load_sweep

    check_kind(args.sweep, "sweep")
    plan = load_sweep(args.sweep, max_runs=args.max_runs)
    if args.config_of is not None:
        try:
            config = plan.config(args.config_of)
        except KeyError as err:
            raise UsageError(f"--config-of: {err.args[0]}") from None
        print(config.to_toml(), end="")
        return 0
    if args.dry_run:
        _list_runs(plan, describe_runs(plan))
        return 0
    from ..runs.sweep import sweep

    parallel = parallel_options(args)  # fail before any output
    if args.out is not None:
        check_out(args.out)
    previous = _stop_on_sigterm()
    try:
        report = sweep(
            plan, args.out, progress=not args.quiet, batch_size=args.batch_size, **parallel
        )
    except KeyboardInterrupt:
        print(
            "exsim: sweep interrupted; runs saved so far are kept: run the same command "
            "again to resume",
            file=sys.stderr,
        )
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    print(f"exsim {__version__}: {plan.source}: {report}")
    report_failures(report.failures, "the runs table")
    return 1 if report.failed else 0


def _list_runs(plan, title: str) -> None:
    lines = (
        "\t".join([run.run_id, str(run.seed), *(str(v) for v in run.values.values())])
        for run in plan.runs()
    )
    try:
        print(f"# {title}")
        print("\t".join(["run_id", "seed", *plan.parameters]))
        for line in lines:
            print(line)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into head
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _stop_on_sigterm():
    """Treat SIGTERM (a cluster's time limit, scancel) like Ctrl-C: stop the workers and
    save the manifest. Returns the previous handler."""
    try:
        return signal.signal(signal.SIGTERM, _interrupt)
    except (ValueError, AttributeError):  # not the main thread, or no SIGTERM here
        return None
