"""`outcomes.pool_by_size` calls NumPy's dot as an array method (faster to call than
`@`): the pooled outcomes it fills in must be bit for bit those of `@`, as they were
always computed, on group tables of every size (BLAS sums 16 or more values another way)."""

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
