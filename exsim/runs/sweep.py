"""Run a sweep: every run that a sweep file asks for, on a backend, into a results folder.

The layers: `spec` says what to run, `backends` where, `store` where the results go.
This module ties them together and reports progress::

    report = exsim.sweep("configs/sweeps/design_grid.toml", "results/design_grid", workers=2)
    results = exsim.load_results("results/design_grid")

Running the same sweep into the same folder again runs only the runs that are missing
(or failed); see `exsim.runs.store` for why a killed sweep loses nothing else.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UsageError
from .backends import BACKENDS, available_cores, make_backend
from .checks import MAX_RUNS
from .spec import Sweep, load_sweep
from .tasks import Task

__all__ = ["SweepReport", "choose_backend", "sweep"]


@dataclass
class SweepReport:
    """What a call of `sweep` did.

    Attributes:
        out: the results folder.
        total: runs in the sweep.
        done, failed: runs done and failed so far, over every session on this folder.
        ran: runs executed by this call.
        seconds: wall time of this call.
        backend, workers: where the runs executed.
        failures: ``(run_id, seed, error)`` of every failed run.
        notes: warnings worth reading (e.g. versions changed since the sweep began).
    """

    out: Path
    total: int
    done: int
    failed: int
    ran: int
    seconds: float
    backend: str
    workers: int | None
    failures: list[tuple[str, int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Whether every run of the sweep is done."""
        return self.done == self.total

    def results(self):
        """The results folder, read with `exsim.load_results`."""
        from .store import load_results

        return load_results(self.out)

    def __str__(self) -> str:
        speed = f", {self.ran / self.seconds:.2f} runs/s" if self.ran and self.seconds else ""
        where = f"{self.backend}" + (f", {self.workers} workers" if (self.workers or 1) > 1 else "")
        return (
            f"{self.done} of {self.total} runs done, {self.failed} failed; this time "
            f"{self.ran} in {self.seconds:.1f} s ({where}{speed}); results in {self.out}"
        )


def sweep(
    spec: str | Path | Mapping[str, Any] | Sweep,
    out: str | Path | None = None,
    *,
    workers: int | str | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    start_method: str = "spawn",
    batch_size: int = 100,
    max_runs: int | None = MAX_RUNS,
) -> SweepReport:
    """Run every missing run of a sweep and save the results in folder `out`.

    Args:
        spec: a sweep file, a `Sweep`, or a mapping with a sweep file's keys (a
            relative ``base`` is then read from the current folder).
        out: the results folder; default ``results/<name of the sweep file>``. Running
            the same sweep into it again runs only what is missing or failed; a folder
            holding another sweep is refused.
        workers: parallel workers, or ``"auto"`` for every core this process may use.
            More than one picks the ``process`` backend unless `backend` says otherwise.
        backend: ``"serial"``, ``"process"`` or ``"dask"`` (see `exsim.runs.backends`).
        scheduler: address of a running Dask scheduler (or a scheduler file); implies
            ``backend="dask"``. Without it, the dask backend starts a local cluster.
        progress: show a progress bar (tqdm) on standard error.
        start_method: how the process backend starts workers (``spawn``, ``forkserver``,
            ``fork``).
        batch_size: runs gathered into each Parquet part.
        max_runs: refuse a sweep that plans more runs than this (None: no limit); a
            given `Sweep` was checked when it was built.

    Returns:
        A `SweepReport`; ``report.failed`` counts failed runs, each recorded with its
        error and seed in the runs table.

    Raises:
        ConfigError: a bad sweep file, or a folder that holds another sweep or is in use.
        UsageError: incompatible options (e.g. ``backend="serial"`` with 4 workers).
        KeyboardInterrupt: on Ctrl-C, after stopping the workers; runs saved so far stay.

    Example:
        >>> report = sweep("configs/sweeps/demo.toml", "results/demo", progress=False)
        >>> report.complete                                  # doctest: +SKIP
        True
    """
    plan = as_sweep(spec, max_runs)
    name, n = choose_backend(backend, workers, scheduler)
    out = Path(out) if out is not None else default_out(plan)
    from .store import SweepStore

    store = SweepStore(out, plan, batch_size)
    store.check()  # refuse a folder before starting workers
    done_before = store.finished_runs()
    options = {"start_method": start_method} if name == "process" else {}
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        runner = None
        if any(r.run_id not in done_before for r in plan.runs()):
            # workers first: a backend that cannot start leaves the folder as it was
            runner = stack.enter_context(make_backend(name, n, scheduler, **options))
        store.open(
            {
                "sweep_file": plan.source,
                "backend": name,
                "workers": n or None,
                "scheduler": scheduler,
            }
        )
        for note in store.notes + getattr(runner, "notes", []):
            print(f"exsim: note: {note}", file=sys.stderr)
        status, ran = "interrupted", 0
        try:
            todo = [r for r in plan.runs() if store.status(r.run_id) != "done"]
            if todo:
                if runner is None:  # damage found on opening: runs to do after all
                    runner = stack.enter_context(make_backend(name, n, scheduler, **options))
                tasks = (Task(r, plan.config(r), plan.record) for r in todo)
                with Progress(progress, len(plan), len(plan) - len(todo)) as bar:
                    for outcome in runner.run(tasks):
                        store.commit(outcome)
                        ran += 1
                        bar.update(outcome.status == "failed")
            status = "finished"
        finally:
            store.close(status)
    counts = store.counts()
    failures = [
        (r.run_id, r.seed, store.state[r.run_id].error or "")
        for r in plan.runs()
        if store.status(r.run_id) == "failed"
    ]
    return SweepReport(
        out,
        len(plan),
        counts["done"],
        counts["failed"],
        ran,
        time.perf_counter() - started,
        name,
        n or None,
        failures,
        store.notes,
    )


def as_sweep(
    spec: str | Path | Mapping[str, Any] | Sweep, max_runs: int | None = MAX_RUNS
) -> Sweep:
    """A `Sweep` from a sweep file, a mapping of its keys, or a `Sweep`."""
    if isinstance(spec, Sweep):
        return spec
    if isinstance(spec, Mapping):
        return Sweep.from_mapping(spec, max_runs=max_runs)
    return load_sweep(spec, max_runs)


def default_out(plan: Sweep) -> Path:
    """``results/<name of the sweep file>``."""
    if plan.source.startswith("<"):
        raise UsageError("out: give a results folder for a sweep that has no file")
    return Path("results") / Path(plan.source).stem


def choose_backend(
    backend: str | None, workers: int | str | None, scheduler: str | None
) -> tuple[str, int]:
    """Check the execution options; return the backend's name and its worker count
    (0 for an existing Dask cluster, which has its own)."""
    if workers == "auto":
        workers = available_cores()
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise UsageError(f"--workers: {workers!r} must be a whole number of 1 or more, or auto")
    if backend is not None and backend not in BACKENDS:
        raise UsageError(
            f"--backend: {backend!r} is not a backend; use one of " + ", ".join(BACKENDS)
        )
    if scheduler is not None:
        if backend not in (None, "dask"):
            raise UsageError(
                f"--scheduler connects to a Dask cluster; it needs --backend dask, not {backend}"
            )
        if workers is not None:
            raise UsageError(
                "--workers starts local workers; with --scheduler the cluster "
                "has its own (scale it there)"
            )
        return "dask", 0
    if backend is None:
        backend = "process" if (workers or 1) > 1 else "serial"
    if backend == "serial":
        if workers not in (None, 1):
            raise UsageError(
                f"--backend serial runs one run at a time; drop --workers {workers}"
                " or use --backend process"
            )
        return "serial", 1
    return backend, workers or available_cores()


class Progress:
    """A tqdm bar of runs finished, with failures and time left (or nothing)."""

    def __init__(self, enabled: bool, total: int, initial: int):
        self.bar = None
        self.failed = 0
        if enabled:
            from tqdm.auto import tqdm

            interactive = sys.stderr.isatty()
            self.bar = tqdm(
                total=total,
                initial=initial,
                unit="run",
                desc="exsim sweep",
                file=sys.stderr,
                dynamic_ncols=True,
                mininterval=0.2 if interactive else 30.0,
                smoothing=0.05,
            )
            self.bar.set_postfix(failed=0, refresh=False)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.close()

    def update(self, failed: bool) -> None:
        """Count one finished run."""
        if self.bar is None:
            return
        if failed:
            self.failed += 1
            self.bar.set_postfix(failed=self.failed, refresh=False)
        self.bar.update(1)
