"""Mutuality and care: ties between members that grow with reciprocal exchange and fade.

Tie strengths live in [0, 1]. Only pairs who have met hold a tie, so ties are kept in a
hash table of those pairs (`tie_table.find_slots`): memory and time grow with the meetings,
not with the square of the population. When the table would grow past a quarter of the
bytes of a dense triangle of every pair (and that is `memory.DENSE_FROM` or more: about
2,000 members, in any event format, once a few per cent of pairs have met), the ties
move into that triangle (`tie_table.to_dense`, `memory.turns_dense`), read and grown to
the same values. Fading multiplies every tie by
the same factor each month, so it is kept as one shared scale instead of touching every
tie; the mean strength of cross-role ties is kept up to date as ties change, so reading
it costs nothing.
"""

from __future__ import annotations

import math

import numpy as np

from . import memory, tie_table

_RESCALE_BELOW = 1e-9
_MAX_LOAD = 0.5  # the table doubles before more than half its slots are taken


class Ties:
    """Symmetric tie strengths between members, with cheap monthly fading."""

    def __init__(self, role: np.ndarray):
        """Start with no ties among members whose roles are `role`."""
        n = len(role)
        self._role = role
        self._table = np.full(64, -1, dtype=np.int64)  # pair keys i * n + j (i < j)
        self._scaled = np.zeros(64)  # each pair's strength before the shared `_scale`
        self.count = 0  # pairs who have met (and hold a tie, however faded)
        self._scale = 1.0
        self._cross_sum = 0.0
        counts = np.bincount(role)
        self._cross_pairs = (n * n - int(np.sum(counts**2))) // 2

    def _keys(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The pairs (i, j) as keys min * n + max, one per unordered pair."""
        i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
        return np.minimum(i, j) * len(self._role) + np.maximum(i, j)

    @property
    def dense(self) -> bool:
        """Whether the ties are held in the dense layout (see the module)."""
        return tie_table.held_densely(self._scaled, self._table)

    def _pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every pair who has met, (i, j, strength) with i < j (hash table only)."""
        taken = self._table >= 0
        i, j = np.divmod(self._table[taken], len(self._role))
        return i, j, self._scaled[taken] * self._scale

    def strength(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Tie strength between members `i` and `j` (arrays of the same shape)."""
        keys = self._keys(i, j)
        if self.dense:
            low, high = np.divmod(keys, len(self._role))
            at = np.where(low < high, tie_table.dense_position(low, high, len(self._role)), 0)
            return np.where(low < high, self._scaled[at] * self._scale, 0.0)
        slots, _ = tie_table.find_slots(self._table, keys.reshape(-1), False)
        values = np.where(slots >= 0, self._scaled[slots] * self._scale, 0.0)
        return values.reshape(keys.shape)

    def matrix(self) -> np.ndarray:
        """All tie strengths as a dense (n, n) array."""
        n = len(self._role)
        dense = np.zeros((n, n))
        if self.dense:
            at = 0
            for i in range(n - 1):
                row = self._scaled[at : at + n - 1 - i] * self._scale
                dense[i, i + 1 :] = dense[i + 1 :, i] = row
                at += n - 1 - i
            return dense
        i, j, strength = self._pairs()
        dense[i, j] = dense[j, i] = strength
        return dense

    def member_strength(self) -> np.ndarray:
        """Sum of each member's tie strengths."""
        n = len(self._role)
        if self.dense:  # summed in pair order (the hash table sums in its slots' order)
            return tie_table.dense_member_strength(self._scaled, self._scale, n)
        i, j, strength = self._pairs()
        return np.bincount(i, strength, n) + np.bincount(j, strength, n)

    def reinforce(self, i: np.ndarray, j: np.ndarray, exchange: np.ndarray, growth: float) -> None:
        """Strengthen ties of distinct pairs (i, j) by reciprocal `exchange` (>= 0):
        strength += (1 - strength) * (1 - exp(-growth * exchange)).

        Each pair must appear once, in one direction only.
        """
        if len(exchange) == 0 or growth == 0:
            return
        keys = self._keys(i, j)
        self._make_room(len(keys))
        if self.dense:
            low, high = np.divmod(keys, len(self._role))
            slots, inserted = tie_table.meet_dense(self._table, low, high, len(self._role))
        else:
            slots, inserted = tie_table.find_slots(self._table, keys, True)
        self.count += inserted
        cross = self._role[np.asarray(i)] != self._role[np.asarray(j)]
        exchange = np.asarray(exchange, dtype=float)
        self._cross_sum += tie_table.reinforce_ties(
            self._scaled, self._scale, slots, exchange, cross, float(growth)
        )

    def make_room_for(self, seats: np.ndarray) -> None:
        """Grow the table, if need be, so that every pair of a session in `seats` (G, m)
        fits (call before `kernel_view`: growing moves the table)."""
        g, m = seats.shape
        self._make_room(g * m * (m - 1) // 2)  # at most this many pairs meet

    def grown(self, cross_gain: float, added: int) -> None:
        """Record what `tie_table.reinforce_groups` did to the table: the gain of the
        cross-role ties and the pairs it added."""
        self._cross_sum += cross_gain
        self.count += added

    def kernel_view(self) -> tuple[np.ndarray, np.ndarray, float]:
        """The table as `kernel.Members` holds it (``tie_table``, ``tie_values``,
        ``tie_scale``; read by `tie_table.tie_strength`): valid until the ties next grow."""
        return self._table, self._scaled, self._scale

    def _make_room(self, pairs: int) -> None:
        """Grow the table, if need be, so that `pairs` more pairs fit; or move the ties
        into the dense layout (`memory.turns_dense`), where every pair fits."""
        if self.dense:
            return
        size = len(self._table)
        while self.count + pairs > _MAX_LOAD * size:
            size *= 2
        n = len(self._role)
        if size > len(self._table) and memory.turns_dense(n, size):
            words, all_pairs = memory.dense_tie_sizes(n)
            self._table, self._scaled = tie_table.to_dense(
                self._table, self._scaled, n, words, all_pairs
            )
        elif size > len(self._table):
            self._table, self._scaled = tie_table.rehash(self._table, self._scaled, size)

    def fade(self, rate: float) -> None:
        """Multiply every tie by (1 - rate)."""
        self._scale *= 1.0 - rate
        self._cross_sum *= 1.0 - rate
        if self._scale < _RESCALE_BELOW:
            self._scaled *= self._scale
            self._scale = 1.0

    def cross_role_mean(self) -> float:
        """Mean strength over all pairs of members of different roles (NaN, undefined, if
        there is no such pair: every member holds one role)."""
        if self._cross_pairs == 0:
            return math.nan
        return min(1.0, max(0.0, self._cross_sum / self._cross_pairs))
