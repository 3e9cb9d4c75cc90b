"""`exsim sensitivity`: Morris screening or Sobol indices, run through the sweep layer.

Exit status: 0 the indices were written (flags and notes say which to distrust); 1 runs
failed, listed with their errors, and no indices computed (unless --allow-failed);
2 a bad sensitivity file or options.
"""

from __future__ import annotations

import argparse
import sys

from .arguments import (
    add_max_runs,
    add_parallel,
    check_kind,
    check_out,
    parallel_options,
    report_failures,
)


def add(commands) -> None:
    """Register `exsim sensitivity` with the subcommand parsers."""
    p = commands.add_parser(
        "sensitivity",
        help="Morris or Sobol sensitivity indices (needs SALib)",
        description="Sample the parameters of SPEC and a dummy parameter (the noise floor) "
        "with SALib, run every point through the sweep layer (resumable, parallel, Dask; "
        "common seeds unless the file says otherwise), and write indices.csv, indices.md "
        "and bar charts of the indices, flagged where they cannot be trusted, to --out.",
    )
    p.add_argument("spec", metavar="SPEC.toml", help="a sensitivity file (configs/sensitivity/)")
    p.add_argument("--out", required=True, help="output folder (the runs go to OUT/runs)")
    add_parallel(p)
    p.add_argument(
        "--allow-failed",
        action="store_true",
        help="compute the indices from the runs that finished when some failed "
        "(every point still needs one); the failures are listed in indices.md",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_max_runs(p)
    p.set_defaults(handler=_sensitivity)


def _sensitivity(args: argparse.Namespace) -> int:
    from ..analysis.sensitivity import IncompleteRuns, load_sensitivity, sensitivity
    from ..analysis.sensitivity_report import markdown, summary_line

    check_kind(args.spec, "sensitivity")
    spec = load_sensitivity(args.spec, max_runs=args.max_runs)
    parallel = parallel_options(args)
    check_out(args.out)
    try:
        analysis = sensitivity(
            spec, args.out, allow_failed=args.allow_failed, progress=not args.quiet, **parallel
        )
    except IncompleteRuns as err:
        print(f"exsim: error: {args.spec}: {err}", file=sys.stderr)
        report_failures(err.failures, f"the runs table in {args.out}/runs")
        return 1
    print(markdown(analysis))
    print(f"{summary_line(analysis)}; wrote the indices and their charts to {args.out}")
    return 0
