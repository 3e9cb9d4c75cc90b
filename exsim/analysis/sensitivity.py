"""Global sensitivity analysis with SALib: Morris screening and Sobol indices, aware of
seed noise.

The design points are drawn by the sweep layer (so the runs parallelise, resume and can
use Dask), each point is run `replicates` times and the outcome averaged over them, then
SALib computes the indices. A sensitivity file::

    base = "../exchange_network.toml"
    method = "sobol"            # or "morris"
    n = 64                      # Sobol: base points, n * (D + 3) points; Morris: trajectories
    replicates = 2              # seeds per point; the outcome is their mean
    seed = 7
    steps = 60
    common_seeds = true         # the default: points share seeds (common random numbers)
    outcomes = ["challenges", "final_norm_endorsement", "challenges_patient"]
    [parameters]
    "event.suspension" = [0.0, 1.0]
    "event.facilitation" = [0.0, 1.0]

Beside the D parameters, a *dummy* parameter is sampled like the others; the model never
reads it. With common seeds it stands for luck: points with the same dummy value run on
the same seeds, points with different values on different seeds (`Sweep.seed_group`).
Its indices are the noise floor: what "no effect" looks like at this sample size.
`exsim.analysis.sensitivity_report` flags the indices that cannot be trusted.
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
from ..model.registry import SELECTIONS
from ..runs.checks import MAX_RUNS, flatten_table, whole
from ..runs.spec import Sweep
from .outcomes import check_outcomes, outcome_column, with_outcomes

METHODS = ("sobol", "morris")
KEYS = (
    "base",
    "method",
    "n",
    "replicates",
    "seed",
    "steps",
    "common_seeds",
    "outcomes",
    "parameters",
    "second_order",
    "levels",
)
MIN_N = {"sobol": 16, "morris": 10}
"""Smallest `n`: Sobol base points (below 16 the bootstrap intervals are themselves
unreliable) and Morris trajectories (Campolongo et al. 2007 use 10 to 20)."""
DUMMY = "dummy"
"""The name of the parameter the model never reads: the noise floor."""
DEFAULT_OUTCOMES = SELECTIONS["sensitivity"]


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
    common_seeds: bool = True

    @property
    def problem(self) -> dict[str, Any]:
        """The SALib problem definition: the parameters, then the dummy on [0, 1]."""
        return {
            "num_vars": len(self.parameters) + 1,
            "names": [*self.parameters, DUMMY],
            "bounds": [*(list(b) for b in self.bounds), [0.0, 1.0]],
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
    named = data.get("outcomes", list(DEFAULT_OUTCOMES))
    if not isinstance(named, list) or not named:
        raise ConfigError(f'{where}: outcomes: give a list of outcome names, e.g. ["challenges"]')
    n = whole(data.get("n", 32), f"{where}: n", 1)
    if n < MIN_N[method]:
        raise ConfigError(f"{where}: n: {n} is too small for {method}; use {MIN_N[method]} or more")
    common_seeds = data.get("common_seeds", True)
    if not isinstance(common_seeds, bool):
        raise ConfigError(f"{where}: common_seeds: {common_seeds!r}; use true or false")
    levels = whole(data.get("levels", 4), f"{where}: levels", 2)
    second_order = data.get("second_order", False)
    if not isinstance(second_order, bool):
        raise ConfigError(f"{where}: second_order: {second_order!r}: use true or false")
    sample = {"method": method, "n": n, "dummy": True, **ranges}
    if method == "sobol":
        sample["second_order"] = second_order
    else:
        sample["levels"] = levels
    keys = {k: data[k] for k in ("base", "replicates", "seed", "steps") if k in data}
    sweep = Sweep.from_mapping(
        {**keys, "common_seeds": common_seeds, "sample": sample},
        where,
        root=path.parent,
        text=text,
        max_runs=max_runs,
    )
    outcomes = check_outcomes(named, f"{where}: outcomes", added=sweep.base.added())
    return SensitivitySpec(
        sweep,
        method,
        outcomes,
        tuple(ranges),
        tuple(bounds),
        second_order,
        levels,
        sweep.seed,
        sweep.common_seeds,
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


class IncompleteRuns(Exception):
    """Runs failed (or never ran), so the indices would rest on partial data.

    Attributes:
        failures: ``(run_id, seed, error)`` of every failed run.
    """

    def __init__(self, message: str, failures: list[tuple[str, int, str]]):
        super().__init__(message)
        self.failures = failures


@dataclass
class Analysis:
    """What `analyse` found.

    Attributes:
        spec: the sensitivity file.
        indices: one row per outcome and parameter, the dummy last: the indices with
            their 95% intervals, the outcome's noise share and the flags.
        noise: one row per outcome: ``noise_share`` (the share of the variance of the
            point means that seed noise accounts for), ``replicate_variance`` (between
            replicates of a point, averaged over points) and ``point_variance`` (between
            point means).
        notes: what a reader must know (constant outcomes, failed runs left out ...).
        failures: ``(run_id, seed, error)`` of failed runs (left out with `allow_failed`).
    """

    spec: SensitivitySpec
    indices: pd.DataFrame
    noise: pd.DataFrame
    notes: list[str]
    failures: list[tuple[str, int, str]]


def analyse(spec: SensitivitySpec, runs: pd.DataFrame, allow_failed: bool = False) -> Analysis:
    """Sensitivity indices of each outcome to each parameter and to the dummy.

    `runs` is the sweep's runs table with a column for each outcome (``mean_<x>`` or
    ``final_<x>``, see `exsim.analysis.outcomes.with_outcomes`).
    Each point's outcome is the mean over its replicates. Sobol: S1 and ST with 95%
    intervals. Morris: mu_star (with interval), mu and sigma.

    Raises:
        IncompleteRuns: runs failed (unless `allow_failed`), or a point has no finished
            run, so that no index would rest on the whole design.
    """
    from .sensitivity_report import flag

    failures = failed_runs(runs)
    notes = []
    if failures and not allow_failed:
        raise IncompleteRuns(
            f"{len(failures)} of {len(runs)} runs failed; no indices computed "
            "(--allow-failed computes them from the runs that finished)",
            failures,
        )
    done = runs[runs["status"] == "done"]
    missing = len(spec.sweep.points) - done["point"].nunique()
    if missing:
        raise IncompleteRuns(
            f"{missing} of {len(spec.sweep.points)} points have no finished run"
            + (", as every run of them failed" if failures else "; run it again to resume"),
            failures,
        )
    if failures:
        short = done.groupby("point").size().lt(spec.sweep.replicates).sum()
        notes.append(
            f"{len(failures)} failed runs were left out (asked for with --allow-failed); "
            f"{short} points are the mean of fewer than {spec.sweep.replicates} replicates"
        )
    if spec.sweep.replicates < 2:
        notes.append(
            "one replicate per point: the noise share cannot be estimated (NaN); "
            "the dummy's indices still show the noise floor"
        )
    rows, noise = [], []
    for outcome in spec.outcomes:
        values = done[outcome_column(outcome)].astype(float)
        share = noise_share(values, done["point"])
        noise.append({"outcome": outcome, **share})
        problem = undefined(values, done["point"])
        if problem:
            also = " and noise share" if np.isnan(share["noise_share"]) else ""
            notes.append(f"{outcome}: {problem}: its indices{also} are undefined (NaN)")
            result = {}
        else:
            result = indices_of(spec, done, values)
        for i, name in enumerate([*spec.parameters, DUMMY]):
            row = {"outcome": outcome, "parameter": name, "method": spec.method}
            for key in INDEX_KEYS[spec.method]:
                row[key] = float(result[key][i]) if result else np.nan
            rows.append(row | {"noise_share": share["noise_share"]})
    indices = pd.DataFrame(rows)
    indices["flags"] = flag(indices)
    return Analysis(spec, indices, pd.DataFrame(noise), notes, failures)


INDEX_KEYS = {
    "sobol": ("S1", "S1_conf", "ST", "ST_conf"),
    "morris": ("mu_star", "mu_star_conf", "mu", "sigma"),
}
"""The columns of each method's indices, as SALib names them."""


def indices_of(spec: SensitivitySpec, done: pd.DataFrame, values: pd.Series) -> dict:
    """SALib's indices of the point means of `values` (parameters, then the dummy)."""
    from SALib.analyze import morris, sobol

    y = values.groupby(done["point"]).mean().sort_index().to_numpy()
    seed = spec.seed + 1  # SALib's bootstrap is unseeded when its seed is 0
    if spec.method == "sobol":
        return sobol.analyze(
            spec.problem, y, calc_second_order=spec.second_order, conf_level=0.95, seed=seed
        )
    x = np.column_stack(
        [
            *([point[name] for point in spec.sweep.points] for name in spec.parameters),
            np.asarray(spec.sweep.dummy),
        ]
    ).astype(float)
    return morris.analyze(spec.problem, x, y, conf_level=0.95, num_levels=spec.levels, seed=seed)


def failed_runs(runs: pd.DataFrame) -> list[tuple[str, int, str]]:
    """``(run_id, seed, error)`` of every failed run in a runs table."""
    failed = runs[runs["status"] == "failed"]
    if failed.empty:
        return []
    return [
        (str(r.run_id), int(r.seed), str(r.error))
        for r in failed[["run_id", "seed", "error"]].itertuples()
    ]


def undefined(values: pd.Series, point: pd.Series) -> str | None:
    """Why indices of `values` would mean nothing (non-finite, or constant), or None."""
    finite = np.isfinite(values.to_numpy())
    if not finite.all():
        return (
            f"{int((~finite).sum())} of {len(finite)} runs gave no finite value (NaN: e.g. no "
            "event or project meeting held, or the role absent)"
        )
    means = values.groupby(point).mean()
    spread = float(means.max() - means.min())
    if spread <= 1e-12 * max(1.0, float(means.abs().max())):
        return f"constant over the sample ({float(means.iloc[0]):.6g} at every point)"
    return None


def noise_share(values: pd.Series, point: pd.Series) -> dict[str, float]:
    """How much of the variance of the point means seed noise accounts for.

    ``replicate_variance`` is the variance between the replicates of a point (averaged
    over points), ``point_variance`` that between the point means; a point mean of k
    replicates carries ``replicate_variance / k`` of noise, so ``noise_share`` is that
    over ``point_variance`` (at most 1). All three are NaN when a run gave no finite
    value (as `undefined` says: the point means would rest on fewer runs than they
    seem to, or on none); the share is NaN with one replicate, or no variance at all.

    Example:
        >>> nan = float("nan")
        >>> noise_share(pd.Series([nan, nan, 1, 2, 5, 6]), pd.Series([0, 0, 1, 1, 2, 2]))
        {'noise_share': nan, 'replicate_variance': nan, 'point_variance': nan}
    """
    if not np.isfinite(values.to_numpy(dtype=float)).all():
        return {"noise_share": np.nan, "replicate_variance": np.nan, "point_variance": np.nan}
    groups = values.groupby(point)
    counts = groups.count()
    within = float(groups.var(ddof=1).mean()) if counts.max() > 1 else np.nan
    between = float(groups.mean().var(ddof=1))
    share = np.nan
    if np.isfinite(within) and between > 0:
        share = min(1.0, within * float((1.0 / counts).mean()) / between)
    return {"noise_share": share, "replicate_variance": within, "point_variance": between}


def sensitivity(
    path: str | Path | SensitivitySpec,
    out: str | Path,
    allow_failed: bool = False,
    **sweep_options,
) -> Analysis:
    """Run a sensitivity analysis: sample and run through the sweep layer into
    ``out/runs``, then write ``out/indices.csv``, ``indices.md`` and bar charts.

    `sweep_options` go to `exsim.runs.sweep.sweep` (workers, backend, scheduler, progress).

    Raises:
        IncompleteRuns: runs failed (unless `allow_failed`); nothing is written but the
            runs, which keep the errors.
    """
    from ..runs.store import load_results
    from ..runs.sweep import sweep
    from .sensitivity_report import write_report

    spec = path if isinstance(path, SensitivitySpec) else load_sensitivity(path)
    out = Path(out)
    report = sweep(spec.sweep, out / "runs", **sweep_options)
    results = load_results(report.out)
    runs = with_outcomes(results.runs, results, spec.outcomes)
    analysis = analyse(spec, runs, allow_failed)
    write_report(analysis, out)
    return analysis
