"""`exsim run`: one run of the model, a printed summary and its files."""

from __future__ import annotations

import argparse

from .. import __version__
from .arguments import check_kind, check_out, parameter
from .notice import starting


def add(commands) -> None:
    """Register `exsim run` with the subcommand parsers."""
    p = commands.add_parser(
        "run",
        help="run the model once and write its outputs",
        description="Run the model once; print a summary and write "
        "timeseries.csv, events.csv, agents.csv, config.toml "
        "and outcomes.png to --out.",
    )
    p.add_argument("config", help="a TOML config file, e.g. configs/exchange_network.toml")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a parameter, e.g. --set event.suspension=0 (repeatable)",
    )
    p.add_argument("--seed", type=parameter("run.seed"), help="seed of the run (default: run.seed)")
    p.add_argument(
        "--steps", type=parameter("run.steps"), help="months to simulate (default: run.steps)"
    )
    p.add_argument("--out", default="results/run", help="output folder (default: results/run)")
    p.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from ..config import load_config  # light: the model's parameters, not the model

    check_kind(args.config, "run")
    config = load_config(args.config, args.overrides)
    check_out(args.out)
    with starting():  # a line if importing the libraries and loading the rules is slow
        from ..analysis.plots import plot_outcomes
        from ..model.warmup import warm_up
        from ..runs.single import run

        warm_up()
    result = run(config, seed=args.seed, steps=args.steps)
    written = result.write(args.out, figure=plot_outcomes)
    print(
        f"exsim {__version__}: {config.source}, seed {result.config['run.seed']}, "
        f"{result.config['run.steps']} months, {int(result.timeseries['events_held'].iloc[-1])}"
        f" events"
    )
    print(result.summary().to_string(float_format=lambda x: f"{x:.3f}"))
    print(f"wrote {len(written)} files to {args.out}")
    return 0
