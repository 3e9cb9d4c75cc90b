"""`exsim sensitivity`: Morris screening or Sobol indices, run through the sweep layer."""

from __future__ import annotations

import argparse

from .arguments import add_max_runs, check_out, positive


def add(commands) -> None:
    """Register `exsim sensitivity` with the subcommand parsers."""
    p = commands.add_parser(
        "sensitivity",
        help="Morris or Sobol sensitivity indices (needs SALib)",
        description="Sample the parameters of SPEC with SALib, run every point through the "
        "sweep layer (resumable, parallel, Dask), and write indices.csv, indices.md and "
        "bar charts of the indices to --out.",
    )
    p.add_argument("spec", metavar="SPEC.toml", help="a sensitivity file (configs/sensitivity/)")
    p.add_argument("--out", required=True, help="output folder (the runs go to OUT/runs)")
    p.add_argument("--workers", type=positive, help="parallel workers (default 1)")
    p.add_argument("--backend", choices=("serial", "process", "dask"))
    p.add_argument("--scheduler", help="address of a running Dask scheduler")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    add_max_runs(p)
    p.set_defaults(handler=_sensitivity)


def _sensitivity(args: argparse.Namespace) -> int:
    from ..analysis.sensitivity import indices_markdown, load_sensitivity, sensitivity
    from ..runs.sweep import choose_backend

    spec = load_sensitivity(args.spec, max_runs=args.max_runs)
    choose_backend(args.backend, args.workers, args.scheduler)
    check_out(args.out)
    indices = sensitivity(
        spec,
        args.out,
        workers=args.workers,
        backend=args.backend,
        scheduler=args.scheduler,
        progress=not args.quiet,
    )
    print(indices_markdown(indices))
    print(f"wrote the indices and their charts to {args.out}")
    return 0
