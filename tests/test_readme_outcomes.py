"""The README's section on user outcomes, `record`, Parquet metadata and CSV export: every
example is run here as written, and its output compared with what the README quotes."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from exsim.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(scope="module")
def section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Your own outcomes")
    return text[start : text.index("\n## ", start + 1)]


def blocks(section: str, language: str) -> list[str]:
    """The section's fenced blocks in `language` ("" for those without one), in order."""
    found = re.findall(r"^```(\w*)\n(.*?)^```$", section, re.S | re.M)
    return [body for lang, body in found if lang == language]


def printed(code: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    return out.getvalue().strip()


def untimed(line: str) -> str:
    """`line` without the wall time and rate a sweep reports (they vary run to run)."""
    return re.sub(r"in [\d.]+ s \(serial, [\d.]+ runs/s\)", "in T s (serial, R runs/s)", line)


def quoted_prints(section: str) -> list[str]:
    return re.findall(r"prints `([^`]+)`", section)


@pytest.fixture(scope="module")
def study(
    section,
    tmp_path_factory,
) -> Path:
    """my_study/ as the README describes it, and the sweep it shows, run and exported."""
    root = tmp_path_factory.mktemp("readme")
    python, _ = blocks(section, "python")
    function = python[python.index("def dissent") : python.index("model = ")]
    (root / "my_study").mkdir()
    (root / "my_study" / "my_outcomes.py").write_text(function, encoding="utf-8")
    model, sweep = blocks(section, "toml")
    (root / "my_study" / "model.toml").write_text(model, encoding="utf-8")
    (root / "my_study" / "sweep.toml").write_text(sweep, encoding="utf-8")
    return root


def test_the_python_outcome_example_prints_what_the_readme_says(section):
    python = blocks(section, "python")[0]
    assert printed(python) == quoted_prints(section)[0]


def test_the_config_sweep_and_export_give_what_the_readme_says(section, study, monkeypatch, capsys):
    monkeypatch.chdir(study)
    shown = blocks(section, "")[0].splitlines()
    commands = [line.removeprefix("$ exsim ").split() for line in shown if line.startswith("$")]
    outputs = []
    for command in commands:
        assert main(command) == 0
        outputs += capsys.readouterr().out.splitlines()
    assert list(map(untimed, outputs)) == [
        untimed(line) for line in shown if not line.startswith("$")
    ]
    runs = pd.read_csv("results/dissent_sweep/csv/runs.csv")
    assert len(runs) == 4 and runs[["final_dissent", "mean_dissent"]].notna().all().all()
    series = pd.read_csv("results/dissent_sweep/csv/timeseries.csv")
    assert len(series) == 4 and set(series["step"]) == {24}  # record = "final"
    assert "dissent" in series.columns


def test_the_parquet_metadata_example_prints_what_the_readme_says(section, study, monkeypatch):
    monkeypatch.chdir(study)
    if not Path("results/dissent_sweep").exists():
        main(["sweep", "my_study/sweep.toml", "--out", "results/dissent_sweep", "--quiet"])
    python = blocks(section, "python")[1]
    assert printed(python) == quoted_prints(section)[1]
