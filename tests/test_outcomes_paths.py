"""An outcome a config adds, through the paths not covered elsewhere: `exsim plot` and
`exsim sensitivity` on the command line, and a rerun from a run folder's config.toml
(`Config.to_toml`), which finds the module where it was declared or says it cannot."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import exsim
from exsim.analysis.compare import compare
from exsim.cli import main
from exsim.config import load_config

OUTCOMES = """
def dissent(model):
    return float((model.population.endorsement < 0.5).mean())
"""


@pytest.fixture()
def study(tmp_path: Path) -> Path:
    folder = tmp_path / "study"
    folder.mkdir()
    (folder / "my_outcomes.py").write_text(OUTCOMES, encoding="utf-8")
    (folder / "model.toml").write_text(
        '[outcomes]\ndissent = "my_outcomes:dissent"\n', encoding="utf-8"
    )
    return folder


def test_plot_draws_an_outcome_the_sweep_config_adds(study, capsys):
    (study / "grid.toml").write_text(
        'base = "model.toml"\nreplicates = 2\nsteps = 4\n[grid]\n"event.suspension" = [0.0, 1.0]\n',
        encoding="utf-8",
    )
    out = study / "out"
    exsim.sweep(study / "grid.toml", out, progress=False)
    assert main(["plot", str(out), "--outcomes", "dissent,final_dissent"]) == 0
    names = {p.name for p in (out / "figures").iterdir()}
    assert {
        "mean_dissent_by_event.suspension.png",
        "final_dissent_by_event.suspension.png",
        "timeseries_dissent_by_event.suspension.png",
    } <= names
    assert main(["plot", str(out), "--outcomes", "dissnet"]) == 2  # still checked
    assert "dissnet: unknown outcome" in capsys.readouterr().err


def test_sensitivity_command_with_an_outcome_the_config_adds(study, capsys):
    pytest.importorskip("SALib")
    (study / "morris.toml").write_text(
        'base = "model.toml"\nmethod = "morris"\nn = 10\nreplicates = 1\nseed = 3\n'
        'steps = 3\noutcomes = ["dissent", "final_dissent"]\n'
        '[parameters]\n"event.suspension" = [0.0, 1.0]\n"event.facilitation" = [0.0, 1.0]\n',
        encoding="utf-8",
    )
    code = main(["sensitivity", str(study / "morris.toml"), "--out", str(study / "s"), "--quiet"])
    assert code == 0
    indices = pd.read_csv(study / "s" / "indices.csv")
    assert set(indices["outcome"]) == {"dissent", "final_dissent"}
    assert indices["mu_star"].notna().all()


def test_a_run_folder_config_reruns_and_a_moved_module_folder_is_one_line(study, capsys):
    config = load_config(study / "model.toml")
    assert '"my_outcomes:dissent"' in config.to_toml() and str(study.resolve()) in config.to_toml()
    exsim.run(config, seed=3, steps=6).write(study.parent / "first")
    rerun = study.parent / "first" / "config.toml"
    assert main(["run", str(rerun), "--out", str(study.parent / "again")]) == 0
    first, again = (pd.read_csv(study.parent / d / "timeseries.csv") for d in ("first", "again"))
    pd.testing.assert_frame_equal(first, again)
    assert first["dissent"].notna().all()

    study.rename(study.with_name("moved"))
    capsys.readouterr()
    assert main(["run", str(rerun), "--out", str(study.parent / "third")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "outcomes.dissent" in err and "is not there any more" in err
    assert not (study.parent / "third").exists()


def test_modules_of_one_name_in_two_folders_stay_apart(tmp_path: Path):
    """Each config's folder is searched first, even when another folder's module of the
    same name was imported before (a reviewer's finding: both got the first one's)."""
    for name, body in (("a", "float(model.population.voice.mean())"), ("b", "1000.0")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "metrics.py").write_text(
            f"def voice_avg(model):\n    return {body}\n", encoding="utf-8"
        )
        (tmp_path / name / "cfg.toml").write_text(
            '[outcomes]\nvoice_avg = "metrics:voice_avg"\n', encoding="utf-8"
        )
    comparison = compare(
        [tmp_path / "a" / "cfg.toml", tmp_path / "b" / "cfg.toml"],
        replicates=2,
        steps=3,
        names=["a", "b"],
        outcomes=["voice_avg"],
    )
    rows = comparison.table.query("outcome == 'voice_avg'").set_index("design")["mean"]
    assert rows["b"] == 1000.0 and 0.0 <= rows["a"] <= 1.0  # not the same module twice
