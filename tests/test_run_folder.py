"""A run's folder holds one run's files, the earlier or the new, never a mix, and what a
killed write leaves is removed by the next one."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path

import pytest

from exsim.runs.files import write_folder

NAMES = ("timeseries.csv", "events.csv", "agents.csv", "config.toml", "outcomes.png")


def writers(tag: str, die_after: int | None = None, fail_after: int | None = None):
    def make(i, name):
        def write(path):
            assert Path(path).suffix == Path(name).suffix  # writers pick formats by suffix
            if die_after is not None and i == die_after:
                os.kill(os.getpid(), signal.SIGKILL)  # the process dies mid-write
            if fail_after is not None and i == fail_after:
                raise RuntimeError("disk full")
            Path(path).write_text(f"{tag} {name}\n")

        return write

    return {name: make(i, name) for i, name in enumerate(NAMES)}


def contents(out: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in out.iterdir()}


def hidden(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob(".*")]


def test_a_new_run_replaces_the_old_one_whole(tmp_path):
    out = tmp_path / "run"
    write_folder(out, writers("old"))
    write_folder(out, writers("new"))
    assert contents(out) == {name: f"new {name}\n" for name in NAMES}
    assert hidden(tmp_path) == []


def test_a_failed_write_leaves_the_old_run_and_nothing_else(tmp_path):
    out = tmp_path / "run"
    write_folder(out, writers("old"))
    with pytest.raises(RuntimeError, match="disk full"):
        write_folder(out, writers("new", fail_after=3))
    assert contents(out) == {name: f"old {name}\n" for name in NAMES}
    assert hidden(tmp_path) == []


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="needs fork to kill a writer"
)
@pytest.mark.parametrize("die_after", range(len(NAMES)))
def test_a_killed_write_leaves_one_run_and_the_next_write_cleans_up(tmp_path, die_after):
    out = tmp_path / "run"
    write_folder(out, writers("old"))
    child = multiprocessing.get_context("fork").Process(
        target=write_folder, args=(out, writers("new", die_after=die_after))
    )
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL
    assert contents(out) == {name: f"old {name}\n" for name in NAMES}
    assert hidden(tmp_path)  # the killed write's folder, beside the run
    write_folder(out, writers("next"))
    assert contents(out) == {name: f"next {name}\n" for name in NAMES}
    assert hidden(tmp_path) == []


def test_a_folder_holding_other_files_keeps_them(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    write_folder(out, writers("new"))
    assert contents(out) == {"notes.txt": "mine", **{n: f"new {n}\n" for n in NAMES}}
    assert hidden(tmp_path) == []


def test_a_failed_write_into_a_folder_holding_other_files_adds_nothing(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(RuntimeError, match="disk full"):
        write_folder(out, writers("new", fail_after=3))
    assert contents(out) == {"notes.txt": "mine"}  # not the three files written before
    assert hidden(tmp_path) == []
