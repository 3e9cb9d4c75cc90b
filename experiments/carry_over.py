"""Question 3: what do events change in the projects, and how long does it last after
the events stop?

Three designs on common random numbers: events throughout, events that stop halfway,
and no events at all. The table gives, month by month after the stop, the difference
between "events stopped" and "no events" with its 95% interval: what persists.

    python experiments/carry_over.py          # about a minute
    python experiments/carry_over.py --full   # the size used for results
"""

from __future__ import annotations

import pandas as pd
from _common import DEFAULT, arguments, out_dir, write_table

from exsim import load_config
from exsim.analysis.compare import compare
from exsim.analysis.statistics import bootstrap_mean

OUTCOMES = [
    "norm_endorsement",
    "dialogic_capacity",
    "credibility_gap",
    "cross_role_ties",
    "project_speaking_equality",
    "project_challenges",
]


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
                    "stopped_minus_none": f"{ci.estimate:+.3f} [{ci.low:+.3f}, {ci.high:+.3f}]",
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


if __name__ == "__main__":
    main()
