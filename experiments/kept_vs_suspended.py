"""Question 1: do events that suspend project hierarchy beat events that keep it, and
how does the answer depend on how steep the legitimacy hierarchy of knowledge is?

For each steepness (the legitimacy of experiential knowledge, research knowledge fixed at
1), the kept and suspended designs run on common random numbers; the table gives the
paired difference (suspended minus kept) with its 95% interval.

    python experiments/kept_vs_suspended.py          # about 20 s (a loaded 2-core machine)
    python experiments/kept_vs_suspended.py --full   # the size used for results
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from _common import DESIGNS, arguments, ci, out_dir, write_table  # noqa: E402

from exsim import load_config  # noqa: E402
from exsim.analysis.compare import compare  # noqa: E402
from exsim.analysis.plots import OKABE_ITO, summary_label, wrapped  # noqa: E402

EXPERIENTIAL_LEGITIMACY = [1.0, 0.6, 0.3, 0.0]
OUTCOMES = [
    "challenges",
    "cross_role_uptake",
    "final_norm_endorsement",
    "final_credibility_gap",
    "final_experiential_error",
    "project_challenges",
]


def main() -> None:
    args = arguments(__doc__.splitlines()[0], replicates=6, steps=60, full_replicates=40)
    out = out_dir(args, "kept_vs_suspended")
    rows = []
    for level in EXPERIENTIAL_LEGITIMACY:
        overrides = {"legitimacy.experiential": level}
        designs = [
            load_config(DESIGNS / f"hierarchy_{d}.toml", overrides) for d in ("kept", "suspended")
        ]
        result = compare(
            designs,
            replicates=args.replicates,
            seed=args.seed,
            steps=args.steps,
            names=["kept", "suspended"],
        )
        table = result.table
        for outcome in OUTCOMES:
            row = table[
                (table["outcome"] == outcome)
                & (table["role"] == "all")
                & (table["design"] == "suspended")
            ].iloc[0]
            rows.append(
                {
                    "steepness": round(1.0 - level, 2),
                    "outcome": outcome,
                    "suspended_minus_kept": ci(row),
                    "effect_size": round(row["effect_size"], 2),
                    "resolved": bool(row["resolved"]),
                    "difference": row["difference"],
                    "difference_low": row["difference_low"],
                    "difference_high": row["difference_high"],
                    "replicates": row["replicates"],
                }
            )
    frame = pd.DataFrame(rows)
    shown = frame[["steepness", "outcome", "suspended_minus_kept", "effect_size", "resolved"]]
    print(
        write_table(
            shown,
            out,
            "kept_vs_suspended",
            f"Suspended minus kept, {args.replicates} replicates, {args.steps} months "
            "(steepness = 1 - legitimacy of experiential knowledge)",
        )
    )
    frame.to_csv(out / "kept_vs_suspended_full.csv", index=False)
    plot(frame, out)


def plot(frame: pd.DataFrame, out) -> None:
    fig, axes = plt.subplots(2, 3, figsize=(11, 6), constrained_layout=True)
    for ax, (outcome, part) in zip(axes.flat, frame.groupby("outcome", sort=False), strict=True):
        ax.errorbar(
            part["steepness"],
            part["difference"],
            yerr=[
                part["difference"] - part["difference_low"],
                part["difference_high"] - part["difference"],
            ],
            marker="o",
            color=OKABE_ITO[0],
            capsize=3,
        )
        ax.axhline(0, color="0.5", linewidth=0.8)
        ax.set_title(wrapped(summary_label(outcome), 40), fontsize=8)
        ax.set_xlabel("steepness of the legitimacy hierarchy")
        n = int(part["replicates"].min()) if "replicates" in part else None
        ax.set_ylabel("suspended - kept\n(outcome's unit; 95% CI)", fontsize=8)
    if n:
        fig.suptitle(f"n = {n} replicates per design and steepness, paired by seed", fontsize=9)
    for ext in ("png", "svg"):
        fig.savefig(out / f"kept_vs_suspended.{ext}", dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
