"""Question 4: does it matter who attends: the role mix, whether attendance is voluntary,
and whether one's own project superiors are in the room?

Each variant of the default network runs on the same seeds as the default (voluntary
attendance of all roles, leaders kept apart); the table gives each variant's difference
from the default with its 95% interval.

    python experiments/who_attends.py          # about 25 s (a loaded 2-core machine)
    python experiments/who_attends.py --full   # the size used for results
"""

from __future__ import annotations

import pandas as pd
from _common import DEFAULT, arguments, ci, out_dir, write_table

from exsim import load_config
from exsim.analysis.compare import compare

VARIANTS = {
    "default": {},
    "patients_and_carers_twice": {"attendance.patient": 2.0, "attendance.carer": 2.0},
    "professionals_only": {"attendance.patient": 0.0, "attendance.carer": 0.0},
    "sent_not_voluntary": {"attendance.voluntary": False},
    "superiors_in_the_room": {"event.superiors_present": True, "event.grouping": "by_project"},
}
OUTCOMES = [
    "cross_role_uptake",
    "challenges",
    "challenges_low_status",
    "final_norm_endorsement",
    "final_experiential_error",
    "final_cross_role_ties",
]


def main() -> None:
    args = arguments(__doc__.splitlines()[0], replicates=6, steps=60, full_replicates=40)
    out = out_dir(args, "who_attends")
    designs = [load_config(DEFAULT, overrides) for overrides in VARIANTS.values()]
    result = compare(
        designs, replicates=args.replicates, seed=args.seed, steps=args.steps, names=list(VARIANTS)
    )
    result.write(out)
    table = result.table
    rows = []
    for outcome in OUTCOMES:
        part = table[(table["outcome"] == outcome) & (table["role"] == "all")]
        for _, row in part.iterrows():
            if row["design"] != "default":
                rows.append(
                    {
                        "outcome": outcome,
                        "variant": row["design"],
                        "difference_from_default": ci(row),
                        "effect_size": round(row["effect_size"], 2),
                        "resolved": bool(row["resolved"]),
                    }
                )
    print(
        write_table(
            pd.DataFrame(rows),
            out,
            "who_attends",
            f"Attendance variants minus the default, {args.replicates} replicates, "
            f"{args.steps} months",
        )
    )


if __name__ == "__main__":
    main()
