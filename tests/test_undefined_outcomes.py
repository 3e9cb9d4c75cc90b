"""Undefined outcomes are NaN, never 0: a role's speaking ratio at an event it missed (or
where nobody spoke), a role's state when nobody holds it, cross-role ties with one role
only; a present role's values are the numbers they always were; and a comparison on such
a column says it has no value."""

import numpy as np
import pandas as pd

import exsim
from exsim.analysis.comparison import compare_designs, comparison_markdown, verdict
from exsim.config import default_config
from exsim.model.registry import OUTCOMES, summarize
from exsim.model.vocabulary import ROLES

PER_ROLE_STATE = ("norm_endorsement", "dialogic_capacity", "belief_error")


def _run(**changes):
    config = default_config().replace(**{"run.seed": 7, "run.steps": 12, **changes})
    return exsim.run(config)


def test_a_role_nobody_holds_has_nan_outcomes_and_the_others_have_values():
    result = _run(**{"population.mix.researcher": 0.0})
    assert "researcher" not in set(result.agents["role"])
    ts, held = result.timeseries, result.timeseries["event_held"] == 1
    assert held.sum() >= 3
    for name in PER_ROLE_STATE:
        assert ts[f"{name}_researcher"].isna().all(), name
        assert ts[f"{name}_patient"].notna().all(), name
    assert ts.loc[held, "speaking_ratio_researcher"].isna().all()
    assert (ts.loc[held, "speaking_ratio_patient"] > 0).all()


def test_with_one_role_there_is_no_cross_role_tie_strength():
    mix = {f"population.mix.{r}": 0.0 for r in ROLES if r != "patient"}
    ts = _run(**mix).timeseries
    assert ts["cross_role_ties"].isna().all()
    assert ts["norm_endorsement_patient"].notna().all()
    assert _run().timeseries["cross_role_ties"].notna().all()


def test_a_present_role_s_speaking_ratio_is_its_share_of_turns_over_a_fair_share():
    """The value of a role that attended is the ratio it always was, recomputed here from
    the events table: turns per member of the role over turns per attendee."""
    result = _run()
    events, ts = result.events, result.timeseries.set_index("step")
    by_event = events.groupby("step").sum(numeric_only=True)
    checked = 0
    for step, row in by_event.iterrows():
        fair = sum(row[f"turns_{r}"] for r in ROLES) / row["size"]
        for role in ROLES:
            got = ts.loc[step, f"speaking_ratio_{role}"]
            if row[f"members_{role}"] == 0:
                assert np.isnan(got), (step, role)
            else:
                want = row[f"turns_{role}"] / row[f"members_{role}"] / fair
                assert got == want, (step, role)  # the same arithmetic, bit for bit
                checked += 1
    assert checked > 10


def test_the_mean_of_a_speaking_ratio_is_over_the_events_the_role_attended():
    values = np.array([np.nan, 1.0, 1.0, np.nan, 2.0, 0.5, 0.5])
    held = np.array([False, True, False, True, True, True, False])
    name = "speaking_ratio_carer"
    mean = summarize(values, "mean", "event", held, name)
    assert mean == np.mean([1.0, 2.0, 0.5])  # events of months 1, 4, 5: not month 3's, missed
    assert summarize(values, "final", "event", held, name) == 0.5
    missed = np.array([np.nan, np.nan, np.nan, 3.0])
    assert np.isnan(summarize(missed, "final", "event", [False, True, True, False], name))
    assert np.isnan(summarize(missed, "mean", "event", [False, True, True, False], name))
    state = np.array([np.nan, np.nan])
    assert np.isnan(summarize(state, "mean", "state", [False, False]))


def test_a_nan_of_an_outcome_always_defined_is_not_skipped_in_the_mean():
    """Only the outcomes the registry marks as possibly undefined skip a NaN event in
    their mean over events; any other NaN (a fault) makes the mean NaN."""
    values = np.array([np.nan, 1.0, np.nan, 0.5])
    held = np.array([False, True, True, True])
    assert not OUTCOMES["speaking_equality"].undefined_when
    assert np.isnan(summarize(values, "mean", "event", held, "speaking_equality"))
    assert np.isnan(summarize(values, "mean", "event", held))  # no name: not marked
    assert summarize(values, "mean", "event", held, "speaking_ratio_carer") == 0.75


def test_the_registry_marks_the_outcomes_that_may_be_undefined():
    """`Outcome.undefined_when` names every outcome that is NaN by design, and only those:
    the per-role speaking ratio and state, and cross-role ties."""
    marked = {n for n, o in OUTCOMES.items() if o.undefined_when}
    per_role = ("speaking_ratio", *PER_ROLE_STATE)
    assert marked == {f"{k}_{r}" for k in per_role for r in ROLES} | {"cross_role_ties"}


def test_a_comparison_with_no_value_in_some_run_says_so():
    """Design b's role is absent in one run: b's mean is NaN with 2 runs counted, not the
    mean of the other two, and its verdict says why."""
    values = {"a": [1.0, 2.0, 3.0], "b": [1.5, np.nan, 3.5]}
    metrics = pd.DataFrame(
        [
            {"design": d, "seed": s, "outcome": "speaking_ratio", "role": "carer", "value": v}
            for d, column in values.items()
            for s, v in enumerate(column)
        ]
    )
    table = compare_designs(metrics, ["a", "b"]).set_index("design")
    b = table.loc["b"]
    assert b["replicates"] == 2 and np.isnan(b["mean"]) and np.isnan(b["difference"])
    assert table.loc["a", "mean"] == 2.0
    assert "role absent" in verdict(b)
    line = comparison_markdown(table.reset_index(), role="carer").splitlines()[-1]
    assert "no value (2 runs with one)" in line and "no value to compare" in line
    metrics.loc[(metrics["design"] == "b") & (metrics["seed"] == 0), "value"] = np.nan
    table = compare_designs(metrics, ["a", "b"])
    line = comparison_markdown(table, role="carer").splitlines()[-1]
    assert "no value (1 run with one)" in line
