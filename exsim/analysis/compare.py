"""Run several event designs on common random numbers and compare them.

Every design is run with the same seeds (derived from one root seed with NumPy's
`SeedSequence`), so differences between designs are not differences of luck.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import Config, load_config
from ..errors import ConfigError
from ..runs.single import atomic_write
from ..runs.spec import MAX_RUNS, check_run_count
from .comparison import compare_designs, comparison_markdown, metrics_table

TRAJECTORY_OUTCOMES = [
    "speaking_equality",
    "cross_role_uptake",
    "challenges",
    "norm_endorsement",
    "belief_error",
    "credibility_gap",
    "dialogic_capacity",
    "cross_role_ties",
    "project_speaking_equality",
    "project_challenges",
]
"""Outcomes kept month by month for every run of a comparison."""


@dataclass
class Comparison:
    """The result of `compare`: the table, per-run metrics and trajectories."""

    table: pd.DataFrame
    metrics: pd.DataFrame
    trajectories: pd.DataFrame
    designs: list[str]

    def markdown(self, role: str = "all") -> str:
        """The comparison as a readable Markdown table."""
        return comparison_markdown(self.table, role)

    def write(self, out: str | Path) -> list[Path]:
        """Write comparison.csv, comparison.md, forest.png/.svg, trajectories.png/.svg."""
        from .plots import forest_plot, trajectory_plot

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        writers = {
            "comparison.csv": lambda p: self.table.to_csv(p, index=False),
            "comparison.md": lambda p: Path(p).write_text(self._report(), encoding="utf-8"),
            "metrics.csv": lambda p: self.metrics.to_csv(p, index=False),
        }
        for ext in ("png", "svg"):
            writers[f"forest.{ext}"] = lambda p: forest_plot(self.table, p)
            writers[f"trajectories.{ext}"] = lambda p: trajectory_plot(
                self.trajectories, TRAJECTORY_OUTCOMES, p
            )
        return [atomic_write(out / name, write) for name, write in writers.items()]

    def _report(self) -> str:
        roles = [r for r in dict.fromkeys(self.table["role"]) if r != "all"]
        parts = ["# Comparison of event designs", "", self.markdown("all")]
        for role in roles:
            parts += ["", f"## {role}", "", self.markdown(role)]
        return "\n".join(parts)


def design_seeds(root: int, replicates: int) -> list[int]:
    """The seed of each replicate: child `SeedSequence`s of the root, as integers."""
    children = np.random.SeedSequence(root).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


def design_name(path: str | Path) -> str:
    """A design's name: its file name without the extension."""
    return Path(path).stem


def compare(
    designs: list[str | Path | Config],
    replicates: int = 20,
    seed: int = 0,
    steps: int | None = None,
    names: list[str] | None = None,
    workers: int | str | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
    max_runs: int | None = MAX_RUNS,
) -> Comparison:
    """Run every design with the same seeds and compare each with the first.

    Args:
        designs: config files (or `Config`s); the first is the baseline.
        replicates: runs per design.
        seed: root seed; replicate i of every design uses the same derived seed.
        steps: months per run (default: each config's ``run.steps``).
        names: labels for the designs (default: the file names).
        workers: parallel workers, or "auto" (default: one at a time in this process).
        backend: "serial", "process" or "dask", as for `exsim.sweep`.
        scheduler: address of a running Dask scheduler.
        max_runs: refuse more runs (designs x replicates) than this; None for no limit.

    Example:
        >>> c = compare(["configs/designs/hierarchy_suspended.toml",
        ...              "configs/designs/hierarchy_kept.toml"], replicates=3, steps=6)
        >>> sorted(set(c.table["design"]))
        ['hierarchy_kept', 'hierarchy_suspended']
    """
    if len(designs) < 2:
        raise ConfigError("compare: give at least two designs (the first is the baseline)")
    if replicates < 2:
        raise ConfigError("compare: --replicates must be 2 or more for intervals")
    how = f"{len(designs)} designs x {replicates} replicates"
    check_run_count(len(designs) * replicates, max_runs, "compare", how)
    configs = [d if isinstance(d, Config) else load_config(d) for d in designs]
    names = names or [design_name(d) if not isinstance(d, Config) else d.source for d in designs]
    if len(set(names)) != len(names):
        raise ConfigError(f"compare: two designs share the name {names!r}; rename a file")
    tasks = design_tasks(names, configs, design_seeds(seed, replicates), steps)
    series = execute_all(tasks, workers, backend, scheduler)
    runs, frames = [], []
    for task in tasks:  # in design order, whatever order the runs finished in
        name, s, ts = task.run.values["design"], task.run.seed, series[task.run.run_id]
        runs.append((name, s, ts))
        frames.append(ts[["step", "event_held", *TRAJECTORY_OUTCOMES]].assign(design=name, seed=s))
    metrics = metrics_table(runs)
    table = compare_designs(metrics, names, seed=seed)
    return Comparison(table, metrics, pd.concat(frames, ignore_index=True), names)


def design_tasks(
    names: list[str], configs: list[Config], seeds: list[int], steps: int | None
) -> list:
    """One task per design and seed, with the complete config of the run."""
    from ..runs.backends import Task
    from ..runs.spec import PlannedRun

    tasks = []
    for k, (name, config) in enumerate(zip(names, configs, strict=True)):
        for r, s in enumerate(seeds):
            changes = {"run.seed": s, **({"run.steps": steps} if steps else {})}
            run = PlannedRun(f"{name}#{r}", k, r, s, {"design": name})
            tasks.append(Task(run, config.replace(**changes)))
    return tasks


def execute_all(tasks: list, workers, backend, scheduler) -> dict[str, pd.DataFrame]:
    """Run the tasks on the chosen backend; return each run's time series by run id.

    A failed run stops the comparison (a comparison needs every run), with its error.
    """
    from ..runs.backends import make_backend
    from ..runs.sweep import choose_backend

    name, n = choose_backend(backend, workers, scheduler)
    series = {}
    with make_backend(name, n, scheduler) as runner:
        for outcome in runner.run(tasks):
            if outcome.status != "done":
                raise RuntimeError(
                    f"compare: run {outcome.run.run_id} (seed "
                    f"{outcome.run.seed}) failed: {outcome.error}"
                )
            series[outcome.run.run_id] = outcome.timeseries.drop_columns("run_id").to_pandas()
    return series
