"""Sensitivity analysis: SALib wiring checked on a function with known indices, the
command end to end, and bad specs."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("SALib")

from exsim.analysis.sensitivity import analyse, load_sensitivity  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "configs" / "exchange_network.toml"


def spec_file(tmp_path, method="sobol", n=256, extra=""):
    path = tmp_path / "spec.toml"
    path.write_text(
        f'base = "{BASE}"\nmethod = "{method}"\nn = {n}\nreplicates = 1\nseed = 5\n'
        f'steps = 6\noutcomes = ["challenges"]\n{extra}'
        '[parameters]\n"event.suspension" = [0.0, 1.0]\n"event.facilitation" = [0.0, 1.0]\n'
    )
    return path


def toy_runs(spec, f):
    """A runs table whose outcome is a known function of the sampled parameters."""
    points = pd.DataFrame(list(spec.sweep.points))
    y = f(points["event.suspension"].to_numpy(), points["event.facilitation"].to_numpy())
    return points.assign(point=np.arange(len(points)), status="done", mean_challenges=y)


def test_sobol_recovers_the_indices_of_a_linear_function(tmp_path):
    # y = 4 x1 + x2 with x uniform on [0, 1]: S1 = 16/17 and 1/17, no interaction (ST = S1)
    spec = load_sensitivity(spec_file(tmp_path))
    indices = analyse(spec, toy_runs(spec, lambda a, b: 4 * a + b)).set_index("parameter")
    assert indices.loc["event.suspension", "S1"] == pytest.approx(16 / 17, abs=0.06)
    assert indices.loc["event.facilitation", "S1"] == pytest.approx(1 / 17, abs=0.03)
    assert indices.loc["event.suspension", "ST"] == pytest.approx(16 / 17, abs=0.06)


def test_sobol_sees_an_interaction(tmp_path):
    # y = x1 * x2: total indices exceed first-order ones
    spec = load_sensitivity(spec_file(tmp_path))
    indices = analyse(spec, toy_runs(spec, lambda a, b: (a - 0.5) * (b - 0.5))).set_index(
        "parameter"
    )
    assert (indices["ST"] > indices["S1"] + 0.5).all()


def test_morris_ranks_parameters_by_their_effect(tmp_path):
    spec = load_sensitivity(spec_file(tmp_path, "morris", n=20))
    indices = analyse(spec, toy_runs(spec, lambda a, b: 3 * a + 0.2 * b)).set_index("parameter")
    assert indices.loc["event.suspension", "mu_star"] == pytest.approx(3.0, rel=0.05)
    assert indices.loc["event.facilitation", "mu_star"] == pytest.approx(0.2, rel=0.05)


def test_missing_points_are_reported(tmp_path):
    spec = load_sensitivity(spec_file(tmp_path, n=8))
    runs = toy_runs(spec, lambda a, b: a).iloc[:-3]
    with pytest.raises(Exception, match="points have no finished run"):
        analyse(spec, runs)


def test_sensitivity_command_end_to_end(tmp_path):
    spec = spec_file(tmp_path, "morris", n=3)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "exsim",
            "sensitivity",
            str(spec),
            "--out",
            str(tmp_path / "o"),
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    indices = pd.read_csv(tmp_path / "o" / "indices.csv")
    assert set(indices["parameter"]) == {"event.suspension", "event.facilitation"}
    assert (tmp_path / "o" / "indices.png").stat().st_size > 0
    assert (tmp_path / "o" / "runs" / "manifest.json").exists()


@pytest.mark.parametrize(
    "change, expected",
    [
        (('method = "morris"', 'method = "fast"'), "method: 'fast' is not known"),
        (('"event.facilitation" = [0.0, 1.0]\n', ""), "at least two parameters"),
        (('[0.0, 1.0]\n"event.facilitation"', '[1.0, 0.0]\n"event.facilitation"'), "low < high"),
        (('outcomes = ["challenges"]', 'outcomes = ["challenge"]'), "did you mean challenges"),
        (('"event.suspension"', '"event.suspensoin"'), "unknown parameter"),
    ],
)
def test_bad_specs_are_one_line_errors(tmp_path, change, expected):
    path = spec_file(tmp_path, "morris", n=3)
    path.write_text(path.read_text().replace(*change))
    done = subprocess.run(
        [sys.executable, "-m", "exsim", "sensitivity", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert expected in done.stderr and "Traceback" not in done.stderr
