"""Every experiment script runs end to end at a tiny size and writes its table."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow  # CI's stages on other versions skip it

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = {
    "kept_vs_suspended": ["kept_vs_suspended.csv", "kept_vs_suspended.png"],
    "formats_by_facilitation": ["formats_by_facilitation.csv", "formats_by_facilitation.svg"],
    "carry_over": ["carry_over.csv", "trajectories.png"],
    "who_attends": ["who_attends.csv", "forest.png"],
    "j_curve": ["j_curve.csv", "j_curve.png"],
}


@pytest.mark.parametrize("name", SCRIPTS)
def test_experiment_runs_at_tiny_size(name, tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "experiments" / f"{name}.py"),
            "--replicates",
            "2",
            "--steps",
            "8",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for file in SCRIPTS[name]:
        assert (tmp_path / file).stat().st_size > 0, file
    table = pd.read_csv(tmp_path / SCRIPTS[name][0])
    assert len(table) > 0
    assert "| " in done.stdout  # the headline table is printed


def test_every_script_is_tested():
    scripts = {p.stem for p in (ROOT / "experiments").glob("*.py") if not p.stem.startswith("_")}
    assert scripts == set(SCRIPTS)
