"""Every experiment script runs end to end at a tiny size and writes its table."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.slow  # CI's stages on other versions skip it

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = {
    "kept_vs_suspended": ["kept_vs_suspended.csv", "kept_vs_suspended.png"],
    "formats_by_facilitation": ["formats_by_facilitation.csv", "formats_by_facilitation.svg"],
    "carry_over": ["carry_over.csv", "trajectories.png", "project_outcomes_by_design.csv"],
    "who_attends": ["who_attends.csv", "forest.png"],
    "j_curve": ["j_curve.csv", "j_curve.png"],
    "epistemic_margin": ["epistemic_margin.csv", "epistemic_margin.png"],
    "where_suspension_helps": ["where_suspension_helps.csv", "where_suspension_helps.png"],
    "suspension_ablations": ["suspension_ablations.csv"],
    "project_uptake_composition": ["project_uptake_composition.csv", "paired_differences.csv"],
}
EXTRA = {
    "where_suspension_helps": ["--sets", "6", "--workers", "1"],
    "suspension_ablations": ["--sets", "2", "--workers", "1"],
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
            *EXTRA.get(name, []),
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


# --- scenario discovery (experiments/_discovery.py) ---------------------------------------

sys.path.insert(0, str(ROOT / "experiments"))
from _discovery import VERDICTS, by_quarter, discover, drivers, verdict  # noqa: E402


def random_sets(n=200, d=30, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.random((n, d)), columns=[f"p{i}" for i in range(d)]), rng


def test_prim_finds_a_planted_box_and_names_only_its_parameter():
    sets, rng = random_sets()
    hits = (sets["p3"] > 0.6).to_numpy() & (rng.random(len(sets)) < 0.95)
    found = discover(sets, hits)
    assert found["box"].startswith("p3 0.5") or found["box"].startswith("p3 0.6"), found
    assert "p1 " not in found["box"] and found["density"] > 0.8


def test_prim_on_noise_names_no_parameter():
    sets, rng = random_sets(seed=1)
    for _ in range(3):
        found = discover(sets, rng.random(len(sets)) < 0.3)
        assert found["box"] == "none stands out", found


def test_drivers_name_the_parameter_that_moves_the_difference():
    sets, rng = random_sets(seed=2)
    difference = pd.Series(2.0 * sets["p7"] + rng.normal(0, 0.2, len(sets)), index=sets.index)
    assert drivers(sets, difference).startswith("p7 (+0.9")
    assert drivers(sets, pd.Series(rng.normal(size=len(sets)), index=sets.index)) == "none"


def test_verdicts_by_quarter_of_a_planted_driver_add_up():
    """A difference that grows with p5 over its range 0 to 1: the quarters of p5 hold the
    sets that fall in them, every verdict counted (their counts add up to the sets), and
    the lowest quarter lowers where the highest raises."""
    sets, rng = random_sets(seed=3)
    difference = pd.Series(sets["p5"] - 0.5 + rng.normal(0, 0.05, len(sets)), index=sets.index)
    verdict_of = np.where(
        difference > 0.1, "raises", np.where(difference < -0.1, "lowers", "mixed")
    ).astype(object)
    verdict_of[:4] = ["no effect", "undefined", "no effect", "undefined"]
    mine = pd.DataFrame({"verdict": verdict_of, "difference": difference}, index=sets.index)
    ranges = {name: (0.0, 1.0) for name in sets.columns}
    rows = [r for r in by_quarter(sets, mine, ranges) if r["driver"] == "p5"]
    assert [r["quarter"] for r in rows] == ["0–0.25", "0.25–0.5", "0.5–0.75", "0.75–1"]
    assert [r["sets"] for r in rows] == np.histogram(sets["p5"], [0, 0.25, 0.5, 0.75, 1])[
        0
    ].tolist()
    assert all(sum(r[v] for v in VERDICTS) == r["sets"] for r in rows)
    assert rows[0]["lowers"] > rows[0]["raises"] and rows[3]["raises"] > rows[3]["lowers"]
    noise = pd.DataFrame({"verdict": "mixed", "difference": rng.normal(size=len(sets))})
    assert by_quarter(sets, noise.set_index(sets.index), ranges) == [{"driver": "none passes"}]
    assert by_quarter(sets[:10], mine[:10], ranges) == [{"driver": "too few sets"}]


@pytest.mark.parametrize(
    ("differences", "want"),
    [
        ([1, 2, 3, 0.5], "raises"),
        ([-1, -2, -3, 0.5], "lowers"),
        ([0, 0, 0, 0], "no effect"),
        ([1, -1, 1, -1], "mixed"),
        ([1, 2, 3, float("nan")], "undefined"),
    ],
)
def test_verdicts_follow_the_seed_rule(differences, want):
    assert verdict(pd.Series(differences, dtype=float), agree=3) == want


def test_where_suspension_helps_refuses_an_agreement_rule_that_cannot_decide(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "experiments" / "where_suspension_helps.py"),
         "--replicates", "4", "--agree", "2", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "--agree" in done.stderr
    assert not any(tmp_path.iterdir())


# --- epistemic advantage on the margin (experiments/epistemic_margin.py) ------------------


def test_margin_advantage_is_devaluing_minus_devalued_error():
    from epistemic_margin import group_errors

    agents = pd.DataFrame(
        {
            "role": ["patient", "carer", "clinician", "researcher", "manager"],
            "error_experiential": [0.1, 0.3, 9.0, 0.5, 0.7],
            "error_clinical": [0.2, 0.2, 9.0, 0.4, 0.4],
            "error_research": [0.2, 0.2, 9.0, 0.1, 0.4],
            "error_organisational": [0.2, 0.2, 9.0, 0.4, 0.1],
        }
    )
    got = group_errors(agents)
    assert got["devalued_experiential"] == pytest.approx(0.2)
    assert got["devaluing_experiential"] == pytest.approx(0.6)
    assert got["devalued_error"] == pytest.approx(0.2)  # clinicians are in neither group
    assert got["devaluing_error"] == pytest.approx(0.375)
    assert got["advantage"] == pytest.approx(0.175)  # above 0: the margin is more accurate
    assert got["devaluing_other"] == pytest.approx(0.3)


def test_margin_advantage_is_nan_when_a_group_is_absent():
    from epistemic_margin import group_errors

    errors = {
        f"error_{k}": [0.1] for k in ("experiential", "clinical", "research", "organisational")
    }
    got = group_errors(pd.DataFrame({"role": ["patient"], **errors}))
    assert np.isnan(got["devaluing_error"]) and np.isnan(got["advantage"])
