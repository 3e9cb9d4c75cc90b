"""Question 3: what do events change in the projects, and how long does it last after
the events stop?

Three designs on common random numbers: events throughout, events that stop halfway,
and no events at all. The first table gives, month by month after the stop, the
difference between "events stopped" and "no events" with its 95% interval: what
persists. The second asks whether what reaches the projects depends on the events'
design: events that keep against events that suspend hierarchy (events throughout), on
the same seeds, with every project outcome averaged over the months of the run.

    python experiments/carry_over.py          # about 30 s (a loaded 2-core machine)
    python experiments/carry_over.py --full   # the size used for results
"""

from __future__ import annotations

import pandas as pd
from _common import DEFAULT, DESIGNS, arguments, out_dir, write_table

from exsim import load_config, run
from exsim.analysis.compare import compare, design_seeds
from exsim.analysis.statistics import bootstrap_mean
from exsim.model.registry import names

OUTCOMES = [
    "norm_endorsement",
    "dialogic_capacity",
    "credibility_gap",
    "cross_role_ties",
    "project_speaking_equality",
    "project_challenges",
]
PROJECT_OUTCOMES = list(names("project"))
"""Project outcomes compared between event designs (monthly, averaged over the run)."""


def main() -> None:
    args = arguments(__doc__.splitlines()[0], replicates=6, steps=120, full_replicates=40)
    out = out_dir(args, "carry_over")
    stop = args.steps // 2
    designs = {
        "no_events": {"event.every": 0},
        "events_stop": {"event.until": stop},
        "events_throughout": {},
    }
    result = compare(
        [load_config(DEFAULT, o) for o in designs.values()],
        replicates=args.replicates,
        seed=args.seed,
        steps=args.steps,
        names=list(designs),
    )
    result.write(out)
    traj = result.trajectories
    # project_challenges is a monthly count: smooth it over the past 12 months per run
    traj = traj.sort_values(["design", "seed", "step"])
    traj["project_challenges"] = traj.groupby(["design", "seed"])["project_challenges"].transform(
        lambda s: s.rolling(12, min_periods=1).mean()
    )
    rows = []
    for month in sorted({stop, stop + 6, stop + 12, stop + 24, stop + 48, args.steps}):
        if month > args.steps:
            continue
        at = traj[traj["step"] == month].pivot_table(
            index="seed", columns="design", values=OUTCOMES
        )
        for outcome in OUTCOMES:
            diff = at[(outcome, "events_stop")] - at[(outcome, "no_events")]
            ci = bootstrap_mean(diff.to_numpy(), seed=month)
            rows.append(
                {
                    "month": month,
                    "months_after_stop": month - stop,
                    "outcome": outcome,
                    "stopped_minus_none": text(ci, "+"),
                    "persists": ci.excludes_zero,
                }
            )
    print(
        write_table(
            pd.DataFrame(rows),
            out,
            "carry_over",
            f"Events stopped at month {stop} minus no events, {args.replicates} "
            f"replicates, {args.steps} months (project_challenges: mean of the past 12 "
            "months)",
        )
    )
    print(design_effect(args, out))


def design_effect(args, out) -> str:
    """Suspended minus kept events, per project outcome averaged over months 1 to the end
    (as `exsim compare` reduces project outcomes), paired by seed."""
    seeds = design_seeds(args.seed, args.replicates)
    means = {}
    for design in ("kept", "suspended"):
        config = load_config(DESIGNS / f"hierarchy_{design}.toml")
        series = [run(config, seed=s, steps=args.steps).timeseries for s in seeds]
        means[design] = pd.DataFrame([ts[PROJECT_OUTCOMES].iloc[1:].mean() for ts in series])
    rows, constant = [], []
    for k, outcome in enumerate(PROJECT_OUTCOMES):
        values = pd.concat([means["kept"][outcome], means["suspended"][outcome]])
        if values.nunique(dropna=False) == 1:  # the same in every run (threat: 0 in projects)
            constant.append(f"{outcome} = {values.iloc[0]:g}")
            continue
        kept, suspended = (means[d][outcome].to_numpy() for d in ("kept", "suspended"))
        difference = bootstrap_mean(suspended - kept, seed=k)
        rows.append(
            {
                "outcome": outcome,
                "kept": text(bootstrap_mean(kept, seed=k)),
                "suspended": text(bootstrap_mean(suspended, seed=k)),
                "suspended_minus_kept": text(difference, "+"),
                "resolved": difference.excludes_zero,
            }
        )
    return write_table(
        pd.DataFrame(rows),
        out,
        "project_outcomes_by_design",
        f"Project outcomes (monthly mean over the run) with events that keep or suspend "
        f"hierarchy, {args.replicates} replicates, {args.steps} months"
        + (f" (the same in every run, left out: {', '.join(constant)})" if constant else ""),
    )


def text(ci, sign: str = "") -> str:
    """'0.123 [0.100, 0.150]' (with `sign` "+": signed)."""
    return f"{ci.estimate:{sign}.3f} [{ci.low:{sign}.3f}, {ci.high:{sign}.3f}]"


if __name__ == "__main__":
    main()
