"""`outcomes.pool_by_size` calls NumPy's dot as an array method (faster to call than
`@`): the pooled outcomes it fills in must be bit for bit those of `@`, as they were
always computed, on group tables of every size (BLAS sums 16 or more values another way).

`.dot` is not quite the same path as `@`: for two groups or more both call BLAS's dot,
but for a table of ONE group `.dot` multiplies directly while `@` adds the product to
+0.0, so a -0.0 comes out of `.dot` as -0.0 and out of `@` as 0.0. `pool_by_size` adds
+0.0 to match; the signed-zero test below checks it (such a -0.0 is not expected anyway:
the four weighted columns are non-negative sums that start at +0.0)."""

import numpy as np
import pytest

from exsim.model import outcomes


def pooled_with_matmul(table: np.ndarray, summary: np.ndarray) -> np.ndarray:
    """`pool_by_size` as it was written before: a column of the table `@` the sizes."""
    size = table[:, 0].astype(float)
    total = summary[0]
    for at, column in outcomes._WEIGHTED:
        summary[at] = float(table[:, column] @ size) / total
    return summary


@pytest.mark.parametrize("groups", [1, 2, 3, 5, 6, 15, 16, 17, 33, 64, 257])
def test_pool_by_size_is_matmul_bit_for_bit(groups):
    rng = np.random.default_rng(groups)
    for _ in range(20):
        table = rng.random((groups, len(outcomes.GROUP_OUTCOMES)))
        table *= 10.0 ** rng.uniform(-6, 6, table.shape)  # sums that round
        table[:, 0] = rng.integers(1, 40, groups)  # group sizes
        summary = rng.random(len(outcomes.SUMMARY_OUTCOMES))
        summary[0] = table[:, 0].sum()
        expected = pooled_with_matmul(table, summary.copy())
        got = outcomes.pool_by_size(table, summary.copy())
        assert got.tobytes() == expected.tobytes()


@pytest.mark.parametrize("groups", [1, 2, 16, 17])
def test_pool_by_size_is_matmul_bit_for_bit_for_a_signed_zero(groups):
    """A weighted column of -0.0: `@` gives +0.0, and so must `pool_by_size` (a bare
    `.dot` gives -0.0 for one group)."""
    table = np.full((groups, len(outcomes.GROUP_OUTCOMES)), -0.0)
    table[:, 0] = np.arange(1, groups + 1)  # group sizes
    summary = np.ones(len(outcomes.SUMMARY_OUTCOMES))
    summary[0] = table[:, 0].sum()
    expected = pooled_with_matmul(table, summary.copy())
    got = outcomes.pool_by_size(table, summary.copy())
    assert got.tobytes() == expected.tobytes()
    if groups == 1:  # the case the `+ 0.0` is there for
        assert np.signbit(table[:, 1].dot(table[:, 0])) and not np.signbit(got[1])
