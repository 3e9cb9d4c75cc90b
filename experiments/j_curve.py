"""Question 5: do mixed events feel challenging first and productive later (a "J-curve",
Myron et al. 2018), and under which designs?

For each design and run, productivity is the cross-role uptake of each event in turn,
friction the challenges voiced per attendee. A run shows a J-curve when its productivity
dips below the first event's within the first third of the series and ends (mean of the
last third) above it. The table gives, per design, the share of runs with a J-curve and
the mean productivity at the first event, at the dip and at the end, with 95% intervals.

    python experiments/j_curve.py          # about 10 s (a loaded 2-core machine)
    python experiments/j_curve.py --full   # the size used for results
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _common import DESIGNS, arguments, out_dir, write_table  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from exsim import load_config, run  # noqa: E402
from exsim.analysis.compare import design_seeds  # noqa: E402
from exsim.analysis.labels import axis_label  # noqa: E402
from exsim.analysis.plots import BAND, OKABE_ITO  # noqa: E402
from exsim.analysis.statistics import bootstrap_band, bootstrap_mean  # noqa: E402

MEASURES = {"productivity": "cross_role_uptake", "friction": "challenges_per_attendee"}
"""The outcome each measure of the J-curve reads (for its axis label)."""
DESIGN_FILES = ["hierarchy_suspended", "hierarchy_kept", "plenary", "facilitated_dialogue"]


def event_series(ts: pd.DataFrame) -> pd.DataFrame:
    """One row per event: its number, productivity and friction."""
    held = ts[ts["event_held"] == 1].reset_index(drop=True)
    return pd.DataFrame(
        {
            "event": np.arange(1, len(held) + 1),
            "productivity": held["cross_role_uptake"].to_numpy(),
            "friction": (held["challenges"] / held["attendance"].clip(lower=1)).to_numpy(),
        }
    )


def j_shape(series: pd.DataFrame) -> dict:
    """First, dip (min over the first third after the first) and end (mean of last third)."""
    p = series["productivity"].to_numpy()
    third = max(2, len(p) // 3)
    first, dip, end = p[0], p[1 : third + 1].min(), p[-third:].mean()
    return {"first": first, "dip": dip, "end": end, "j_curve": bool(dip < first < end)}


def main() -> None:
    args = arguments(__doc__.splitlines()[0], replicates=8, steps=60, full_replicates=40)
    out = out_dir(args, "j_curve")
    seeds = design_seeds(args.seed, args.replicates)
    shapes, curves = [], []
    for name in DESIGN_FILES:
        config = load_config(DESIGNS / f"{name}.toml")
        for seed in seeds:
            series = event_series(run(config, seed=seed, steps=args.steps).timeseries)
            shapes.append({"design": name, "seed": seed, **j_shape(series)})
            curves.append(series.assign(design=name, seed=seed))
    shapes, curves = pd.DataFrame(shapes), pd.concat(curves, ignore_index=True)
    rows = []
    for name, part in shapes.groupby("design", sort=False):
        cells = {k: bootstrap_mean(part[k].to_numpy(), seed=1) for k in ("first", "dip", "end")}
        share = bootstrap_mean(part["j_curve"].astype(float).to_numpy(), seed=2)
        rows.append(
            {
                "design": name,
                "runs_with_j_curve": f"{share.estimate:.2f} [{share.low:.2f}, {share.high:.2f}]",
                **{k: f"{c.estimate:.3f} [{c.low:.3f}, {c.high:.3f}]" for k, c in cells.items()},
            }
        )
    print(
        write_table(
            pd.DataFrame(rows),
            out,
            "j_curve",
            f"Productivity (cross-role uptake) over the series of events, "
            f"{args.replicates} replicates, {args.steps} months",
        )
    )
    plot(curves, out)


def plot(curves: pd.DataFrame, out) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), constrained_layout=True)
    for ax, measure in zip(axes, ("productivity", "friction"), strict=True):
        for k, (name, part) in enumerate(curves.groupby("design", sort=False)):
            wide = part.pivot_table(index="seed", columns="event", values=measure, dropna=False)
            mean, low, high = bootstrap_band(wide.to_numpy(), seed=k)
            ax.plot(wide.columns, mean, color=OKABE_ITO[k], label=name)
            ax.fill_between(wide.columns, low, high, color=OKABE_ITO[k], alpha=0.2, linewidth=0)
        ax.set_xlabel("event number")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(axis_label(MEASURES[measure]))
        ax.set_title(f"{measure}: {axis_label(MEASURES[measure]).split(' (')[0]}", fontsize=10)
    n = curves.groupby("design")["seed"].nunique().min()
    axes[0].legend(fontsize=8, title=BAND.format(n=f"n = {n} seeds per design"), title_fontsize=7)
    for ext in ("png", "svg"):
        fig.savefig(out / f"j_curve.{ext}", dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
