"""Where ties are kept, compiled with Numba: a hash table of the pairs of members who
have met (open addressing, Fibonacci hashing), and the growth of their ties.

`ties.Ties` holds the table; the dialogue kernel reads tie strengths through
`tie_strength` (seating, trust, safety, discomfort) and the sessions grow them with
`reinforce_groups`. Keys are pairs (i, j), i < j, as i * n + j for n members.

When most pairs meet (a large open plenary), `ties.Ties` holds them densely instead:
the strengths of every pair i < j in an upper triangle, row by row (`dense_at`), and a
bit per pair, set once the pair has met (`_meet`), in the key array. The two layouts
are told apart by their lengths: a hash table's keys and values are equally long.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def tie_strength(m, a, b, n):
    """The strength of the tie between members `a` and `b` of `n` (0 if they never met),
    a != b."""
    if is_dense(m.tie_values, m.tie_table):  # 0 where the pair never met
        return m.tie_values[dense_at(min(a, b), max(a, b), n)] * m.tie_scale
    slot, _ = _slot(m.tie_table, min(a, b) * n + max(a, b), False)
    return m.tie_values[slot] * m.tie_scale if slot >= 0 else 0.0


@njit(cache=True)
def reinforce_groups(table, scaled, scale, seats, uptake, role, growth):
    """Grow the tie of every pair of members in a group of `seats` by their reciprocal
    exchange, min(U_ij, U_ji), the lesser of the credibility each gave the other (see
    `reinforce_ties`); pairs meeting for the first time are put in the tie `table`
    (which must have room for them). Returns (gain of cross-role ties, pairs added)."""
    n = len(role)
    dense = is_dense(scaled, table)
    cross_gain, added = 0.0, 0
    for g in range(seats.shape[0]):
        for i in range(seats.shape[1]):
            for j in range(i + 1, seats.shape[1]):
                a, b = seats[g, i], seats[g, j]
                if a < 0 or b < 0:
                    continue
                if dense:
                    slot = dense_at(min(a, b), max(a, b), n)
                    new = _meet(table, slot)
                else:
                    slot, new = _slot(table, min(a, b) * n + max(a, b), True)
                added += new
                gain = _grow(scaled, slot, scale, min(uptake[g, i, j], uptake[g, j, i]), growth)
                if role[a] != role[b]:
                    cross_gain += gain
    return cross_gain, added


@njit(cache=True)
def reinforce_ties(scaled, scale, at, exchange, cross, growth):
    """Grow the tie at position `at[k]` of `scaled` (strengths before their shared
    fading `scale`) by `exchange[k]`: strength += (1 - strength) * (1 - exp(-growth *
    exchange)). Returns the total gain of the ties where `cross` (cross-role pairs)."""
    cross_gain = 0.0
    for k in range(len(at)):
        gain = _grow(scaled, at[k], scale, exchange[k], growth)
        if cross[k]:
            cross_gain += gain
    return cross_gain


@njit(cache=True, inline="always")
def _grow(scaled, at, scale, exchange, growth):
    """Grow the tie at `at` by `exchange`; returns the gain in strength."""
    gain = (1.0 - scaled[at] * scale) * -math.expm1(-growth * exchange)
    scaled[at] += gain / scale
    return gain


_EMPTY = -1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: spreads consecutive keys


@njit(cache=True, no_cpython_wrapper=True)
def _home(key, table_size):
    """The slot a pair key hashes to in a table of `table_size` (a power of two)."""
    return np.int64((np.uint64(key) * _GOLDEN) >> np.uint64(32)) & (table_size - 1)


@njit(cache=True)
def find_slots(table, keys, insert):
    """The slot of each pair key in the open-addressing `table` (keys, -1 in empty
    slots), or -1 for a key not there; with `insert`, missing keys are put in the first
    empty slot on their probe (the table must have room). Returns (slots, inserted)."""
    slots = np.empty(len(keys), dtype=np.int64)
    inserted = 0
    for k in range(len(keys)):
        slots[k], new = _slot(table, keys[k], insert)
        inserted += new
    return slots, inserted


@njit(cache=True, inline="always")
def _slot(table, key, insert):
    """The slot of `key` in `table` (see `find_slots`), and 1 if it was just put there."""
    slot = _home(key, len(table))
    while table[slot] != key and table[slot] != _EMPTY:
        slot = (slot + 1) & (len(table) - 1)
    if table[slot] == key:
        return slot, 0
    if not insert:
        return -1, 0
    table[slot] = key
    return slot, 1


@njit(cache=True)
def rehash(table, values, table_size):
    """The pairs of `table` and their `values` in a new table of `table_size` slots."""
    new_table = np.full(table_size, _EMPTY, dtype=np.int64)
    new_values = np.zeros(table_size)
    for slot in range(len(table)):
        if table[slot] != _EMPTY:
            at = _home(table[slot], table_size)
            while new_table[at] != _EMPTY:
                at = (at + 1) & (table_size - 1)
            new_table[at] = table[slot]
            new_values[at] = values[slot]
    return new_table, new_values


def dense_position(a, b, n):
    """The position of the pair a < b of `n` members in their dense upper triangle
    (integers or arrays of them)."""
    return a * (2 * n - a - 1) // 2 + (b - a - 1)


def held_densely(values, table):
    """Whether ties whose strengths are `values` and hash table `table` are held in the
    dense layout (its strengths and the table's slots then differ in number)."""
    return len(values) != len(table)


dense_at = njit(cache=True, inline="always")(dense_position)
is_dense = njit(cache=True, inline="always")(held_densely)


@njit(cache=True, inline="always")
def _meet(met, at):
    """Set the bit of the pair at `at` in `met` (64 pairs a word); 1 if it was not set."""
    word, bit = at >> 6, np.int64(1) << (at & 63)
    if met[word] & bit:
        return 0
    met[word] |= bit
    return 1


@njit(cache=True)
def to_dense(table, values, n, words, pairs):
    """The pairs of the hash `table` and their `values` in the dense layout: (met bits,
    strengths of every pair, 0 where never met)."""
    met, dense = np.zeros(words, dtype=np.int64), np.zeros(pairs)
    for slot in range(len(table)):
        if table[slot] != _EMPTY:
            at = dense_at(table[slot] // n, table[slot] % n, n)
            dense[at] = values[slot]
            _meet(met, at)
    return met, dense


@njit(cache=True)
def meet_dense(met, i, j, n):
    """Positions of the pairs (i, j), i < j, in the dense layout, marking them met;
    returns (positions, pairs meeting for the first time)."""
    at = np.empty(len(i), dtype=np.int64)
    new = 0
    for k in range(len(i)):
        at[k] = dense_at(i[k], j[k], n)
        new += _meet(met, at[k])
    return at, new


@njit(cache=True)
def dense_member_strength(dense, scale, n):
    """Each member's summed tie strength from the dense layout: the ties to members of
    higher index, then those to members of lower index, each in pair order."""
    high, low = np.zeros(n), np.zeros(n)
    at = 0
    for i in range(n):
        for j in range(i + 1, n):
            strength = dense[at] * scale
            high[i] += strength
            low[j] += strength
            at += 1
    return high + low
