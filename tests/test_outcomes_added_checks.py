"""Outcomes a user adds, checked as a fresh-eyes tester tried them: a function that raises
after month 0, a plain Mesa DataCollector, outcomes given as a list, names that clash
with a built-in column in another letter case, and the signature's seed."""

from __future__ import annotations

import inspect
import pickle
import subprocess
import sys
from pathlib import Path

import mesa
import pytest

from exsim.errors import ConfigError
from exsim.model import ExchangeModel

RAISES_LATER = """
def raises_later(model):
    if model.steps >= 2:
        raise ZeroDivisionError("boom")
    return 1.0
"""


def _voice(model):
    """Mean voice of the members (0 to 1)."""
    return float(model.population.voice.mean())


def test_an_outcome_that_raises_later_is_one_line_naming_file_key_type_and_month(tmp_path):
    """A tester's finding: a traceback and exit 1 from `exsim run`."""
    (tmp_path / "later.py").write_text(RAISES_LATER, encoding="utf-8")
    path = tmp_path / "m.toml"
    path.write_text('[outcomes]\nx = "later:raises_later"\n', encoding="utf-8")
    command = ["run", str(path), "--steps", "3", "--out", str(tmp_path / "never")]
    done = subprocess.run([sys.executable, "-m", "exsim", *command], capture_output=True, text=True)
    lines = [s for s in done.stderr.splitlines() if not s.startswith("exsim: loading")]
    assert done.returncode == 2 and len(lines) == 1, done.stderr  # (the first-compile notice aside)
    assert f"{path}: outcomes.x: raised ZeroDivisionError: boom at month 2" in done.stderr
    assert not (tmp_path / "never").exists()


def test_an_added_outcome_raising_in_python_names_it_and_the_month():
    def fails(model):
        return 1.0 / 0 if model.steps >= 1 else 0.0

    model = ExchangeModel(rng=1, outcomes={"x": fails})
    with pytest.raises(ConfigError, match=r"outcome 'x': raised ZeroDivisionError.* at month 1"):
        model.step()


def test_a_plain_mesa_datacollector_replaces_the_models():
    """The issue's measurement: ``Table does not exist`` at the first event."""
    model = ExchangeModel(rng=3)
    model.datacollector = mesa.DataCollector(model_reporters={"voice": _voice})
    for _ in range(4):
        model.step()
    assert model.events_held > 0
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["voice"].tolist() == pytest.approx([_voice(model)] * 4)


def test_outcomes_as_a_list_is_one_clear_type_error():
    with pytest.raises(TypeError, match="outcomes: give a mapping of names to functions"):
        ExchangeModel(rng=1, outcomes=[_voice])


@pytest.mark.parametrize("name", ["Step", "STEP", "Challenges", "Run_Id", "Final_x"])
def test_a_name_clashing_in_any_letter_case_is_refused(name):
    with pytest.raises(ValueError, match=f"outcome '{name}'"):
        ExchangeModel(rng=1, outcomes={name: _voice})


def test_an_added_outcome_keeps_its_docstring_and_pickles():
    model = ExchangeModel(rng=1, outcomes={"voice": _voice})
    added = model.added_outcomes["voice"]
    assert added.__doc__ == _voice.__doc__
    assert pickle.loads(pickle.dumps(added))(model) == _voice(model)


def test_the_signature_says_a_model_without_a_seed_draws_one():
    seed = inspect.signature(ExchangeModel).parameters["run_seed"]
    assert seed.default is None
    assert ExchangeModel().seed.entropy != ExchangeModel().seed.entropy


OUTCOME_FILE = '''
def mean_voice(model):
    """Mean voice of the members."""
    return float(model.population.voice.mean())
'''


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    (tmp_path / "my_outcomes.py").write_text(OUTCOME_FILE, encoding="utf-8")
    (tmp_path / "model.toml").write_text(
        '[run]\nsteps = 2\n[outcomes]\nvoice = "my_outcomes:mean_voice"\n', encoding="utf-8"
    )
    (tmp_path / "plain.toml").write_text("[run]\nsteps = 2\n", encoding="utf-8")
    return tmp_path


def test_outcomes_list_names_the_outcomes_a_config_adds(folder, capsys):
    from exsim.cli import main

    designs = [str(folder / "model.toml"), str(folder / "model.toml")]
    assert main(["compare", *designs, "--outcomes", "list"]) == 0
    assert "added by the designs (state): voice" in capsys.readouterr().out
    (folder / "sweep.toml").write_text('base = "model.toml"\nreplicates = 1\n', "utf-8")
    import exsim

    exsim.sweep(folder / "sweep.toml", folder / "out", progress=False)
    assert main(["plot", str(folder / "out"), "--outcomes", "list"]) == 0
    assert "added by the sweep's config (state): voice" in capsys.readouterr().out


def test_compare_refuses_an_outcome_one_design_lacks(folder, capsys):
    """A tester's finding: the outcome was dropped from the comparison without a word."""
    from exsim.cli import main

    designs = [str(folder / "model.toml"), str(folder / "plain.toml")]
    out = folder / "cmp"
    assert main(["compare", *designs, "--replicates", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "outcome 'voice' is added by" in err
    assert "plain.toml" in err and not out.exists()


def test_resuming_with_another_record_names_the_key_and_both_values(folder):
    import exsim

    spec = (folder / "sweep.toml", 'replicates = 1\nsteps = 2\nrecord = "final"\n')
    spec[0].write_text(spec[1], "utf-8")
    exsim.sweep(spec[0], folder / "out", progress=False)
    spec[0].write_text(spec[1].replace('"final"', "2"), "utf-8")
    with pytest.raises(ConfigError, match=r'record \("final" there, 2 here\)'):
        exsim.sweep(spec[0], folder / "out", progress=False)


def test_an_added_outcome_is_described_by_its_docstring_and_summarised(folder, capsys):
    import pyarrow.parquet as pq

    import exsim
    from exsim.cli import main

    (folder / "sweep.toml").write_text('base = "model.toml"\nreplicates = 1\n', "utf-8")
    exsim.sweep(folder / "sweep.toml", folder / "out", progress=False)
    for table, column in (("runs", "mean_voice"), ("timeseries", "voice")):
        schema = pq.read_schema(next((folder / "out" / table).glob("*.parquet")))
        assert schema.field(column).metadata[b"meaning"] == b"Mean voice of the members."
    assert main(["run", str(folder / "model.toml"), "--out", str(folder / "run")]) == 0
    printed = capsys.readouterr().out.splitlines()
    voice = next(line for line in printed if line.startswith("voice "))
    assert len(voice.split()) == 4  # start, end, mean
