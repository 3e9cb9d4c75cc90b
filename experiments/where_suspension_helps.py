"""Question 6: where in plausible parameter space does suspending hierarchy help, where
does it harm, and which parameters decide it?

Parameter sets are drawn by Latin hypercube over the plausible range of every numeric
model parameter that has one (docs/ODD.md §8, column "Plausible range"). Each set runs
with events that keep hierarchy (`event.suspension = 0`) and events that suspend it
(`1`) on the same seeds (common random numbers). Per set and outcome, suspension
*raises* the outcome when suspended minus kept is above 0 for at least `--agree` of the
seeds, *lowers* it when below 0 for that many, has *no effect* when every difference is
exactly 0 and is *mixed* otherwise; a set in which some run held no event has no verdict
on event outcomes (*undefined*). Which parameters decide it is found two ways: PRIM (the
Patient Rule Induction Method of EMA Workbench's scenario discovery) finds the box where
"raises" (or "lowers") is densest on half the sets and names the bounds that pass a test
on the other half; and the rank correlation (Spearman) of each
parameter with the mean paired difference names those that move the effect most.

    python experiments/where_suspension_helps.py          # 4,000 runs: under 4 min on 2 idle cores
    python experiments/where_suspension_helps.py --full   # 800 sets

Needs the `experiments` extra (EMA Workbench): `pip install -e ".[experiments]"`.
"""

from __future__ import annotations

import argparse
import os
import textwrap
import warnings
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _common import ROOT, first_sentence, markdown  # noqa: E402
from _discovery import (  # noqa: E402
    ALPHA,
    VERDICTS,
    by_quarter,
    discover,
    drivers,
    shares,
    verdicts,
)
from scipy.stats import binom, qmc  # noqa: E402

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
    "project_cross_role_uptake": ("project_cross_role_uptake", "mean over months"),
    "attendance": ("attendance", "mean over event months"),
}
"""The outcomes mapped, with how each run is summarised; the `project_*` outcomes are
the carry-over into the projects, where hierarchy always applies."""


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=first_sentence(__doc__))
    parser.add_argument("--full", action="store_true", help="800 parameter sets")
    parser.add_argument("--sets", type=int, help="parameter sets (default 200; --full 800)")
    parser.add_argument("--replicates", type=int, default=10, help="seeds per set (default 10)")
    parser.add_argument("--agree", type=int, help="seeds that must agree (default 9 of 10)")
    parser.add_argument("--steps", type=int, default=120, help="months per run (default 120)")
    parser.add_argument("--seed", type=int, default=2013, help="root seed (default 2013)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes (default: cores)"
    )
    parser.add_argument("--out", type=Path, help="default results/experiments/NAME")
    args = parser.parse_args()
    args.sets = args.sets or (800 if args.full else 200)
    args.agree = args.agree or int(np.ceil(0.9 * args.replicates))
    if args.sets < 2 or args.replicates < 1 or args.steps < 1 or args.workers < 1:
        parser.error("--sets must be 2 or more; --replicates, --steps, --workers 1 or more")
    if not args.replicates // 2 < args.agree <= args.replicates:
        parser.error(f"--agree must be above half of --replicates and at most {args.replicates}")
    return args


def chance(replicates: int, agree: int) -> float:
    """The probability that at least `agree` of `replicates` paired differences share a
    sign in one given direction when each sign is a fair coin (no effect at all)."""
    return float(binom.sf(agree - 1, replicates, 0.5))


def draw_sets(count: int, seed: int) -> pd.DataFrame:
    """`count` parameter sets, a Latin hypercube over the plausible ranges (whole-number
    parameters drawn so that every whole number in the range is equally likely)."""
    ranges = {name: p.plausible for name, p in PARAMETERS.items() if p.plausible is not None}
    unit = qmc.LatinHypercube(d=len(ranges), seed=np.random.default_rng(seed)).random(count)
    whole = np.array([PARAMETERS[name].kind is int for name in ranges])
    low, high = (np.array([r[i] for r in ranges.values()], dtype=float) for i in (0, 1))
    frame = pd.DataFrame(
        qmc.scale(unit, low - 0.5 * whole, high + 0.5 * whole), columns=list(ranges)
    )
    for name, (lowest, highest) in ranges.items():
        if PARAMETERS[name].kind is int:
            frame[name] = np.clip(np.rint(frame[name]), lowest, highest).astype(int)
    return frame


def summarise(ts: pd.DataFrame) -> dict[str, float]:
    """One run's outcomes (see `OUTCOMES`): NaN for event outcomes where no event was held."""
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


def plot(summary: pd.DataFrame, out: Path, title: str) -> None:
    fig, ax = plt.subplots(figsize=(8, 4), constrained_layout=True)
    left = np.zeros(len(summary))
    palette = ["#0072B2", "#D55E00", "#009E73", "#BBBBBB", "#F0E442"]
    colours = dict(zip(VERDICTS, palette, strict=True))
    for which in VERDICTS:
        ax.barh(summary.index, summary[which], left=left, color=colours[which], label=which)
        left += summary[which].to_numpy()
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of plausible parameter sets")
    ax.set_title(title, fontsize=9)
    ax.legend(title="suspension", loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=5)
    for ext in ("png", "svg"):
        fig.savefig(out / f"where_suspension_helps.{ext}", dpi=110)
    plt.close(fig)


def main() -> None:
    args = arguments()
    try:  # before any run: PRIM comes last, and hours of runs must not end in an ImportError
        with warnings.catch_warnings():  # of parallel back-ends the script does not use
            warnings.simplefilter("ignore", UserWarning)
            import ema_workbench  # noqa: F401
    except ImportError:
        raise SystemExit(
            "where_suspension_helps: error: needs EMA Workbench for PRIM; "
            'install the experiments extra: pip install -e ".[experiments]"'
        ) from None
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
    wide = runs.set_index(["set", "replicate", "arm"]).unstack("arm")
    differences = pd.DataFrame({n: wide[(n, "suspended")] - wide[(n, "kept")] for n in OUTCOMES})
    table = verdicts(differences, args.agree)
    table.to_csv(out / "verdicts.csv", index=False)
    summary = shares(table, list(OUTCOMES))
    shown = summary.reset_index()
    shown.to_csv(out / "where_suspension_helps.csv", index=False)
    found, movers, quarters = [], [], []
    ranges = {k: PARAMETERS[k].plausible for k in sets.columns}
    for name in OUTCOMES:
        mine = table[table["outcome"] == name].set_index("set").reindex(sets.index)
        for which in ("raises", "lowers"):
            found.append({"outcome": name, "suspension": which,
                          **discover(sets, (mine["verdict"] == which).to_numpy())})  # fmt: skip
        movers.append({"outcome": name, "drivers": drivers(sets, mine["difference"])})
        quarters += [{"outcome": name} | row for row in by_quarter(sets, mine, ranges)]
    found, movers = pd.DataFrame(found), pd.DataFrame(movers)
    quarters = pd.DataFrame(quarters, dtype=object).fillna("")  # counts stay whole numbers
    quarters.to_csv(out / "by_quarter.csv", index=False)
    found.to_csv(out / "scenario_discovery.csv", index=False)
    movers.to_csv(out / "drivers.csv", index=False)
    size = (
        f"{args.sets} parameter sets (Latin hypercube over the plausible ranges), "
        f"{args.replicates} seeds each, {args.steps} months; a verdict needs {args.agree} of "
        f"{args.replicates} seeds to agree (with no effect at all, a set gets a given "
        f"verdict by chance with probability {chance(args.replicates, args.agree):.1%})"
    )
    test = f"{ALPHA}/{sets.shape[1]}"
    text = (
        f"Suspended minus kept on common seeds: {size}.\n\n{markdown(shown)}\n\n"
        f"PRIM boxes, found on the even-numbered sets; bounds named only where they pass "
        f"Fisher's exact test on the odd-numbered sets (Bonferroni over the box's bounds); "
        f"coverage and density, on the odd-numbered sets, of the box the named bounds make "
        f"(coverage: share of the verdict's sets inside it; density: share of its sets with "
        f"the verdict; nan where no bound is named); base_rate: share of all sets with the "
        f"verdict:\n\n{markdown(found)}\n\n"
        f"Parameters whose rank correlation with the mean paired difference passes {test} "
        f"(Spearman's rho, strongest first):\n\n{markdown(movers)}\n\n"
        f"Verdicts in each quarter of the plausible range of each outcome's drivers (those "
        f"of the table above, strongest first; sets in the quarter and the count of each "
        f"verdict):\n\n{markdown(quarters)}\n"
    )
    (out / "where_suspension_helps.md").write_text(text, encoding="utf-8")
    print(text)
    plot(summary, out, textwrap.fill(f"Suspending hierarchy: {size}", 80))


if __name__ == "__main__":
    main()
