"""Bad input, class by class: each gets one line naming the file or flag, exit status 2,
no traceback, nothing computed first and nothing left behind.

The command is called in this process (`exsim.cli.main`), as the console script does;
what would compute is replaced by a stand-in that fails the test if it is reached.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import exsim
from exsim.cli import main
from exsim.config import MAX_BASE_CHAIN, load_config
from exsim.errors import ConfigError
from exsim.model.parameters import PARAMETERS

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "configs" / "exchange_network.toml").as_posix()
KEPT = (ROOT / "configs" / "designs" / "hierarchy_kept.toml").as_posix()
SUSPENDED = (ROOT / "configs" / "designs" / "hierarchy_suspended.toml").as_posix()
BIG = 10**400
SWEEP = f"base = '{BASE}'\nreplicates = 2\nseed = 1\nsteps = 2\n[grid]\n\"event.rounds\" = [1, 2]\n"
SENSITIVITY = (
    f"base = '{BASE}'\nmethod = 'morris'\nn = 10\nreplicates = 1\nsteps = 2\n"
    "outcomes = ['challenges']\n[parameters]\n\"event.suspension\" = [0.0, 1.0]\n"
    '"event.facilitation" = [0.0, 1.0]\n'
)


def files_in(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture
def exsim_cli(capsys, monkeypatch, tmp_path):
    """Run `exsim ARGS` in `tmp_path`; return (status, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)

    def call(*args):
        try:
            status = main([str(a) for a in args])
        except SystemExit as stop:
            status = stop.code
        out, err = capsys.readouterr()
        return status, out, err

    return call


@pytest.fixture
def nothing_runs(monkeypatch):
    """Make any model run fail the test: a refusal must come before any work."""

    def refuse(*args, **kwargs):
        raise AssertionError("a model run started before the input was checked")

    monkeypatch.setattr("exsim.runs.single.simulate", refuse)


def one_line(status, err, *parts):
    lines = err.strip().splitlines()
    assert status == 2, err
    assert len(lines) == 1, err
    assert lines[0].startswith("exsim: error: "), err
    assert "Traceback" not in err and "usage:" not in err
    for part in parts:
        assert part in lines[0], (part, lines[0])


# --- 1. numbers that do not fit -------------------------------------------------------------


@pytest.mark.parametrize(
    ("keyword", "value", "expected"),
    [
        ("population_size", np.int64(30), 30),
        ("event_rounds", np.int32(2), 2),
        ("run_seed", np.uint64(5), 5),
        ("event_suspension", np.float32(0.5), 0.5),
        ("event_superiors_present", np.bool_(True), True),
    ],
)
def test_numpy_scalars_count_as_the_numbers_they_hold(keyword, value, expected):
    model = exsim.ExchangeModel(**{keyword: value})
    held = model.params[keyword.replace("_", ".", 1)]
    assert held == expected and type(held) is type(expected)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("event.suspension", BIG),
        ("event.suspension", -BIG),
        ("population.size", BIG),
        ("run.seed", BIG),
        ("population.size", np.int64(10**12)),
    ],
)
def test_numbers_beyond_range_are_out_of_range_not_overflow(name, value):
    with pytest.raises(ValueError, match=f"{name} = .* is out of range"):
        PARAMETERS[name].check(value)
    with pytest.raises(ConfigError, match="out of range"):
        load_config(BASE, {name: value})
    with pytest.raises(ConfigError, match="out of range"):
        exsim.default_config().replace(**{name: value})


def test_a_huge_number_in_a_file_or_set_is_one_short_line(exsim_cli, tmp_path, nothing_runs):
    config = tmp_path / "c.toml"
    config.write_text(f"[event]\nsuspension = {BIG}\n")
    status, _, err = exsim_cli("run", config, "--out", "out")
    one_line(status, err, str(config), "event.suspension", "out of range", "401 digits")
    assert len(err) < 200
    status, _, err = exsim_cli("run", BASE, "--set", f"event.facilitation={BIG}")
    one_line(status, err, "--set", "event.facilitation", "out of range")
    config.write_text(f"[event]\nsuspension = {'9' * 5000}\n")  # past Python's digit limit
    status, _, err = exsim_cli("run", config)
    one_line(status, err, str(config), "malformed TOML")


# --- 2. output locations ----------------------------------------------------------------------


def make_sweep(tmp_path) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(SWEEP)
    return path


def commands(tmp_path, out):
    spec = tmp_path / "spec.toml"
    spec.write_text(SENSITIVITY)
    results = tmp_path / "results"
    (results / "runs").mkdir(parents=True, exist_ok=True)
    return {
        "run": ["run", BASE, "--steps", "2", "--out", out],
        "compare": ["compare", KEPT, SUSPENDED, "--replicates", "2", "--out", out],
        "sweep": ["sweep", make_sweep(tmp_path), "--out", out],
        "sensitivity": ["sensitivity", spec, "--out", out],
    }


@pytest.mark.parametrize("command", ["run", "compare", "sweep", "sensitivity"])
@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("{tmp}/afile", "exists and is not a folder"),
        ("{tmp}/afile/sub", "is a file, not a folder"),
        ("/proc/exsim-cannot-write-here", "cannot be written"),
        ("", "give a folder"),
    ],
)
def test_an_output_folder_that_cannot_be_written_is_refused_before_any_run(
    exsim_cli, tmp_path, nothing_runs, command, where, expected
):
    (tmp_path / "afile").write_text("x")
    out = where.replace("{tmp}", str(tmp_path))
    args = commands(tmp_path, out)[command]
    before = files_in(tmp_path)
    status, _, err = exsim_cli(*args)
    one_line(status, err, "--out", expected)
    assert files_in(tmp_path) == before


def test_plot_checks_its_folder_before_drawing(exsim_cli, tmp_path):
    out = tmp_path / "results"
    exsim.sweep(make_sweep(tmp_path), out, progress=False)
    (tmp_path / "afile").write_text("x")
    before = files_in(tmp_path)
    for where, expected in ((tmp_path / "afile", "not a folder"), ("/proc/x", "cannot be written")):
        status, _, err = exsim_cli("plot", out, "--out", where)
        one_line(status, err, "--out", expected)
    assert files_in(tmp_path) == before


# --- 3. inputs that are not ordinary files, and chains of base ------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_or_device_is_refused_without_reading_it(exsim_cli, tmp_path, nothing_runs):
    os.mkfifo(tmp_path / "pipe")  # opening it would block for ever
    status, _, err = exsim_cli("run", tmp_path / "pipe")
    one_line(status, err, "pipe", "not a regular file")
    for command in (["sweep"], ["sensitivity"]):
        status, _, err = exsim_cli(*command, tmp_path / "pipe", "--out", "o")
        one_line(status, err, "not a regular file")
    (tmp_path / "c.toml").write_text('base = "pipe"\n')
    status, _, err = exsim_cli("run", tmp_path / "c.toml")
    one_line(status, err, "pipe", "not a regular file")
    if Path("/dev/zero").exists():
        status, _, err = exsim_cli("run", "/dev/zero")
        one_line(status, err, "/dev/zero", "not a regular file")
    status, _, err = exsim_cli("run", tmp_path)
    one_line(status, err, "is a folder, not a file")


def test_base_chains_that_loop_or_go_too_deep_are_one_line(tmp_path):
    for i in range(1000):
        (tmp_path / f"b{i}.toml").write_text(f'base = "b{i + 1}.toml"\n')
    (tmp_path / "b1000.toml").write_text("[event]\nsuspension = 0.5\n")
    with pytest.raises(ConfigError, match=f"chain of more than {MAX_BASE_CHAIN} base files"):
        load_config(tmp_path / "b0.toml")
    assert load_config(tmp_path / f"b{1000 - MAX_BASE_CHAIN + 1}.toml")["event.suspension"] == 0.5
    (tmp_path / "x.toml").write_text('base = "y.toml"\n')
    (tmp_path / "y.toml").write_text('base = "x.toml"\n')
    with pytest.raises(ConfigError, match="files name each other in a loop"):
        load_config(tmp_path / "x.toml")


# --- 5. work too large to plan ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "runs"),
    [
        ('replicates = 1000000000000\n[grid]\n"event.rounds" = [1]\n', "1,000,000,000,000"),
        (f'replicates = {BIG}\n[grid]\n"event.rounds" = [1]\n', "about 10^400"),
        (
            "[sample]\nmethod = 'latin_hypercube'\nn = 2000000000\n"
            '"event.suspension" = [0.0, 1.0]\n',
            "2,000,000,000",
        ),
        (
            "replicates = 3\n[sample]\nmethod = 'sobol'\nn = 1000000\n"
            '"event.suspension" = [0.0, 1.0]\n"event.facilitation" = [0.0, 1.0]\n',
            "18,000,000",
        ),
    ],
)
def test_a_sweep_too_large_is_refused_before_anything_is_made(
    exsim_cli, tmp_path, nothing_runs, body, runs
):
    pytest.importorskip("SALib")
    spec = tmp_path / "big.toml"
    spec.write_text(f"base = '{BASE}'\nsteps = 2\n{body}")
    for extra in ([], ["--dry-run"]):
        status, _, err = exsim_cli("sweep", spec, "--out", "out", *extra)
        one_line(status, err, str(spec), f"{runs} runs planned", "--max-runs")
    assert not (tmp_path / "out").exists()


def test_the_run_limit_can_be_raised_or_lowered(exsim_cli, tmp_path):
    spec = make_sweep(tmp_path)  # 4 runs
    status, _, err = exsim_cli("sweep", spec, "--dry-run", "--max-runs", "3")
    one_line(status, err, "4 runs planned (2 points x 2 replicates)", "limit of 3")
    status, out, _ = exsim_cli("sweep", spec, "--dry-run", "--max-runs", "4")
    assert status == 0 and out.count("\n") == 6
    with pytest.raises(ConfigError, match="limit of 3"):
        exsim.sweep(spec, tmp_path / "o", max_runs=3, progress=False)
    assert not (tmp_path / "o").exists()


def test_compare_counts_its_runs_first(exsim_cli, nothing_runs):
    status, _, err = exsim_cli("compare", KEPT, SUSPENDED, "--replicates", "1000000000000")
    one_line(status, err, "compare: 2,000,000,000,000 runs planned", "--max-runs")


# --- 6. sensitivity specs of the wrong shape -------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('levels = "four"', "levels: 'four' must be a whole number of 2 or more"),
        ("levels = [4]", "levels: [4] must be a whole number"),
        ("outcomes = 5", "outcomes: give a list of outcome names"),
        ('outcomes = "challenges"', "outcomes: give a list of outcome names"),
        ("outcomes = []", "outcomes: give a list of outcome names"),
        ('second_order = "yes"', "second_order: 'yes': use true or false"),
        ('n = "many"', "n: 'many' must be a whole number"),
    ],
)
def test_sensitivity_values_of_the_wrong_shape_are_one_line(exsim_cli, tmp_path, line, expected):
    pytest.importorskip("SALib")
    spec = tmp_path / "spec.toml"
    text = SENSITIVITY.replace("outcomes = ['challenges']\n", "")
    key = line.split(" =")[0]
    text = text.replace(f"{key} = 10\n", "")  # n is given already
    spec.write_text(text.replace("[parameters]", f"{line}\n[parameters]"))
    status, _, err = exsim_cli("sensitivity", spec, "--out", "out")
    one_line(status, err, str(spec), expected)
    assert not (tmp_path / "out").exists()


def test_sensitivity_parameters_may_be_nested_tables(tmp_path):
    pytest.importorskip("SALib")
    from exsim.analysis.sensitivity import load_sensitivity

    dotted, nested = tmp_path / "dotted.toml", tmp_path / "nested.toml"
    dotted.write_text(SENSITIVITY)
    nested.write_text(
        SENSITIVITY.split("[parameters]")[0]
        + "[parameters.event]\nsuspension = [0.0, 1.0]\nfacilitation = [0.0, 1.0]\n"
    )
    a, b = load_sensitivity(dotted), load_sensitivity(nested)
    assert a.parameters == b.parameters == ("event.suspension", "event.facilitation")
    assert a.sweep.hash == b.sweep.hash


# --- 7. command-line errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["compare", KEPT, SUSPENDED, "--workers", "0"], "--workers: must be 1 or more"),
        (["compare", KEPT, SUSPENDED, "--workers", "many"], "--workers: 'many' is not a whole"),
        (["compare", KEPT, SUSPENDED, "--backend", "gpu"], "--backend: invalid choice: 'gpu'"),
        (["compare", KEPT, SUSPENDED, "--replicates", "0"], "--replicates: must be 1 or more"),
        (["compare", KEPT, SUSPENDED, "--seed", "-5"], "--seed: must be an integer from 0"),
        (["compare", KEPT, SUSPENDED, "--steps", "0"], "--steps: must be an integer from 1"),
        (["sweep", "s.toml", "--workers", "0"], "--workers: must be 1 or more"),
        (["sweep", "s.toml", "--batch-size", "0"], "--batch-size: must be 1 or more"),
        (["sweep", "s.toml", "--max-runs", "x"], "--max-runs: 'x' is not a whole number"),
        (["sensitivity", "s.toml", "--out", "o", "--workers", "0"], "--workers: must be 1"),
        (["sensitivity", "s.toml"], "the following arguments are required: --out"),
        (["run", BASE, "--seed", "abc"], "--seed: 'abc' is not a whole number"),
        (["run", BASE, "--seed", str(2**64)], "--seed: must be an integer from 0 to"),
        (["run", BASE, "--steps", "100001"], "--steps: must be an integer from 1 to 100000"),
        (["run", BASE, "--steps", "1.5"], "--steps: '1.5' is not a whole number"),
        (["run"], "the following arguments are required: config"),
        (["run", BASE, "--fast"], "unrecognized arguments: --fast"),
        (["walk"], "invalid choice: 'walk'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_every_argument_error_is_one_line_naming_the_flag(exsim_cli, nothing_runs, args, expected):
    status, out, err = exsim_cli(*args)
    one_line(status, err, expected)
    assert out == ""


def test_serial_with_workers_is_one_line(exsim_cli, nothing_runs):
    status, _, err = exsim_cli("compare", KEPT, SUSPENDED, "--backend", "serial", "--workers", "2")
    one_line(status, err, "--backend serial runs one run at a time")


# --- 9. nothing left behind --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({"keep.txt": "x"}, "not empty and holds no sweep"),
        ({"manifest.json": "{not json"}, "not valid JSON"),
        ({"manifest.json": '{"format": "exsim-sweep/1"}'}, "sweep: missing"),
        ({"manifest.json": b"\xff\xfe"}, "cannot be read"),
        ({"manifest.json": '{"format": "other"}'}, "not an exsim sweep manifest"),
    ],
)
def test_a_refused_folder_is_left_as_it_was(exsim_cli, tmp_path, nothing_runs, content, expected):
    spec = make_sweep(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    for name, text in content.items():
        (out / name).write_bytes(text if isinstance(text, bytes) else text.encode())
    before = files_in(out)
    status, _, err = exsim_cli("sweep", spec, "--out", out)
    one_line(status, err, expected)
    assert files_in(out) == before


def test_an_unreachable_scheduler_leaves_nothing(exsim_cli, tmp_path, monkeypatch, nothing_runs):
    pytest.importorskip("distributed")
    monkeypatch.setattr("exsim.runs.dask_backend.CONNECT_TIMEOUT", "1s")
    spec = make_sweep(tmp_path)
    before = files_in(tmp_path)
    status, _, err = exsim_cli("sweep", spec, "--out", "out", "--scheduler", "tcp://127.0.0.1:9")
    one_line(status, err, "--scheduler: cannot connect")
    assert files_in(tmp_path) == before


def test_a_sweep_that_ran_leaves_its_lock_but_a_refusal_removes_the_one_it_made(tmp_path):
    from exsim.runs.spec import load_sweep
    from exsim.runs.store import SweepStore

    plan = load_sweep(make_sweep(tmp_path))
    out = tmp_path / "fresh"
    store = SweepStore(out, plan)
    store.check = lambda: None  # noqa: E731 - let open get as far as it can
    calls = []

    def fail(*args):
        calls.append(1)
        raise ConfigError("stop")

    store._begin_session = fail
    with pytest.raises(ConfigError, match="stop"):
        store.open({})
    assert calls and not out.exists()


def test_the_command_line_limit_is_the_library_limit():
    from exsim.cli.arguments import MAX_RUNS_DEFAULT
    from exsim.runs.checks import MAX_RUNS

    assert MAX_RUNS_DEFAULT == MAX_RUNS
