"""The DataCollector keeps each month as a row and moves the rows into its columns when
they are read: the columns are the same whenever and however often they are read."""

import copy
import math

from exsim.model import ExchangeModel

MONTHS = 6


def _columns(model) -> dict[str, list]:
    return {k: list(v) for k, v in model.datacollector.model_vars.items()}


def _same(a: dict, b: dict) -> bool:
    """Equal columns, NaN where NaN."""
    return a.keys() == b.keys() and all(
        len(a[k]) == len(b[k])
        and all(
            x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a[k], b[k], strict=True)
        )
        for k in a
    )


def _run(months=MONTHS, read_every_month=False) -> ExchangeModel:
    model = ExchangeModel(rng=11)
    for _ in range(months):
        model.step()
        if read_every_month:
            assert len(model.datacollector.model_vars["norm_endorsement"]) == model.steps + 1
    return model


def test_columns_read_at_the_end_or_every_month_are_the_same():
    once, often = _columns(_run()), _columns(_run(read_every_month=True))
    assert len(once["norm_endorsement"]) == MONTHS + 1
    assert _same(once, often)
    frame = _run().datacollector.get_model_vars_dataframe()
    assert (
        len(frame) == MONTHS + 1 and frame["norm_endorsement"].tolist() == once["norm_endorsement"]
    )


def test_a_reporter_added_mid_run_has_nan_before_and_the_others_are_unchanged():
    plain = _columns(_run())
    model = _run(months=3)  # three months kept as rows, not yet read
    model.datacollector._new_model_reporter("agents", lambda m: len(m.agents))  # Mesa's way
    for _ in range(MONTHS - 3):
        model.step()
    columns = _columns(model)
    assert [math.isnan(v) for v in columns["agents"]] == [True] * 4 + [False] * (MONTHS - 3)
    assert columns["agents"][4:] == [54] * (MONTHS - 3)
    del columns["agents"]
    assert _same(columns, plain)


def test_a_copy_with_rows_kept_runs_on_as_the_original():
    model = _run(months=3)
    twin = copy.deepcopy(model)
    for m in (model, twin):
        for _ in range(MONTHS - 3):
            m.step()
    assert _same(_columns(model), _columns(twin))
    assert _same(_columns(model), _columns(_run()))
