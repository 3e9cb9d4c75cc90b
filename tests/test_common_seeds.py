"""Common random numbers in sweeps: replicate r of every point on the same seed, a dummy
parameter that stands for luck, and folders that know which scheme made them."""

import pytest

import exsim
from exsim.errors import ConfigError
from exsim.runs.spec import Sweep, run_seed

GRID = {"grid": {"event.suspension": [0.0, 0.5, 1.0]}, "replicates": 3, "seed": 9}


def test_by_default_every_run_has_its_own_seed():
    sweep = Sweep.from_mapping(GRID)
    seeds = [run.seed for run in sweep.runs()]
    assert len(set(seeds)) == 9
    assert sweep.get("p1-r2").seed == run_seed(9, 1, 2)


def test_common_seeds_give_replicate_r_of_every_point_the_same_seed():
    sweep = Sweep.from_mapping({**GRID, "common_seeds": True})
    for run in sweep.runs():
        assert run.seed == run_seed(9, 0, run.replicate)  # the seeds of point 0
    assert len({run.seed for run in sweep.runs()}) == 3
    # point 0 keeps the seeds it has without common seeds
    independent = Sweep.from_mapping(GRID)
    assert [r.seed for r in sweep.runs()][:3] == [r.seed for r in independent.runs()][:3]


def test_common_seeds_change_the_sweeps_identity_only_when_set():
    assert Sweep.from_mapping(GRID).hash == Sweep.from_mapping({**GRID, "common_seeds": False}).hash
    assert Sweep.from_mapping(GRID).hash != Sweep.from_mapping({**GRID, "common_seeds": True}).hash


def test_common_seeds_must_be_true_or_false():
    with pytest.raises(ConfigError, match="common_seeds: 'yes'; use true or false"):
        Sweep.from_mapping({**GRID, "common_seeds": "yes"})


def sample(common_seeds, method="sobol"):
    extra = {"second_order": False} if method == "sobol" else {}
    return Sweep.from_mapping(
        {
            "seed": 2,
            "replicates": 2,
            "common_seeds": common_seeds,
            "sample": {"method": method, "n": 8, "dummy": True, "event.suspension": [0.0, 1.0]}
            | extra,
        }
    )


def test_with_a_dummy_points_with_the_same_dummy_value_share_seeds():
    sweep = sample(True)
    assert len(sweep.dummy) == len(sweep.points) == 8 * 4  # Saltelli: n * (D + 2), D = 1 + 1
    for run in sweep.runs():
        same = [
            other
            for other in sweep.runs()
            if other.replicate == run.replicate
            and sweep.dummy[other.point] == sweep.dummy[run.point]
        ]
        assert {other.seed for other in same} == {run.seed}
    differ = {(sweep.dummy[r.point], r.replicate): r.seed for r in sweep.runs()}
    assert len(set(differ.values())) == len(differ)  # other dummy values, other seeds
    # the dummy is not a parameter: the runs' configs hold only the model's parameters
    assert set(sweep.points[0]) == {"event.suspension"}
    assert sweep.sample.describe()["dummy"] is True


def test_without_common_seeds_a_dummy_changes_nothing_but_the_sample():
    sweep = sample(False)
    assert len({run.seed for run in sweep.runs()}) == len(sweep)


def test_morris_with_a_dummy_moves_the_seeds_only_when_the_dummy_moves():
    sweep = sample(True, "morris")
    trajectory = 3  # D + 1 points per trajectory, D = 2 with the dummy
    points = sweep.points
    for start in range(0, len(points), trajectory):
        for p in range(start, start + trajectory - 1):
            moved_dummy = sweep.dummy[p] != sweep.dummy[p + 1]
            same_seed = sweep.planned(p, 0).seed == sweep.planned(p + 1, 0).seed
            assert same_seed != moved_dummy
            assert moved_dummy != (points[p] != points[p + 1])


def test_a_folder_refuses_the_same_sweep_with_other_seeds(tmp_path):
    spec = {"seed": 1, "steps": 2, "grid": {"population.size": [12, 14]}}
    report = exsim.sweep(spec, tmp_path / "s", progress=False)
    assert report.complete
    manifest = report.results().manifest["sweep"]
    assert manifest["common_seeds"] is False and "spawn_key=(0, point," in manifest["seeds"]
    with pytest.raises(ConfigError, match="common_seeds \\(false there, true here\\)"):
        exsim.sweep({**spec, "common_seeds": True}, tmp_path / "s", progress=False)
    shared = exsim.sweep({**spec, "common_seeds": True}, tmp_path / "t", progress=False)
    runs = shared.results().runs
    assert runs["seed"].nunique() == 1
    assert (
        shared.results()
        .manifest["sweep"]["seeds"]
        .startswith("SeedSequence(seed, spawn_key=(0, 0,")
    )
