"""Question 6: where in plausible parameter space does suspending hierarchy help, where
does it harm, and which parameters decide it?

Parameter sets are drawn by Latin hypercube over the plausible range of every numeric
model parameter that has one (docs/ODD.md §8, column "Plausible range"). Each set runs
with events that keep hierarchy (`event.suspension = 0`) and events that suspend it
(`1`) on the same seeds (common random numbers). Per set and outcome, suspension
*raises* the outcome when suspended minus kept is above 0 for at least `--agree` of the
seeds, *lowers* it when below 0 for that many, and otherwise does *nothing* that the
seeds agree on. PRIM (the Patient Rule Induction Method of EMA Workbench's scenario
discovery) then finds, for "raises" and for "lowers", the box of parameter values where
that verdict is densest, and names the parameters that bound it.

    python experiments/where_suspension_helps.py          # a few minutes on 2 cores
    python experiments/where_suspension_helps.py --full   # 400 sets
"""

from __future__ import annotations

import argparse
import os
import warnings
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _common import ROOT, markdown  # noqa: E402
from scipy.stats import qmc  # noqa: E402

import exsim  # noqa: E402
from exsim.config import default_config  # noqa: E402
from exsim.model.parameters import PARAMETERS  # noqa: E402

OUTCOMES = {
    # name: (time-series column, how a run is summarised)
    "challenges": ("challenges", "mean over event months"),
    "cross_role_uptake": ("cross_role_uptake", "mean over event months"),
    "norm_endorsement": ("norm_endorsement", "final"),
    "belief_error": ("belief_error", "mean over months"),
    "project_challenges": ("project_challenges", "mean over months"),
    "attendance": ("attendance", "mean over event months"),
}
"""The outcomes mapped, with how each run is summarised; `project_challenges` is the
carry-over into the projects, where hierarchy always applies."""

VERDICTS = ("raises", "lowers", "nothing")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="400 parameter sets")
    parser.add_argument("--sets", type=int, help="parameter sets (default 100; --full 400)")
    parser.add_argument("--replicates", type=int, default=10, help="seeds per set (default 10)")
    parser.add_argument("--agree", type=int, help="seeds that must agree (default 9 of 10)")
    parser.add_argument("--steps", type=int, default=120, help="months per run (default 120)")
    parser.add_argument("--seed", type=int, default=2013, help="root seed (default 2013)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, help="default results/experiments/NAME")
    args = parser.parse_args()
    args.sets = args.sets or (400 if args.full else 100)
    args.agree = args.agree or max(1, int(np.ceil(0.9 * args.replicates)))
    return args


def explored() -> dict[str, tuple[float, float]]:
    """The parameters varied: every one with a plausible range."""
    return {name: p.plausible for name, p in PARAMETERS.items() if p.plausible is not None}


def draw_sets(count: int, seed: int) -> pd.DataFrame:
    """`count` parameter sets, a Latin hypercube over the plausible ranges."""
    ranges = explored()
    unit = qmc.LatinHypercube(d=len(ranges), seed=np.random.default_rng(seed)).random(count)
    low, high = (np.array([r[i] for r in ranges.values()]) for i in (0, 1))
    frame = pd.DataFrame(qmc.scale(unit, low, high), columns=list(ranges))
    for name in ranges:
        if PARAMETERS[name].kind is int:
            frame[name] = np.rint(frame[name]).astype(int)
    return frame


def summarise(ts: pd.DataFrame) -> dict[str, float]:
    """One run's outcomes (see `OUTCOMES`): NaN where no event was held."""
    months, held = ts[ts["step"] > 0], ts[ts["event_held"] == 1]
    out = {}
    for name, (column, how) in OUTCOMES.items():
        if how == "final":
            out[name] = float(ts[column].iloc[-1])
        elif how == "mean over months":
            out[name] = float(months[column].mean())
        else:
            out[name] = float(held[column].mean()) if len(held) else float("nan")
    return out


def run_set(task: tuple[int, dict, list[int], int]) -> list[dict]:
    """Both arms of one parameter set on every seed: one row per (seed, arm)."""
    index, values, seeds, steps = task
    config = default_config().replace(**values, **{"run.steps": steps})
    rows = []
    for replicate, seed in enumerate(seeds):
        for arm, suspension in (("kept", 0.0), ("suspended", 1.0)):
            ts = exsim.run(config.replace(**{"event.suspension": suspension}), seed=seed).timeseries
            rows.append({"set": index, "replicate": replicate, "arm": arm, **summarise(ts)})
    return rows


def verdicts(runs: pd.DataFrame, agree: int) -> pd.DataFrame:
    """Per set and outcome: raises, lowers or nothing, by the seed-agreement rule, and
    the mean paired difference (suspended minus kept)."""
    wide = runs.pivot_table(index=["set", "replicate"], columns="arm", values=list(OUTCOMES))
    rows = []
    for name in OUTCOMES:
        diff = (wide[(name, "suspended")] - wide[(name, "kept")]).groupby(level="set")
        up, down = (
            diff.apply(lambda d: int((d > 0).sum())),
            diff.apply(lambda d: int((d < 0).sum())),
        )
        verdict = np.where(up >= agree, "raises", np.where(down >= agree, "lowers", "nothing"))
        rows.append(pd.DataFrame({"set": up.index, "outcome": name, "verdict": verdict,
                                  "difference": diff.mean().to_numpy()}))  # fmt: skip
    return pd.concat(rows, ignore_index=True)


def shares(table: pd.DataFrame) -> pd.DataFrame:
    """The share of parameter sets with each verdict, per outcome."""
    counts = pd.crosstab(table["outcome"], table["verdict"], normalize="index")
    counts = counts.reindex(index=list(OUTCOMES), columns=list(VERDICTS), fill_value=0.0)
    return counts


def discover(sets: pd.DataFrame, hits: np.ndarray) -> dict:
    """PRIM's box for the sets where `hits`: the restricted parameters with their
    ranges, coverage and density, at the point of the peeling trajectory with the
    greatest coverage among those with density >= 0.8 (or the densest)."""
    with warnings.catch_warnings():  # EMA Workbench warns of parallel back-ends not used here
        warnings.simplefilter("ignore", UserWarning)
        from ema_workbench.analysis import prim

    if hits.sum() < 3 or hits.all():
        return {"box": "too few sets to find a box" if hits.sum() < 3 else "everywhere"}
    x = sets.astype(float).reset_index(drop=True)
    finder = prim.Prim(x, hits.astype(bool), threshold=0.8, peel_alpha=0.1)
    box = finder.find_box()
    trajectory = box.peeling_trajectory
    dense = trajectory[trajectory["density"] >= 0.8]
    point = int(dense["coverage"].idxmax()) if len(dense) else int(trajectory["density"].idxmax())
    box.select(point)
    limits = box.box_lims[point]
    restricted = [
        c for c in x.columns if limits.loc[0, c] > x[c].min() or limits.loc[1, c] < x[c].max()
    ]
    bounds = (
        "; ".join(f"{c} {limits.loc[0, c]:.3g}–{limits.loc[1, c]:.3g}" for c in restricted)
        or "no restriction"
    )
    return {
        "box": bounds,
        "coverage": float(trajectory.loc[point, "coverage"]),
        "density": float(trajectory.loc[point, "density"]),
    }


def scenario_table(sets: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for name in OUTCOMES:
        verdict = table[table["outcome"] == name].set_index("set")["verdict"].reindex(sets.index)
        for which in ("raises", "lowers"):
            found = discover(sets, (verdict == which).to_numpy())
            rows.append({"outcome": name, "suspension": which, **found})
    return pd.DataFrame(rows)


def plot(summary: pd.DataFrame, out: Path, sets: int, replicates: int, agree: int) -> None:
    fig, ax = plt.subplots(figsize=(7.5, 3.8), constrained_layout=True)
    left = np.zeros(len(summary))
    colours = {"raises": "#0072B2", "lowers": "#D55E00", "nothing": "#BBBBBB"}
    for verdict in VERDICTS:
        ax.barh(summary.index, summary[verdict], left=left, color=colours[verdict], label=verdict)
        left += summary[verdict].to_numpy()
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of plausible parameter sets")
    ax.set_title(
        f"Suspending hierarchy: {sets} parameter sets, {replicates} seeds each "
        f"(a verdict needs {agree} of {replicates})",
        fontsize=10,
    )
    ax.legend(title="suspension", loc="lower right", fontsize=8)
    for ext in ("png", "svg"):
        fig.savefig(out / f"where_suspension_helps.{ext}", dpi=110)
    plt.close(fig)


def main() -> None:
    args = arguments()
    out = args.out or ROOT / "results" / "experiments" / "where_suspension_helps"
    out.mkdir(parents=True, exist_ok=True)
    sets = draw_sets(args.sets, args.seed)
    seeds = np.random.SeedSequence(args.seed).generate_state(args.replicates, np.uint32).tolist()
    records = [
        {k: PARAMETERS[k].kind(v) for k, v in row.items()} for row in sets.to_dict("records")
    ]
    tasks = [(i, row, seeds, args.steps) for i, row in enumerate(records)]
    with ProcessPoolExecutor(args.workers, mp_context=get_context("spawn")) as pool:
        runs = pd.DataFrame([row for rows in pool.map(run_set, tasks) for row in rows])
    runs.to_csv(out / "runs.csv", index=False)
    sets.to_csv(out / "sets.csv", index_label="set")
    table = verdicts(runs, args.agree)
    summary = shares(table)
    shown = summary.reset_index().rename(columns={"outcome": "outcome"})
    found = scenario_table(sets, table)
    shown.to_csv(out / "where_suspension_helps.csv", index=False)
    found.to_csv(out / "scenario_discovery.csv", index=False)
    text = (
        f"Suspended minus kept on common seeds: {args.sets} parameter sets (Latin hypercube "
        f"over the plausible ranges), {args.replicates} seeds each, {args.steps} months; a "
        f"verdict needs {args.agree} of {args.replicates} seeds to agree.\n\n"
        f"{markdown(shown)}\n\nPRIM boxes (coverage: share of the verdict's sets inside the "
        f"box; density: share of the box's sets with the verdict):\n\n{markdown(found)}\n"
    )
    (out / "where_suspension_helps.md").write_text(text, encoding="utf-8")
    print(text)
    plot(summary, out, args.sets, args.replicates, args.agree)


if __name__ == "__main__":
    main()
