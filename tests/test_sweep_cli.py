"""`exsim sweep`: exit statuses, one-line errors, output, and kill -9 then resume."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import exsim
from exsim.cli import main
from exsim.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "configs" / "exchange_network.toml").as_posix()
DEMO = ROOT / "configs" / "sweeps" / "demo.toml"


def write(tmp_path: Path, body: str, name: str = "s.toml") -> Path:
    path = tmp_path / name
    path.write_text(f"base = '{BASE}'\nsteps = 3\n" + body, encoding="utf-8")
    return path


GRID = '[grid]\n"event.suspension" = [0.0, 1.0]\n'


def exsim_cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


BAD = [
    (
        "unknown parameter",
        '[grid]\n"event.suspensoin" = [0.0]\n',
        [],
        "unknown parameter (did you mean event.suspension?)",
    ),
    ("empty grid", "[grid]\n", [], "grid: is empty"),
    (
        "bad range",
        '[sample]\nmethod = "random"\nn = 2\n"event.rounds" = [5, 1]\n',
        [],
        "low must be below high",
    ),
    (
        "unknown method",
        '[sample]\nmethod = "grid"\nn = 2\n"event.rounds" = [1, 5]\n',
        [],
        "'grid' is not a sampling method",
    ),
    (
        "serial with workers",
        GRID,
        ["--backend", "serial", "--workers", "2"],
        "--backend serial runs one run at a time",
    ),
    (
        "scheduler without dask",
        GRID,
        ["--backend", "process", "--scheduler", "tcp://h:1"],
        "needs --backend dask",
    ),
    ("unknown run", GRID, ["--config-of", "p7-r7"], "--config-of:"),
]


@pytest.mark.parametrize(("case", "body", "options", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_one_line_and_exit_status_2(tmp_path, capsys, case, body, options, message):
    path = write(tmp_path, body)
    code, out, err = exsim_cli(
        capsys, "sweep", path, "--out", tmp_path / "out", "--quiet", *options
    )
    assert code == 2
    assert out == ""
    assert err.startswith("exsim: error: ") and err.count("\n") == 1, err
    assert message in err


def test_missing_sweep_file(tmp_path, capsys):
    code, _, err = exsim_cli(capsys, "sweep", tmp_path / "nope.toml", "--quiet")
    assert code == 2 and err == f"exsim: error: {tmp_path / 'nope.toml'}: no such file\n"


def test_a_folder_holding_another_sweep(tmp_path, capsys):
    first = write(tmp_path, GRID, "first.toml")
    second = write(tmp_path, GRID.replace("1.0]", "0.5]"), "second.toml")
    assert exsim_cli(capsys, "sweep", first, "--out", tmp_path / "out", "--quiet")[0] == 0
    code, out, err = exsim_cli(capsys, "sweep", second, "--out", tmp_path / "out", "--quiet")
    assert code == 2 and err.count("\n") == 1
    assert "holds another sweep (from" in err and "differs in grid" in err
    runs = exsim.load_results(tmp_path / "out").runs
    assert runs["event.suspension"].tolist() == [0.0, 1.0]  # untouched


def test_failed_runs_give_exit_status_1_and_are_listed(tmp_path, capsys, monkeypatch):
    real = exsim.runs.single.simulate

    def flaky(config):
        if config.source.endswith("p1-r0"):
            raise ValueError("no convergence")
        return real(config)

    monkeypatch.setattr("exsim.runs.single.simulate", flaky)
    code, out, err = exsim_cli(capsys, "sweep", write(tmp_path, GRID), "--out", tmp_path / "out")
    assert code == 1
    assert "1 of 2 runs done, 1 failed" in out
    seed = exsim.load_results(tmp_path / "out").runs.set_index("run_id").loc["p1-r0", "seed"]
    assert f"exsim: run p1-r0 (seed {seed}) failed: ValueError: no convergence" in err
    assert "failed=1" in err and "2/2" in err  # the progress bar
    monkeypatch.undo()
    code, out, _ = exsim_cli(capsys, "sweep", write(tmp_path, GRID), "--out", tmp_path / "out")
    assert code == 0 and "2 of 2 runs done, 0 failed; this time 1 in" in out


def test_dry_run_and_config_of_a_run(tmp_path, capsys):
    code, out, _ = exsim_cli(capsys, "sweep", DEMO, "--dry-run")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("# 6 runs: 2 points x 3 replicates")
    assert lines[1] == "run_id\tseed\tevent.suspension"
    assert lines[2].startswith("p0-r0\t") and len(lines) == 8
    code, toml, _ = exsim_cli(capsys, "sweep", DEMO, "--config-of", "p1-r2")
    assert code == 0
    config_file = tmp_path / "p1-r2.toml"
    config_file.write_text(toml, encoding="utf-8")
    # exsim run on that config repeats the run (the sweep's copy of it: test_sweep_backends)
    assert exsim_cli(capsys, "run", config_file, "--out", tmp_path / "one")[0] == 0
    alone = pd.read_csv(tmp_path / "one" / "timeseries.csv")
    plan = exsim.runs.load_sweep(DEMO)
    assert f"seed = {plan.get('p1-r2').seed}" in toml
    expected = exsim.run(plan.config("p1-r2")).timeseries
    pd.testing.assert_frame_equal(alone, expected, check_dtype=False, rtol=1e-12)


def test_demo_sweep_from_the_shell(tmp_path):
    command = [
        sys.executable,
        "-m",
        "exsim",
        "sweep",
        str(DEMO),
        "--out",
        str(tmp_path / "d"),
        "--quiet",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "6 of 6 runs done, 0 failed; this time 6 in" in done.stdout
    assert len(exsim.load_results(tmp_path / "d").timeseries) == 6 * 25


def test_the_sweep_command_does_not_slow_down_help():
    code = (
        "import sys, exsim.cli.sweep_command as c, argparse\n"
        "p = argparse.ArgumentParser(); c.add(p.add_subparsers())\n"
        "heavy = ('numpy', 'pandas', 'pyarrow', 'mesa', 'dask', 'distributed', 'tqdm')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr


KILL_SWEEP = """replicates = 8
seed = 31337
[grid]
"event.suspension" = [0.0, 0.5, 1.0]
"""


def recorded(out: Path) -> int:
    try:
        return len(exsim.load_results(out).runs)
    except ConfigError:  # no manifest yet
        return 0


def test_sigkill_mid_sweep_then_resume_equals_an_uninterrupted_sweep(tmp_path):
    path = tmp_path / "kill.toml"
    path.write_text(f"base = '{BASE}'\nsteps = 20\n" + KILL_SWEEP, encoding="utf-8")
    out = tmp_path / "killed"
    command = [
        sys.executable,
        "-m",
        "exsim",
        "sweep",
        str(path),
        "--out",
        str(out),
        "--workers",
        "2",
        "--batch-size",
        "4",
        "--quiet",
    ]
    proc = subprocess.Popen(
        command,
        cwd=tmp_path,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        while recorded(out) < 4:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        # its pool workers see their parent gone and exit by themselves
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            pytest.fail("worker processes outlived the killed sweep")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.stderr.close()
    before = exsim.load_results(out).runs
    assert 4 <= len(before) < 24 and before["run_id"].is_unique
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert "24 of 24 runs done, 0 failed" in resumed.stdout
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sessions"][-1]["ran"] == 24 - len(before)  # only what was missing
    assert manifest["sessions"][0]["status"] == "running"  # the killed one never finished
    reference = tmp_path / "reference"
    exsim.sweep(path, reference, progress=False)
    got, want = exsim.load_results(out), exsim.load_results(reference)
    assert got.runs["run_id"].is_unique and len(got.runs) == 24
    pd.testing.assert_frame_equal(got.runs, want.runs)
    pd.testing.assert_frame_equal(got.timeseries, want.timeseries)
    pd.testing.assert_frame_equal(got.events, want.events)
    assert list((out / "pending").iterdir()) == []
