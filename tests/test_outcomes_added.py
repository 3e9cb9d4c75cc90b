"""Outcomes a user adds (in Python, the Mesa way, in a config) are recorded like the
built-ins; what a sweep records; month 0; self-describing Parquet; reprs."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

import exsim
from exsim.analysis.compare import compare
from exsim.cli.notice import COMPILING
from exsim.config import load_config
from exsim.errors import ConfigError
from exsim.model import ExchangeModel
from exsim.model.registry import names


def error_lines(stderr: str) -> list[str]:
    """The lines of a command's standard error but the start-up notice, which a busy
    machine can print before an error raised during the run (`exsim.cli.notice`)."""
    return [line for line in stderr.strip().splitlines() if line != COMPILING]


OUTCOME_FILE = """
def mean_voice(model):
    return float(model.population.voice.mean())


def words(model):
    return "loud"


not_callable = 3
"""


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "my_outcomes.py").write_text(OUTCOME_FILE, encoding="utf-8")
    (tmp_path / "model.toml").write_text(
        '[run]\nsteps = 6\n[outcomes]\nvoice = "my_outcomes:mean_voice"\n', encoding="utf-8"
    )
    return tmp_path


def _voice(model):
    return float(model.population.voice.mean())


def test_an_outcome_added_in_python_is_recorded_every_step():
    model = ExchangeModel(rng=2, outcomes={"voice": _voice})
    model.datacollector._new_model_reporter("agents", lambda m: len(m.agents))  # Mesa's way
    for _ in range(3):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["voice"].tolist() == pytest.approx([_voice(model)] * 4)
    assert math.isnan(frame["agents"][0]) and frame["agents"][1:].tolist() == [54] * 3


def test_month_0_holds_no_session_outcome_and_state_outcomes_their_initial_values():
    result = exsim.run(seed=4, steps=4)
    first = result.timeseries.iloc[0]
    assert first[list(names("event") + names("project"))].isna().all()
    assert first[list(names("state"))].notna().all()
    assert result.timeseries.iloc[1:].notna().all().all()
    csv = result.timeseries.to_csv(index=False).splitlines()[1].split(",")
    assert csv[result.timeseries.columns.get_loc("speaking_equality")] == ""


def test_a_run_without_events_holds_no_event_outcome():
    series = exsim.run(exsim.default_config().replace(**{"event.every": 0}), 4, 5).timeseries
    assert series[list(names("event"))].isna().all().all()  # not 0: no event was held
    assert series.iloc[1:][list(names("project") + names("state"))].notna().all().all()


def test_a_config_outcome_reaches_the_run_the_sweep_and_the_comparison(folder):
    config = load_config(folder / "model.toml")
    result = exsim.run(config)
    assert result.timeseries["voice"].notna().all()
    (folder / "sweep.toml").write_text(
        'base = "model.toml"\nreplicates = 2\nrecord = "final"\n'
        '[grid]\n"event.suspension" = [0.0, 1.0]\n',
        encoding="utf-8",
    )
    report = exsim.sweep(folder / "sweep.toml", folder / "out", progress=False)
    runs = report.results().runs
    assert runs["final_voice"].notna().all() and len(runs) == 4
    series = report.results().table("timeseries")
    assert len(series) == 4 and set(series["step"]) == {6}  # record = "final": one row a run
    comparison = compare(
        [folder / "model.toml", folder / "model.toml"],
        replicates=2,
        steps=3,
        names=["a", "b"],
        outcomes=["voice"],
    )
    assert set(comparison.table["outcome"]) == {"voice"}


def test_record_every_n_months_keeps_those_and_the_final(folder):
    (folder / "sweep.toml").write_text("replicates = 1\nsteps = 7\nrecord = 3\n", "utf-8")
    report = exsim.sweep(folder / "sweep.toml", folder / "out", progress=False)
    assert report.results().table("timeseries")["step"].tolist() == [0, 3, 6, 7]


@pytest.mark.parametrize(
    ("reference", "says"),
    [
        ("nowhere:mean_voice", "no module 'nowhere'"),
        ("my_outcomes:absent", "has no 'absent'"),
        ("my_outcomes:not_callable", "is not callable"),
        ("my_outcomes:words", "not a number"),
    ],
)
def test_a_bad_reference_is_one_line_naming_the_file_and_key(folder, reference, says):
    path = folder / "bad.toml"
    path.write_text(f'[outcomes]\nloud = "{reference}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert str(path) in message and "outcomes.loud" in message and says in message
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "exsim",
            "run",
            str(path),
            "--steps",
            "1",
            "--out",
            str(folder / "never"),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and len(error_lines(done.stderr)) == 1
    assert not (folder / "never").exists()


def test_parquet_fields_describe_themselves(folder):
    (folder / "sweep.toml").write_text(
        'replicates = 1\nsteps = 2\n[grid]\n"event.suspension" = [0.0]\n', "utf-8"
    )
    exsim.sweep(folder / "sweep.toml", folder / "out", progress=False)
    runs = pq.read_schema(next((folder / "out" / "runs").glob("*.parquet")))
    meta = {f.name: {k.decode(): v.decode() for k, v in (f.metadata or {}).items()} for f in runs}
    assert meta["event.suspension"]["role"] == "parameter"
    assert meta["event.suspension"]["unit"] == "index (0-1)"  # parameters carry their unit
    assert meta["mean_challenges"]["unit"] == "challenges"
    assert meta["mean_challenges"]["summary"] == "mean over the months with an event"
    assert all(meta[name] for name in runs.names)
    series = pq.read_schema(next((folder / "out" / "timeseries").glob("*.parquet")))
    assert series.field("norm_endorsement").metadata[b"kind"] == b"state"


def test_reprs_are_short_and_the_signature_lists_parameters():
    import inspect

    assert "event_suspension" in inspect.signature(ExchangeModel).parameters
    result = exsim.run(seed=1, steps=2)
    assert len(repr(result)) < 300 and "seed 1" in repr(result)
    assert repr(ExchangeModel(rng=5)).startswith("<ExchangeModel seed=5 month 0/")
    assert np.isfinite(result.summary()["mean"]).all()


def test_sweep_results_export_to_csv(folder):
    (folder / "sweep.toml").write_text("replicates = 2\nsteps = 2\n", "utf-8")
    results = exsim.sweep(folder / "sweep.toml", folder / "out", progress=False).results()
    written = results.to_csv(folder / "csv")
    assert [p.name for p in written] == ["runs.csv", "timeseries.csv", "events.csv"]
    lines = (folder / "csv" / "timeseries.csv").read_text("utf-8").splitlines()
    assert len(lines) == 1 + 2 * 3 and ",," in lines[1]  # month 0: empty session cells


LATER = """
def later_none(model):
    return None if model.steps >= 2 else 1.0
"""


def test_an_outcome_that_returns_a_non_number_later_is_one_line(tmp_path: Path):
    """Month 0 is checked on load; a later month is caught by the run (a reviewer's
    finding: a traceback and exit 1, from `exsim run` and `exsim compare`)."""
    (tmp_path / "later.py").write_text(LATER, encoding="utf-8")
    path = tmp_path / "m.toml"
    path.write_text('[outcomes]\nx = "later:later_none"\n', encoding="utf-8")
    (tmp_path / "m2.toml").write_text(path.read_text("utf-8"), encoding="utf-8")
    model = ExchangeModel(rng=1, outcomes={"x": lambda m: None if m.steps >= 2 else 1.0})
    model.step()
    with pytest.raises(ConfigError, match=r"outcome 'x': returned None at month 2"):
        model.step()
    commands = [
        ["run", str(path), "--steps", "3", "--out", str(tmp_path / "never")],
        ["compare", str(path), str(tmp_path / "m2.toml"), "--replicates", "2", "--steps", "3"]
        + ["--out", str(tmp_path / "never")],
    ]
    for command in commands:
        done = subprocess.run(
            [sys.executable, "-m", "exsim", *command], capture_output=True, text=True
        )
        assert done.returncode == 2 and len(error_lines(done.stderr)) == 1
        assert "outcomes.x: returned None at month 2, not a number" in done.stderr
        assert str(path) in done.stderr and not (tmp_path / "never").exists()


def test_a_resume_with_an_edited_outcome_module_is_refused(folder, capsys):
    """The manifest keeps each outcome module's SHA-256; resuming after the module was
    edited would mix two definitions of one column, so it is one line naming it."""
    import hashlib
    import json

    from exsim.cli import main

    (folder / "sweep.toml").write_text('base = "model.toml"\nreplicates = 2\nsteps = 2\n', "utf-8")
    exsim.sweep(folder / "sweep.toml", folder / "out", progress=False)
    manifest = json.loads((folder / "out" / "manifest.json").read_text("utf-8"))
    module = folder / "my_outcomes.py"
    digest = hashlib.sha256(module.read_bytes()).hexdigest()
    assert manifest["outcome_files"]["voice"] == {"file": str(module), "sha256": digest}
    exsim.sweep(folder / "sweep.toml", folder / "out", progress=False)  # unchanged: resumes
    module.write_text(OUTCOME_FILE.replace("voice.mean()", "voice.max()"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"outcomes\.voice: its module .*my_outcomes\.py"):
        exsim.sweep(folder / "sweep.toml", folder / "out", progress=False)
    capsys.readouterr()
    assert main(["sweep", str(folder / "sweep.toml"), "--out", str(folder / "out")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and str(module) in err
