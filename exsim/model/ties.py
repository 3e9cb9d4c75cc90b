"""Mutuality and care: ties between members that grow with reciprocal exchange and fade.

Tie strengths live in [0, 1]. Fading multiplies every tie by the same factor each month,
so it is kept as one shared scale instead of touching all n^2 entries; the mean strength
of cross-role ties is kept up to date as ties change, so reading it costs nothing.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

_RESCALE_BELOW = 1e-9


class TiePairs(NamedTuple):
    """Pairs of members: flat positions of (i, j) and (j, i) in the tie matrix, and
    whether i and j differ in role."""

    ij: np.ndarray
    ji: np.ndarray
    cross: np.ndarray


class Ties:
    """Symmetric tie strengths between members, with cheap monthly fading."""

    def __init__(self, role: np.ndarray):
        """Start with no ties among members whose roles are `role`."""
        n = len(role)
        self._role = role
        self._scaled = np.zeros((n, n), dtype=np.float64)
        self._scale = 1.0
        self._cross_sum = 0.0
        counts = np.bincount(role)
        self._cross_pairs = (n * n - int(np.sum(counts**2))) // 2

    def strength(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Tie strength between members `i` and `j` (arrays of the same shape)."""
        return self._scaled[i, j] * self._scale

    def matrix(self) -> np.ndarray:
        """All tie strengths as a dense (n, n) array."""
        return self._scaled * self._scale

    def reinforce(self, i: np.ndarray, j: np.ndarray, exchange: np.ndarray, growth: float) -> None:
        """Strengthen ties of distinct pairs (i, j) by reciprocal `exchange` (>= 0).

        Each pair must appear once, in one direction only.
        """
        self.reinforce_pairs(self.pairs(i, j), exchange, growth)

    def pairs(self, i: np.ndarray, j: np.ndarray) -> TiePairs:
        """The pairs (i, j) as `reinforce_pairs` takes them; worth keeping for pairs that
        meet again (project teams)."""
        n = len(self._role)
        return TiePairs(i * n + j, j * n + i, self._role[i] != self._role[j])

    def reinforce_pairs(self, pairs: TiePairs, exchange: np.ndarray, growth: float) -> None:
        """`reinforce` the `pairs`, one `exchange` each."""
        if len(exchange) == 0 or growth == 0:
            return
        flat = self._scaled.reshape(-1)  # a view
        current = flat.take(pairs.ij) * self._scale
        gain = (1.0 - current) * -np.expm1(-growth * exchange)
        step = gain / self._scale
        flat[pairs.ij] += step
        flat[pairs.ji] += step
        self._cross_sum += float(gain[pairs.cross].sum())

    def fade(self, rate: float) -> None:
        """Multiply every tie by (1 - rate)."""
        self._scale *= 1.0 - rate
        self._cross_sum *= 1.0 - rate
        if self._scale < _RESCALE_BELOW:
            self._scaled *= self._scale
            self._scale = 1.0

    def cross_role_mean(self) -> float:
        """Mean strength over all pairs of members of different roles (0 if none)."""
        if self._cross_pairs == 0:
            return 0.0
        return min(1.0, max(0.0, self._cross_sum / self._cross_pairs))

    def member_strength(self) -> np.ndarray:
        """Sum of each member's tie strengths."""
        return self._scaled.sum(axis=1) * self._scale
