"""Global sensitivity analysis with SALib: Morris screening and Sobol indices.

The design points are drawn by the sweep layer (so the runs parallelise, resume and can
use Dask), each point is run `replicates` times and the outcome averaged over them, then
SALib computes the indices. A sensitivity file::

    base = "../exchange_network.toml"
    method = "sobol"            # or "morris"
    n = 64                      # Sobol: base points, n * (2D + 2) runs; Morris: trajectories
    replicates = 2              # seeds per point; the outcome is their mean
    seed = 7
    steps = 60
    outcomes = ["challenges", "norm_endorsement"]
    [parameters]
    "event.suspension" = [0.0, 1.0]
    "event.facilitation" = [0.0, 1.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import read_text, read_toml
from ..errors import ConfigError
from ..model.parameters import PARAMETERS, suggest
from ..runs.spec import MAX_RUNS, Sweep, flatten_table, whole
from ..runs.store import SUMMARY_OUTCOMES
from .plots import OKABE_ITO, plt
from .sweep_plots import outcome_column

METHODS = ("sobol", "morris")
KEYS = (
    "base",
    "method",
    "n",
    "replicates",
    "seed",
    "steps",
    "outcomes",
    "parameters",
    "second_order",
    "levels",
)
DEFAULT_OUTCOMES = (
    "speaking_equality",
    "cross_role_uptake",
    "challenges",
    "norm_endorsement",
    "belief_error",
    "cross_role_ties",
)


@dataclass(frozen=True)
class SensitivitySpec:
    """A validated sensitivity file: the sweep that samples it and what to analyse."""

    sweep: Sweep
    method: str
    outcomes: tuple[str, ...]
    parameters: tuple[str, ...]
    bounds: tuple[tuple[float, float], ...]
    second_order: bool
    levels: int
    seed: int

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem definition."""
        return {
            "num_vars": len(self.parameters),
            "names": list(self.parameters),
            "bounds": [list(b) for b in self.bounds],
        }


def load_sensitivity(path: str | Path, max_runs: int | None = MAX_RUNS) -> SensitivitySpec:
    """Read and validate a sensitivity file; errors are one-line `ConfigError`s naming
    the key. Parameters may be dotted names or nested tables, as in a sweep file."""
    path = Path(path)
    text = read_text(path)
    data = read_toml(path)
    where = str(path)
    for key in data:
        if key not in KEYS:
            raise ConfigError(
                f"{where}: {key}: unknown key{suggest(key, list(KEYS))}; use {', '.join(KEYS)}"
            )
    method = data.get("method", "sobol")
    if method not in METHODS:
        raise ConfigError(f"{where}: method: {method!r} is not known; use 'sobol' or 'morris'")
    ranges = flatten_table(data.get("parameters", {}), f"{where}: parameters")
    if len(ranges) < 2:
        raise ConfigError(
            f"{where}: parameters: give at least two parameters with ranges, "
            'e.g. "event.suspension" = [0.0, 1.0]'
        )
    bounds = [_bounds(name, value, where) for name, value in ranges.items()]
    outcomes = _outcomes(data.get("outcomes", list(DEFAULT_OUTCOMES)), where)
    levels = whole(data.get("levels", 4), f"{where}: levels", 2)
    second_order = data.get("second_order", False)
    if not isinstance(second_order, bool):
        raise ConfigError(f"{where}: second_order: {second_order!r}: use true or false")
    sample = {"method": method, "n": whole(data.get("n", 32), f"{where}: n", 1), **ranges}
    if method == "sobol":
        sample["second_order"] = second_order
    else:
        sample["levels"] = levels
    keys = {k: data[k] for k in ("base", "replicates", "seed", "steps") if k in data}
    sweep = Sweep.from_mapping(
        {**keys, "sample": sample}, where, root=path.parent, text=text, max_runs=max_runs
    )
    return SensitivitySpec(
        sweep,
        method,
        outcomes,
        tuple(ranges),
        tuple(bounds),
        second_order,
        levels,
        sweep.seed,
    )


def _bounds(name: str, value: Any, where: str) -> tuple[float, float]:
    if name not in PARAMETERS:
        raise ConfigError(f"{where}: parameters: {name}: unknown parameter{suggest(name)}")
    if PARAMETERS[name].kind not in (int, float):
        raise ConfigError(f"{where}: parameters: {name}: only numeric parameters can be analysed")
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        or not value[0] < value[1]
    ):
        raise ConfigError(f"{where}: parameters: {name}: give a range [low, high] with low < high")
    try:
        return float(PARAMETERS[name].check(value[0])), float(PARAMETERS[name].check(value[1]))
    except ValueError as err:
        raise ConfigError(f"{where}: parameters: {err}") from None


def _outcomes(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{where}: outcomes: give a list of outcome names, e.g. ["challenges"]')
    for outcome in value:
        if outcome not in SUMMARY_OUTCOMES:
            raise ConfigError(
                f"{where}: outcomes: {outcome}: unknown outcome"
                f"{suggest(outcome, list(SUMMARY_OUTCOMES))}"
            )
    return tuple(value)


def analyse(spec: SensitivitySpec, runs: pd.DataFrame) -> pd.DataFrame:
    """Sensitivity indices of each outcome to each parameter, one row per pair.

    `runs` is the sweep's runs table. Each point's outcome is the mean over its
    replicates. Sobol: S1 and ST with 95% intervals. Morris: mu_star (with interval),
    mu and sigma.
    """
    from SALib.analyze import morris, sobol

    done = runs[runs["status"] == "done"]
    per_point = done.groupby("point").mean(numeric_only=True).sort_index()
    expected = len(spec.sweep.points)
    if len(per_point) != expected:
        raise ConfigError(
            f"{spec.sweep.source}: {expected - len(per_point)} of {expected} "
            "points have no finished run; rerun the sensitivity to complete it"
        )
    rows = []
    for outcome in spec.outcomes:
        y = per_point[outcome_column(outcome)].to_numpy(dtype=float)
        if spec.method == "sobol":
            res = sobol.analyze(
                spec.problem,
                y,
                calc_second_order=spec.second_order,
                conf_level=0.95,
                seed=spec.seed,
            )
            keys = ("S1", "S1_conf", "ST", "ST_conf")
        else:
            x = per_point[list(spec.parameters)].to_numpy(dtype=float)
            res = morris.analyze(
                spec.problem, x, y, conf_level=0.95, num_levels=spec.levels, seed=spec.seed
            )
            keys = ("mu_star", "mu_star_conf", "mu", "sigma")
        for i, name in enumerate(spec.parameters):
            rows.append(
                {
                    "outcome": outcome,
                    "parameter": name,
                    "method": spec.method,
                    **{k: float(np.nan_to_num(res[k][i])) for k in keys},
                }
            )
    return pd.DataFrame(rows)


def bar_chart(indices: pd.DataFrame, path: str | Path) -> Path:
    """One panel per outcome: Sobol S1 and ST, or Morris mu* and sigma, with intervals."""
    outcomes = list(dict.fromkeys(indices["outcome"]))
    sobol_ = indices["method"].iloc[0] == "sobol"
    first, first_ci, second, second_ci = (
        ("S1", "S1_conf", "ST", "ST_conf") if sobol_ else ("mu_star", "mu_star_conf", "sigma", None)
    )
    cols = 2
    rows = -(-len(outcomes) // cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(11, 3.2 * rows), squeeze=False, constrained_layout=True
    )
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        part = indices[indices["outcome"] == outcome]
        y = np.arange(len(part))
        ax.barh(
            y - 0.2,
            part[first],
            height=0.4,
            xerr=part[first_ci],
            color=OKABE_ITO[0],
            label=first,
            capsize=2,
        )
        ax.barh(
            y + 0.2,
            part[second],
            height=0.4,
            xerr=part[second_ci] if second_ci else None,
            color=OKABE_ITO[1],
            label=second,
            capsize=2,
        )
        ax.set_yticks(y, list(part["parameter"]), fontsize=8)
        ax.invert_yaxis()
        ax.set_title(outcome.replace("_", " "), fontsize=10)
    for ax in axes.flat[len(outcomes) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8)
    label = "index (95% CI)" if sobol_ else "elementary effects (95% CI on mu*)"
    for ax in axes[-1]:
        ax.set_xlabel(label)
    fig.savefig(path, dpi=110, format=Path(path).suffix.lstrip("."))
    plt.close(fig)
    return Path(path)


def sensitivity(
    path: str | Path | SensitivitySpec, out: str | Path, **sweep_options
) -> pd.DataFrame:
    """Run a sensitivity analysis: sample and run through the sweep layer into
    ``out/runs``, then write ``out/indices.csv``, ``indices.md`` and bar charts.

    `sweep_options` go to `exsim.runs.sweep.sweep` (workers, backend, scheduler, progress).
    """
    from ..runs.store import load_results
    from ..runs.sweep import sweep

    spec = path if isinstance(path, SensitivitySpec) else load_sensitivity(path)
    out = Path(out)
    report = sweep(spec.sweep, out / "runs", **sweep_options)
    indices = analyse(spec, load_results(report.out).runs)
    indices.to_csv(out / "indices.csv", index=False)
    (out / "indices.md").write_text(indices_markdown(indices), encoding="utf-8")
    for ext in ("png", "svg"):
        bar_chart(indices, out / f"indices.{ext}")
    return indices


def indices_markdown(indices: pd.DataFrame) -> str:
    """The indices as a Markdown table."""
    cols = [c for c in indices.columns if c not in ("method",)]
    lines = ["| " + " | ".join(cols) + " |", "| " + " | ".join("---" for _ in cols) + " |"]
    for _, r in indices.iterrows():
        lines.append(
            "| "
            + " | ".join(f"{r[c]:.3f}" if isinstance(r[c], float) else str(r[c]) for c in cols)
            + " |"
        )
    return f"Sensitivity indices ({indices['method'].iloc[0]})\n\n" + "\n".join(lines) + "\n"
