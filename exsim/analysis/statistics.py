"""Statistics for comparing designs: bootstrap intervals, effect sizes, replicates needed.

Designs are run on common random numbers (the same seeds), so a design's difference from
the baseline is estimated from paired differences, seed by seed, which removes the noise
the two runs share.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z_95 = 1.959963984540054
Z_80_POWER = 0.8416212335729143


def bootstrap(*args, **kwargs):
    """`scipy.stats.bootstrap`, imported on first use: scipy.stats takes longer to import
    than a default run takes to simulate, and `exsim run` draws no interval."""
    from scipy import stats

    return stats.bootstrap(*args, **kwargs)


@dataclass(frozen=True)
class Interval:
    """An estimate with a confidence interval."""

    estimate: float
    low: float
    high: float

    @property
    def excludes_zero(self) -> bool:
        """Whether zero lies outside the interval."""
        return self.low > 0 or self.high < 0


def bootstrap_mean(
    values: np.ndarray, seed: int = 0, resamples: int = 2000, level: float = 0.95
) -> Interval:
    """Mean of `values` with a bias-corrected and accelerated (BCa) bootstrap interval.

    Falls back to the percentile interval where BCa is undefined (e.g. all values equal).

    Example:
        >>> ci = bootstrap_mean(np.array([1.0, 2.0, 3.0, 4.0]))
        >>> ci.low < 2.5 < ci.high
        True
    """
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    if len(values) < 2 or np.ptp(values) == 0:
        return Interval(mean, mean, mean)
    rng = np.random.default_rng(seed)
    for method in ("BCa", "percentile"):
        with np.errstate(all="ignore"):
            res = bootstrap(
                (values,),
                np.mean,
                n_resamples=resamples,
                confidence_level=level,
                method=method,
                random_state=rng,
            )
        low, high = res.confidence_interval
        if np.isfinite(low) and np.isfinite(high):
            return Interval(mean, float(low), float(high))
    return Interval(mean, mean, mean)


def cohens_d(treated: np.ndarray, baseline: np.ndarray) -> float:
    """Standardised mean difference: (mean treated - mean baseline) / pooled s.d.

    With no spread in either sample: 0 if the means are equal, else ±inf.

    Example:
        >>> round(cohens_d(np.array([2.0, 3.0, 4.0]), np.array([1.0, 2.0, 3.0])), 3)
        1.0
    """
    treated, baseline = np.asarray(treated, float), np.asarray(baseline, float)
    diff = float(treated.mean() - baseline.mean())
    n1, n2 = len(treated), len(baseline)
    pooled = (
        math.sqrt(
            ((n1 - 1) * treated.var(ddof=1) + (n2 - 1) * baseline.var(ddof=1)) / (n1 + n2 - 2)
        )
        if n1 + n2 > 2
        else 0.0
    )
    if pooled == 0:
        return 0.0 if diff == 0 else math.copysign(math.inf, diff)
    return diff / pooled


def replicates_needed(differences: np.ndarray, power_z: float = Z_80_POWER) -> int | None:
    """Replicates needed to detect the observed mean paired difference with 80% power at
    the 5% level, given its observed spread (normal approximation).

    None when the observed difference is exactly zero (no finite number resolves it) or
    not a number (a design without a value: no event held).

    Example:
        >>> replicates_needed(np.array([0.1, 0.3, 0.2, 0.4]))
        3
    """
    differences = np.asarray(differences, float)
    delta = abs(float(differences.mean()))
    sd = float(differences.std(ddof=1)) if len(differences) > 1 else 0.0
    if delta == 0 or not (math.isfinite(delta) and math.isfinite(sd)):
        return None  # no difference, or none to measure (NaN: a design held no event)
    if sd == 0:
        return 2
    return max(2, math.ceil(((Z_95 + power_z) * sd / delta) ** 2))


def bootstrap_band(
    values: np.ndarray, seed: int = 0, resamples: int = 2000, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean of each column of `values` (replicates x points) with a percentile bootstrap
    interval of that mean over the replicates (`scipy.stats.bootstrap`).

    Percentile intervals stay within the values resampled, so the band of a count
    never goes below zero. NaN values are left out (a column of NaN, such as an event
    outcome before the first event, gives NaN: no band there); a column with one value
    gets that value as its own interval.

    Example:
        >>> mean, low, high = bootstrap_band(np.array([[0.0, 1.0], [0.0, 3.0], [1.0, 2.0]]))
        >>> bool((low >= 0).all() and (low <= mean).all() and (mean <= high).all())
        True
    """
    values = np.asarray(values, dtype=float)
    points = values.shape[1]
    mean, low, high = (np.full(points, np.nan) for _ in range(3))
    rng = np.random.default_rng(seed)
    finite = ~np.isnan(values)
    whole = finite.all(axis=0)
    for columns in ([np.flatnonzero(whole)], [[j] for j in np.flatnonzero(~whole)]):
        for cols in columns:
            block = values[:, cols]
            block = block[finite[:, cols].all(axis=1)]
            if len(cols) == 0 or len(block) == 0:
                continue
            mean[cols] = block.mean(axis=0)
            low[cols], high[cols] = _percentile_interval(block, rng, resamples, level)
    return mean, low, high


def _percentile_interval(block, rng, resamples, level) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval of each column's mean; a point for one replicate
    or no spread."""
    centre = block.mean(axis=0)
    if len(block) < 2:
        return centre, centre
    with np.errstate(all="ignore"):
        res = bootstrap(
            (block,),
            np.mean,
            n_resamples=resamples,
            confidence_level=level,
            method="percentile",
            axis=0,
            random_state=rng,
        )
    low, high = res.confidence_interval
    flat = np.ptp(block, axis=0) == 0
    return np.where(flat, centre, low), np.where(flat, centre, high)


MIN_PAIRS_FOR_D = 5
"""The fewest replicates for which `effect_size_interval` gives an interval of d."""


def effect_size_interval(
    treated: np.ndarray,
    baseline: np.ndarray,
    seed: int = 0,
    resamples: int = 2000,
    level: float = 0.95,
) -> Interval:
    """Cohen's d of `treated` against `baseline` (paired by seed: resampled together)
    with a percentile bootstrap interval; NaN bounds when d is infinite (no spread) or
    with fewer than `MIN_PAIRS_FOR_D` pairs (resamples of so few repeat values, their
    s.d. nears zero and d runs off to huge values).

    Example:
        >>> treated, baseline = np.array([2.0, 3.1, 4.0, 5.2]), np.array([1.0, 2.0, 3.0, 4.0])
        >>> ci = effect_size_interval(treated, baseline)
        >>> ci.low < ci.estimate < ci.high
        True
    """
    treated, baseline = np.asarray(treated, float), np.asarray(baseline, float)
    d = cohens_d(treated, baseline)
    if not math.isfinite(d) or len(treated) < MIN_PAIRS_FOR_D:
        return Interval(d, math.nan, math.nan)
    with np.errstate(all="ignore"):
        res = bootstrap(
            (treated, baseline),
            _cohens_d_along,
            paired=True,
            vectorized=True,
            n_resamples=resamples,
            confidence_level=level,
            method="percentile",
            random_state=np.random.default_rng(seed),
        )
    low, high = (float(v) for v in res.confidence_interval)
    if not (math.isfinite(low) and math.isfinite(high)):
        return Interval(d, math.nan, math.nan)
    return Interval(d, low, high)


def _cohens_d_along(treated: np.ndarray, baseline: np.ndarray, axis: int = -1) -> np.ndarray:
    """`cohens_d` along `axis` of resampled arrays (scipy's vectorised statistic)."""
    n1, n2 = treated.shape[axis], baseline.shape[axis]
    pooled = np.sqrt(
        ((n1 - 1) * treated.var(axis=axis, ddof=1) + (n2 - 1) * baseline.var(axis=axis, ddof=1))
        / (n1 + n2 - 2)
    )
    diff = treated.mean(axis=axis) - baseline.mean(axis=axis)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pooled > 0, diff / pooled, np.where(diff == 0, 0.0, np.sign(diff) * np.inf))
