"""A slow wait is announced on standard error; a quick one is not."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from exsim.cli import main, notice


def test_a_block_still_running_after_the_delay_is_announced(capsys):
    with notice.said_if_slow("still going", after=0.01):
        time.sleep(0.5)
    assert capsys.readouterr().err == "still going\n"


def test_a_quick_block_says_nothing(capsys):
    with notice.said_if_slow("still going", after=30):
        done = sum(range(10))
    time.sleep(0.05)
    assert done == 45
    assert capsys.readouterr().err == ""


def test_warm_up_leaves_the_compiled_rules_ready(capsys):
    from exsim.model import session

    notice.warm_up()
    assert session.hold_packed.signatures  # compiled or loaded from the cache (the model calls it)


def test_no_room_for_the_notice_thread_is_one_line_naming_the_memory_limit(
    monkeypatch, tmp_path, capsys
):
    """Under a tight `ulimit -v` (700000 on this machine class) the notice's thread cannot
    start: one line naming the process's limit and what is allowed, exit status 2,
    nothing written. (Simulated here: how much room a process has left varies.)"""

    def refused(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Timer, "start", refused)
    monkeypatch.setattr(notice, "address_limit", lambda: 700_000 * 1024)
    monkeypatch.setattr(notice, "check_room", lambda: None)  # the thread is what fails here
    out = tmp_path / "run"
    assert main(["run", "configs/exchange_network.toml", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "could not start a thread; this process's memory limit (ulimit -v) is 700000" in err
    assert f"ulimit -v {notice.ROOM_NEEDED}" in err
    assert list(tmp_path.iterdir()) == []


def test_the_readme_quotes_the_room_a_default_run_needs():
    """One figure, one source: the README's `ulimit -v` a default run starts under is
    `notice.ROOM_NEEDED`, the figure the error line gives."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"starts under `ulimit -v {notice.ROOM_NEEDED}`" in readme


@pytest.mark.parametrize("limit", [300_000, 700_000, 800_000])
def test_a_memory_limit_too_small_to_load_the_libraries_is_one_line(tmp_path, limit):
    """Under `ulimit -v` below `notice.ROOM_NEEDED` the libraries fail as they load, each in
    its own words (a fresh tester saw tracebacks, OpenBLAS's line and a run's unfinished
    folder left behind at 720000 to 800000): refused first, one line, exit 2, nothing
    written."""
    out = tmp_path / "run"
    config = Path(__file__).parents[1] / "configs" / "exchange_network.toml"
    command = f"ulimit -v {limit}; exec {sys.executable} -m exsim run {config} --out {out}"
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and f"(ulimit -v) is {limit} KiB" in done.stderr
    assert list(tmp_path.iterdir()) == []
