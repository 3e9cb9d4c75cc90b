"""Backends: serial, a process pool and Dask give the same results; failures are data."""

from __future__ import annotations

import contextlib
import gc
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import exsim
from exsim.errors import UsageError
from exsim.model import ExchangeModel
from exsim.runs import backends, dask_backend, tasks
from exsim.runs.dask_backend import DaskBackend
from exsim.runs.spec import load_sweep
from exsim.runs.sweep import choose_backend

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "configs" / "exchange_network.toml").as_posix()
SWEEP = f"""base = '{BASE}'
replicates = 2
seed = 2024
steps = 4
[grid]
"event.suspension" = [0.0, 1.0]
"event.format" = ["action_learning", "plenary"]
"""


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "tiny.toml"
    path.write_text(SWEEP, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def serial(sweep_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial") / "out"
    report = exsim.sweep(sweep_file, out, progress=False)
    assert report.complete and report.backend == "serial" and report.ran == 8
    return exsim.load_results(out)


def same_results(out, reference):
    got = exsim.load_results(out)
    pd.testing.assert_frame_equal(got.runs, reference.runs)
    pd.testing.assert_frame_equal(got.timeseries, reference.timeseries)
    pd.testing.assert_frame_equal(got.events, reference.events)


def test_a_run_repeated_alone_gives_the_same_result(sweep_file, serial):
    plan = load_sweep(sweep_file)
    result = exsim.run(plan.config("p3-r1"))
    stored = serial.timeseries[serial.timeseries["run_id"] == "p3-r1"]
    pd.testing.assert_frame_equal(
        stored.drop(columns="run_id").reset_index(drop=True), result.timeseries
    )
    stored = serial.events[serial.events["run_id"] == "p3-r1"]
    pd.testing.assert_frame_equal(
        stored.drop(columns="run_id").reset_index(drop=True), result.events
    )
    row = serial.runs.set_index("run_id").loc["p3-r1"]
    assert row["seed"] == result.config["run.seed"]
    assert row["event.format"] == "plenary" and row["event.suspension"] == 1.0


def listening_addresses() -> set[str]:
    import psutil

    me = psutil.Process()
    found = set()
    for proc in [me, *me.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # the process may have ended meanwhile
            for conn in proc.net_connections(kind="inet"):
                if conn.status == psutil.CONN_LISTEN:
                    found.add(conn.laddr.ip)
    return found


@pytest.mark.slow
def test_dask_local_cluster_gives_identical_tables_on_loopback_only(
    sweep_file, serial, tmp_path, monkeypatch
):
    pytest.importorskip("distributed")
    seen = []
    enter = DaskBackend.__enter__

    def spy(self):
        entered = enter(self)
        seen.append(listening_addresses())
        assert len(self.client.scheduler_info()["workers"]) == 2
        return entered

    monkeypatch.setattr(DaskBackend, "__enter__", spy)
    report = exsim.sweep(sweep_file, tmp_path / "out", backend="dask", workers=2, progress=False)
    assert report.backend == "dask" and report.complete
    same_results(tmp_path / "out", serial)
    assert seen and seen[0] and seen[0] <= {"127.0.0.1"}


def test_dask_existing_cluster_by_address(sweep_file, serial, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    ) as cluster:
        report = exsim.sweep(
            sweep_file, tmp_path / "out", scheduler=cluster.scheduler_address, progress=False
        )
    assert report.backend == "dask" and report.workers is None and report.complete
    same_results(tmp_path / "out", serial)


def test_dask_unreachable_scheduler_is_a_usage_error(sweep_file, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr(dask_backend, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(UsageError, match=r"--scheduler: cannot connect to tcp://127\.0\.0\.1:9"):
        exsim.sweep(sweep_file, tmp_path / "out", scheduler="tcp://127.0.0.1:9", progress=False)


def test_without_dask_the_dask_backend_is_a_usage_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(UsageError, match=r"pip install 'exsim\[dask\]'"):
        DaskBackend(2)


@pytest.mark.slow
def test_process_pool_gives_identical_tables_from_a_notebook_like_main(
    sweep_file, serial, tmp_path
):
    """Under spawn, with no ``if __name__ == '__main__'`` guard and no __main__ file, as
    in a notebook."""
    code = textwrap.dedent(f"""
        import exsim
        report = exsim.sweep({str(sweep_file)!r}, {str(tmp_path / "out")!r}, workers=2,
                             start_method="spawn", progress=False)
        print(report.done, report.backend, report.workers)
    """)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["8", "process", "2"]
    same_results(tmp_path / "out", serial)


def test_workers_that_cannot_start_stop_the_sweep_with_a_clear_error(sweep_file, tmp_path):
    """Under spawn a script read from stdin cannot be imported by the workers."""
    code = f"import exsim\nexsim.sweep({str(sweep_file)!r}, 'out', workers=2, progress=False)\n"
    done = subprocess.run(
        [sys.executable, "-"], input=code, capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 1
    assert "workers died as they started" in done.stderr
    assert not (tmp_path / "out").exists()  # the workers start first: nothing left behind


# The fault-injecting tests patch exsim in this process and start the pool with "fork" so
# that the workers inherit the patch; Python 3.12+ warns about forking a process that has
# threads (pyarrow's, Dask's), harmless for these short-lived workers.
FORK = pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")


def failing_run(real, bad: set[str]):
    def run(config):
        if config.source.rsplit(" ", 1)[-1] in bad:
            raise FloatingPointError("the model blew up\nover two lines")
        return real(config)

    return run


@FORK
@pytest.mark.parametrize("backend", ["serial", "process"])
def test_a_failed_run_is_recorded_and_the_sweep_goes_on(
    sweep_file, serial, tmp_path, monkeypatch, backend
):
    monkeypatch.setattr(
        "exsim.runs.single.simulate", failing_run(exsim.runs.single.simulate, {"p1-r0", "p2-r1"})
    )
    options = {"workers": 2, "start_method": "fork"} if backend == "process" else {}
    report = exsim.sweep(sweep_file, tmp_path / "out", backend=backend, progress=False, **options)
    assert (report.done, report.failed) == (6, 2) and not report.complete
    plan = load_sweep(sweep_file)
    assert report.failures == [
        ("p1-r0", plan.get("p1-r0").seed, "FloatingPointError: the model blew up over two lines"),
        ("p2-r1", plan.get("p2-r1").seed, "FloatingPointError: the model blew up over two lines"),
    ]
    runs = exsim.load_results(tmp_path / "out").runs.set_index("run_id")
    bad = runs.loc["p1-r0"]
    assert bad["status"] == "failed" and bad["seed"] == plan.get("p1-r0").seed
    assert "FloatingPointError" in bad["traceback"] and pd.isna(bad["mean_challenges"])
    assert set(exsim.load_results(tmp_path / "out").timeseries["run_id"]) == set(
        runs.index[runs["status"] == "done"]
    )
    # run again without the fault: only the failed runs run, and all is as uninterrupted
    monkeypatch.undo()
    again = exsim.sweep(sweep_file, tmp_path / "out", progress=False)
    assert (again.ran, again.done, again.failed) == (2, 8, 0)
    same_results(tmp_path / "out", serial)


@FORK
def test_a_worker_that_dies_fails_its_run_and_a_new_pool_goes_on(sweep_file, tmp_path, monkeypatch):
    real = exsim.runs.single.simulate

    def dying(config):
        if config.source.endswith("p2-r0"):
            os._exit(3)
        return real(config)

    monkeypatch.setattr("exsim.runs.single.simulate", dying)
    report = exsim.sweep(
        sweep_file, tmp_path / "out", workers=2, start_method="fork", progress=False
    )
    assert [(r, e) for r, _, e in report.failures] == [
        (
            "p2-r0",
            "RuntimeError: its worker process died while running it (killed, or out of "
            "memory?); run the sweep again to retry",
        )
    ]
    assert report.done == 7


def test_a_worker_does_not_keep_the_models_it_ran(sweep_file):
    """Mesa 3.3 keeps every model in a class-level dict (mesa#3179); workers let go."""
    plan = load_sweep(sweep_file)

    def alive():
        gc.collect()
        return sum(isinstance(o, ExchangeModel) for o in gc.get_objects())

    before = alive()
    for run in list(plan.runs())[:3]:
        assert tasks.execute(tasks.Task(run, plan.config(run))).status == "done"
    assert alive() == before


def test_backend_choice():
    cores = backends.available_cores()
    assert choose_backend(None, None, None) == ("serial", 1)
    assert choose_backend(None, 1, None) == ("serial", 1)
    assert choose_backend(None, 3, None) == ("process", 3)
    assert choose_backend("process", None, None) == ("process", cores)
    assert choose_backend(None, "auto", None) == (
        ("process", cores) if cores > 1 else ("serial", 1)
    )
    assert choose_backend("dask", 2, None) == ("dask", 2)
    assert choose_backend(None, None, "tcp://h:8786") == ("dask", 0)
    for args, message in [
        (("serial", 2, None), r"--backend serial runs one run at a time"),
        (("process", None, "tcp://h:8786"), r"--scheduler .* needs --backend dask"),
        ((None, 2, "tcp://h:8786"), r"--workers starts local workers"),
        ((None, 0, None), r"--workers: 0 must be"),
        (("mpi", None, None), r"--backend: 'mpi' is not a backend"),
    ]:
        with pytest.raises(UsageError, match=message):
            choose_backend(*args)
