"""A run of a sweep or a comparison as a unit of work: the `Task` sent to a worker (its
place in the plan, its complete config, what to record), the `Outcome` that comes back,
and `execute`, the one function every backend runs. `execute` never raises for a run that
fails: it returns the failure, so one bad run does not stop a sweep."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from typing import Any

from ..config import Config
from .spec import PlannedRun

__all__ = ["Outcome", "Task", "execute", "failed"]


@dataclass(frozen=True)
class Task:
    """A run to execute: where it sits in the sweep, and its complete config."""

    run: PlannedRun
    config: Config
    record: str | int = "all"
    """The months whose outcomes the time series keeps (`exsim.runs.spec.recorded_steps`)."""


@dataclass
class Outcome:
    """What came back from one run.

    Attributes:
        run: the planned run.
        status: ``"done"`` or ``"failed"``.
        summary: final and mean outcomes (`exsim.runs.tables.summarize`); empty if failed.
        timeseries, events: the run's tables as Arrow tables with a leading ``run_id``
            column (None if failed; `events` also None when no event was held).
        error: ``"ExceptionType: message"`` of a failed run, else None.
        traceback: the failed run's traceback, else None.
        seconds: wall time of the run in the worker.
    """

    run: PlannedRun
    status: str
    summary: dict[str, float]
    timeseries: Any = None
    events: Any = None
    error: str | None = None
    traceback: str | None = None
    seconds: float = 0.0


def execute(task: Task) -> Outcome:
    """Run one task with `exsim.runs.single.simulate` (as `exsim.run` does); a run that
    raises becomes a failed `Outcome` carrying its error and traceback."""
    start = time.perf_counter()
    try:
        from . import single
        from .tables import run_tables

        model = single.simulate(task.config)
        summary, timeseries, events = run_tables(
            model, task.run.run_id, task.record, task.config.added()
        )
        single.release(model)
    except Exception as err:  # a failed run is data, not a crash of the sweep
        return failed(task, err, traceback.format_exc(), time.perf_counter() - start)
    return Outcome(
        task.run, "done", summary, timeseries, events, seconds=time.perf_counter() - start
    )


def failed(task: Task, err: BaseException, trace: str | None = None, seconds=0.0) -> Outcome:
    """A failed `Outcome` for `task`, from the exception `err`."""
    message = " ".join(f"{type(err).__name__}: {err}".split())
    return Outcome(task.run, "failed", {}, error=message, traceback=trace, seconds=seconds)
