"""Figures of model output, drawn with matplotlib in colour-blind-safe colours."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from ..model.registry import OUTCOMES, SELECTIONS  # noqa: E402
from ..runs.evaluate import split_outcome  # noqa: E402
from .labels import axis_label, label, unit  # noqa: E402
from .outcomes import outcome_label  # noqa: E402
from .statistics import bootstrap_band  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
"""Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies."""

RUN_FIGURE = SELECTIONS["trajectories"]
"""The outcomes of `plot_outcomes` (a run's trajectories, as `compare` draws them), then
any outcome the run's config added."""
BAND = "band: 95% percentile bootstrap interval of the mean; {n}"
"""What a band says it is (in the legend); `n` says over how many runs."""


def plot_outcomes(timeseries: pd.DataFrame, path: str | Path) -> Path:
    """Draw a run's outcomes over time (`RUN_FIGURE`, then those its config added), one
    panel each, titled with the outcome's label and its y-axis with its unit (from the
    registry, `exsim.model.registry`); months with an event marked.

    An event outcome is drawn at the months events were held, with markers; NaN months
    (month 0, which holds no session) are left out.
    """
    added = [c for c in timeseries.columns if c not in OUTCOMES and c != "step"]
    names = [*RUN_FIGURE, *added]
    held = timeseries[timeseries["event_held"] == 1]
    rows = -(-len(names) // 2)
    fig, axes = plt.subplots(rows, 2, figsize=(11, PANEL_HEIGHT * rows), sharex=True, squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):
        event = name in OUTCOMES and OUTCOMES[name].kind == "event"
        data = (held if event else timeseries)[["step", name]].dropna()
        if data.empty:  # e.g. project outcomes with project.rounds = 0: say so, draw no axis
            _no_value(ax, name)
        style = {"marker": "o", "markersize": 3} if event or len(data) <= 30 else {}
        ax.plot(data["step"], data[name], color=OKABE_ITO[0], **style)
        mark_months(ax, held["step"])
        ax.set_title(label(name), fontsize=10, y=1.0)  # y given: not moved, not measured
        ax.set_ylabel(wrapped(unit(name) or "value", 24), fontsize=8)
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    bottom = [axes[-1, 0], axes[-1, 1] if len(names) % 2 == 0 or rows == 1 else axes[-2, 1]]
    for ax in bottom[: len(names)]:  # the lowest panel of each column shows the months
        ax.xaxis.set_tick_params(labelbottom=True)
        ax.set_xlabel("month (grey lines: events)")
    fixed_margins(fig, rows)
    return save(fig, path)


PANEL_HEIGHT = 2.3
"""Height of a row of `plot_outcomes` panels, inches."""


def mark_months(ax, steps) -> None:
    """A light grey vertical line across `ax` at each of `steps` (months with an event),
    behind the data: one collection, so a long run's figure stays quick to draw."""
    lines = LineCollection(
        [[(step, 0.0), (step, 1.0)] for step in steps],
        colors="0.85",
        linewidths=0.6,
        zorder=0,
        transform=ax.get_xaxis_transform(),  # x in months, y from the bottom to the top
    )
    ax.add_collection(lines, autolim=False)


def fixed_margins(fig, rows: int) -> None:
    """Margins of a `plot_outcomes` figure in inches, whatever its number of rows: room
    for two-line y labels on the left, titles above each row, month labels below.
    Set once instead of measured by a layout engine, which took most of the drawing
    time of a run's figure."""
    width, height = fig.get_size_inches()
    axis_height = PANEL_HEIGHT - 0.42  # a row less its title and the gap above it
    fig.subplots_adjust(
        left=0.95 / width,
        right=1 - 0.12 / width,
        top=1 - 0.3 / height,
        bottom=0.6 / height,
        wspace=0.95 / ((width - 1.07 - 0.95) / 2),
        hspace=0.42 / axis_height,
    )


def forest_plot(table: pd.DataFrame, path: str | Path, role: str | None = "all") -> Path:
    """Differences from the baseline beside standardised effects, one row per outcome
    (of `role`; of every role if None).

    Left: each design's paired difference from the baseline with its 95% interval, in
    the outcome's own unit (so each row has its own x-axis). Right: Cohen's d with its
    95% interval on ONE axis common to every row, so effects can be compared across
    outcomes. The title gives n, the replicates per design. A design with no value to
    compare (NaN in some run: no event or project meeting held, or the role absent) keeps
    its row, which says so (`NO_VALUE`).
    """
    if role is not None:
        table = table[table["role"] == role]
    baseline = table["design"].iloc[0] if len(table) else "the baseline"
    part = table[table["design"] != baseline]
    outcomes = list(dict.fromkeys(zip(part["outcome"], part["role"], strict=True)))
    if not outcomes:
        return _nothing_to_compare(path, baseline)
    designs = list(dict.fromkeys(part["design"]))
    fig, axes = plt.subplots(
        len(outcomes),
        2,
        figsize=(11, 1.3 + 0.62 * len(outcomes) * max(1, len(designs))),
        squeeze=False,
        constrained_layout=True,
        gridspec_kw={"width_ratios": [1.25, 1]},
    )
    for k, (outcome, who) in enumerate(outcomes):
        rows = part[(part["outcome"] == outcome) & (part["role"] == who)]
        raw, std = axes[k]
        if k:
            std.sharex(axes[0, 1])
        _forest_row(raw, rows, "difference")
        _forest_row(std, rows, "effect_size")
        raw.set_yticks(range(len(rows)), list(rows["design"]), fontsize=8)
        std.set_yticks(range(len(rows)), [""] * len(rows))
        if k < len(outcomes) - 1:
            std.tick_params(axis="x", labelbottom=False)
        title = summary_label(outcome)
        raw.set_title(title if who == "all" else f"{title}, {who}", fontsize=8.5, loc="left")
    cut = _clip_effects(axes[:, 1], part)
    axes[-1, 0].set_xlabel(f"difference from {baseline}\n(the outcome's unit; 95% bootstrap CI)")
    axes[-1, 1].set_xlabel("Cohen's d (pooled s.d.; 95% bootstrap CI),\none axis for all rows")
    note = f"; < > {cut} interval end(s) cut at the axis edge" if cut else ""
    axes[0, 1].set_title(f"standardised effect (d){note}", fontsize=8.5, loc="left")
    fig.suptitle(
        f"Differences from {baseline}: n = {replicates(table)} replicates per design, "
        "paired by seed",
        fontsize=10,
    )
    return save(fig, path)


def _nothing_to_compare(path: str | Path, baseline: str) -> Path:
    """A figure that says there is no design beside the baseline to draw."""
    fig, ax = plt.subplots(figsize=(6, 1.5), constrained_layout=True)
    ax.set_axis_off()
    ax.text(0.5, 0.5, f"no design to compare with {baseline}", ha="center", va="center")
    return save(fig, path)


def _clip_effects(axes, part: pd.DataFrame) -> int:
    """Limit the common d axis to the point estimates (and at least +-1), so that one
    wild interval (few replicates) does not squash every other row; an interval that
    reaches beyond the axis is cut at its edge and marked there with an arrowhead.
    Returns the number of interval ends cut."""
    d = part["effect_size"].to_numpy(dtype=float)
    d = d[np.isfinite(d)]
    edge = max(1.0, 1.5 * float(np.abs(d).max())) if len(d) else 1.0
    axes[0].set_xlim(-edge, edge)
    return sum(_mark_cut_intervals(ax, edge) for ax in axes)


def _mark_cut_intervals(ax, edge: float) -> int:
    """Draw an arrowhead at the axis edge for each interval of `ax` beyond +-`edge`;
    return how many intervals were cut."""
    cut = 0
    for container in ax.containers:
        bars = container.lines[2]
        if not bars:
            continue
        for (low, y), (high, _) in bars[0].get_segments():
            for end, side, marker in ((low, -edge, "<"), (high, edge, ">")):
                if abs(end) > edge and np.sign(end) == np.sign(side):
                    ax.plot(side, y, marker=marker, color=bars[0].get_color()[0], clip_on=False)
                    cut += 1
    return cut


def _forest_row(ax, rows: pd.DataFrame, column: str) -> None:
    """Points with intervals of `column` (``difference`` or ``effect_size``), one per
    design; an infinite d (no spread at all) is written at the axis edge instead, and a
    design with no value (NaN) says so on its row."""
    for k, (_, r) in enumerate(rows.iterrows()):
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        value, low, high = (float(r[c]) for c in (column, f"{column}_low", f"{column}_high"))
        if np.isnan(value):
            _row_text(ax, k, NO_VALUE, 0.5)
        elif not np.isfinite(value):
            _row_text(ax, k, f"d = {'+' if value > 0 else '-'}inf (no spread)", value > 0, colour)
        else:
            err = [[value - low], [high - value]] if np.isfinite(low + high) else None
            ax.errorbar(value, k, xerr=err, fmt="o", color=colour, capsize=3, markersize=4)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.tick_params(axis="x", labelsize=8)
    if not rows[column].isna().all():
        ax.axvline(0, color="0.5", linewidth=0.8)
    elif column == "difference":
        ax.set_xticks([])  # no value in the row: no scale to read


def _row_text(ax, k: int, text: str, where: float, colour: str = "0.3") -> None:
    """Write `text` on row `k` of `ax`, at the right edge (`where` 1), the left (0) or
    the middle (0.5) of the axis."""
    ha = {0.0: "left", 0.5: "center", 1.0: "right"}[float(where)]
    ax.text(
        float(where),
        k,
        text,
        transform=ax.get_yaxis_transform(),  # x in axes fraction, y in data
        ha=ha,
        va="center",
        fontsize=7,
        color=colour,
    )


def trajectory_plot(trajectories: pd.DataFrame, outcomes: list[str], path: str | Path) -> Path:
    """Mean trajectory of each outcome per design, with a band: the 95% percentile
    bootstrap interval of the mean over seeds at each month (`bootstrap_band`).

    `trajectories` has columns design, seed, step and the outcomes. Months where an
    outcome is NaN (an event outcome before the first event) are left out, and so is a
    seed's NaN month (a role absent from that event): the legend then says the fewest
    seeds with a value. A count's band never goes below zero.
    """
    designs = list(dict.fromkeys(trajectories["design"]))
    cols = 2
    rows = -(-len(outcomes) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(11, 3 * rows), squeeze=False, sharex=True, constrained_layout=True
    )
    fewer = {}  # outcome: the fewest seeds with a value at a month, where fewer than all
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        missing = []
        for k, design in enumerate(designs):
            part = trajectories[trajectories["design"] == design]
            if part[outcome].isna().all():  # e.g. project outcomes with project.rounds = 0
                missing.append(design)
                continue
            wide = part.pivot_table(index="seed", columns="step", values=outcome, dropna=False)
            mean, low, high = bootstrap_band(wide.to_numpy(), seed=k)
            present = np.isfinite(wide.to_numpy()).sum(axis=0)
            least = int(present[present > 0].min())  # months with no value draw nothing
            if least < len(wide):
                fewer[outcome] = min(least, fewer.get(outcome, least))
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            if len(wide.columns) == 1:  # record = "final": one month, a point per design
                bar = [mean - low, high - mean]
                ax.errorbar([k], mean, bar, fmt="o", color=colour, label=design, capsize=3)
                continue
            marker = "o" if len(wide.columns) <= 30 else None  # few recorded months: show them
            ax.plot(wide.columns, mean, color=colour, label=design, marker=marker, markersize=3)
            ax.fill_between(wide.columns, low, high, color=colour, alpha=0.2, linewidth=0)
        ax.set_ylabel(wrapped(axis_label(outcome), 40), fontsize=8)
        title = axis_label(outcome).split(" (")[0]
        ax.set_title(title + missing_note(missing), fontsize=10 if not missing else 8)
    for ax in axes.flat[len(outcomes) :]:
        ax.set_visible(False)
    n = trajectories.groupby("design")["seed"].nunique().min()
    band = BAND.format(n=f"n = {n} seeds per design")
    if fewer:  # bootstrap_band leaves out a seed's NaN month: say how few remain
        where = ", ".join(axis_label(o).split(" (")[0] for o in fewer)
        band += "\n" + wrapped(
            f"{where}: fewer at some months (as few as {min(fewer.values())}): "
            "seeds without a value there",
            60,
        )
    axes.flat[0].legend(fontsize=8, title=band, title_fontsize=7)
    months = sorted(set(trajectories["step"]))
    for ax in axes[-1]:
        ax.set_xlabel("month" if len(months) > 1 else f"month {months[0]} (the one recorded)")
    if len(months) == 1:
        axes.flat[0].set_xticks(range(len(designs)), designs)
        axes.flat[0].set_xlim(-0.5, len(designs) - 0.5)
    return save(fig, path)


NO_VALUE = "no value (NaN: no event or project meeting held, or the role absent)"
"""What a figure says where a design or a parameter value has no value to draw."""


def _no_value(ax, name: str) -> None:
    """Say in an empty panel of `plot_outcomes` why outcome `name` has no value."""
    kind = OUTCOMES[name].kind if name in OUTCOMES else ""
    why = {
        "project": "no project meeting held (project.rounds = 0)",
        "event": "no event held in this run",
    }.get(kind, "no value recorded")
    ax.text(0.5, 0.5, why, transform=ax.transAxes, ha="center", va="center", fontsize=9)
    ax.set_yticks([])


def missing_note(missing: list[str]) -> str:
    """A second title line saying which designs (or parameter values) have no value to
    draw, so that an absent line is not read as one hidden behind another; "" if none."""
    return "\n" + wrapped(f"{NO_VALUE} for {', '.join(missing)}", 70) if missing else ""


def summary_label(outcome: str) -> str:
    """`axis_label` of an outcome named as in a sensitivity file, with how it is
    summarised over a run (``final_norm_endorsement``: "... (mean, 0-1), at the end")."""
    name = split_outcome(outcome)[0]  # checked by the caller; may be one a config adds
    return outcome_label(outcome, {name: axis_label(name)})


def wrapped(text: str, width: int = 48) -> str:
    """`text` on lines of at most `width` characters, for a long axis label."""
    return "\n".join(textwrap.wrap(text, width))


def replicates(table: pd.DataFrame) -> str:
    """The replicates per design of a comparison table, as text (a range if they differ),
    counting the rows with a value (a row with none says so itself); "0" if none has."""
    counts = sorted(set(table["replicates"].astype(int)) - {0}) or [0]
    return str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"


def save(fig, path: str | Path) -> Path:
    """Save `fig` to `path` (format from its suffix, PNG if none) and close it."""
    fig.savefig(path, dpi=110, format=Path(path).suffix.lstrip(".") or "png")
    plt.close(fig)
    return Path(path)
