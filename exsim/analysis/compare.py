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
from ..model.registry import SELECTIONS
from ..model.vocabulary import ROLES
from ..runs.checks import MAX_RUNS, check_run_count, record_option, recorded_steps
from ..runs.evaluate import split_outcome
from .comparison import DEFAULT_OUTCOMES, compare_designs, comparison_markdown, metrics_table
from .outcomes import LISTING, check_outcomes, check_shared

TRAJECTORY_OUTCOMES = list(SELECTIONS["trajectories"])
"""Outcomes kept month by month for every run of a comparison of the default outcomes;
a comparison of chosen outcomes keeps theirs."""


@dataclass
class Comparison:
    """The result of `compare`: the table, per-run metrics and trajectories.

    `outcomes` are the outcomes compared, as named (`DEFAULT_OUTCOMES` unless chosen);
    `chosen` says whether they were chosen (then every role's table is shown, and the
    forest plot has every row)."""

    table: pd.DataFrame
    metrics: pd.DataFrame
    trajectories: pd.DataFrame
    designs: list[str]
    outcomes: tuple[str, ...] = DEFAULT_OUTCOMES
    chosen: bool = False
    record: str | int = "all"

    def markdown(self, role: str = "all") -> str:
        """The comparison as a readable Markdown table."""
        return comparison_markdown(self.table, role)

    def text(self) -> str:
        """What `exsim compare` prints: the overall table; every role's for chosen
        outcomes."""
        return self._report() if self.chosen else self.markdown("all")

    def write(self, out: str | Path) -> list[Path]:
        """Write comparison.csv, comparison.md, metrics.csv, trajectories.csv (the months
        `record` keeps), forest.png/.svg and trajectories.png/.svg.

        The folder is written whole (`exsim.runs.files.write_folder`: built in a hidden
        folder beside `out`, then moved into place), so a failure leaves no half of it."""
        from ..runs.files import write_folder
        from .plots import forest_plot, trajectory_plot

        writers = {
            "comparison.csv": lambda p: self.table.to_csv(p, index=False),
            "comparison.md": lambda p: Path(p).write_text(self._report(), encoding="utf-8"),
            "metrics.csv": lambda p: self.metrics.to_csv(p, index=False),
            "trajectories.csv": lambda p: self.trajectories.to_csv(p, index=False),
        }
        role = None if self.chosen else "all"
        series = trajectory_outcomes(self.outcomes)
        for ext in ("png", "svg"):
            writers[f"forest.{ext}"] = lambda p: forest_plot(self.table, p, role)
            writers[f"trajectories.{ext}"] = lambda p: trajectory_plot(self.trajectories, series, p)
        return write_folder(out, writers)

    def _report(self) -> str:
        parts = ["# Comparison of event designs"]
        present = set(self.table["role"])
        for role in (r for r in ("all", *ROLES) if r in present):
            heading = [] if role == "all" else [f"## {role}", ""]
            parts += ["", *heading, self.markdown(role)]
        return "\n".join(parts)


def trajectory_outcomes(outcomes: tuple[str, ...]) -> list[str]:
    """The time series drawn for a comparison of `outcomes`: `TRAJECTORY_OUTCOMES` for
    the default ones, else each chosen outcome's (once, whether mean or final)."""
    if outcomes == DEFAULT_OUTCOMES:
        return TRAJECTORY_OUTCOMES
    return list(dict.fromkeys(split_outcome(o)[0] for o in outcomes))


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
    outcomes: list[str] | None = None,
    max_runs: int | None = MAX_RUNS,
    record: str | int = "all",
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
        outcomes: outcomes to compare, named as in a sensitivity file (``challenges``,
            ``final_norm_endorsement``, ``challenges_patient`` ...; see
            `exsim.analysis.outcomes`); default `DEFAULT_OUTCOMES`.
        max_runs: refuse more runs (designs x replicates) than this; None for no limit.
        record: the months `trajectories` keeps, as a sweep's ``record``: ``"all"``
            (default), ``"final"`` or N (every N months and the final one). The metrics
            are always of every month.

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
    record = record_option(record, "compare: record")
    configs = [d if isinstance(d, Config) else load_config(d) for d in designs]
    shared = check_shared(configs, [getattr(d, "source", d) for d in designs])
    chosen = outcomes is not None
    if chosen:
        outcomes = check_outcomes(outcomes, "compare: --outcomes", LISTING, shared)
        outcomes = tuple(dict.fromkeys(outcomes))
    else:
        outcomes = DEFAULT_OUTCOMES + tuple(shared)
    names = names or [design_name(d) if not isinstance(d, Config) else d.source for d in designs]
    if len(set(names)) != len(names):
        raise ConfigError(f"compare: two designs share the name {names!r}; rename a file")
    tasks = design_tasks(names, configs, design_seeds(seed, replicates), steps)
    series = execute_all(tasks, workers, backend, scheduler)
    kept = ["step", "event_held", *trajectory_outcomes(outcomes)]
    runs, frames = [], []
    for task in tasks:  # in design order, whatever order the runs finished in
        name, s, ts = task.run.values["design"], task.run.seed, series[task.run.run_id]
        runs.append((name, s, ts))
        months = recorded_steps(record, int(ts["step"].iloc[-1]))
        kept_rows = ts[ts["step"].isin(months)]
        frames.append(kept_rows[list(dict.fromkeys(kept))].assign(design=name, seed=s))
    metrics = metrics_table(runs, outcomes)
    table = compare_designs(metrics, names, seed=seed)
    trajectories = pd.concat(frames, ignore_index=True)
    return Comparison(table, metrics, trajectories, names, outcomes, chosen, record)


def design_tasks(
    names: list[str], configs: list[Config], seeds: list[int], steps: int | None
) -> list:
    """One task per design and seed, with the complete config of the run."""
    from ..runs.spec import PlannedRun
    from ..runs.tasks import Task

    tasks = []
    for k, (name, config) in enumerate(zip(names, configs, strict=True)):
        for r, s in enumerate(seeds):
            changes = {"run.seed": s, **({"run.steps": steps} if steps else {})}
            run = PlannedRun(f"{name}#{r}", k, r, s, {"design": name})
            tasks.append(Task(run, config.replace(**changes)))
    return tasks


def execute_all(tasks: list, workers, backend, scheduler) -> dict[str, pd.DataFrame]:
    """Run the tasks on the chosen backend; return each run's time series by run id.

    A failed run stops the comparison (a comparison needs every run), with its error: a
    `ConfigError` when the run's config was at fault (an added outcome that returned a
    non-number), else a `RuntimeError`.
    """
    from ..runs.backends import make_backend
    from ..runs.sweep import choose_backend

    name, n = choose_backend(backend, workers, scheduler)
    series = {}
    with make_backend(name, n, scheduler) as runner:
        for outcome in runner.run(tasks):
            if outcome.status != "done":
                message = (
                    f"compare: run {outcome.run.run_id} (seed "
                    f"{outcome.run.seed}) failed: {outcome.error}"
                )
                bad_input = outcome.error.startswith(f"{ConfigError.__name__}: ")
                raise (ConfigError if bad_input else RuntimeError)(message)
            series[outcome.run.run_id] = outcome.timeseries.drop_columns("run_id").to_pandas()
    return series
