"""Question 2: how do the event formats (action-learning sets, an open plenary,
facilitated dialogue) compare, and how much does facilitation change that?

At each facilitation strength the three formats run on common random numbers; the table
gives each format's mean with its 95% interval, and the plenary's and the facilitated
dialogue's difference from action learning.

    python experiments/formats_by_facilitation.py          # about 12 s (a loaded 2-core machine)
    python experiments/formats_by_facilitation.py --full   # the size used for results
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

FORMATS = ["action_learning", "plenary", "facilitated_dialogue"]
FACILITATION = [0.0, 0.5, 1.0]
OUTCOMES = [
    "speaking_equality",
    "cross_role_uptake",
    "challenges",
    "challenges_low_status",
    "final_belief_error",
    "final_cross_role_ties",
]


def main() -> None:
    args = arguments(__doc__.splitlines()[0], replicates=5, steps=48, full_replicates=40)
    out = out_dir(args, "formats_by_facilitation")
    rows = []
    for level in FACILITATION:
        designs = [
            load_config(DESIGNS / f"{f}.toml", {"event.facilitation": level}) for f in FORMATS
        ]
        table = compare(
            designs, replicates=args.replicates, seed=args.seed, steps=args.steps, names=FORMATS
        ).table
        for outcome in OUTCOMES:
            for _, row in table[
                (table["outcome"] == outcome) & (table["role"] == "all")
            ].iterrows():
                rows.append(
                    {
                        "facilitation": level,
                        "outcome": outcome,
                        "format": row["design"],
                        "mean": ci(row, "mean").replace("+", ""),
                        "vs_action_learning": "" if row["design"] == FORMATS[0] else ci(row),
                        "m": row["mean"],
                        "low": row["mean_low"],
                        "high": row["mean_high"],
                    }
                )
    frame = pd.DataFrame(rows)
    shown = frame[["facilitation", "outcome", "format", "mean", "vs_action_learning"]]
    print(
        write_table(
            shown,
            out,
            "formats_by_facilitation",
            f"Formats by facilitation, {args.replicates} replicates, {args.steps} months",
        )
    )
    plot(frame, out, args.replicates, args.steps)


def plot(frame: pd.DataFrame, out, replicates: int, steps: int) -> None:
    fig, axes = plt.subplots(2, 3, figsize=(11, 6), constrained_layout=True)
    for ax, (outcome, part) in zip(axes.flat, frame.groupby("outcome", sort=False), strict=True):
        for k, (fmt, rows) in enumerate(part.groupby("format", sort=False)):
            ax.errorbar(
                rows["facilitation"] + 0.02 * (k - 1),
                rows["m"],
                yerr=[rows["m"] - rows["low"], rows["high"] - rows["m"]],
                marker="o",
                capsize=3,
                color=OKABE_ITO[k],
                label=fmt,
            )
        ax.set_title(wrapped(summary_label(outcome), 40), fontsize=8)
        ax.set_ylabel("mean (95% bootstrap CI)", fontsize=8)
        ax.set_xlabel("event.facilitation (0-1)")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(
        f"n = {replicates} replicates per format and facilitation (common seeds), {steps} months",
        fontsize=10,
    )
    for ext in ("png", "svg"):
        fig.savefig(out / f"formats_by_facilitation.{ext}", dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
