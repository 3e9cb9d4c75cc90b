"""`exsim compare`: run event designs on common random numbers and compare them."""

from __future__ import annotations

import argparse

from ..errors import UsageError
from .arguments import (
    add_max_runs,
    add_outcomes,
    add_parallel,
    check_kind,
    check_out,
    parallel_options,
    parameter,
    positive,
    record,
)


def add(commands) -> None:
    """Register `exsim compare` with the subcommand parsers."""
    p = commands.add_parser(
        "compare",
        help="compare event designs with intervals and effect sizes",
        description="Run every design with the same seeds; report each outcome's mean per "
        "design with a 95% bootstrap interval, and each design's paired difference from "
        "the first (the baseline) with its interval and effect size. Writes comparison.csv, "
        "comparison.md, metrics.csv, trajectories.csv, forest.png/.svg and "
        "trajectories.png/.svg to --out.",
    )
    p.add_argument(
        "designs",
        nargs="*",
        metavar="DESIGN.toml",
        help="config files, at least two; the first is the baseline",
    )
    p.add_argument("--replicates", type=positive, default=20, help="runs per design (default 20)")
    p.add_argument("--seed", type=parameter("run.seed"), default=0, help="root seed (default 0)")
    p.add_argument(
        "--steps", type=parameter("run.steps"), help="months per run (default: run.steps)"
    )
    p.add_argument("--out", default="results/compare", help="output folder")
    add_parallel(p)
    add_outcomes(p, "outcomes to compare", "the headline outcomes, overall and per role")
    p.add_argument(
        "--record",
        type=record,
        default="all",
        metavar="WHEN",
        help="months kept in trajectories.csv and drawn: all (default), final, or N (every "
        "N months and the final one); the comparison always uses every month",
    )
    add_max_runs(p)
    p.set_defaults(handler=_compare)


def _compare(args: argparse.Namespace) -> int:
    from ..analysis.compare import compare
    from ..analysis.outcomes import outcome_listing, split_names
    from ..runs.checks import check_run_count

    outcomes = split_names(args.outcomes)
    if outcomes == ["list"]:
        print(outcome_listing(_added(args.designs), "the designs"))
        return 0
    if len(args.designs) < 2:
        given = f" (given: {args.designs[0]})" if args.designs else ""
        raise UsageError(
            f"DESIGN.toml: give at least two designs, the first is the baseline{given} "
            "(see exsim compare --help)"
        )
    for design in args.designs:
        check_kind(design, "run")
    runs = len(args.designs) * args.replicates
    how = f"{len(args.designs)} designs x {args.replicates} replicates"
    check_run_count(runs, args.max_runs, "compare", how)
    parallel = parallel_options(args)
    check_out(args.out)
    result = compare(
        args.designs,
        replicates=args.replicates,
        seed=args.seed,
        steps=args.steps,
        **parallel,
        outcomes=outcomes,
        max_runs=args.max_runs,
        record=args.record,
    )
    result.write(args.out)
    print(result.text())
    print(f"wrote the comparison to {args.out}")
    return 0


def _added(designs: list[str]) -> list[str]:
    """The outcomes the designs' configs add (for ``--outcomes list``)."""
    from ..config import load_config

    return [name for design in designs for name in load_config(design).added()]
