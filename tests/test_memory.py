"""A run too large for the memory it may use is refused up front, with the estimate; the
estimate bounds what a run really takes."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import exsim
from exsim.cli import main
from exsim.errors import ConfigError
from exsim.model import memory
from exsim.model.parameters import validate


@pytest.fixture
def limit(monkeypatch):
    def set_limit(text):
        monkeypatch.setenv(memory.BUDGET_VARIABLE, text)
        memory.budget.cache_clear()

    yield set_limit
    memory.budget.cache_clear()


@pytest.mark.parametrize(("fmt", "size"), [("plenary", 6), ("action_learning", 60)])
def test_the_estimate_bounds_the_memory_a_run_takes(fmt, size):
    values = {
        "population.size": 700,
        "event.format": fmt,
        "event.group_size": size,
        "attendance.rate": 1.0,
        "event.every": 3,
        "run.steps": 7,
    }
    estimate = memory.peak_bytes(validate(values))
    arguments = {k.replace(".", "_"): v for k, v in values.items()}
    warm = exsim.ExchangeModel(**arguments, rng=4)
    for _ in range(7):  # compiles what this path calls outside the traced window
        warm.step()
    model = exsim.ExchangeModel(**arguments, rng=3)
    tracemalloc.start()
    try:
        for _ in range(7):  # three events: the tie store grows twice
            model.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak <= estimate
    assert peak >= estimate / 4  # a bound worth having, not a figure pulled from the air


def test_a_plenary_of_twenty_thousand_is_refused_with_the_estimate(limit):
    limit("8G")
    overlay = {"population.size": 20_000, "event.format": "plenary", "attendance.rate": 1.0}
    with pytest.raises(ConfigError) as caught:
        exsim.load_config("configs/exchange_network.toml", overlay)
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    assert "population.size = 20000 in an open plenary" in message
    assert "more than EXSIM_MEMORY_LIMIT (8.0 GB)" in message
    estimate = float(message.split("need about ")[1].split(" GB")[0])
    assert 14 < estimate <= 16  # the layout of issue 16 (see the next test)
    with pytest.raises(ValueError, match="population.size = 20000"):
        exsim.ExchangeModel(population_size=20_000, event_format="plenary")
    limit("64G")
    assert exsim.load_config("configs/exchange_network.toml", overlay)["population.size"] == 20_000


def test_a_plenary_of_twenty_thousand_fits_in_sixteen_gigabytes():
    values = validate({"population.size": 20_000, "event.format": "plenary"})
    parts = memory.estimate(values)
    assert memory.peak_bytes(values) <= 16 * 2**30
    # one (m, m) row of draws, the credibility and the room's ties (float64); heard
    # (int32), uptake (float64) and take-ups (uint8): 37 bytes a pair of seats
    assert 37 * 20_000**2 <= parts["event"] <= 37 * 20_000**2 + 2**24
    # the ties in the dense triangle (8 bytes a pair), with the hash table they left
    assert 8 * 20_000 * 19_999 // 2 < parts["ties"] < 8 * 20_000 * 19_999 // 2 + 2**29


def test_a_plenary_of_twenty_five_thousand_needs_more_than_this_machine(limit):
    limit("64G")  # the figure the README quotes
    values = validate({"population.size": 25_000, "event.format": "plenary"})
    assert memory.gigabytes(memory.peak_bytes(values)) == "24.4 GB"


def test_the_estimate_follows_what_a_session_draws(monkeypatch):
    from exsim.model.dialogue import Setting, session_numbers

    monkeypatch.setattr(memory, "STREAM_ABOVE", 8 * 4 * 100 * 101)
    rng = np.random.default_rng(0)
    for seats in (50, 99, 100, 101, 150):
        for rule in ("lottery", "balanced", "action_learning"):
            streamed = session_numbers(rng, Setting(0.0, 0.0, rule, 4), (1, seats), True)
            assert (streamed[2] is not None) >= memory.streams(1, seats, 4)  # never fewer
            assert (streamed[2] is not None) == (seats > 50)


def test_the_default_network_needs_little(limit):
    limit("64M")
    assert memory.peak_bytes(validate({})) < 2**20
    exsim.default_config()


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("16G", 16 * 2**30),
        ("1.5G", 3 * 2**29),
        ("500M", 500 * 2**20),
        ("2GiB", 2 * 2**30),
        ("4096", 4096),
        ("1.1G", 1181116006),  # 1.1 x 2**30 = 1181116006.4 bytes, rounded down
        ("0.1G", 107374182),
    ],
)
def test_the_limit_reads_sizes(text, value):
    assert memory.parse_bytes(text) == value


@pytest.mark.parametrize("text", ["lots", "G", "-1G", "1e400", "0.5", "1.5", "nan", "0", "0.0001K"])
def test_a_bad_limit_is_one_line(limit, text):
    limit(text)
    with pytest.raises(ConfigError, match=f"{memory.BUDGET_VARIABLE} = '{text}'"):
        exsim.default_config()


def test_a_bad_limit_names_the_environment_not_the_config_file(limit, tmp_path, capsys):
    """Half a byte is refused, in one line that says where the value came from (the
    environment, not the config file the command was given) and what is allowed; exit
    status 2 and no output folder."""
    limit("0.5")
    out = tmp_path / "run"
    assert main(["run", "configs/exchange_network.toml", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "exchange_network.toml" not in err
    assert err.startswith("exsim: error: environment variable EXSIM_MEMORY_LIMIT = '0.5': ")
    assert "whole number of bytes" in err and "16G" in err
    assert not out.exists() and list(tmp_path.iterdir()) == []
