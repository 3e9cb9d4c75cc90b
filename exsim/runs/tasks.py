"""A run of a sweep or a comparison as a unit of work: the `Task` sent to a worker (its
place in the plan, its complete config, what to record), the `Outcome` that comes back,
and `execute`, the one function every backend runs. `execute` never raises for a run that
fails: it returns the failure, so one bad run does not stop a sweep."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
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
        files: the tables as the bytes of Arrow IPC files, as an outcome that came
            from another process carries them (empty otherwise).
    """

    run: PlannedRun
    status: str
    summary: dict[str, float]
    timeseries: Any = None
    events: Any = None
    error: str | None = None
    traceback: str | None = None
    seconds: float = 0.0
    files: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __reduce__(self):
        """Pickled with its tables as Arrow IPC files (`encoded`), several times cheaper
        to pickle, send and read back than the tables themselves (whose every field
        carries its description); `SweepStore.commit` writes those bytes as they are."""
        state = (self.summary, self.error, self.traceback, self.seconds)
        return _unpickle, (self.run, self.status, state, *map(encoded, self.tables()))

    def tables(self) -> tuple[Any, Any]:
        """The time series and events tables (each None where there is none)."""
        return self.timeseries, self.events


def encoded(table) -> Any:
    """`table` as the bytes of an Arrow IPC file (a `pyarrow.Buffer`); None stays None."""
    if table is None:
        return None
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _unpickle(run: PlannedRun, status: str, state: tuple, timeseries, events) -> Outcome:
    """An `Outcome` from what `Outcome.__reduce__` gives: tables read from their IPC
    bytes (without copying), the bytes kept as `Outcome.files`."""
    import pyarrow as pa

    files = {"timeseries": timeseries, "events": events}
    tables = [None if b is None else pa.ipc.open_file(b).read_all() for b in files.values()]
    return Outcome(run, status, state[0], *tables, *state[1:], files=files)


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
