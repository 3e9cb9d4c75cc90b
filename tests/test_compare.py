"""Design comparison: planted differences are found, absent ones are not, files written."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import exsim
from exsim import load_config
from exsim.analysis.compare import compare, design_seeds
from exsim.analysis.comparison import compare_designs, comparison_markdown

ROOT = Path(__file__).resolve().parents[1]
DESIGNS = ROOT / "configs" / "designs"


def toy_metrics(shift: float, noise: float, n: int = 30, seed: int = 0) -> pd.DataFrame:
    """A toy 'model': per seed a shared luck term; design B adds `shift` plus own noise."""
    rng = np.random.default_rng(seed)
    luck = rng.normal(0.0, 1.0, n)
    rows = []
    for s in range(n):
        rows.append({"design": "A", "seed": s, "outcome": "y", "role": "all", "value": luck[s]})
        b = luck[s] + shift + rng.normal(0.0, noise)
        rows.append({"design": "B", "seed": s, "outcome": "y", "role": "all", "value": b})
    return pd.DataFrame(rows)


def test_planted_difference_is_detected_with_its_size():
    table = compare_designs(toy_metrics(shift=0.3, noise=0.1), ["A", "B"])
    b = table[table["design"] == "B"].iloc[0]
    assert b["resolved"]
    assert b["difference_low"] < 0.3 < b["difference_high"]
    assert b["difference"] == pytest.approx(0.3, abs=0.05)


def test_no_difference_is_reported_as_within_noise_with_replicates_needed():
    found = 0
    for seed in range(40):
        table = compare_designs(toy_metrics(shift=0.0, noise=0.1, seed=seed), ["A", "B"])
        found += bool(table[table["design"] == "B"].iloc[0]["resolved"])
    assert found <= 5  # about 5% false alarms at the 95% level
    table = compare_designs(toy_metrics(shift=0.0, noise=0.1, seed=3), ["A", "B"])
    row = table[table["design"] == "B"].iloc[0]
    if not row["resolved"]:
        assert row["replicates_needed"] > 30
        assert "within noise" in comparison_markdown(table)


def test_common_random_numbers_make_a_small_shift_visible():
    """Paired by seed, a shift far smaller than the spread between seeds is resolved."""
    table = compare_designs(toy_metrics(shift=0.05, noise=0.01), ["A", "B"])
    b = table[table["design"] == "B"].iloc[0]
    assert b["resolved"]
    assert abs(b["effect_size"]) < 0.2  # tiny against the between-seed spread


def test_design_seeds_are_spawned_not_successive():
    seeds = design_seeds(5, 4)
    assert seeds == design_seeds(5, 4)
    assert len(set(seeds)) == 4
    assert np.diff(seeds).tolist() != [1, 1, 1]
    assert design_seeds(5, 6)[:4] == seeds


def test_compare_runs_every_design_on_the_same_seeds():
    result = compare(
        [DESIGNS / "hierarchy_suspended.toml", DESIGNS / "plenary.toml"],
        replicates=3,
        seed=1,
        steps=4,
    )
    assert set(result.metrics.groupby("design")["seed"].unique().map(tuple)) == {
        tuple(design_seeds(1, 3))
    }
    speaking = result.table[
        (result.table["outcome"] == "speaking_equality") & (result.table["design"] == "plenary")
    ].iloc[0]
    assert speaking["difference"] < 0  # one open room is less equal than structured sets
    assert {"speaking_ratio", "final_norm_endorsement"} <= set(
        result.table[result.table["role"] == "patient"]["outcome"]
    )


def test_compare_command_writes_its_files(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "exsim",
            "compare",
            str(DESIGNS / "hierarchy_suspended.toml"),
            str(DESIGNS / "hierarchy_kept.toml"),
            "--replicates",
            "2",
            "--steps",
            "3",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "| outcome | design |" in done.stdout
    names = {p.name for p in tmp_path.iterdir()}
    assert {
        "comparison.csv",
        "comparison.md",
        "forest.png",
        "forest.svg",
        "trajectories.png",
        "trajectories.svg",
    } <= names


@pytest.mark.parametrize(
    "args, expected",
    [
        (["one.toml"], "at least two designs"),
        (["a.toml", "b.toml"], "a.toml: no such file"),
    ],
)
def test_compare_bad_input(tmp_path, args, expected):
    done = subprocess.run(
        [sys.executable, "-m", "exsim", "compare", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert expected in done.stderr and "Traceback" not in done.stderr


def test_parallel_comparison_equals_serial():
    designs = [DESIGNS / "hierarchy_kept.toml", DESIGNS / "hierarchy_suspended.toml"]
    serial = compare(designs, replicates=3, seed=4, steps=5)
    parallel = compare(designs, replicates=3, seed=4, steps=5, workers=2)
    pd.testing.assert_frame_equal(serial.table, parallel.table)
    pd.testing.assert_frame_equal(serial.trajectories, parallel.trajectories)


CHOSEN = [
    "mean_norm_endorsement",
    "final_norm_endorsement",
    "challenges_patient",
    "final_dialogic_capacity_carer",
]


def test_compare_any_outcome_gives_the_numbers_of_evaluate():
    """Chosen outcomes (mean and final of a state outcome, per-role ones) are the same
    numbers as `exsim.evaluate` gives for the design and seed."""
    designs = [DESIGNS / "hierarchy_kept.toml", DESIGNS / "hierarchy_suspended.toml"]
    result = compare(designs, replicates=2, seed=3, steps=6, outcomes=CHOSEN)
    assert list(dict.fromkeys(zip(result.table["outcome"], result.table["role"], strict=True))) == [
        ("mean_norm_endorsement", "all"),
        ("final_norm_endorsement", "all"),
        ("challenges", "patient"),
        ("final_dialogic_capacity", "carer"),
    ]
    seed = design_seeds(3, 2)[1]
    config = load_config(designs[1])
    expected = exsim.evaluate(dict(config.values), seed, steps=6, outcomes=CHOSEN)
    got = result.metrics.query("design == 'hierarchy_suspended' and seed == @seed")
    got = {
        o if r == "all" else f"{o}_{r}": v
        for o, r, v in got[["outcome", "role", "value"]].itertuples(index=False)
    }
    assert got == pytest.approx(expected, rel=1e-12)
    assert expected["mean_norm_endorsement"] != expected["final_norm_endorsement"]
    assert set(result.trajectories.columns) >= {"norm_endorsement", "challenges_patient"}


def test_compare_command_with_chosen_outcomes(tmp_path, capsys):
    assert run_compare(tmp_path, "--outcomes", "challenges_patient,final_norm_endorsement") == 0
    out = capsys.readouterr().out
    assert "| final_norm_endorsement | hierarchy_kept |" in out
    assert "## patient" in out and "| challenges | hierarchy_kept |" in out
    table = pd.read_csv(tmp_path / "comparison.csv")
    assert set(zip(table["outcome"], table["role"], strict=True)) == {
        ("challenges", "patient"),
        ("final_norm_endorsement", "all"),
    }
    assert (tmp_path / "forest.png").stat().st_size > 0


@pytest.mark.parametrize(
    "names, expected",
    [
        ("challengs", "--outcomes: challengs: unknown outcome (did you mean challenges?)"),
        ("challenges,final_chalenges_patient", "final_chalenges_patient: unknown outcome"),
        ("mean_", "mean_: unknown outcome"),
    ],
)
def test_compare_unknown_outcome_is_one_line(tmp_path, capsys, names, expected):
    assert run_compare(tmp_path / "out", "--outcomes", names) == 2
    err = capsys.readouterr().err
    assert expected in err and "--outcomes list shows the valid names" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_compare_lists_the_outcomes(tmp_path, capsys):
    assert run_compare(tmp_path / "out", "--outcomes", "list") == 0
    out = capsys.readouterr().out
    assert "challenges_patient" in out and "final_NAME" in out
    assert not (tmp_path / "out").exists()


def run_compare(out, *options):
    """`exsim compare` of two designs, 2 replicates of 3 months, in this process."""
    from exsim.cli import main

    designs = [str(DESIGNS / "hierarchy_kept.toml"), str(DESIGNS / "hierarchy_suspended.toml")]
    return main(
        ["compare", *designs, "--replicates", "2", "--steps", "3", "--out", str(out), *options]
    )


def test_compare_record_final_keeps_one_trajectory_row_per_run(tmp_path, capsys):
    assert run_compare(tmp_path, "--record", "final") == 0
    series = pd.read_csv(tmp_path / "trajectories.csv")
    assert len(series) == 4 and set(series["step"]) == {3}  # 2 designs x 2 replicates
    metrics = pd.read_csv(tmp_path / "metrics.csv")
    every = compare(
        [DESIGNS / "hierarchy_kept.toml", DESIGNS / "hierarchy_suspended.toml"],
        replicates=2,
        steps=3,
    ).metrics  # the metrics are of every month, whatever is recorded
    assert np.allclose(metrics["value"], every["value"], equal_nan=True)


def test_compare_record_every_n_months(tmp_path, capsys):
    assert run_compare(tmp_path, "--record", "2") == 0
    series = pd.read_csv(tmp_path / "trajectories.csv")
    assert sorted(set(series["step"])) == [0, 2, 3]


@pytest.mark.parametrize("value", ["0", "sometimes", "-1"])
def test_compare_bad_record_is_one_line(tmp_path, capsys, value):
    with pytest.raises(SystemExit) as stop:
        run_compare(tmp_path / "out", "--record", value)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "--record: use all, final or a whole number of months, 1 or more" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_design_without_a_value_is_no_value_not_a_crash():
    metrics = toy_metrics(shift=0.3, noise=0.1)
    metrics.loc[metrics["design"] == "A", "value"] = np.nan  # A held no event
    table = compare_designs(metrics, ["A", "B"])
    row = table[table["design"] == "B"].iloc[0]
    assert np.isnan(row["difference"]) and not row["resolved"]
    assert "no value to compare" in comparison_markdown(table)
