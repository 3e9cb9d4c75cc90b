"""docs/ODD.md stays true to the code: its parameter table and its list of outputs."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from exsim.model import ExchangeModel
from exsim.model.parameters import PARAMETERS

ROOT = Path(__file__).resolve().parent.parent
ODD = ROOT / "docs" / "ODD.md"
GENERATOR = ROOT / "docs" / "parameter_table.py"


def _load_generator():
    spec = importlib.util.spec_from_file_location("parameter_table", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator():
    return _load_generator()


@pytest.fixture(scope="module")
def odd_text() -> str:
    return ODD.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def short_run() -> ExchangeModel:
    model = ExchangeModel(rng=11, event_every=2)
    for _ in range(5):
        model.step()
    return model


def test_odd_parameter_table_matches_the_code(generator, odd_text):
    documented = generator.current_table(odd_text)
    assert documented == generator.markdown_table(), (
        "docs/ODD.md's parameter table is out of date: run `python docs/parameter_table.py --write`"
    )


def test_generated_table_has_one_row_per_parameter(generator):
    rows = generator.markdown_table().splitlines()[2:]
    names = [re.match(r"\| `([^`]+)` \|", row).group(1) for row in rows]
    assert names == list(PARAMETERS)


def test_check_passes_on_the_odd(generator, capsys):
    assert generator.main(["--check"]) == 0


def test_check_fails_and_write_repairs_a_stale_table(generator, odd_text, tmp_path, capsys):
    stale = tmp_path / "ODD.md"
    table = generator.markdown_table()
    stale.write_text(
        generator.replace_table(odd_text, table.replace("| `54` |", "| `55` |")), "utf-8"
    )
    assert generator.main(["--check", "--odd", str(stale)]) == 1
    assert "parameter table differs" in capsys.readouterr().err
    assert generator.main(["--write", "--odd", str(stale)]) == 0
    assert generator.main(["--check", "--odd", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == odd_text


def test_check_fails_without_markers(generator, tmp_path, capsys):
    bare = tmp_path / "ODD.md"
    bare.write_text("# no table here\n", "utf-8")
    assert generator.main(["--check", "--odd", str(bare)]) == 1
    assert "expected one line" in capsys.readouterr().err


def test_every_output_column_is_named_in_the_odd(short_run, odd_text):
    timeseries = short_run.datacollector.get_model_vars_dataframe()
    events = short_run.datacollector.get_table_dataframe("events")
    assert len(events) > 0, "the short run should hold at least one event"
    columns = list(timeseries.columns) + list(events.columns)
    missing = [c for c in dict.fromkeys(columns) if f"`{c}`" not in odd_text]
    assert not missing, f"output columns not described in docs/ODD.md: {missing}"


def test_odd_outcome_table_matches_the_registry(generator, odd_text):
    marks = (generator.OUTCOMES_START, generator.OUTCOMES_END)
    assert generator.current_table(odd_text, marks) == generator.outcome_table(), (
        "docs/ODD.md's outcome table is out of date: run `python docs/parameter_table.py --write`"
    )


def test_a_stale_outcome_table_fails_the_check(generator, odd_text, tmp_path, capsys):
    stale = tmp_path / "ODD.md"
    stale.write_text(odd_text.replace("| Event held (1 = yes) |", "| Event (yes) |"), "utf-8")
    assert generator.main(["--check", "--odd", str(stale)]) == 1
    assert "outcome table differs" in capsys.readouterr().err


def test_every_parameter_has_a_unit_and_the_odd_table_shows_it(generator):
    from exsim.model.parameter_units import UNITS

    assert set(UNITS) == set(PARAMETERS), "a parameter without a unit, or a unit without one"
    assert all(p.unit.strip() for p in PARAMETERS.values())
    rows = generator.markdown_table().splitlines()
    assert rows[0].split(" | ")[2] == "Unit"
    cells = {row.split(" | ")[0].strip("| `"): row.split(" | ")[2] for row in rows[2:]}
    assert cells["threat.contact"] == "share (0-1)"
    assert cells["event.every"] == "months"


def test_a_parameter_without_a_unit_fails_at_import():
    import subprocess
    import sys

    code = (
        "import sys, exsim.model.parameter_units as u\n"
        "del u.UNITS['run.seed']\n"
        "del sys.modules['exsim.model.parameters']\n"
        "import exsim.model.parameters\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode != 0 and "KeyError: 'run.seed'" in done.stderr


def test_units_say_what_the_numbers_count():
    assert PARAMETERS["project.rounds"].unit == "rounds per meeting"
    assert PARAMETERS["run.seed"].unit == "none (an identifier)"
