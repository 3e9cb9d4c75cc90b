"""Figures of sweep results: an outcome against a parameter, a heatmap over two, and time
series by group. Colour-blind-safe colours; PNG and SVG. Outcomes are named as in a
sensitivity file (`exsim.analysis.outcomes`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from ..model.parameters import PARAMETERS
from ..model.registry import SELECTIONS
from .labels import axis_label, outcome_range
from .plots import BAND, OKABE_ITO, missing_note, plt, save, summary_label, wrapped
from .statistics import bootstrap_band

DEFAULT_OUTCOMES = SELECTIONS["plot"]
"""What `exsim plot` draws unless told otherwise, named as in a sensitivity file."""


def label(column: str) -> str:
    """Readable axis label for a parameter, or an outcome's column (``mean_<x>``,
    ``final_<x>``) with its unit (`axis_label`) and how it is summarised over a run."""
    if column in PARAMETERS:
        return f"{column} ({PARAMETERS[column].meaning})"
    return summary_label(column)


def varied_parameters(runs: pd.DataFrame) -> list[str]:
    """Parameters that take more than one value in the runs table, in column order."""
    return [c for c in runs.columns if c in PARAMETERS and runs[c].nunique() > 1]


def interval(values: pd.Series, seed: int = 0) -> tuple[float, float, float]:
    """Mean and 95% percentile bootstrap interval of the mean (NaN values, failed runs,
    left out; NaN if none is left). Never outside the values' range, so a count's
    interval never goes below zero."""
    x = values.to_numpy(dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return np.nan, np.nan, np.nan
    mean, low, high = bootstrap_band(x[:, None], seed=seed)
    return float(mean[0]), float(low[0]), float(high[0])


def replicates_text(counts) -> str:
    """``n = 3 replicates per point`` (a range when points have different numbers)."""
    low, high = int(min(counts)), int(max(counts))
    return f"n = {low} replicates" if low == high else f"n = {low}-{high} replicates"


def outcome_by_parameter(
    runs: pd.DataFrame, column: str, x: str, path: Path, by: str | None = None
) -> Path:
    """Mean of `column` at each value of parameter `x`, with 95% intervals over
    replicates; one line per value of `by` if given."""
    fig, ax = plt.subplots(figsize=(7, 4.2), constrained_layout=True)
    groups = [(None, runs)] if by is None else list(runs.groupby(by, sort=True))
    categorical = not pd.api.types.is_numeric_dtype(runs[x])
    levels = sorted(runs[x].unique())
    counts, missing = [], []
    for k, (value, part) in enumerate(groups):
        where = "" if by is None else f" ({by} = {value})"
        empty = [
            v
            for v in levels
            if (part[x] == v).any() and part.loc[part[x] == v, column].isna().all()
        ]
        missing += [f"{x} = {v}{where}" for v in empty]
        present = [v for v in levels if (part[x] == v).any() and v not in empty]
        if not present:
            continue
        rows = [interval(part.loc[part[x] == v, column]) for v in present]
        counts += [int(part.loc[part[x] == v, column].notna().sum()) for v in present]
        xs = [levels.index(v) if categorical else v for v in present]
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
    else:
        whole = pd.api.types.is_integer_dtype(runs[x])
        level_axis(ax, levels, whole)
    ax.set_xlabel(wrapped(label(x), 90))
    ax.set_ylabel(wrapped(label(column)), fontsize=9)
    ax.set_title(
        f"means with 95% bootstrap intervals over replicates ({replicates_text(counts or [0])} "
        f"per point){missing_note(missing)}",
        fontsize=9,
    )
    if by is not None:
        ax.legend(fontsize=8)
    return save(fig, path)


def level_axis(ax, levels: list, whole: bool) -> None:
    """An x-axis over every level of a numeric parameter, drawn or not (a level with no
    value must not rescale the axis): ticks at the levels when they are few, else
    whole-number ticks for a whole-number parameter."""
    low, high = float(min(levels)), float(max(levels))
    pad = 0.05 * (high - low) if high > low else 0.5
    ax.set_xlim(low - pad, high + pad)
    if len(levels) <= MAX_LEVEL_TICKS:
        ax.set_xticks(levels, [_tick(v) for v in levels])
    elif whole:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


MAX_LEVEL_TICKS = 12
"""Up to this many levels of a parameter, each has its own tick."""


def heatmap(runs: pd.DataFrame, column: str, x: str, y: str, path: Path) -> Path:
    """Mean of `column` over the grid of parameters `x` and `y`, each cell with its 95%
    interval and n; the colour scale spans the outcome's whole range where it is
    bounded (else the range of every run's value, from 0 for counts), not the range of
    the means, so that small differences do not look large."""
    cells = runs.groupby([y, x])[column]
    stats_ = pd.DataFrame(
        [
            (*key, *interval(values, seed=k), values.notna().sum())
            for k, (key, values) in enumerate(cells)
        ],
        columns=[y, x, "mean", "low", "high", "n"],
    )
    table = stats_.pivot(index=y, columns=x, values="mean")
    fig, ax = plt.subplots(figsize=(7.5, 5.2), constrained_layout=True)
    low, high = colour_range(runs[column], column)
    image = ax.imshow(
        table.to_numpy(), origin="lower", aspect="auto", cmap="cividis", vmin=low, vmax=high
    )
    ax.set_xticks(range(table.shape[1]), [_tick(v) for v in table.columns])
    ax.set_yticks(range(table.shape[0]), [_tick(v) for v in table.index])
    middle = (low + high) / 2
    for row in stats_.itertuples(index=False):
        i, j = list(table.index).index(row[0]), list(table.columns).index(row[1])
        ax.text(
            j,
            i,
            f"{row.mean:.3g}\n[{row.low:.3g}, {row.high:.3g}]\nn = {row.n}",
            ha="center",
            va="center",
            fontsize=7,
            color="white" if row.mean < middle else "black",
        )
    ax.set_xlabel(wrapped(label(x), 90))
    ax.set_ylabel(wrapped(label(y)))
    ax.set_title(
        f"cell: mean [95% bootstrap interval], n replicates ({replicates_text(stats_['n'])})",
        fontsize=9,
    )
    fig.colorbar(image, ax=ax).set_label(wrapped(label(column)), fontsize=8)
    return save(fig, path)


def colour_range(values: pd.Series, column: str) -> tuple[float, float]:
    """The colour scale of a heatmap of `column`: the outcome's range (`outcome_range`)
    where it is finite, else the range of the runs' values (not of the means),
    widened to the outcome's finite bound (0 for a count)."""
    low, high = outcome_range(column)
    data = values.to_numpy(dtype=float)
    data = data[np.isfinite(data)]
    if not np.isfinite(low):
        low = float(data.min()) if len(data) else 0.0
    if not np.isfinite(high):
        high = float(data.max()) if len(data) else 1.0
    return (low, high) if high > low else (low - 0.5, low + 0.5)


def timeseries_by_group(
    timeseries: pd.DataFrame, runs: pd.DataFrame, outcome: str, by: str, path: Path
) -> Path:
    """Mean time series of `outcome` for each value of parameter `by`, with a band: the
    95% percentile bootstrap interval of the mean over runs (`bootstrap_band`); months
    where the outcome is NaN are left out. With one recorded month (``record =
    "final"``) each value of `by` is a point with its interval."""
    joined = timeseries[["run_id", "step", outcome]].merge(runs[["run_id", by]], on="run_id")
    months = sorted(set(joined["step"]))
    fig, ax = plt.subplots(figsize=(7.5, 4.2), constrained_layout=True)
    counts, values, missing, fewest = [], [], [], []
    for k, (value, part) in enumerate(joined.groupby(by, sort=True)):
        if part[outcome].isna().all():  # e.g. project outcomes with project.rounds = 0
            missing.append(f"{by} = {_tick(value)}")
            continue
        wide = part.pivot_table(index="run_id", columns="step", values=outcome, dropna=False)
        mean, low, high = bootstrap_band(wide.to_numpy(), seed=k)
        counts.append(len(wide))
        present = np.isfinite(wide.to_numpy()).sum(axis=0)
        fewest.append(int(present[present > 0].min()))
        values.append(_tick(value))
        colour, name = OKABE_ITO[k % len(OKABE_ITO)], f"{by} = {_tick(value)}"
        if len(months) < 2:
            bar = [mean - low, high - mean]
            ax.errorbar([k], mean, bar, fmt="o", color=colour, label=name, capsize=3)
            continue
        marker = "o" if len(months) <= 30 else None  # few recorded months: show them
        ax.plot(wide.columns, mean, color=colour, label=name, marker=marker, markersize=3)
        ax.fill_between(wide.columns, low, high, color=colour, alpha=0.2, linewidth=0)
    if missing:
        ax.set_title(missing_note(missing).strip(), fontsize=8)
    if len(months) < 2:
        ax.set_xticks(range(len(values)), values)
        ax.set_xlim(-0.5, len(values) - 0.5)
        ax.set_xlabel(f"{by}, at month {months[0] if months else '-'} (the one recorded)")
    else:
        ax.set_xlabel("month")
    ax.set_ylabel(wrapped(axis_label(outcome)), fontsize=9)
    if counts:
        each = "per line" if len(months) >= 2 else "per point"
        band = BAND.format(n=f"{replicates_text(counts).replace('replicates', 'runs')} {each}")
        if len(months) < 2:
            band = band.replace("band:", "bars:", 1)
        if min(fewest) < min(counts):  # some months lack a value in some runs
            band += f"\nfewer at some months (as few as {min(fewest)}): runs without a value there"
        ax.legend(fontsize=8, title=band, title_fontsize=7)
    return save(fig, path)


def _tick(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
