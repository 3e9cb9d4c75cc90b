"""Where the runs of a sweep execute: in this process, in a local pool, or on Dask.

Every backend sends `Task`s to the same function, `execute`, and yields an `Outcome`
for each run as it finishes, in whatever order they finish. `execute` never raises for
a run that fails: it returns the failure, so one bad run does not stop a sweep. Only
``run_id``, seed and config travel to a worker, and only the run's tables come back:
the parent process writes them, so workers need no access to the results folder.

- ``serial``: one run at a time in this process.
- ``process``: a `concurrent.futures.ProcessPoolExecutor` over the local cores. Workers
  are started with ``spawn`` by default (safe from notebooks and from threaded parents;
  the task function lives in this module, so nothing needs to be importable from
  ``__main__``). They ignore Ctrl-C (the parent handles it) and exit if the parent dies.
- ``dask``: Dask distributed. Without a scheduler address, a `LocalCluster` of one
  single-threaded worker process per core, listening on 127.0.0.1 only; with an address,
  an existing cluster whose workers have the same exsim installed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
import traceback
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..config import Config
from ..errors import UsageError
from .spec import PlannedRun
from .versions import environment

__all__ = ["BACKENDS", "Outcome", "Task", "available_cores", "execute", "make_backend"]

BACKENDS = ("serial", "process", "dask")
"""The names accepted by ``--backend``."""

CONNECT_TIMEOUT = "30s"
"""How long to try to reach an existing Dask scheduler."""

GATHER_TIMEOUT = 60.0
"""Seconds to fetch a finished run's tables from its Dask worker before the run counts
as lost with that worker (a run's tables are a few hundred kB)."""

TRIES = 3
"""Times a run lost with its Dask worker is sent, in all, before it is recorded as failed."""

POLL_SECONDS = 5.0
"""How often the Dask backend looks for workers that joined (to send them runs)."""


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


def available_cores() -> int:
    """The cores this process may use (respects CPU affinity, as under SLURM)."""
    with contextlib.suppress(AttributeError):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def make_backend(name: str, workers: int, scheduler: str | None = None, **options):
    """Create the backend `name` (one of `BACKENDS`) with `workers` workers."""
    if name == "serial":
        return SerialBackend()
    if name == "process":
        return ProcessBackend(workers, **options)
    if name == "dask":
        return DaskBackend(workers, scheduler, **options)
    raise UsageError(f"--backend: {name!r} is not a backend; use one of {', '.join(BACKENDS)}")


class SerialBackend:
    """Run one task after the other in this process."""

    name = "serial"
    workers = 1

    def __enter__(self) -> SerialBackend:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def run(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        """Yield the outcome of each task in turn."""
        for task in tasks:
            yield execute(task)


# --- a local pool ----------------------------------------------------------------------------


def _worker_init(main_pid: int) -> None:
    """In each pool worker: leave Ctrl-C to the parent, and exit when the parent dies
    (its parent changes, or, on POSIX, the sweep's process `main_pid` is gone: this also
    covers a worker that starts up after the sweep was killed)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    first_parent = os.getppid()

    def main_is_gone() -> bool:
        if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
            return False
        try:
            os.kill(main_pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False

    def watch() -> None:
        while os.getppid() == first_parent and not main_is_gone():
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exsim-parent-watch", daemon=True).start()


class ProcessBackend:
    """A pool of `workers` local processes (`concurrent.futures.ProcessPoolExecutor`).

    At most ``2 * workers`` tasks are in flight, so a sweep of any size holds only a
    few configs and results at a time. If a worker process dies (killed, out of memory),
    a fresh pool takes over; the run that killed it is recorded as failed.
    """

    name = "process"

    def __init__(self, workers: int, start_method: str = "spawn"):
        import multiprocessing

        if start_method not in multiprocessing.get_all_start_methods():
            raise UsageError(
                f"start method {start_method!r} is not available here; use one of "
                + ", ".join(multiprocessing.get_all_start_methods())
            )
        self.workers = workers
        self.context = multiprocessing.get_context(start_method)
        self.executor = None

    def __enter__(self) -> ProcessBackend:
        self.executor = self._new_executor()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        # Every result is in (or the sweep is stopping): the workers have nothing left that
        # matters, so end them at once, as multiprocessing.Pool does, rather than wait for
        # each interpreter to wind down.
        self._stop(kill=True)

    def _new_executor(self):
        """A fresh pool, checked by a first trivial task: workers that cannot start (a
        script without a ``__main__`` guard, a broken environment) stop the sweep here
        rather than fail every run."""
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=self.context,
            initializer=_worker_init,
            initargs=(os.getpid(),),
        )
        try:  # one probe per worker: all of them start (and import exsim) at once
            for probe in [executor.submit(environment) for _ in range(self.workers)]:
                probe.result()
        except BrokenProcessPool:
            executor.shutdown(wait=False, cancel_futures=True)
            raise RuntimeError(
                "the process pool's workers died as they started (see their errors above); "
                "if exsim is called from a script, put the call under "
                "`if __name__ == '__main__':`, or use the serial backend"
            ) from None
        return executor

    def _stop(self, kill: bool) -> None:
        executor, self.executor = self.executor, None
        if executor is None:
            return
        if not kill:
            executor.shutdown(wait=True)
            return
        if hasattr(executor, "kill_workers"):  # Python >= 3.14
            executor.kill_workers()
            executor.shutdown(wait=False, cancel_futures=True)
            return
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            with contextlib.suppress(Exception):
                p.kill()
        for p in processes:
            with contextlib.suppress(Exception):
                p.join(timeout=5)

    def run(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        """Yield outcomes as runs finish, keeping the pool busy with a bounded queue.

        If a worker dies, every run in flight is lost with it. Those runs become
        suspects: each is run again alone in a fresh pool, so that only a run that kills
        its worker by itself is recorded as failed.
        """
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        tasks = iter(tasks)
        in_flight: dict[Any, Task] = {}
        suspects: deque[Task] = deque()  # lost with a dead worker: rerun one at a time
        unsent: deque[Task] = deque()  # not sent: the pool had just broken
        alone: list[Task] = []  # the suspect running by itself, if any

        def submit(task: Task) -> bool:
            try:
                in_flight[self.executor.submit(execute, task)] = task
            except BrokenProcessPool:
                return False
            return True

        def top_up() -> None:
            if suspects or alone:
                if not in_flight:
                    task = suspects.popleft()
                    if submit(task):
                        alone[:] = [task]
                    else:
                        suspects.appendleft(task)
                return
            while len(in_flight) < 2 * self.workers:
                task = unsent.popleft() if unsent else next(tasks, None)
                if task is None:
                    return
                if not submit(task):
                    unsent.appendleft(task)
                    return

        def renew() -> None:
            self._stop(kill=True)
            self.executor = self._new_executor()

        top_up()
        while in_flight or unsent or suspects:
            if not in_flight:  # the pool broke while nothing was running
                renew()
                top_up()
                continue
            done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                task = in_flight.pop(future)
                try:
                    outcome = future.result()
                except BrokenProcessPool:
                    broken = True
                    in_flight[future] = task
                    continue
                except Exception as err:  # the task could not be sent or received
                    outcome = failed(task, err, traceback.format_exc())
                if alone and alone[0] is task:
                    alone.clear()
                yield outcome
            if broken:
                lost = list(in_flight.values())
                in_flight.clear()
                renew()
                if alone:
                    guilty = alone.pop()
                    yield failed(
                        guilty,
                        RuntimeError(
                            "its worker process died while running it (killed, or out of "
                            "memory?); run the sweep again to retry"
                        ),
                    )
                    lost = [t for t in lost if t is not guilty]
                suspects.extend(lost)
            top_up()


# --- Dask ---------------------------------------------------------------------------------------


class DaskBackend:
    """Run on Dask distributed: a `LocalCluster` that exsim starts on loopback, or the
    existing cluster at `scheduler` (``tcp://host:8786``, or a scheduler file path).

    The number of tasks in flight follows the cluster's threads, so workers that join
    later (``cluster.scale``, ``adapt``) are used as they arrive.
    """

    name = "dask"

    def __init__(self, workers: int, scheduler: str | None = None, **_ignored):
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise UsageError(
                "the dask backend needs Dask distributed; install it with pip install 'exsim[dask]'"
            ) from None
        self.workers = workers
        self.scheduler = scheduler
        self.cluster = None
        self.client = None
        self.notes: list[str] = []
        self._threads = (0.0, 1)

    def __enter__(self) -> DaskBackend:
        from distributed import Client, LocalCluster

        if self.scheduler is None:
            try:
                self.cluster = LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address="127.0.0.1:0",
                    silence_logs=logging.ERROR,
                )
            except (RuntimeError, OSError, TimeoutError) as err:
                raise UsageError(
                    f"--backend dask: could not start a local Dask cluster "
                    f"({' '.join(str(err).split()) or type(err).__name__}); "
                    "try again, or use --backend process"
                ) from None
            self.client = Client(self.cluster)
        else:
            try:
                if os.path.isfile(self.scheduler):
                    self.client = Client(scheduler_file=self.scheduler, timeout=CONNECT_TIMEOUT)
                else:
                    self.client = Client(self.scheduler, timeout=CONNECT_TIMEOUT)
            except Exception as err:  # unreachable, or a scheduler file that is not one
                raise UsageError(
                    f"--scheduler: cannot connect to {self.scheduler} "
                    f"({' '.join(str(err).split()) or type(err).__name__})"
                ) from None
            self._check_workers()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        client, cluster = self.client, self.cluster
        self.client = self.cluster = None
        with contextlib.suppress(Exception):
            if client is not None:
                client.close()
        with contextlib.suppress(Exception):
            if cluster is not None:
                cluster.close()

    @property
    def dashboard(self) -> str | None:
        """The address of the Dask dashboard, if it has one."""
        return getattr(self.client, "dashboard_link", None)

    def _check_workers(self) -> None:
        here = environment()
        try:
            there = self.client.run(environment)
        except Exception as err:
            raise UsageError(
                f"--scheduler: the workers at {self.scheduler} cannot run exsim "
                f"({type(err).__name__}: {err}); install exsim {here['exsim']} on them"
            ) from None
        for worker, env in there.items():
            if env["exsim"] != here["exsim"]:
                raise UsageError(
                    f"--scheduler: worker {worker} has exsim {env['exsim']}, "
                    f"this is exsim {here['exsim']}; install the same version on both"
                )
            differ = [f"{k} {env[k]} (here {here[k]})" for k in here if env[k] != here[k]]
            if differ:
                self.notes.append(f"worker {worker} has {', '.join(differ)}")

    def _window(self) -> int:
        checked, threads = self._threads
        if time.monotonic() - checked > 2.0:
            with contextlib.suppress(Exception):
                threads = max(sum(self.client.nthreads().values()), 1)
            self._threads = (time.monotonic(), threads)
        return 2 * threads

    def run(self, tasks: Iterable[Task]) -> Iterator[Outcome]:
        """Yield outcomes as runs finish on the cluster.

        A run whose worker dies while running it is tried again by the scheduler, up to
        its ``allowed-failures`` (3 by default), then comes back as a failed run
        (``KilledWorker``). A run that finished on a worker that died before its tables
        were fetched is lost with that worker: if fetching does not succeed within
        `GATHER_TIMEOUT` seconds it is sent again, at most `TRIES` times in all, then
        recorded as failed. So every run ends, done or failed, and the sweep goes on.
        """
        from distributed import wait

        tasks = iter(tasks)
        session = uuid.uuid4().hex[:8]
        in_flight: dict[Any, tuple[Task, int]] = {}

        def submit(task: Task, tries: int) -> None:
            key = f"exsim-run-{task.run.run_id}-{session}-{tries}"
            future = self.client.submit(execute, task, key=key, pure=False)
            in_flight[future] = (task, tries)

        def top_up() -> None:
            while len(in_flight) < self._window():
                task = next(tasks, None)
                if task is None:
                    return
                submit(task, 1)

        top_up()
        while in_flight:
            try:
                done, _ = wait(list(in_flight), timeout=POLL_SECONDS, return_when="FIRST_COMPLETED")
            except TimeoutError:  # nothing finished meanwhile
                done = set()
            for future in done:
                task, tries = in_flight.pop(future)
                outcome = self._fetch(future, task, tries)
                future.release()
                if outcome is None:
                    submit(task, tries + 1)
                else:
                    yield outcome
            top_up()

    def _fetch(self, future, task: Task, tries: int) -> Outcome | None:
        """The outcome of a finished `future`; None to send the run again."""
        try:
            return future.result(timeout=GATHER_TIMEOUT)
        except TimeoutError:
            if tries < TRIES:
                return None
            return failed(
                task,
                RuntimeError(
                    f"its results were lost with its Dask worker {tries} times "
                    "(workers killed, or out of memory?); run the sweep again to retry"
                ),
            )
        except Exception as err:  # KilledWorker after the scheduler's tries, failed transfers
            return failed(task, err)
