"""Question 7: do members whose knowledge the norm devalues end up with more accurate
beliefs than those who devalue it ("epistemic advantage on the margin", Wu 2023), and
under which settings?

The devalued are the holders of experiential knowledge (patients and carers), which the
organisational norm ranks lowest; the devaluing are researchers and managers, whose
knowledge it ranks high and who endorse it most. One factor at a time is moved away from
the default (the steepness of the legitimacy hierarchy; how far credibility is learned
from the work's outcome), each with events that keep and events that suspend hierarchy,
and all of it twice: with status carrying no information about the quality of one's
evidence (`status.competence = 0`, devaluation is pure prejudice) and at the default
(0.2, high-status members' evidence is somewhat sharper). All on common random numbers.
Per run, the margin's advantage is the mean belief error (over members and the four
aspects, at the end of the run) of the devaluing minus that of the devalued: above 0,
the margin is more accurate. The table gives each group's error and the advantage with
95% bootstrap intervals over runs.

    python experiments/epistemic_margin.py          # about 30 s (a loaded 2-core machine)
    python experiments/epistemic_margin.py --full   # the size used for results
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from _common import DESIGNS, arguments, out_dir, write_table  # noqa: E402

from exsim import load_config, run  # noqa: E402
from exsim.analysis.compare import design_seeds  # noqa: E402
from exsim.analysis.plots import OKABE_ITO  # noqa: E402
from exsim.analysis.statistics import bootstrap_mean  # noqa: E402
from exsim.model.vocabulary import KNOWLEDGE_TYPES  # noqa: E402

GROUPS = {"devalued": ("patient", "carer"), "devaluing": ("researcher", "manager")}
EVENTS = ("kept", "suspended")
COMPETENCE = [0.0, 0.2]
"""`status.competence`: status carries no information (0) or the default (0.2)."""
FACTORS = {
    "legitimacy.experiential": [1.0, 0.6, 0.3, 0.0],
    "credibility.feedback": [1.0, 0.5, 0.0],
}
"""Each factor's levels; the other stays at its default (0.3, 0.5)."""
LABELS = {
    "legitimacy.experiential": "legitimacy of experiential knowledge (1: not devalued)",
    "credibility.feedback": "credibility feedback (1: oracle, 0: own view only)",
}


def settings() -> list[tuple[float, str, float]]:
    """Every (competence, factor, level) to run; the default point appears once per factor
    (and is run once)."""
    return [
        (competence, factor, level)
        for competence in COMPETENCE
        for factor, levels in FACTORS.items()
        for level in levels
    ]


def group_errors(agents: pd.DataFrame) -> dict[str, float]:
    """Per group: mean error over all aspects, on the experiential aspect, on the others."""
    others = [f"error_{k}" for k in KNOWLEDGE_TYPES if k != "experiential"]
    out = {}
    for group, roles in GROUPS.items():
        members = agents[agents["role"].isin(roles)]
        if members.empty:  # a group absent from the pool: no error to report
            out.update({f"{group}_{p}": np.nan for p in ("error", "experiential", "other")})
            continue
        errors = members[[f"error_{k}" for k in KNOWLEDGE_TYPES]].to_numpy()
        out[f"{group}_error"] = float(errors.mean())
        out[f"{group}_experiential"] = float(members["error_experiential"].mean())
        out[f"{group}_other"] = float(members[others].to_numpy().mean())
    out["advantage"] = out["devaluing_error"] - out["devalued_error"]
    return out


def run_all(args) -> pd.DataFrame:
    """One row per (competence, factor, level, events, seed) with the groups' errors."""
    seeds = design_seeds(args.seed, args.replicates)
    done: dict[tuple[str, int], dict] = {}  # the default point is shared by every factor
    rows = []
    for competence, factor, level in settings():
        for events in EVENTS:
            overrides = {"status.competence": competence, factor: level}
            config = load_config(DESIGNS / f"hierarchy_{events}.toml", overrides)
            for seed in seeds:
                key = (config.to_toml(), seed)
                if key not in done:
                    done[key] = group_errors(run(config, seed=seed, steps=args.steps).agents)
                rows.append(
                    {"competence": competence, "factor": factor, "level": level}
                    | {"events": events, "seed": seed}
                    | done[key]
                )
    return pd.DataFrame(rows)


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """Per setting: each group's mean error and the advantage, with 95% intervals."""
    rows = []
    keys = ["competence", "factor", "level", "events"]
    for (competence, factor, level, events), part in runs.groupby(keys, sort=False):
        cells = {
            k: bootstrap_mean(part[k].to_numpy(), seed=1)
            for k in ("devalued_error", "devaluing_error", "advantage")
        }
        adv = cells["advantage"]
        verdict = (
            "margin more accurate"
            if adv.low > 0
            else "margin less accurate"
            if adv.high < 0
            else "within noise"
        )
        rows.append(
            {"competence": competence, "factor": factor, "level": level, "events": events}
            | {f"{k}_{p}": getattr(c, a) for k, c in cells.items() for p, a in PARTS}
            | {"verdict": verdict}
        )
    return pd.DataFrame(rows)


PARTS = (("mean", "estimate"), ("low", "low"), ("high", "high"))


def shown(summary: pd.DataFrame) -> pd.DataFrame:
    """The printed table: estimates with intervals as text."""

    def cell(row, k, sign=""):
        m, lo, hi = (row[f"{k}_{p}"] for p in ("mean", "low", "high"))
        return f"{m:{sign}.3f} [{lo:{sign}.3f}, {hi:{sign}.3f}]"

    return pd.DataFrame(
        {
            "competence": summary["competence"],
            "factor": summary["factor"],
            "level": summary["level"],
            "events": summary["events"],
            "error_devalued": [cell(r, "devalued_error") for _, r in summary.iterrows()],
            "error_devaluing": [cell(r, "devaluing_error") for _, r in summary.iterrows()],
            "margin_advantage": [cell(r, "advantage", "+") for _, r in summary.iterrows()],
            "verdict": summary["verdict"],
        }
    )


def main() -> None:
    args = arguments(__doc__.splitlines()[0], replicates=6, steps=60, full_replicates=40)
    out = out_dir(args, "epistemic_margin")
    runs = run_all(args)
    runs.to_csv(out / "epistemic_margin_runs.csv", index=False)
    summary = summarise(runs)
    summary.to_csv(out / "epistemic_margin_full.csv", index=False)
    print(
        write_table(
            shown(summary),
            out,
            "epistemic_margin",
            f"Belief error of the devalued (patients, carers) and the devaluing (researchers, "
            f"managers), {args.replicates} replicates, {args.steps} months; margin_advantage "
            "= devaluing minus devalued (above 0: the margin is more accurate)",
        )
    )
    plot(summary, out, args.replicates, args.steps)


def plot(summary: pd.DataFrame, out, replicates: int, steps: int) -> None:
    fig, axes = plt.subplots(
        len(COMPETENCE), len(FACTORS), figsize=(10, 6.5), sharey=True, constrained_layout=True
    )
    for row, competence in enumerate(COMPETENCE):
        for ax, factor in zip(axes[row], FACTORS, strict=True):
            for k, events in enumerate(EVENTS):
                part = summary[
                    (summary["competence"] == competence)
                    & (summary["factor"] == factor)
                    & (summary["events"] == events)
                ]
                mean = part["advantage_mean"]
                ax.errorbar(
                    part["level"].to_numpy() + 0.01 * (2 * k - 1),
                    mean,
                    yerr=[mean - part["advantage_low"], part["advantage_high"] - mean],
                    marker="o",
                    capsize=3,
                    color=OKABE_ITO[k],
                    label=f"hierarchy {events} at events",
                )
            ax.axhline(0, color="0.5", linewidth=0.8)
            ax.set_title(f"status.competence = {competence}", fontsize=10)
            ax.set_xlabel(LABELS[factor], fontsize=9)
        axes[row, 0].set_ylabel(
            "belief error, devaluing - devalued\n(absolute error; above 0: margin more accurate)",
            fontsize=9,
        )
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(
        f"Means with 95% bootstrap intervals, n = {replicates} replicates per point "
        f"(paired by seed), after {steps} months",
        fontsize=10,
    )
    for ext in ("png", "svg"):
        fig.savefig(out / f"epistemic_margin.{ext}", dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()
