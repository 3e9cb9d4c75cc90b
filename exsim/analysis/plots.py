"""Figures of model output, drawn with matplotlib in colour-blind-safe colours."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

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
