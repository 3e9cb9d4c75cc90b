"""The costs of flattening hierarchy, rule by rule (ODD 7.16 to 7.20), and the null.

Each rule is checked on a small case whose number is worked out beside the test from the
ODD's equation; the last tests check that, among equals, no setting of these mechanisms
lets `event.suspension` change anything.
"""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exsim.model import ExchangeModel
from exsim.model.dialogue import Setting, hold_session
from exsim.model.events import choose_attendees, remember_event
from exsim.model.parameters import NEUTRAL, PARAMETERS, validate
from exsim.model.population import (
    COMPETENCE_SCALE,
    create_population,
    create_problem,
    evidence_precision,
)
from exsim.model.projects import gather_evidence
from exsim.model.vocabulary import KNOWLEDGE_TYPES, ROLE_INDEX, ROLES


def make_population(seed=0, **values):
    p = validate(values)
    rng = np.random.default_rng(seed)
    return create_population(p, create_problem(p, rng), rng), p


def legitimacy_of(p):
    return np.array([p[f"legitimacy.{k}"] for k in KNOWLEDGE_TYPES])


def pair(challenger_status=0.2, listener_status=0.8, **values):
    """Two members: 0, a low-status challenger sure to challenge; 1, a listener who
    leads 0's team. Returns the population, its parameters and the seats."""
    base = {
        "population.size": 2,
        "challenge.threshold": -2.0,
        "challenge.sharpness": 0.01,
        "challenge.uptake": 0.0,
        "challenge.discomfort": 0.0,
    }
    pop, p = make_population(0, **(base | values))
    pop.status[:] = [challenger_status, listener_status]
    pop.endorsement[:] = [0.0, 0.6]
    pop.leader[:] = [1, 1]
    pop.project[:] = [0, 0]
    return pop, p, np.array([[0, 1]])


def session(pop, p, seats, hierarchy, rounds=1, seed=0):
    setting = Setting(hierarchy, 0.0, "lottery", rounds)
    return hold_session(pop, seats, setting, p, legitimacy_of(p), np.random.default_rng(seed))


# --- 7.20 status as a cue to competence ------------------------------------------------


def test_evidence_precision_follows_the_odd_equation():
    status = np.array([0.2, 0.5, 0.8])
    got = evidence_precision(status, 0.5)
    want = [2.0 ** (0.5 * (s - 0.5) / COMPETENCE_SCALE) for s in status]
    np.testing.assert_allclose(got, want, rtol=1e-15)
    assert np.all(evidence_precision(status, 0.0) == 1.0)
    assert np.all(evidence_precision(np.full(3, 0.7), 1.0) == 1.0)


def test_high_status_members_hold_sharper_evidence_when_status_tracks_competence():
    values = {"population.size": 4000, "status.noise": 0.0, "status.competence": 1.0}
    pop, _ = make_population(1, **values)
    error = np.abs(pop.beliefs - pop.problem.truth)[:, ROLE_INDEX["patient"]]  # experiential
    patients, managers = pop.role == ROLE_INDEX["patient"], pop.role == ROLE_INDEX["manager"]
    ratio = error[patients].mean() / error[managers].mean()
    s_patient, s_manager = (PARAMETERS[f"status.{r}"].default for r in ("patient", "manager"))
    secondary = PARAMETERS["knowledge.secondary"].default
    want = 2.0 ** ((s_manager - s_patient) / COMPETENCE_SCALE) * secondary
    assert ratio == pytest.approx(want, rel=0.1)


def test_monthly_evidence_is_sharper_for_members_of_higher_status():
    values = {"population.size": 4000, "status.noise": 0.0, "status.competence": 1.0,
              "problem.evidence": 1.0}  # fmt: skip
    pop, p = make_population(2, **values)
    pop.beliefs[:] = pop.problem.truth  # each month's evidence replaces the view wholly
    gather_evidence(pop, p, np.random.default_rng(3))
    error = np.abs(pop.beliefs - pop.problem.truth)[:, 0]  # noise / precision, whatever kappa
    patients, managers = pop.role == ROLE_INDEX["patient"], pop.role == ROLE_INDEX["manager"]
    ratio = error[patients].mean() / error[managers].mean()
    want = pop.precision[managers][0] / pop.precision[patients][0]
    assert ratio == pytest.approx(want, rel=0.1)


# --- 7.16 threat, and reactance ----------------------------------------------------------


@pytest.mark.parametrize(("hierarchy", "sensitivity"), [(0.0, 1.0), (0.25, 2.0), (0.0, 10.0)])
def test_threat_is_status_above_the_room_mean_that_the_session_sets_aside(hierarchy, sensitivity):
    pop, p = make_population(0, **{"population.size": 3, "threat.sensitivity": sensitivity})
    pop.status[:] = [0.2, 0.4, 0.9]
    tally = session(pop, p, np.array([[0, 1, 2]]), hierarchy)
    mean = 0.5
    want = [min(1.0, sensitivity * (1 - hierarchy) * max(0.0, s - mean)) for s in (0.2, 0.4, 0.9)]
    np.testing.assert_allclose(tally.threat[0], want, rtol=1e-12)


def test_ties_to_those_below_take_threat_away_by_the_odd_equation():
    """Member 2 (status 0.9) stands above 0 and 1; a tie of strength t to member 0 only
    takes contact * t / 2 of its threat away; member 1 (0.4, below the mean 0.5) feels
    none, and its tie to 0 changes nothing."""
    values = {"population.size": 3, "threat.sensitivity": 2.0, "threat.contact": 0.6}
    pop, p = make_population(0, **values)
    pop.status[:] = [0.2, 0.4, 0.9]
    pop.ties.reinforce(np.array([0, 0]), np.array([2, 1]), np.array([1.0, 1.0]), 1.0)
    t = pop.ties.strength(np.array([0]), np.array([2]))[0]
    assert 0.5 < t < 0.9
    tally = session(pop, p, np.array([[0, 1, 2]]), 0.0)
    want = min(1.0, 2.0 * (0.9 - 0.5)) * (1.0 - 0.6 * t / 2)
    np.testing.assert_allclose(tally.threat[0], [0.0, 0.0, want], rtol=1e-12)
    pop, p = make_population(0, **(values | {"threat.contact": 0.0}))
    pop.status[:] = [0.2, 0.4, 0.9]
    pop.ties.reinforce(np.array([0, 0]), np.array([2, 1]), np.array([1.0, 1.0]), 1.0)
    assert session(pop, p, np.array([[0, 1, 2]]), 0.0).threat[0, 2] == pytest.approx(0.8)


def test_no_threat_where_hierarchy_is_kept():
    pop, p = make_population(0, **{"population.size": 3, "threat.sensitivity": 10.0})
    pop.status[:] = [0.2, 0.4, 0.9]
    assert not session(pop, p, np.array([[0, 1, 2]]), 1.0).threat.any()


def test_a_threatened_listener_who_takes_nothing_up_hardens_by_the_odd_equation():
    sensitivity = 0.5 / 0.3  # threat 0.5 for the listener: status 0.8, room mean 0.5
    pop, p, seats = pair(**{"threat.sensitivity": sensitivity, "threat.reactance": 0.2})
    tally = session(pop, p, seats, hierarchy=0.0)
    assert tally.challenges[0, 0] == 1 and tally.taken_up.sum() == 0
    # away from the challenger (endorsement 0) by reactance * threat of the gap to them
    assert pop.endorsement[1] == pytest.approx(0.6 + 0.2 * 0.5 * (0.6 - 0.0), rel=1e-12)
    # without threat (hierarchy kept) the same listener does not move
    pop, p, seats = pair(**{"threat.sensitivity": sensitivity, "threat.reactance": 0.2})
    session(pop, p, seats, hierarchy=1.0)
    assert pop.endorsement[1] == 0.6


def test_reactance_moves_away_from_the_challenger_and_stops_at_full_endorsement():
    """The mirror of a take-up: no hardening against a challenger who endorses as much
    as the listener; never beyond full endorsement."""
    sensitivity = 0.5 / 0.3  # threat 0.5, as above
    pop, p, seats = pair(**{"threat.sensitivity": sensitivity, "threat.reactance": 0.2})
    pop.endorsement[:] = [0.6, 0.6]
    session(pop, p, seats, hierarchy=0.0)
    assert pop.endorsement[1] == 0.6
    pop, p, seats = pair(**{"threat.sensitivity": 10.0, "threat.reactance": 1.0})
    pop.endorsement[:] = [0.0, 0.9]  # threat 1: 0.9 + 1 * 1 * 0.9 would pass 1
    session(pop, p, seats, hierarchy=0.0)
    assert pop.endorsement[1] == 1.0


def test_full_threat_stops_every_take_up():
    values = {"challenge.uptake": 1.0, "threat.sensitivity": 10.0, "threat.reactance": 0.0}
    pop, p, seats = pair(**values)
    pop.leader[:] = [0, 1]  # not the challenger's leader: no sanction in the way
    tally = session(pop, p, seats, hierarchy=0.0, rounds=5, seed=1)
    assert tally.challenges[0, 0] == 5 and tally.threat[0, 1] == 1.0
    assert pop.endorsement[1] == 0.6  # the threatened listener took none of them up
    pop, p, seats = pair(**(values | {"threat.sensitivity": 0.0}))
    session(pop, p, seats, hierarchy=0.0, rounds=5, seed=1)
    assert pop.endorsement[1] < 0.6


# --- 7.17 sanctions ------------------------------------------------------------------------


def test_a_challenge_heard_by_ones_own_leader_costs_status_by_the_odd_equation():
    pop, p, seats = pair(**{"challenge.sanction": 0.1})
    tally = session(pop, p, seats, hierarchy=0.0)
    assert tally.sanctions[0].tolist() == [1.0, 0.0]
    assert pop.status[0] == pytest.approx(0.2 - 0.1 * (0.8 - 0.2) * 1, rel=1e-12)
    assert pop.status[1] == 0.8
    # two rounds, two challenges: twice the loss (the gap as at the session's start)
    pop, p, seats = pair(**{"challenge.sanction": 0.1})
    session(pop, p, seats, hierarchy=0.0, rounds=2)
    assert pop.status[0] == pytest.approx(0.2 - 0.1 * 0.6 * 2, rel=1e-12)


def test_no_sanction_without_the_leader_in_the_room_or_above_the_challenger():
    pop, p, seats = pair(**{"challenge.sanction": 1.0})
    pop.leader[:] = [0, 1]
    assert session(pop, p, seats, 0.0).sanctions.sum() == 0 and pop.status[0] == 0.2
    pop, p, seats = pair(challenger_status=0.8, listener_status=0.8, **{"challenge.sanction": 1})
    assert session(pop, p, seats, 0.0).sanctions.sum() == 0 and pop.status[0] == 0.8


def test_sanctions_never_push_status_below_zero():
    pop, p, seats = pair(**{"challenge.sanction": 1.0})
    session(pop, p, seats, hierarchy=0.0, rounds=3)
    assert pop.status[0] == 0.0


# --- 7.18 discomfort -----------------------------------------------------------------------


def three_roles(**values):
    base = {"population.size": 3, "challenge.discomfort": 1.0, "attendance.safety": 0.0}
    pop, p = make_population(0, **(base | values))
    pop.role[:] = [ROLE_INDEX[r] for r in ("patient", "carer", "researcher")]
    pop.dialogic[:] = [0.2, 0.2, 0.2]
    return pop, p


def test_experience_is_credit_less_discomfort_by_the_odd_equation():
    pop, p = three_roles()
    tally = session(pop, p, np.array([[0, 1, 2]]), hierarchy=1.0, rounds=3)
    heard, uptake = tally.heard[0], tally.uptake[0]
    credit = uptake.sum(0) / np.maximum(heard.sum(0), 1)
    # the patient and the carer share experiential knowledge: one of two others differs
    unfamiliar = np.array([0.5, 0.5, 1.0])
    want = credit - 1.0 * (1 - 0.2) * unfamiliar
    np.testing.assert_allclose(tally.experience[0], want, rtol=1e-12)


@pytest.mark.parametrize("hierarchy", [1.0, 0.25, 0.0])
def test_status_risk_felt_lowers_experience_by_the_odd_equation(hierarchy):
    values = {"attendance.safety": 0.5, "challenge.discomfort": 0.0, "threat.sensitivity": 0.0}
    values |= {"challenge.status_risk": 2.0, "challenge.superior_risk": 1.5}
    pop, p = three_roles(**values)
    pop.status[:] = [0.2, 0.5, 0.9]
    pop.leader[:] = [2, 1, 2]  # the researcher leads the patient
    tally = session(pop, p, np.array([[0, 1, 2]]), hierarchy=hierarchy, rounds=3)
    credit = tally.uptake[0].sum(0) / np.maximum(tally.heard[0].sum(0), 1)
    gap_to_top = np.array([0.7, 0.4, 0.0])
    own_leader = np.array([0.7, 0.0, 0.0])
    felt = 0.5 * (hierarchy * 2.0 * gap_to_top + 1.5 * own_leader)
    np.testing.assert_allclose(tally.experience[0], credit - felt, rtol=1e-12, atol=1e-15)


def test_a_tie_takes_the_discomfort_of_an_unfamiliar_member_away():
    pop, p = three_roles()
    pop.ties.reinforce(np.array([0, 1]), np.array([2, 2]), np.array([1e3, 1e3]), 1.0)
    tally = session(pop, p, np.array([[0, 1, 2]]), hierarchy=1.0, rounds=3)
    credit = tally.uptake[0].sum(0) / np.maximum(tally.heard[0].sum(0), 1)
    np.testing.assert_allclose(tally.experience[0], credit, atol=1e-12)


def test_discomfort_makes_challenging_rarer():
    def challenges(discomfort):
        pop, p = make_population(
            3,
            **{"population.size": 60, "norm.endorsement": 0.2, "challenge.discomfort": discomfort},
        )
        seats = np.arange(60).reshape(10, 6)
        return session(pop, p, seats, 0.0, rounds=4, seed=1).challenges.sum()

    assert challenges(0.0) > 0
    assert challenges(1.5) < 0.5 * challenges(0.0)


# --- 7.19 attendance that responds ---------------------------------------------------------


def test_remembered_experience_moves_toward_the_last_event_by_memory():
    pop, p = three_roles()
    p = dict(p, **{"attendance.memory": 0.25})
    before = pop.experience.copy()
    tally = session(pop, p, np.array([[0, 2, -1]]), hierarchy=1.0)
    remember_event(pop, tally, p)
    want = before[[0, 2]] + 0.25 * (tally.experience[0, :2] - before[[0, 2]])
    np.testing.assert_allclose(pop.experience[[0, 2]], want, rtol=1e-12)
    assert pop.experience[1] == before[1]  # absent: nothing to remember


def test_attendance_chance_follows_remembered_experience():
    values = {"population.size": 40_000, "attendance.rate": 0.3, "attendance.responsiveness": 2}
    pop, p = make_population(0, **values)
    pop.experience[:] = p["attendance.reference"]
    pop.experience[::2] += math.log(2) / 2  # twice as keen
    pop.experience[1::2] -= math.log(2) / 2  # half as keen
    came = np.zeros(pop.size, dtype=bool)
    came[choose_attendees(pop, p, np.random.default_rng(5))] = True
    assert came[::2].mean() == pytest.approx(0.6, abs=0.015)
    assert came[1::2].mean() == pytest.approx(0.15, abs=0.015)


def test_members_who_are_sent_come_whatever_they_remember():
    values = {"population.size": 50, "attendance.voluntary": False}
    pop, p = make_population(0, **(values | {"attendance.responsiveness": 0.0}))
    sent = choose_attendees(pop, p, np.random.default_rng(1))
    pop.experience[:] = -1.0
    p = dict(p, **{"attendance.responsiveness": 10.0})
    assert np.array_equal(choose_attendees(pop, p, np.random.default_rng(1)), sent)


# --- the null: among equals, suspension changes nothing at any setting ---------------------


def equals(status):
    """Every member of the same status, every knowledge type equally legitimate."""
    return {
        **{f"status_{r}": status for r in ROLES},
        "status_noise": 0.0,
        **{f"legitimacy_{k}": 0.7 for k in KNOWLEDGE_TYPES},
    }


EQUALS = equals(0.5)
MECHANISMS = {
    "status_competence": st.floats(0.0, 1.0),
    "challenge_sanction": st.floats(0.0, 1.0),
    "challenge_discomfort": st.floats(0.0, 2.0),
    "threat_sensitivity": st.floats(0.0, 10.0),
    "threat_reactance": st.floats(0.0, 1.0),
    "threat_contact": st.floats(0.0, 1.0),
    "credibility_status_deficit": st.floats(0.0, 1.0),
    "attendance_responsiveness": st.floats(0.0, 10.0),
    "attendance_memory": st.floats(0.0, 1.0),
    "attendance_reference": st.floats(-1.0, 1.0),
    "attendance_safety": st.floats(0.0, 5.0),
    "event_superiors_present": st.booleans(),
    "event_format": st.sampled_from(["action_learning", "plenary", "facilitated_dialogue"]),
    "event_group_size": st.integers(2, 8),
    "ties_trust": st.floats(0.0, 1.0),
    "ties_safety": st.floats(0.0, 2.0),
    "action_motive": st.floats(0.0, 2.0),
    "action_reception": st.floats(0.0, 1.0),
    "credibility_feedback": st.floats(0.0, 1.0),
    "talk_sampling": st.booleans(),
    "talk_shared_bias": st.floats(0.0, 5.0),
    "event_knowledge_space": st.floats(0.0, 1.0),
    "norm_offset_patient": st.floats(-0.5, 0.5),
    "voice_offset_manager": st.floats(-0.5, 0.5),
    "rng": st.integers(0, 1000),
}


def tables(suspension, among=EQUALS, **values):
    model = ExchangeModel(
        event_suspension=suspension, population_size=24, run_steps=10, **among, **values
    )
    for _ in range(10):
        model.step()
    dc = model.datacollector
    return dc.get_model_vars_dataframe(), dc.get_table_dataframe("events"), model


@settings(max_examples=15, deadline=None)
@given(st.fixed_dictionaries(MECHANISMS), st.floats(0.05, 0.95))
def test_among_equals_suspension_changes_nothing_at_any_setting(values, status):
    """Also for statuses whose mean is not exactly themselves in binary (0.7 in threes)."""
    among = equals(status)
    kept, kept_events, _ = tables(0.0, among, challenge_threshold=0.0, **values)
    suspended, suspended_events, _ = tables(1.0, among, challenge_threshold=0.0, **values)
    pd.testing.assert_frame_equal(kept, suspended)
    pd.testing.assert_frame_equal(kept_events, suspended_events)


def test_among_equals_at_a_status_whose_mean_rounds_nothing_changes():
    values = {"threat_sensitivity": 10.0, "threat_reactance": 1.0, "event_group_size": 3}
    kept, _, _ = tables(0.0, equals(0.7), challenge_threshold=0.0, rng=1, **values)
    suspended, _, _ = tables(1.0, equals(0.7), challenge_threshold=0.0, rng=1, **values)
    pd.testing.assert_frame_equal(kept, suspended)


def test_with_status_differences_the_mechanisms_make_suspension_matter():
    """The null above is not vacuous: the same settings with default status differ."""
    values = {"threat_sensitivity": 3.0, "challenge_threshold": 0.0, "rng": 3}
    kept, _, _ = tables(0.0, among={}, **values)
    suspended, _, _ = tables(1.0, among={}, **values)
    assert not kept.equals(suspended)
    assert kept["threat"].max() == 0.0 and suspended["threat"].max() > 0.0


def test_neutral_settings_name_real_parameters_within_their_plausible_ranges():
    for name, value in NEUTRAL.items():
        assert PARAMETERS[name].check(value) == value
        if PARAMETERS[name].plausible is not None:
            low, high = PARAMETERS[name].plausible
            assert low <= value <= high, name
    switches = ["status.competence", "challenge.sanction", "challenge.discomfort"]
    switches += ["threat.sensitivity", "attendance.responsiveness", "attendance.safety"]
    switches += ["threat.contact"]
    assert all(PARAMETERS[name].default != NEUTRAL[name] for name in switches)


def test_every_plausible_range_holds_the_default_within_the_allowed_range():
    for p in PARAMETERS.values():
        if p.plausible is not None:
            low, high = p.plausible
            assert p.low <= low <= p.default <= high <= p.high, p.name
