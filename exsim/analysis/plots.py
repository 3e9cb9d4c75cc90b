"""Figures of model output, drawn with matplotlib in colour-blind-safe colours."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .outcomes import outcome_label  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
"""Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies."""

PANELS = {
    "Dialogue in events": ["speaking_equality", "cross_role_uptake", "reciprocity"],
    "Norm-challenging": ["norm_endorsement", "challenges_per_attendee"],
    "Learning": ["belief_error", "experiential_error", "credibility_gap"],
    "Capacity and mutuality": ["dialogic_capacity", "cross_role_ties"],
}
LABELS = {
    "speaking_equality": "speaking equality (1 - Gini)",
    "cross_role_uptake": "cross-role uptake",
    "reciprocity": "reciprocity",
    "norm_endorsement": "norm endorsement (mean)",
    "challenges_per_attendee": "challenges per attendee",
    "belief_error": "belief error (mean |b - truth|)",
    "experiential_error": "error, experiential aspect",
    "credibility_gap": "credibility gap (research - experiential)",
    "dialogic_capacity": "dialogic capacity (mean)",
    "cross_role_ties": "cross-role tie strength (mean)",
}


def plot_outcomes(timeseries: pd.DataFrame, path: str | Path) -> Path:
    """Draw the main outcomes over time, months with an event marked, into `path`.

    Event outcomes are drawn at the months events were held.
    """
    ts = timeseries.assign(
        challenges_per_attendee=timeseries["challenges"] / timeseries["attendance"].clip(lower=1)
    )
    held = ts[ts["event_held"] == 1]
    event_cols = {
        "speaking_equality",
        "cross_role_uptake",
        "reciprocity",
        "challenges_per_attendee",
    }
    fig, axes = plt.subplots(2, 2, figsize=(11, 7), sharex=True, constrained_layout=True)
    for ax, (title, columns) in zip(axes.flat, PANELS.items(), strict=True):
        for colour, col in zip(OKABE_ITO, columns, strict=False):
            data = held if col in event_cols else ts
            style = {"marker": "o", "markersize": 3} if col in event_cols else {}
            ax.plot(data["step"], data[col], color=colour, label=LABELS[col], **style)
        for step in held["step"]:
            ax.axvline(step, color="0.85", linewidth=0.6, zorder=0)
        ax.set_title(title)
        ax.legend(fontsize=8, loc="best")
    for ax in axes[-1]:
        ax.set_xlabel("month (grey lines: events)")
    fig.savefig(path, dpi=110, format=Path(path).suffix.lstrip(".") or "png")
    plt.close(fig)
    return Path(path)


def forest_plot(table: pd.DataFrame, path: str | Path, role: str | None = "all") -> Path:
    """Differences from the baseline with 95% intervals, one panel row per outcome (of
    `role`; of every role if None).

    Each outcome is on its own scale, so each gets its own axis.
    """
    if role is not None:
        table = table[table["role"] == role]
    part = table[table["difference"].notna()]
    outcomes = list(dict.fromkeys(zip(part["outcome"], part["role"], strict=True)))
    designs = list(dict.fromkeys(part["design"]))
    baseline = table["design"].iloc[0]
    fig, axes = plt.subplots(
        len(outcomes),
        1,
        figsize=(7.5, 0.9 + 0.55 * len(outcomes) * max(1, len(designs))),
        squeeze=False,
        constrained_layout=True,
    )
    for ax, (outcome, who) in zip(axes[:, 0], outcomes, strict=True):
        rows = part[(part["outcome"] == outcome) & (part["role"] == who)]
        y = np.arange(len(rows))
        for k, (_, r) in enumerate(rows.iterrows()):
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            ax.errorbar(
                r["difference"],
                k,
                xerr=[
                    [r["difference"] - r["difference_low"]],
                    [r["difference_high"] - r["difference"]],
                ],
                fmt="o",
                color=colour,
                capsize=3,
            )
        ax.axvline(0, color="0.5", linewidth=0.8)
        ax.set_yticks(y, list(rows["design"]))
        ax.set_ylim(-0.7, len(rows) - 0.3)
        title = outcome_label(outcome, LABELS)
        ax.set_title(title if who == "all" else f"{title}, {who}", fontsize=9, loc="left")
    axes[-1, 0].set_xlabel(f"difference from {baseline} (95% CI, paired by seed)")
    fig.savefig(path, dpi=110, format=Path(path).suffix.lstrip(".") or "png")
    plt.close(fig)
    return Path(path)


def trajectory_plot(trajectories: pd.DataFrame, outcomes: list[str], path: str | Path) -> Path:
    """Mean trajectory of each outcome per design, with a band of 95% of the mean.

    `trajectories` has columns design, seed, step and the outcomes; the band is
    mean ± 1.96 standard errors over seeds at each step.
    """
    designs = list(dict.fromkeys(trajectories["design"]))
    cols = 2
    rows = -(-len(outcomes) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(11, 3 * rows), squeeze=False, sharex=True, constrained_layout=True
    )
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        for k, design in enumerate(designs):
            part = trajectories[trajectories["design"] == design]
            grouped = part.groupby("step")[outcome]
            mean, sem = grouped.mean(), grouped.sem().fillna(0.0)
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            ax.plot(mean.index, mean.to_numpy(), color=colour, label=design)
            ax.fill_between(
                mean.index,
                mean - 1.96 * sem,
                mean + 1.96 * sem,
                color=colour,
                alpha=0.2,
                linewidth=0,
            )
        ax.set_title(LABELS.get(outcome, outcome.replace("_", " ")), fontsize=10)
    for ax in axes.flat[len(outcomes) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8)
    for ax in axes[-1]:
        ax.set_xlabel("month")
    fig.savefig(path, dpi=110, format=Path(path).suffix.lstrip(".") or "png")
    plt.close(fig)
    return Path(path)
