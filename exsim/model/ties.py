"""Mutuality and care: ties between members that grow with reciprocal exchange and fade.

Tie strengths live in [0, 1]. Fading multiplies every tie by the same factor each month,
so it is kept as one shared scale instead of touching all n^2 entries; the mean strength
of cross-role ties is kept up to date as ties change, so reading it costs nothing.
"""

from __future__ import annotations

import numpy as np

from . import kernel

_RESCALE_BELOW = 1e-9


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
        """Strengthen ties of distinct pairs (i, j) by reciprocal `exchange` (>= 0):
        strength += (1 - strength) * (1 - exp(-growth * exchange)).

        Each pair must appear once, in one direction only.
        """
        if len(exchange) == 0 or growth == 0:
            return
        i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
        exchange = np.asarray(exchange, dtype=float)
        gain = kernel.reinforce_ties(self._scaled, self._scale, i, j, exchange, self._role, growth)
        self._cross_sum += gain

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
