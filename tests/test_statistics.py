"""Statistics against values computed by hand or by SciPy."""

import math

import numpy as np
import pytest
from scipy import stats

from exsim.analysis.statistics import bootstrap_mean, cohens_d, replicates_needed


def test_cohens_d_matches_hand_computation():
    a = np.array([5.0, 6.0, 7.0, 8.0])
    b = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    pooled = math.sqrt((3 * np.var(a, ddof=1) + 4 * np.var(b, ddof=1)) / 7)
    assert cohens_d(a, b) == pytest.approx((6.5 - 3.0) / pooled)
    assert cohens_d(b, a) == pytest.approx(-(6.5 - 3.0) / pooled)


def test_cohens_d_without_spread():
    assert cohens_d(np.ones(3), np.ones(3)) == 0.0
    assert cohens_d(np.ones(3) * 2, np.ones(3)) == math.inf


def test_bootstrap_interval_agrees_with_t_interval_for_normal_data():
    rng = np.random.default_rng(1)
    x = rng.normal(10.0, 2.0, size=200)
    ci = bootstrap_mean(x, seed=3)
    t_low, t_high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert ci.estimate == pytest.approx(x.mean())
    assert ci.low == pytest.approx(t_low, abs=0.08)
    assert ci.high == pytest.approx(t_high, abs=0.08)


def test_bootstrap_interval_covers_the_truth_about_95_percent_of_the_time():
    rng = np.random.default_rng(7)
    covered = 0
    for i in range(120):
        sample = rng.exponential(1.0, 40)
        ci = bootstrap_mean(sample, seed=i, resamples=999)
        covered += ci.low <= 1.0 <= ci.high
    assert 0.85 <= covered / 120 <= 0.99


def test_bootstrap_of_constant_and_single_values():
    ci = bootstrap_mean(np.full(5, 3.0))
    assert (ci.estimate, ci.low, ci.high) == (3.0, 3.0, 3.0)
    assert not ci.excludes_zero or ci.estimate != 0


def test_replicates_needed_by_formula():
    d = np.array([0.1, 0.3, 0.2, 0.4])
    expected = math.ceil(((1.959963984540054 + 0.8416212335729143) * d.std(ddof=1) / d.mean()) ** 2)
    assert replicates_needed(d) == expected
    assert replicates_needed(np.array([1.0, -1.0])) is None
    noisy = np.array([0.01, -0.5, 0.6, -0.4, 0.35])
    assert replicates_needed(noisy) > 100
