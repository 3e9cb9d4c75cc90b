"""Property-based tests: for any valid parameter set, a run stays in range and repeats.

Each example draws every parameter within its allowed values (exsim.model.parameters),
with the sizes that cost time (members, months, rounds, group size) kept small.
"""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from exsim.model import ExchangeModel
from exsim.model.parameters import PARAMETERS
from exsim.model.registry import OUTCOMES, names
from exsim.model.vocabulary import ROLES

SMALL = {
    "population.size": (2, 60),
    "project.size": (2, 20),
    "project.rounds": (0, 3),
    "event.group_size": (2, 12),
    "event.rounds": (1, 4),
    "event.every": (0, 4),
    "event.until": (0, 8),
    "run.steps": (1, 6),
}


def value_of(p):
    if p.name in SMALL:
        return st.integers(*SMALL[p.name])
    if p.choices:
        return st.sampled_from(p.choices)
    if p.kind is bool:
        return st.booleans()
    if p.kind is int:
        return st.integers(int(p.low), int(p.high))
    return st.floats(p.low, p.high, allow_nan=False, allow_infinity=False)


def consistent(values):
    """Make a drawn parameter set pass the schema's cross-parameter checks."""
    if values["event.grouping"] == "by_project":
        values["event.superiors_present"] = True
    if sum(values[f"population.mix.{r}"] for r in ROLES) <= 0:
        values["population.mix.patient"] = 1.0
    return values


PARAMETER_SETS = st.fixed_dictionaries({name: value_of(p) for name, p in PARAMETERS.items()}).map(
    consistent
)
PROPERTIES = settings(max_examples=25, deadline=None)

UNIT = [
    "speaking_equality",
    "cross_role_uptake",
    "reciprocity",
    "norm_endorsement",
    "dialogic_capacity",
    "cross_role_ties",
    "calibration_error",
    "event_held",
    "project_speaking_equality",
    "project_cross_role_uptake",
    "project_reciprocity",
] + [f"{k}_{r}" for k in ("norm_endorsement", "dialogic_capacity") for r in ROLES]
SIGNED = {"credibility_gap": (-1.0, 1.0)}
COUNTS = [
    "events_held",
    "attendance",
    "challenges",
    "challenges_low_status",
    "challenges_taken_up",
    "project_challenges",
    "project_challenges_low_status",
    "project_challenges_taken_up",
] + [f"challenges_{r}" for r in ROLES]


def run(values):
    model = ExchangeModel(**{PARAMETERS[k].keyword: v for k, v in values.items()})
    for _ in range(values["run.steps"]):
        model.step()
    dc = model.datacollector
    return model, dc.get_model_vars_dataframe(), dc.get_table_dataframe("events")


def check_population(model):
    pop = model.population
    for name in (
        "status",
        "voice",
        "dialogic",
        "endorsement",
        "knowledge",
        "calibrated",
        "beliefs",
    ):
        assert np.all(np.isfinite(getattr(pop, name))), name
    assert np.all((pop.status >= 0) & (pop.status <= 1))
    assert np.all((pop.voice >= 0.05) & (pop.voice <= 1))
    assert np.all((pop.dialogic >= 0) & (pop.dialogic <= 1))
    assert np.all((pop.endorsement >= 0) & (pop.endorsement <= 1))
    assert np.all((pop.calibrated >= 0) & (pop.calibrated <= 1))
    assert np.all((pop.knowledge > 0) & (pop.knowledge <= 1))
    ties = pop.ties.matrix()
    assert np.all(np.isfinite(ties)) and np.all((ties >= 0) & (ties <= 1))
    assert np.allclose(ties, ties.T)
    assert len(model.agents) == pop.size


UNDEFINED = [n for n, o in OUTCOMES.items() if o.undefined_when]
"""The outcomes the registry marks as NaN by design where undefined."""
PER_ROLE_STATE = [n for n in UNDEFINED if OUTCOMES[n].kind == "state" and OUTCOMES[n].family]


def check_undefined(model, frame, events):
    """A per-role outcome is NaN exactly where it is undefined: a role's state when
    nobody holds the role; its speaking ratio at an event it missed or where nobody
    spoke (carried, as every event outcome, to the months until the next event). Returns
    `frame` with those cells at 0, for the range checks."""
    frame = frame.copy()
    held = model.population.role[:, None] == np.arange(len(ROLES))
    for column in PER_ROLE_STATE:
        r = ROLES.index(column.removeprefix(f"{OUTCOMES[column].family}_"))
        assert frame[column].isna().all() if not held[:, r].any() else frame[column].notna().all()
    turns = [f"turns_{r}" for r in ROLES]
    by_month = events.groupby("step")[[f"members_{r}" for r in ROLES] + turns].sum()
    silent = by_month[turns].sum(axis=1) == 0
    for role in ROLES:
        missing = (by_month[f"members_{role}"] == 0) | silent  # undefined at these events
        expected = missing.reindex(frame.index).astype(float).ffill()  # NaN before any event
        column = frame[f"speaking_ratio_{role}"]
        known = expected.notna()
        assert (column[known].isna() == expected[known].astype(bool)).all(), role
        frame.loc[known & column.isna(), f"speaking_ratio_{role}"] = 0.0
    frame[PER_ROLE_STATE] = frame[PER_ROLE_STATE].fillna(0.0)
    one_role = held.any(axis=0).sum() == 1  # no cross-role pair: no mean tie strength
    ties = frame["cross_role_ties"]
    assert ties.isna().all() if one_role else ties.notna().all()
    frame["cross_role_ties"] = ties.fillna(0.0)
    checked = {*PER_ROLE_STATE, "cross_role_ties", *(f"speaking_ratio_{r}" for r in ROLES)}
    assert checked == set(UNDEFINED), "an outcome that may be undefined is checked here"
    return frame


def check_timeseries(frame, values):
    steps, size = values["run.steps"], values["population.size"]
    assert len(frame) == steps + 1
    session = [c for c in frame.columns if c in names("event") + names("project")]
    first = frame.iloc[0]  # month 0 holds no session outcome (NaN by design)
    assert first[session].isna().all() and first.drop(session).notna().all()
    frame = frame.iloc[1:] if steps else frame.drop(columns=session)
    before = frame["events_held"] == 0  # no event yet: no event outcome either
    event_columns = [c for c in frame.columns if c in names("event")]
    assert frame.loc[before, event_columns].isna().all().all()
    frame = frame.copy()
    frame.loc[before, event_columns] = 0.0  # checked above; the bounds below hold for 0
    project_columns = [c for c in frame.columns if c in names("project")]
    if values["project.rounds"] == 0:  # no project meeting held: no project outcome
        assert frame[project_columns].isna().all().all()
        frame[project_columns] = 0.0  # checked above; the bounds below hold for 0
    assert np.all(np.isfinite(frame.to_numpy(dtype=float)))
    for column in UNIT:
        assert frame[column].between(0.0, 1.0).all(), column
    for column, (low, high) in SIGNED.items():
        assert frame[column].between(low, high).all(), column
    for column in frame.columns.difference(list(SIGNED)):
        assert (frame[column] >= 0).all(), column
    for column in COUNTS:
        assert (frame[column] == frame[column].round()).all(), column
    assert (frame["attendance"] <= size).all()
    assert frame["events_held"].is_monotonic_increasing
    assert frame["events_held"].iloc[-1] == frame["event_held"].sum() <= steps
    assert (frame["challenges_low_status"] <= frame["challenges"]).all()
    by_role = frame[[f"challenges_{r}" for r in ROLES]].sum(axis=1)
    assert np.allclose(by_role, frame["challenges"])
    assert (frame["challenges"] <= values["event.rounds"] * frame["attendance"]).all()
    assert (frame["project_challenges"] <= values["project.rounds"] * size).all()


def check_events(events, frame, values):
    if events.empty:
        assert frame["events_held"].iloc[-1] == 0
        return
    assert np.all(np.isfinite(events.to_numpy(dtype=float)))
    assert (events.drop(columns="step") >= 0).all().all()
    assert events["step"].between(1, values["run.steps"]).all()
    for column in ("speaking_equality", "cross_role_uptake", "reciprocity"):
        assert events[column].between(0.0, 1.0).all(), column
    size = events["size"]
    assert (size >= 1).all()
    assert np.array_equal(events[[f"members_{r}" for r in ROLES]].sum(axis=1), size)
    assert np.array_equal(
        events[[f"challenges_{r}" for r in ROLES]].sum(axis=1), events["challenges"]
    )
    assert (events["challenges"] <= values["event.rounds"] * size).all()
    assert (events["leaders_present"] <= size).all()
    turns = events[[f"turns_{r}" for r in ROLES]].sum(axis=1)
    rounds = values["event.rounds"]
    if values["event.format"] == "action_learning":
        expected = np.where(size > 1, rounds * (size + 1), 0)
    else:
        expected = rounds * size
    assert np.array_equal(turns, expected)
    attended = events.groupby("event")["size"].sum()
    held = frame.loc[frame["event_held"] == 1, "attendance"]
    assert attended.tolist() == held.tolist()


@PROPERTIES
@given(values=PARAMETER_SETS)
def test_any_valid_run_stays_finite_in_range_and_repeats(values):
    model, frame, events = run(values)
    check_population(model)
    check_timeseries(check_undefined(model, frame, events), values)
    check_events(events, frame, values)
    _, frame_again, events_again = run(values)
    pd.testing.assert_frame_equal(frame, frame_again)
    pd.testing.assert_frame_equal(events, events_again)


@settings(max_examples=15, deadline=None)
@given(
    values=PARAMETER_SETS,
    fmt=st.sampled_from(["action_learning", "plenary", "facilitated_dialogue"]),
    suspension=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_every_event_design_runs_in_range(values, fmt, suspension):
    # every design, with events every month so that each example holds some
    values = dict(values, **{"event.format": fmt, "event.suspension": suspension})
    values.update({"event.every": 1, "event.until": 0, "attendance.rate": 1.0})
    values["attendance.responsiveness"] = 0.0  # experience must not keep anyone away
    values.update({f"attendance.{r}": 1.0 for r in ROLES})
    model, frame, events = run(values)
    assert frame["events_held"].iloc[-1] == values["run.steps"]
    check_population(model)
    check_timeseries(check_undefined(model, frame, events), values)
    check_events(events, frame, values)
