"""Figures of sweep results: an outcome against a parameter, a heatmap over two, and time
series by group. Colour-blind-safe colours; PNG and SVG. Outcomes are named as in a
sensitivity file (`exsim.analysis.outcomes`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from ..model.parameters import PARAMETERS
from .outcomes import outcome_label
from .plots import LABELS, OKABE_ITO, plt

DEFAULT_OUTCOMES = (
    "speaking_equality",
    "cross_role_uptake",
    "challenges",
    "final_norm_endorsement",
    "final_belief_error",
    "final_credibility_gap",
)
"""What `exsim plot` draws unless told otherwise, named as in a sensitivity file."""


def label(column: str) -> str:
    """Readable axis label for a parameter or an outcome's column (``mean_<x>``,
    ``final_<x>``)."""
    if column in PARAMETERS:
        return f"{column} ({PARAMETERS[column].meaning})"
    return outcome_label(column, LABELS)


def varied_parameters(runs: pd.DataFrame) -> list[str]:
    """Parameters that take more than one value in the runs table, in column order."""
    return [c for c in runs.columns if c in PARAMETERS and runs[c].nunique() > 1]


def interval(values: pd.Series) -> tuple[float, float, float]:
    """Mean and 95% t-interval of the mean."""
    x = values.to_numpy(dtype=float)
    mean = float(x.mean())
    if len(x) < 2 or np.ptp(x) == 0:
        return mean, mean, mean
    half = float(stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return mean, mean - half, mean + half


def outcome_by_parameter(
    runs: pd.DataFrame, column: str, x: str, path: Path, by: str | None = None
) -> Path:
    """Mean of `column` at each value of parameter `x`, with 95% intervals over
    replicates; one line per value of `by` if given."""
    fig, ax = plt.subplots(figsize=(7, 4.2), constrained_layout=True)
    groups = [(None, runs)] if by is None else list(runs.groupby(by, sort=True))
    categorical = not pd.api.types.is_numeric_dtype(runs[x])
    levels = sorted(runs[x].unique())
    for k, (value, part) in enumerate(groups):
        rows = [interval(part.loc[part[x] == v, column]) for v in levels if (part[x] == v).any()]
        xs = [levels.index(v) if categorical else v for v in levels if (part[x] == v).any()]
        mean, low, high = (np.array(c) for c in zip(*rows, strict=True))
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        name = None if by is None else f"{by} = {value}"
        ax.errorbar(
            xs,
            mean,
            yerr=[mean - low, high - mean],
            color=colour,
            marker="o",
            capsize=3,
            label=name,
        )
    if categorical:
        ax.set_xticks(range(len(levels)), levels)
    ax.set_xlabel(label(x))
    ax.set_ylabel(label(column))
    ax.set_title("means with 95% intervals over replicates", fontsize=9)
    if by is not None:
        ax.legend(fontsize=8)
    return _save(fig, path)


def heatmap(runs: pd.DataFrame, column: str, x: str, y: str, path: Path) -> Path:
    """Mean of `column` over the grid of parameters `x` and `y` (cividis colour map)."""
    table = runs.pivot_table(index=y, columns=x, values=column, aggfunc="mean")
    fig, ax = plt.subplots(figsize=(7, 5), constrained_layout=True)
    image = ax.imshow(table.to_numpy(), origin="lower", aspect="auto", cmap="cividis")
    ax.set_xticks(range(table.shape[1]), [_tick(v) for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [_tick(v) for v in table.index])
    for (i, j), value in np.ndenumerate(table.to_numpy()):
        ax.text(
            j,
            i,
            f"{value:.3g}",
            ha="center",
            va="center",
            fontsize=7,
            color="white" if value < np.nanmean(table.to_numpy()) else "black",
        )
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    fig.colorbar(image, ax=ax, label=label(column))
    return _save(fig, path)


def timeseries_by_group(
    timeseries: pd.DataFrame, runs: pd.DataFrame, outcome: str, by: str, path: Path
) -> Path:
    """Mean time series of `outcome` for each value of parameter `by`, with a band of
    ±1.96 standard errors over runs."""
    joined = timeseries[["run_id", "step", outcome]].merge(runs[["run_id", by]], on="run_id")
    fig, ax = plt.subplots(figsize=(7.5, 4.2), constrained_layout=True)
    for k, (value, part) in enumerate(joined.groupby(by, sort=True)):
        stats_ = part.groupby("step")[outcome].agg(["mean", "sem"]).fillna(0.0)
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        ax.plot(stats_.index, stats_["mean"], color=colour, label=f"{by} = {value}")
        ax.fill_between(
            stats_.index,
            stats_["mean"] - 1.96 * stats_["sem"],
            stats_["mean"] + 1.96 * stats_["sem"],
            color=colour,
            alpha=0.2,
            linewidth=0,
        )
    ax.set_xlabel("month")
    ax.set_ylabel(LABELS.get(outcome, outcome.replace("_", " ")))
    ax.legend(fontsize=8)
    return _save(fig, path)


def _tick(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _save(fig, path: Path) -> Path:
    fig.savefig(path, dpi=110, format=Path(path).suffix.lstrip("."))
    plt.close(fig)
    return Path(path)
