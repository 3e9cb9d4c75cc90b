"""`exsim compare`: run event designs on common random numbers and compare them."""

from __future__ import annotations

import argparse

from .arguments import non_negative, positive


def add(commands) -> None:
    """Register `exsim compare` with the subcommand parsers."""
    p = commands.add_parser(
        "compare",
        help="compare event designs with intervals and effect sizes",
        description="Run every design with the same seeds; report each outcome's mean per "
        "design with a 95%% bootstrap interval, and each design's paired difference from "
        "the first (the baseline) with its interval and effect size. Writes comparison.csv, "
        "comparison.md, metrics.csv, forest.png/.svg and trajectories.png/.svg to --out.",
    )
    p.add_argument(
        "designs", nargs="+", metavar="DESIGN.toml", help="config files; the first is the baseline"
    )
    p.add_argument("--replicates", type=positive, default=20, help="runs per design (default 20)")
    p.add_argument("--seed", type=non_negative, default=0, help="root seed (default 0)")
    p.add_argument("--steps", type=positive, help="months per run (default: run.steps)")
    p.add_argument("--out", default="results/compare", help="output folder")
    p.add_argument("--workers", help="parallel workers, or auto for every core (default 1)")
    p.add_argument("--backend", choices=("serial", "process", "dask"))
    p.add_argument("--scheduler", help="address of a running Dask scheduler")
    p.add_argument(
        "--outcomes",
        action="append",
        metavar="NAMES",
        help="outcomes to compare, separated by commas, named as in a sensitivity file "
        "(challenges: mean over the run; final_norm_endorsement: at the end; "
        "challenges_patient: per role); 'list' lists them; default: the headline "
        "outcomes, overall and per role",
    )
    p.set_defaults(handler=_compare)


def _compare(args: argparse.Namespace) -> int:
    from ..analysis.compare import compare
    from ..analysis.outcomes import outcome_listing, split_names

    outcomes = split_names(args.outcomes)
    if outcomes == ["list"]:
        print(outcome_listing())
        return 0
    workers = args.workers
    if workers not in (None, "auto"):
        workers = positive(workers)
    result = compare(
        args.designs,
        replicates=args.replicates,
        seed=args.seed,
        steps=args.steps,
        workers=workers,
        backend=args.backend,
        scheduler=args.scheduler,
        outcomes=outcomes,
    )
    result.write(args.out)
    print(result.text())
    print(f"wrote the comparison to {args.out}")
    return 0
