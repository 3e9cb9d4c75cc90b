"""Where the runs of a sweep execute: in this process, in a local pool, or on Dask.

Every backend sends `Task`s to the same function, `exsim.runs.tasks.execute`, and yields
an `Outcome` for each run as it finishes, in whatever order they finish. `execute` never
raises for a run that fails: it returns the failure, so one bad run does not stop a sweep. Only
``run_id``, seed and config travel to a worker, and only the run's tables come back:
the parent process writes them, so workers need no access to the results folder.

- ``serial``: one run at a time in this process.
- ``process``: a `concurrent.futures.ProcessPoolExecutor` over the local cores. Workers
  are started with ``spawn`` by default (safe from notebooks and from threaded parents;
  the task function lives in `exsim.runs.tasks`, so nothing needs to be importable from
  ``__main__``). They ignore Ctrl-C (the parent handles it) and exit if the parent dies.
- ``dask``: Dask distributed (`exsim.runs.dask_backend`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import UsageError
from .dask_backend import DaskBackend
from .tasks import Outcome, Task, execute, failed
from .versions import environment

__all__ = ["BACKENDS", "ProcessBackend", "SerialBackend", "available_cores", "make_backend"]

BACKENDS = ("serial", "process", "dask")
"""The names accepted by ``--backend``."""


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
