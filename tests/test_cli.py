"""The exsim command, run as a user would run it: outputs, exit status, error lines."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import exsim

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = str(ROOT / "configs" / "exchange_network.toml")


def exsim_cmd(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "exsim", *args], capture_output=True, text=True, cwd=cwd
    )


def test_run_prints_a_summary_and_writes_every_output(tmp_path):
    out = tmp_path / "out"
    done = exsim_cmd("run", DEFAULT, "--steps", "12", "--seed", "3", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "speaking_equality" in done.stdout and "belief_error" in done.stdout
    names = sorted(p.name for p in out.iterdir())
    assert names == ["agents.csv", "config.toml", "events.csv", "outcomes.png", "timeseries.csv"]
    ts = pd.read_csv(out / "timeseries.csv")
    assert list(ts["step"]) == list(range(13))
    assert len(pd.read_csv(out / "agents.csv")) == 54
    assert (out / "outcomes.png").read_bytes()[:4] == b"\x89PNG"


def test_resolved_config_reruns_exactly(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    args = ("--steps", "9", "--set", "event.suspension=0.5", "--seed", "11")
    assert exsim_cmd("run", DEFAULT, *args, "--out", str(first)).returncode == 0
    rerun = exsim_cmd("run", str(first / "config.toml"), "--out", str(second))
    assert rerun.returncode == 0, rerun.stderr
    for name in ("timeseries.csv", "events.csv", "agents.csv"):
        assert (first / name).read_text() == (second / name).read_text()


def test_same_seed_same_files_and_other_seed_differs(tmp_path):
    runs = {}
    for label, seed in (("a", "4"), ("b", "4"), ("c", "5")):
        out = tmp_path / label
        assert (
            exsim_cmd("run", DEFAULT, "--steps", "6", "--seed", seed, "--out", str(out)).returncode
            == 0
        )
        runs[label] = (out / "timeseries.csv").read_text()
    assert runs["a"] == runs["b"]
    assert runs["a"] != runs["c"]


def test_version_and_help():
    version = exsim_cmd("--version")
    assert version.returncode == 0
    assert version.stdout.strip() == f"exsim {exsim.__version__}"
    helped = exsim_cmd("--help")
    assert helped.returncode == 0 and "run" in helped.stdout
    run_help = exsim_cmd("run", "--help")
    assert "--set" in run_help.stdout and "--seed" in run_help.stdout


@pytest.mark.parametrize(
    "args, expected",
    [
        (["run", "missing.toml"], "missing.toml: no such file"),
        (["run", DEFAULT, "--set", "event.suspention=1"], "did you mean event.suspension?"),
        (["run", DEFAULT, "--set", "population.size=1"], "population.size = 1 is out of range"),
        (["run", DEFAULT, "--set", "nothing"], "use key=value"),
        (["run", DEFAULT, "--seed", "-1"], "--seed: must be an integer from 0 to"),
        (["run", DEFAULT, "--steps", "0"], "--steps: must be an integer from 1 to"),
        (["run", DEFAULT, "--steps", "x"], "is not a whole number"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_status_2(tmp_path, args, expected):
    done = exsim_cmd(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_bad_config_file_leaves_earlier_results_untouched(tmp_path):
    out = tmp_path / "out"
    assert exsim_cmd("run", DEFAULT, "--steps", "3", "--out", str(out)).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.toml"
    bad.write_text("[event]\nsuspension = 7\n")
    done = exsim_cmd("run", str(bad), "--out", str(out))
    assert done.returncode == 2
    assert str(bad) in done.stderr and "event.suspension" in done.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_failed_runs_are_listed_ten_at_most_then_counted(capsys):
    from exsim.cli.arguments import SHOWN_FAILURES, report_failures

    failures = [(f"p{k}-r0", k, "boom") for k in range(SHOWN_FAILURES + 2)]
    report_failures(failures, "the runs table")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == SHOWN_FAILURES + 1
    assert lines[0] == "exsim: run p0-r0 (seed 0) failed: boom"
    assert lines[-1] == "exsim: ... and 2 more failed runs; see the runs table"
    report_failures(failures[:1], "the runs table")
    assert capsys.readouterr().err.splitlines() == [lines[0]]


def test_compare_and_plot_describe_outcomes_alike(capsys):
    from exsim.cli import main

    shared = "separated by commas, named as in a sensitivity file"
    for command in ("compare", "plot"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert shared in text and "'list' lists them" in text


@pytest.mark.parametrize("command", ["compare", "plot"])
def test_outcomes_help_says_how_outcomes_are_summarised_as_the_registry_does(command, capsys):
    from exsim.cli import main
    from exsim.model.registry import OUTCOMES

    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"challenges: {OUTCOMES['challenges'].summary};" in text
    assert "mean over the run" not in text  # challenges is an event outcome
