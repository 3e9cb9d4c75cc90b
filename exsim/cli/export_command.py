"""`exsim export`: a sweep's results as CSV, for tools that do not read Parquet."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError
from .arguments import add_results_folder, check_out


def add(commands) -> None:
    """Register `exsim export` with the subcommand parsers."""
    p = commands.add_parser(
        "export",
        help="a sweep's results as CSV",
        description="Write a sweep's runs, time series and events tables as runs.csv, "
        "timeseries.csv and events.csv (month 0's event and project outcomes are empty cells), "
        "to DIR/csv by default. Every table is checked before anything is written.",
    )
    add_results_folder(p)
    p.add_argument("--csv", action="store_true", help="write CSV (the one format for now)")
    p.add_argument("--out", help="folder for the files (default: DIR/csv)")
    p.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from ..runs.results import load_results

    if not args.csv:
        raise UsageError("export: choose a format: --csv (see exsim export --help)")
    results = load_results(args.dir)
    out = Path(args.out) if args.out else Path(args.dir) / "csv"
    check_out(str(out), "--out" if args.out else "csv folder")
    for path in results.to_csv(out):
        print(f"wrote {path}")
    return 0
