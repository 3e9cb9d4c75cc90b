"""The compiled seating and attendance of an event give what their NumPy statements give.

`events._dealt` (a stable counting sort by key, then the deal) and `events._coming` (the
chances clipped, then compared with the draws) replaced NumPy calls; the NumPy versions
are written out here and both are run on the same random inputs.
"""

import numpy as np
import pytest

from exsim.model import events


def numpy_deal(order, keys, n_groups, chunked):
    """The seats as `events.deal` made them with NumPy (before it was compiled)."""
    if len(keys):
        order = order[np.argsort(keys, kind="stable")]
    n = len(order)
    k = np.arange(n)
    group = (k * n_groups) // n if chunked else k % n_groups
    first = np.searchsorted(group, np.arange(n_groups)) if chunked else None
    seat = k - first[group] if chunked else k // n_groups
    seats = np.full((n_groups, int(seat.max()) + 1), -1, dtype=int)
    seats[group, seat] = order
    return seats


@pytest.mark.parametrize("chunked", [False, True])
def test_dealt_seats_as_numpy_did(chunked):
    rng = np.random.default_rng(16)
    for _ in range(400):
        n = int(rng.integers(2, 120))
        order = rng.permutation(n + int(rng.integers(0, 50)))[:n]
        keys = rng.integers(0, int(rng.integers(1, 12)), n) if rng.random() < 0.7 else None
        n_groups = int(rng.integers(1, n // 2 + 1))
        given = keys.astype(np.int64) if keys is not None else events._NO_KEYS
        got = events._dealt(order.astype(np.int64), given, n_groups, chunked)
        want = numpy_deal(order, keys if keys is not None else [], n_groups, chunked)
        np.testing.assert_array_equal(got, want)


def test_coming_is_the_clipped_comparison():
    rng = np.random.default_rng(7)
    special = np.array([np.nan, -np.inf, np.inf, -0.0, 0.0, 1.0, -3.0, 4.0])
    for _ in range(200):
        chance = rng.normal(0.5, 0.6, 60)
        chance[rng.integers(0, 60, 8)] = special
        draws = rng.random(60)
        draws[:3] = 0.0
        want = np.flatnonzero(draws < np.minimum(np.maximum(chance, 0.0), 1.0))
        np.testing.assert_array_equal(events._coming(draws, chance), want)


def test_remembering_is_numpys_arithmetic():
    rng = np.random.default_rng(3)
    for _ in range(100):
        seats = np.full((4, 7), -1, dtype=np.int64)
        who = rng.permutation(40)[: int(rng.integers(2, 28))]
        seats.ravel()[rng.permutation(28)[: len(who)]] = who
        felt, memory = rng.normal(size=(4, 7)), float(rng.random())
        experience = rng.normal(size=40)
        want = experience.copy()
        present = seats >= 0
        want[seats[present]] += memory * (felt[present] - want[seats[present]])
        events._remember(experience, seats, felt, memory)
        np.testing.assert_array_equal(experience, want)  # bit for bit
