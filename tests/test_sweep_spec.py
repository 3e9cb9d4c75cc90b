"""Sweep files: validation, the run list, seeds and sampling."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from exsim.errors import ConfigError
from exsim.runs.sampling import unit_sample
from exsim.runs.spec import Sweep, load_sweep, run_seed

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "configs" / "exchange_network.toml").as_posix()


def write(tmp_path: Path, body: str, name: str = "sweep.toml", base: bool = True) -> Path:
    path = tmp_path / name
    path.write_text((f"base = '{BASE}'\n" if base else "") + body, encoding="utf-8")
    return path


GRID = """
replicates = 3
seed = 12345
steps = 6
[grid]
"event.suspension" = [0.0, 0.5, 1.0]
"event.format" = ["action_learning", "plenary"]
"""


def test_grid_is_a_full_factorial_with_replicates(tmp_path):
    sweep = load_sweep(write(tmp_path, GRID))
    assert len(sweep.points) == 6 and len(sweep) == 18
    assert sweep.parameters == ("event.suspension", "event.format")
    runs = list(sweep.runs())
    assert [r.run_id for r in runs[:4]] == ["p0-r0", "p0-r1", "p0-r2", "p1-r0"]
    assert runs[0].values == {"event.suspension": 0.0, "event.format": "action_learning"}
    assert runs[3].values == {"event.suspension": 0.0, "event.format": "plenary"}
    assert {tuple(p.items()) for p in sweep.points} == {
        (("event.suspension", s), ("event.format", f))
        for s in (0.0, 0.5, 1.0)
        for f in ("action_learning", "plenary")
    }
    assert sweep.base["run.steps"] == 6
    assert sorted(r.run_id for r in runs) == [r.run_id for r in runs]  # ids sort in run order


def test_run_seeds_come_from_seed_sequence_by_position(tmp_path):
    sweep = load_sweep(write(tmp_path, GRID))
    runs = list(sweep.runs())
    for run in runs:
        state = np.random.SeedSequence(12345, spawn_key=(0, run.point, run.replicate))
        assert run.seed == int(state.generate_state(1, np.uint64)[0]) & (2**63 - 1)
        assert 0 <= run.seed < 2**63
    assert len({r.seed for r in runs}) == len(runs)
    assert [r.seed for r in runs] != list(range(runs[0].seed, runs[0].seed + len(runs)))
    # more replicates add runs and leave the seeds of the others alone
    more = load_sweep(write(tmp_path, GRID.replace("replicates = 3", "replicates = 5"), "m.toml"))
    assert all(more.planned(r.point, r.replicate).seed == r.seed for r in runs)
    # another root seed: other seeds
    other = load_sweep(write(tmp_path, GRID.replace("12345", "54321"), "o.toml"))
    assert {r.seed for r in other.runs()}.isdisjoint(r.seed for r in runs)
    assert run_seed(12345, 2, 1) == sweep.get("p2-r1").seed


def test_config_of_a_run_is_base_plus_point_plus_seed(tmp_path):
    sweep = load_sweep(write(tmp_path, GRID))
    run = sweep.get("p3-r2")
    config = sweep.config("p3-r2")
    assert config["run.seed"] == run.seed
    assert config["run.steps"] == 6
    assert config["event.suspension"] == 0.5 and config["event.format"] == "plenary"
    assert config["event.facilitation"] == sweep.base["event.facilitation"]
    with pytest.raises(KeyError, match="no run 'p9-r9'"):
        sweep.get("p9-r9")


def test_without_base_or_seed_the_defaults_are_used(tmp_path):
    sweep = load_sweep(write(tmp_path, '[grid]\n"event.rounds" = [1, 2]\n', base=False))
    assert sweep.seed == sweep.base["run.seed"] == 2013
    assert sweep.replicates == 1 and len(sweep) == 2


def test_nested_tables_mean_the_same_as_dotted_keys(tmp_path):
    dotted = load_sweep(write(tmp_path, GRID))
    nested = GRID.replace(
        '[grid]\n"event.suspension" = [0.0, 0.5, 1.0]\n"event.format" = ["action_learning", '
        '"plenary"]\n',
        '[grid.event]\nsuspension = [0.0, 0.5, 1.0]\nformat = ["action_learning", "plenary"]\n',
    )
    assert nested != GRID
    assert load_sweep(write(tmp_path, "# another comment\n" + nested, "n.toml")).hash == dotted.hash


def test_hash_changes_with_what_decides_the_runs(tmp_path):
    base = load_sweep(write(tmp_path, GRID)).hash
    changes = {
        "seed": GRID.replace("12345", "1"),
        "replicates": GRID.replace("replicates = 3", "replicates = 4"),
        "steps": GRID.replace("steps = 6", "steps = 7"),
        "values": GRID.replace("0.5, 1.0", "0.4, 1.0"),
        "order": GRID.replace(
            '"event.suspension" = [0.0, 0.5, 1.0]\n"event.format" = ["action_learning", "plenary"]',
            '"event.format" = ["action_learning", "plenary"]\n"event.suspension" = [0.0, 0.5, 1.0]',
        ),
    }
    for name, text in changes.items():
        assert text != GRID, name
        assert load_sweep(write(tmp_path, text, f"{name}.toml")).hash != base, name
    other_base = tmp_path / "base.toml"
    other_base.write_text(f"base = '{BASE}'\n[event]\nfacilitation = 0.9\n", encoding="utf-8")
    (tmp_path / "b.toml").write_text('base = "base.toml"\n' + GRID, encoding="utf-8")
    assert load_sweep(tmp_path / "b.toml").hash != base


LHS = """
replicates = 2
seed = 7
[sample]
method = "latin_hypercube"
n = 50
"event.facilitation" = [0.2, 0.8]
"event.rounds" = [1, 5]
"event.format" = ["plenary", "facilitated_dialogue"]
"""


def test_latin_hypercube_puts_one_point_in_each_stratum(tmp_path):
    sweep = load_sweep(write(tmp_path, LHS))
    assert len(sweep.points) == 50 and len(sweep) == 100
    fac = np.array([p["event.facilitation"] for p in sweep.points])
    assert fac.min() >= 0.2 and fac.max() <= 0.8
    strata = np.floor((fac - 0.2) / 0.6 * 50).astype(int)
    assert sorted(strata) == list(range(50))
    rounds = [p["event.rounds"] for p in sweep.points]
    assert all(isinstance(r, int) for r in rounds)
    assert {r: rounds.count(r) for r in range(1, 6)} == dict.fromkeys(range(1, 6), 10)
    formats = [p["event.format"] for p in sweep.points]
    assert formats.count("plenary") == formats.count("facilitated_dialogue") == 25
    again = load_sweep(write(tmp_path, LHS, "again.toml"))
    assert again.points == sweep.points
    other = load_sweep(write(tmp_path, LHS.replace("seed = 7", "seed = 8"), "o.toml"))
    assert other.points != sweep.points


def test_random_sample_and_grid_cross(tmp_path):
    text = LHS.replace("latin_hypercube", "random").replace("n = 50", "n = 4")
    text += '[grid]\n"event.suspension" = [0.0, 1.0]\n'
    sweep = load_sweep(write(tmp_path, text))
    assert len(sweep.points) == 8
    assert sweep.parameters[0] == "event.suspension"
    first, second = sweep.points[:4], sweep.points[4:]
    strip = [{k: v for k, v in p.items() if k != "event.suspension"} for p in first]
    assert strip == [{k: v for k, v in p.items() if k != "event.suspension"} for p in second]
    assert {p["event.suspension"] for p in first} == {0.0}


def test_unit_samples_fill_the_cube():
    rng = np.random.default_rng(0)
    for method in ("random", "latin_hypercube"):
        u = unit_sample(method, 200, 3, rng)
        assert u.shape == (200, 3) and (u >= 0).all() and (u < 1).all()
        assert abs(u.mean() - 0.5) < 0.05


def test_sobol_uses_saltelli_points_when_salib_is_there(tmp_path):
    pytest.importorskip("SALib")
    text = LHS.replace("latin_hypercube", "sobol").replace("n = 50", "n = 8")
    sweep = load_sweep(write(tmp_path, text))
    assert len(sweep.points) == 8 * (2 * 3 + 2)


def test_sobol_without_salib_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "SALib", None)
    monkeypatch.setitem(sys.modules, "SALib.sample", None)
    text = LHS.replace("latin_hypercube", "sobol")
    with pytest.raises(ConfigError, match=r"sweep.toml: sample: method 'sobol' needs SALib"):
        load_sweep(write(tmp_path, text))


BAD = [
    (
        "unknown grid parameter",
        '[grid]\n"event.suspensoin" = [0.0]\n',
        r"grid: event\.suspensoin: unknown parameter \(did you mean event\.suspension\?\)",
    ),
    (
        "unknown sample parameter",
        '[sample]\nmethod = "random"\nn = 3\n"event.facilitatoin" = [0.0, 1.0]\n',
        r"sample: event\.facilitatoin: unknown parameter",
    ),
    ("empty grid", "[grid]\n", r"grid: is empty"),
    ("empty values", '[grid]\n"event.suspension" = []\n', r"event\.suspension: empty list"),
    ("not a list", '[grid]\n"event.suspension" = 0.5\n', r"give a list of values"),
    (
        "value out of range",
        '[grid]\n"event.suspension" = [0.0, 1.5]\n',
        r"event\.suspension = 1\.5 is out of range",
    ),
    ("value twice", '[grid]\n"event.suspension" = [0.5, 0.5]\n', r"listed twice"),
    (
        "reversed range",
        '[sample]\nmethod = "random"\nn = 3\n"event.facilitation" = [1.0, 0.0]\n',
        r"bad range \[1\.0, 0\.0\]; low must be below high",
    ),
    (
        "range out of bounds",
        '[sample]\nmethod = "random"\nn = 3\n"event.facilitation" = [0.0, 2.0]\n',
        r"event\.facilitation: bad range: event\.facilitation = 2\.0 is out of range",
    ),
    (
        "range of three",
        '[sample]\nmethod = "random"\nn = 3\n"event.facilitation" = [0, 0.5, 1]\n',
        r"bad range \[0, 0\.5, 1\]; give \[low, high\]",
    ),
    (
        "range not a list",
        '[sample]\nmethod = "random"\nn = 3\n"event.facilitation" = 0.5\n',
        r"bad range 0\.5",
    ),
    (
        "one choice",
        '[sample]\nmethod = "random"\nn = 3\n"event.format" = ["plenary"]\n',
        r"two or more different values",
    ),
    (
        "unknown method",
        '[sample]\nmethod = "sobel"\nn = 3\n"event.facilitation" = [0.0, 1.0]\n',
        r"sample: method: 'sobel' is not a sampling method \(did you mean sobol\?\)",
    ),
    ("no method", '[sample]\nn = 3\n"event.facilitation" = [0.0, 1.0]\n', r"method: missing"),
    ("no n", '[sample]\nmethod = "random"\n"event.facilitation" = [0.0, 1.0]\n', r"n: missing"),
    (
        "bad n",
        '[sample]\nmethod = "random"\nn = 0\n"event.facilitation" = [0.0, 1.0]\n',
        r"sample: n: 0 must be a whole number of 1 or more",
    ),
    ("no ranges", '[sample]\nmethod = "random"\nn = 3\n', r"sample: no ranges"),
    (
        "unknown key",
        'replicate = 3\n[grid]\n"event.rounds" = [1]\n',
        r"replicate: unknown key \(did you mean replicates\?\)",
    ),
    ("bad replicates", 'replicates = 0\n[grid]\n"event.rounds" = [1]\n', r"replicates: 0 must"),
    ("bad seed", 'seed = -1\n[grid]\n"event.rounds" = [1]\n', r"seed: -1 must"),
    ("bad steps", 'steps = 0\n[grid]\n"event.rounds" = [1]\n', r"steps: run\.steps = 0"),
    (
        "grid and sample",
        '[grid]\n"event.rounds" = [1]\n'
        '[sample]\nmethod = "random"\nn = 2\n"event.rounds" = [1, 3]\n',
        r"event\.rounds: varied both in grid and in sample",
    ),
    ("run seed varied", '[grid]\n"run.seed" = [1, 2]\n', r"run\.seed: each run's seed comes"),
    ("steps twice", 'steps = 5\n[grid]\n"run.steps" = [1, 2]\n', r"run\.steps: also set by steps"),
    (
        "inconsistent point",
        '[grid]\n"event.grouping" = ["random", "by_project"]\n',
        r"point 1 \(event\.grouping='by_project'\): .*superiors_present",
    ),
    ("missing base", 'base = "nowhere.toml"\n', r"base: 'nowhere\.toml' names no file"),
    ("malformed", "[grid\n", r"malformed TOML"),
]


@pytest.mark.parametrize(("case", "body", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_sweep_files_are_one_line_errors(tmp_path, case, body, message):
    path = write(tmp_path, body, base="base =" not in body)
    with pytest.raises(ConfigError) as caught:
        load_sweep(path)
    text = str(caught.value)
    assert "\n" not in text
    assert text.startswith(str(path)) or "nowhere.toml" in text
    assert caught.match(message)


def test_missing_sweep_file(tmp_path):
    with pytest.raises(ConfigError, match=r"nope\.toml: no such file"):
        load_sweep(tmp_path / "nope.toml")


def test_sweep_from_a_mapping():
    sweep = Sweep.from_mapping(
        {"base": BASE, "seed": 3, "grid": {"event.suspension": [0.0, 1.0]}}, "<test>"
    )
    assert len(sweep) == 2 and sweep.source == "<test>"
    with pytest.raises(ConfigError, match=r"<test>: grid: event.x: unknown parameter"):
        Sweep.from_mapping({"grid": {"event.x": [1]}}, "<test>")


@pytest.mark.parametrize(
    "path", sorted((ROOT / "configs" / "sweeps").glob("*.toml")), ids=lambda p: p.name
)
def test_shipped_sweep_files_load(path):
    if "sobol" in path.read_text(encoding="utf-8"):
        pytest.importorskip("SALib")
    sweep = load_sweep(path)
    assert len(sweep) >= 1


def test_shipped_sweeps_include_the_promised_ones():
    names = {p.name for p in (ROOT / "configs" / "sweeps").glob("*.toml")}
    assert {"demo.toml", "design_grid.toml"} <= names
    demo = load_sweep(ROOT / "configs" / "sweeps" / "demo.toml")
    assert len(demo) <= 12 and demo.base["run.steps"] <= 36  # finishes in seconds
    grid = load_sweep(ROOT / "configs" / "sweeps" / "design_grid.toml")
    assert set(grid.parameters) == {"event.suspension", "event.format"}
    methods = {
        load_sweep(p).sample.method
        for p in (ROOT / "configs" / "sweeps").glob("*.toml")
        if "latin_hypercube" in p.read_text(encoding="utf-8")
    }
    assert methods == {"latin_hypercube"}


@pytest.mark.parametrize("value", ["0", "-2", "2.5", '"sometimes"'])
def test_a_bad_record_says_what_numbers_are_allowed(tmp_path, value):
    """`record = 0` is refused: the message says "1 or more", not only "a whole number"
    (a reviewer's finding: 0 is a whole number)."""
    path = write(tmp_path, f"replicates = 1\nrecord = {value}\n", base=False)
    with pytest.raises(ConfigError, match=r"record: .*a whole number of months, 1 or more"):
        load_sweep(path)
