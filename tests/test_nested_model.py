"""Nested models: with every mechanism added since the first version at its neutral
setting (`parameters.NEUTRAL`), the model gives that version's outputs bit for bit.

The reference (`reference/nested.npz`) was written by `reference/make_reference.py`
at commit 78af082 with NumPy 2.4.6 on Python 3.11; new output columns are allowed,
changed values are not, with two changes by design: month 0 holds no event or project
outcome, and a per-role outcome is undefined where the role is absent (NaN; the
reference has 0 in both, as the model then recorded). Each such NaN must be a stored 0,
and every other value must match.
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

import exsim
from exsim.config import default_config
from exsim.model.parameters import NEUTRAL
from exsim.model.registry import OUTCOMES

HERE = Path(__file__).parent / "reference"
_spec = importlib.util.spec_from_file_location("make_reference", HERE / "make_reference.py")
make_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_reference)
DESIGNS, STEPS = make_reference.DESIGNS, make_reference.STEPS
STORED = np.load(HERE / "nested.npz")
MADE_WITH = ("2.4.6", (3, 11))
"""NumPy and Python of the reference (numba 0.68.1): bit for bit is checked there; on other
versions (CI's lowest and newest stages), to 1e-9 relative."""


@pytest.mark.parametrize("design", list(DESIGNS))
def test_neutral_mechanisms_reproduce_the_stored_reference(design):
    config = default_config().replace(**DESIGNS[design], **NEUTRAL)
    result = exsim.run(config, steps=STEPS)
    for table in ("timeseries", "events", "agents"):
        columns = list(STORED[f"{design}/{table}/columns"])
        want = STORED[f"{design}/{table}/values"]
        got = getattr(result, table)[columns].to_numpy(dtype=float)
        assert got.shape == want.shape, table
        if table == "timeseries":  # month 0's session outcomes: NaN by design, 0 stored
            session = [k for k, c in enumerate(columns) if _session(c)]
            assert np.isnan(got[0, session]).all() and (want[0, session] == 0).all()
            got, want = got.copy(), want.copy()
            got[0, session] = want[0, session] = 0.0
            undefined = _undefined_cells(got, columns)  # NaN by design since, 0 stored
            assert (want[undefined] == 0).all(), "only a stored 0 may have become NaN"
            got[undefined] = 0.0
            assert not np.isnan(got).any(), "only month 0's session outcomes may be NaN"
        if (np.__version__, sys.version_info[:2]) == MADE_WITH:
            np.testing.assert_array_equal(got, want, err_msg=f"{design}: {table}")
        else:  # other NumPy builds may round a sum differently in the last bits
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, err_msg=design)


def test_the_reference_is_not_trivial():
    """The stored designs differ from each other, so the test above can tell them apart."""
    finals = {d: STORED[f"{d}/timeseries/values"][-1] for d in DESIGNS}
    values = list(finals.values())
    assert all(not np.array_equal(values[0], v) for v in values[1:] if v.shape == values[0].shape)


def _undefined_cells(values: np.ndarray, columns: list[str]) -> np.ndarray:
    """The cells of a time series that are NaN because the outcome is undefined there (the
    registry's `undefined_when`: a role's speaking ratio at an event it missed, its state
    with nobody holding it), which the model recorded as 0 before; the reference holds
    that 0."""
    undefined = np.zeros(values.shape, dtype=bool)
    for k, column in enumerate(columns):
        if column in OUTCOMES and OUTCOMES[column].undefined_when:
            undefined[:, k] = np.isnan(values[:, k])
    return undefined


def _session(column: str) -> bool:
    return column in OUTCOMES and OUTCOMES[column].kind in ("event", "project")
