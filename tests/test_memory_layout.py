"""The layouts that let a large open plenary fit in memory give the numbers of the
layouts small runs use, bit for bit: each round's random numbers drawn as the round
starts (`dialogue.session_numbers`), and the ties in a dense triangle
(`ties.Ties`)."""

from __future__ import annotations

import numpy as np
import pytest

import exsim
from exsim.model import dialogue, memory
from exsim.model.ties import Ties


def plenary(months=4, size=70, seed=5):
    """A small open plenary run with an event every month; its model."""
    model = exsim.ExchangeModel(
        population_size=size, event_format="plenary", event_every=1, attendance_rate=1.0, rng=seed
    )
    for _ in range(months):
        model.step()
    return model


def same_run(a, b):
    """Whether two runs gave the same outputs and states, bit for bit."""
    frames = (m.datacollector.get_model_vars_dataframe() for m in (a, b))
    pa, pb = a.population, b.population
    states = ("beliefs", "knowledge", "status", "dialogic", "endorsement", "calibrated")
    return (
        next(frames).equals(next(frames))
        and all(np.array_equal(getattr(pa, k), getattr(pb, k)) for k in states)
        and np.array_equal(pa.ties.matrix(), pb.ties.matrix())
        and a.rng.random() == b.rng.random()
    )


def test_rounds_drawn_as_they_start_give_the_same_run(monkeypatch):
    drawn_before = plenary()
    monkeypatch.setattr(memory, "STREAM_ABOVE", 0)
    streamed = dialogue.session_numbers(
        np.random.default_rng(0), dialogue.Setting(0.0, 0.0, "lottery", 3), (1, 70)
    )
    assert streamed[1].shape == (1, 70 + 70 + 70 * 70) and streamed[2] is not None
    assert same_run(drawn_before, plenary())
    assert not same_run(drawn_before, plenary(seed=6))  # the comparison can fail


def test_ties_held_densely_give_the_same_run(monkeypatch):
    in_table = plenary()
    assert not in_table.population.ties.dense
    monkeypatch.setattr(memory, "DENSE_FROM", 0)
    dense = plenary()
    assert dense.population.ties.dense and dense.population.ties.count == 70 * 69 // 2
    assert same_run(in_table, dense)
    # each member's summed ties: the same ties, summed in another order
    a, b = (m.population.ties.member_strength() for m in (in_table, dense))
    assert np.allclose(a, b, rtol=1e-14, atol=0) and a.min() > 0


def test_a_dense_store_reads_and_grows_as_the_table(monkeypatch):
    role = np.arange(40) % 3
    table, dense = Ties(role), Ties(role)
    rng = np.random.default_rng(4)
    i, j = np.triu_indices(40, 1)
    first, exchange = rng.random(len(i)) < 0.3, rng.random((2, len(i)))
    everyone = np.arange(40)[None, :]
    table.make_room_for(everyone)  # a table with room for every pair: it never grows
    for t in (table, dense):
        t.reinforce(i[first], j[first], exchange[0, first], 0.4)
        t.fade(0.1)
    monkeypatch.setattr(memory, "DENSE_FROM", 0)
    dense.make_room_for(everyone)  # would grow: the ties move into the dense layout
    assert dense.dense and not table.dense
    assert np.array_equal(table.matrix(), dense.matrix())
    for t in (table, dense):
        t.reinforce(j, i, exchange[1], 0.3)  # every pair, the first time for most
    assert np.array_equal(table.matrix(), dense.matrix())
    assert np.array_equal(table.strength(i, j), dense.strength(j, i))
    assert np.array_equal(dense.strength(i, i), np.zeros(len(i)))
    assert table.count == dense.count == len(i)
    assert table.cross_role_mean() == dense.cross_role_mean()


def test_a_generator_drawn_in_pieces_gives_the_numbers_drawn_at_once():
    whole = np.random.default_rng(11).random((3, 1000))
    rng = np.random.default_rng(11)
    assert np.array_equal(whole, np.stack([rng.random(1000) for _ in range(3)]))


@pytest.mark.parametrize(("name", "dtype"), [("heard", np.int32), ("took_up", np.uint8)])
def test_counts_are_whole_numbers_of_a_smaller_type(name, dtype):
    tally = dialogue.Tally.empty(np.zeros((2, 5), dtype=np.int64))
    assert getattr(tally, name).dtype == dtype and getattr(tally, name).shape == (2, 5, 5)
    buffer = np.zeros(dialogue.Tally.buffer_bytes(tally.seats), dtype=np.uint8)
    viewed = dialogue.Tally.in_buffer(tally.seats, buffer)
    pairs = zip(tally, viewed, strict=True)
    assert all(a.dtype == b.dtype and a.shape == b.shape for a, b in pairs)
    assert all(np.shares_memory(a, buffer) for a in viewed[1:])


def test_the_largest_counts_the_parameters_allow_fit_their_types():
    """A take-up is at most one a round; an utterance heard, at most one a seat a round."""
    from exsim.model.parameters import PARAMETERS

    rounds = max(PARAMETERS[k].high for k in ("event.rounds", "project.rounds"))
    seats = PARAMETERS["population.size"].high
    assert rounds <= np.iinfo(np.uint8).max
    assert rounds * seats <= np.iinfo(np.int32).max
