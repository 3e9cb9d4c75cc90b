"""`exsim plot`: figures of a sweep's results."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UsageError
from .arguments import add_outcomes, add_results_folder, check_out


def add(commands) -> None:
    """Register `exsim plot` with the subcommand parsers."""
    p = commands.add_parser(
        "plot",
        help="figures of a sweep's results",
        description="Draw each outcome against a varied parameter (means with 95% "
        "intervals over replicates), a heatmap over two varied parameters, and time "
        "series by the values of a parameter. PNG and SVG, to DIR/figures by default.",
    )
    add_results_folder(p)
    add_outcomes(p, "outcomes", "six headline outcomes", "--outcome")
    p.add_argument("--x", help="parameter on the x axis (default: the first varied one)")
    p.add_argument("--y", help="second parameter, for a heatmap (default: the second varied)")
    p.add_argument("--by", help="parameter whose values group the time series (default: --x)")
    p.add_argument("--out", help="folder for the figures (default: DIR/figures)")
    p.set_defaults(handler=_plot)


def _plot(args: argparse.Namespace) -> int:
    from ..analysis import sweep_plots as sp
    from ..analysis.outcomes import (
        LISTING,
        check_outcomes,
        outcome_column,
        outcome_listing,
        split_names,
        with_outcomes,
    )
    from ..runs.evaluate import split_outcome
    from ..runs.store import load_results

    chosen = split_names(args.outcomes)
    if chosen == ["list"] and not Path(args.dir).exists():
        print(outcome_listing())  # the model's outcomes, without a sweep to add to them
        return 0
    results = load_results(args.dir)
    added = list(results.manifest.get("outcomes", {}))  # those the sweep's config adds
    if chosen == ["list"]:
        print(outcome_listing(added, "the sweep's config"))
        return 0
    outcomes = check_outcomes(
        sp.DEFAULT_OUTCOMES if chosen is None else chosen, "--outcomes", LISTING, added
    )
    runs = results.runs[results.runs["status"] == "done"]
    if runs.empty:
        raise UsageError(f"{args.dir}: no finished runs to plot")
    varied = sp.varied_parameters(runs)
    x = _parameter(args.x, varied, runs, 0, "--x")
    y = _parameter(args.y, varied, runs, 1, "--y") if (args.y or len(varied) > 1) else None
    by = _parameter(args.by, varied, runs, 0, "--by") if (args.by or x) else None
    if x is None:
        raise UsageError(f"{args.dir}: no parameter varies in this sweep; nothing to plot against")
    runs = with_outcomes(runs, results, outcomes)
    columns = list(dict.fromkeys(outcome_column(o) for o in outcomes))
    out = Path(args.out) if args.out else Path(args.dir) / "figures"
    check_out(str(out), "--out" if args.out else "figures folder")
    series = results.table("timeseries")  # read (and checked) before anything is drawn
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for column in columns:
        stem = column.replace(".", "_")
        for ext in ("png", "svg"):
            other = y if y and y != x else None
            written.append(
                sp.outcome_by_parameter(runs, column, x, out / f"{stem}_by_{x}.{ext}", by=other)
            )
            if other:
                written.append(
                    sp.heatmap(runs, column, x, other, out / f"{stem}_{x}_{other}.{ext}")
                )
    for name in dict.fromkeys(split_outcome(o)[0] for o in outcomes):
        if name in series.columns and by:
            for ext in ("png", "svg"):
                written.append(
                    sp.timeseries_by_group(
                        series, runs, name, by, out / f"timeseries_{name}_by_{by}.{ext}"
                    )
                )
    print(f"wrote {len(written)} figures to {out}")
    return 0


def _parameter(given, varied, runs, index, flag):
    if given:
        if given not in runs.columns:
            raise UsageError(
                f"{flag}: {given} is not a varied parameter of this sweep "
                f"(varied: {', '.join(varied) or 'none'})"
            )
        return given
    return varied[index] if len(varied) > index else None
