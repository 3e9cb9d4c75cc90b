"""The ``dask`` backend: runs on Dask distributed. Without a scheduler address, a
`LocalCluster` of one single-threaded worker process per core, listening on 127.0.0.1
only; with an address, an existing cluster whose workers have the same exsim installed.
Dask is imported only when the backend is made (the ``dask`` extra)."""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import UsageError
from .tasks import Outcome, Task, execute, failed
from .versions import environment

__all__ = ["DaskBackend"]

CONNECT_TIMEOUT = "30s"
"""How long to try to reach an existing Dask scheduler."""

GATHER_TIMEOUT = 60.0
"""Seconds to fetch a finished run's tables from its Dask worker before the run counts
as lost with that worker (a run's tables are a few hundred kB)."""

TRIES = 3
"""Times a run lost with its Dask worker is sent, in all, before it is recorded as failed."""

POLL_SECONDS = 5.0
"""How often the Dask backend looks for workers that joined (to send them runs)."""


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
