"""What a sensitivity analysis reports: flags on indices that cannot be trusted, the
indices as Markdown and CSV, and a bar chart with the noise floor.

Flags (the ``flags`` column, ``; ``-separated):

- ``S1<0``: a negative first-order index (a variance share cannot be negative: the
  estimate is noise);
- ``S1 outside [0,1]``, ``ST outside [0,1]``: the whole 95% interval lies outside [0, 1];
- ``S1 wide``, ``ST wide``, ``mu* wide``: the interval's half-width exceeds the estimate
  (it cannot tell the index from zero);
- ``S1 noise``, ``ST noise``, ``mu* noise``: the estimate is at or below the noise floor,
  the top of the dummy parameter's 95% interval for that outcome;
- ``undefined``: the outcome gave no indices (see the notes).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..runs.single import atomic_write
from .plots import OKABE_ITO, plt
from .sensitivity import DUMMY, INDEX_KEYS, Analysis

ESTIMATES = {
    "sobol": (("S1", "S1_conf"), ("ST", "ST_conf")),
    "morris": (("mu_star", "mu_star_conf"),),
}
"""Each method's estimates with their interval half-widths."""
SHORT = {"S1": "S1", "ST": "ST", "mu_star": "mu*"}


def noise_floor(indices: pd.DataFrame, estimate: str, conf: str) -> pd.Series:
    """Per row, the top of the dummy's 95% interval for the row's outcome."""
    dummy = indices[indices["parameter"] == DUMMY].set_index("outcome")
    return indices["outcome"].map(dummy[estimate] + dummy[conf])


def flag(indices: pd.DataFrame) -> pd.Series:
    """The flags of each row of an indices table (see the module's docstring)."""
    method = indices["method"].iloc[0]
    flags = [[] for _ in range(len(indices))]
    checks = []
    for estimate, conf in ESTIMATES[method]:
        value, half = indices[estimate].to_numpy(), indices[conf].to_numpy()
        floor = noise_floor(indices, estimate, conf).to_numpy()
        name = SHORT[estimate]
        if method == "sobol":
            if estimate == "S1":
                checks.append((value < 0, "S1<0"))
            checks.append(((value - half > 1) | (value + half < 0), f"{name} outside [0,1]"))
        checks.append((half > np.abs(value), f"{name} wide"))
        checks.append((value <= floor, f"{name} noise"))
    undefined = indices[ESTIMATES[method][0][0]].isna().to_numpy()
    for mask, label in checks:
        for i in np.flatnonzero(mask & ~undefined):
            flags[i].append(label)
    for i in np.flatnonzero(undefined):
        flags[i].append("undefined")
    dummy = (indices["parameter"] == DUMMY).to_numpy()
    return pd.Series(
        ["noise floor" if d else "; ".join(f) for f, d in zip(flags, dummy, strict=True)],
        index=indices.index,
    )


def markdown(analysis: Analysis) -> str:
    """The indices, the noise shares, the flags' legend and the notes, as Markdown."""
    spec, indices = analysis.spec, analysis.indices
    sweep = spec.sweep
    seeds = "common seeds" if spec.common_seeds else "independent seeds for every point"
    lines = [
        f"Sensitivity indices ({spec.method}, 95% intervals): {len(spec.parameters)} "
        f"parameters and a dummy, n = {sweep.sample.n}, {len(sweep.points)} points x "
        f"{sweep.replicates} replicates ({seeds}); each point's outcome is the mean of "
        "its replicates.",
        "",
    ]
    pairs = ESTIMATES[spec.method]
    extra = [] if spec.method == "sobol" else ["mu", "sigma"]
    head = [SHORT[e] for e, _ in pairs] + extra
    lines += ["| outcome | parameter | " + " | ".join(head) + " | flags |"]
    lines += ["| --- | --- | " + " | ".join("---" for _ in head) + " | --- |"]
    for _, r in indices.iterrows():
        cells = [f"{r[e]:.3f} ± {r[c]:.3f}" for e, c in pairs] + [f"{r[k]:.3f}" for k in extra]
        lines.append(f"| {r['outcome']} | {r['parameter']} | {' | '.join(cells)} | {r['flags']} |")
    lines += ["", "Seed noise: the share of the variance of the point means that the variance"]
    lines += ["between replicates accounts for (replicate variance / replicates, over the"]
    lines += ["variance between point means).", ""]
    lines += ["| outcome | noise share | replicate variance | point variance |"]
    lines += ["| --- | --- | --- | --- |"]
    for _, r in analysis.noise.iterrows():
        lines.append(
            f"| {r['outcome']} | {r['noise_share']:.3f} | {r['replicate_variance']:.4g} | "
            f"{r['point_variance']:.4g} |"
        )
    lines += ["", LEGEND]
    if analysis.notes:
        lines += ["", "Notes:", ""] + [f"- {note}" for note in analysis.notes]
    if analysis.failures:
        lines += ["", "Failed runs (left out):", ""]
        lines += [f"- {run_id} (seed {seed}): {error}" for run_id, seed, error in analysis.failures]
    return "\n".join(lines) + "\n"


LEGEND = (
    "Flags: S1<0 a negative first-order index; outside [0,1] the whole interval lies "
    "outside [0, 1]; wide the interval is wider than the estimate; noise the estimate is "
    "at or below the noise floor (the top of the dummy's interval); undefined no indices "
    "(see the notes). The dummy is a parameter the model never reads: its indices show "
    "what no effect looks like at this sample size."
)


def summary_line(analysis: Analysis) -> str:
    """One line for the terminal: how many indices were flagged."""
    rows = analysis.indices[analysis.indices["parameter"] != DUMMY]
    flagged = int((rows["flags"] != "").sum())
    return f"{flagged} of {len(rows)} parameter rows flagged (see the flags column)"


def bar_chart(indices: pd.DataFrame, path: str | Path) -> Path:
    """One panel per outcome: Sobol S1 and ST, or Morris mu* and sigma, with intervals;
    the dummy in grey (dark for the first index, light for the second) and the noise
    floor of ST (or mu*) as a dashed line; an outcome without indices says so."""
    outcomes = list(dict.fromkeys(indices["outcome"]))
    method = indices["method"].iloc[0]
    (first, first_ci), *rest = ESTIMATES[method]
    second, second_ci = rest[0] if rest else ("sigma", None)
    cols = 2
    rows = -(-len(outcomes) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(11, 3.2 * rows), squeeze=False, constrained_layout=True
    )
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        part = indices[indices["outcome"] == outcome]
        y = np.arange(len(part))
        if part[first].isna().all():
            _undefined_panel(ax, part, outcome)
            continue
        for offset, key, ci, colour in ((-0.2, first, first_ci, 0), (0.2, second, second_ci, 1)):
            grey = "#999999" if colour == 0 else "#cccccc"  # the dummy: what no effect looks like
            colours = [grey if p == DUMMY else OKABE_ITO[colour] for p in part["parameter"]]
            undefined = part[key].isna().to_numpy()
            for row in np.flatnonzero(undefined):  # NaN stays visible, never a zero bar
                ax.text(0, row + offset, "  NaN", va="center", fontsize=7)
            values = part[key].to_numpy()[~undefined]
            ax.barh(
                (y + offset)[~undefined],
                values,
                height=0.4,
                xerr=_error(values, part[ci].to_numpy()[~undefined], key) if ci else None,
                color=[c for c, u in zip(colours, undefined, strict=True) if not u],
                label=SHORT.get(key, key),
                capsize=2,
            )
        floor_key, floor_ci = rest[0] if rest else (first, first_ci)
        floor = noise_floor(part, floor_key, floor_ci).iloc[0]
        if np.isfinite(floor):
            label = f"noise floor ({SHORT.get(floor_key, floor_key)})"
            ax.axvline(floor, color="#000000", ls="--", lw=0.8, label=label)
        ax.set_yticks(y, list(part["parameter"]), fontsize=8)
        ax.invert_yaxis()
        ax.set_title(outcome.replace("_", " "), fontsize=10)
    for ax in axes.flat[len(outcomes) :]:
        ax.set_visible(False)
    drawn = [ax for ax in axes.flat if ax.patches]
    if drawn:
        drawn[0].legend(fontsize=8)
    morris = "elementary effects (95% CI on mu*, cut at 0)"
    label = "index (95% CI)" if method == "sobol" else morris
    for column in axes.T:  # the lowest panel drawn in each column
        shown = [ax for ax in column if ax.get_visible()]
        if shown:
            shown[-1].set_xlabel(label)
    fig.savefig(path, dpi=110, format=Path(path).suffix.lstrip("."))
    plt.close(fig)
    return Path(path)


def _error(values: np.ndarray, half_width: np.ndarray, key: str) -> np.ndarray:
    """Error bars of half-width `half_width`; Morris mu* (a mean of absolute effects)
    cannot be below 0, so its interval is cut there."""
    if key != "mu_star":
        return half_width
    return np.vstack([np.minimum(half_width, np.maximum(values, 0.0)), half_width])


def _undefined_panel(ax, part: pd.DataFrame, outcome: str) -> None:
    """A panel for an outcome without indices: its title and a note, no made-up axis."""
    ax.set_title(outcome.replace("_", " "), fontsize=10)
    ax.text(0.5, 0.5, "undefined: no indices (see the notes)", transform=ax.transAxes, ha="center")
    ax.set_xticks([])
    ax.set_yticks([])


def write_report(analysis: Analysis, out: Path) -> list[Path]:
    """Write ``indices.csv``, ``indices.md`` and ``indices.png``/``.svg`` into `out`,
    each under a temporary name renamed when complete."""
    out.mkdir(parents=True, exist_ok=True)
    columns = ["outcome", "parameter", "method", *INDEX_KEYS[analysis.spec.method]]
    table = analysis.indices[[*columns, "noise_share", "flags"]]
    text = markdown(analysis)
    writers = {
        "indices.csv": lambda p: table.to_csv(p, index=False),
        "indices.md": lambda p: Path(p).write_text(text, encoding="utf-8"),
        "indices.png": lambda p: bar_chart(analysis.indices, p),
        "indices.svg": lambda p: bar_chart(analysis.indices, p),
    }
    return [atomic_write(out / name, write) for name, write in writers.items()]
