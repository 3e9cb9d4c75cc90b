"""Unit tests of each mechanism of the model, one function or rule at a time.

Populations are drawn with `create_population` and then set by hand where a test needs
a known state, so each test checks one rule against numbers worked out beside it.
"""

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exsim.model import ExchangeModel
from exsim.model.dialogue import (
    Setting,
    credibility,
    hold_session,
    leaders_present,
    speaking_weights,
)
from exsim.model.events import choose_attendees, deal, event_due, event_setting, form_groups
from exsim.model.outcomes import reciprocity, speaking_equality
from exsim.model.parameters import NEUTRAL, validate
from exsim.model.population import assign_projects, create_population, create_problem, role_counts
from exsim.model.projects import apply_norm_pressure, fade, gather_evidence, project_setting
from exsim.model.ties import Ties
from exsim.model.vocabulary import KNOWLEDGE_TYPES, MAIN_KNOWLEDGE_INDEX, ROLE_INDEX, ROLES

FAST = settings(max_examples=20, deadline=None)
EXPERIENTIAL, CLINICAL, RESEARCH, ORGANISATIONAL = range(4)


def make_population(seed=0, **values):
    """A population drawn from validated parameters (dotted names) and its parameters;
    the mechanisms of ODD 7.16 to 7.20 are off unless `values` name them (they have
    tests of their own, in test_model_costs.py)."""
    p = validate(NEUTRAL | values)
    rng = np.random.default_rng(seed)
    return create_population(p, create_problem(p, rng), rng), p


def legitimacy_of(p):
    return np.array([p[f"legitimacy.{k}"] for k in KNOWLEDGE_TYPES])


def group_of(seats):
    """Member index -> group index for a seating array."""
    out = {}
    for g, row in enumerate(seats):
        for m in row[row >= 0]:
            out[int(m)] = g
    return out


def seated_with_leader(seats, leader):
    """Members (not leaders) who share a group with their own project leader."""
    where = group_of(seats)
    return [m for m, g in where.items() if leader[m] != m and where.get(int(leader[m])) == g]


# --- population: roles and projects ----------------------------------------------------


def test_role_counts_uses_largest_remainder():
    # shares of 54: 14.04, 5.94, 10.26, 12.96, 10.8 -> floors 14, 5, 10, 12, 10 (51);
    # the three largest remainders (.96, .94, .8) get the three seats left
    mix = np.array([0.26, 0.11, 0.19, 0.24, 0.20])
    assert role_counts(54, mix).tolist() == [14, 6, 10, 13, 11]
    # equal remainders go to the earlier roles
    assert role_counts(10, np.ones(3)).tolist() == [4, 3, 3]
    assert role_counts(7, np.array([0.0, 1.0, 0.0, 1.0, 0.0])).tolist() == [0, 4, 0, 3, 0]


@FAST
@given(
    size=st.integers(0, 500),
    mix=st.lists(st.floats(0.0, 1.0), min_size=5, max_size=5).filter(lambda m: sum(m) > 0.01),
)
def test_role_counts_sum_and_stay_within_one_of_the_share(size, mix):
    mix = np.array(mix)
    counts = role_counts(size, mix)
    share = mix / mix.sum() * size
    assert counts.sum() == size
    assert np.all(np.abs(counts - share) < 1.0 + 1e-9)
    assert np.all(counts[mix == 0] == 0)
    # largest remainder: whoever was rounded up had at least the remainder of anyone not
    remainder = share - np.floor(share)
    up = counts > np.floor(share + 1e-12)
    if up.any() and (~up).any():
        assert remainder[up].min() >= remainder[~up].max() - 1e-9


def test_population_has_the_role_mix_and_main_knowledge():
    pop, p = make_population(3)
    counts = np.bincount(pop.role, minlength=len(ROLES))
    mix = np.array([p[f"population.mix.{r}"] for r in ROLES])
    assert counts.tolist() == role_counts(54, mix).tolist()
    main = np.asarray(MAIN_KNOWLEDGE_INDEX)[pop.role]
    assert np.all(pop.knowledge[np.arange(pop.size), main] == 1.0)
    others = np.ones_like(pop.knowledge, dtype=bool)
    others[np.arange(pop.size), main] = False
    assert np.all(pop.knowledge[others] == p["knowledge.secondary"])


@FAST
@given(n=st.integers(1, 80), team=st.integers(2, 30), seed=st.integers(0, 2**32))
def test_assign_projects_leader_is_the_highest_status_of_each_team(n, team, seed):
    rng = np.random.default_rng(seed)
    status = rng.random(n)
    project, leader = assign_projects(status, team, rng)
    teams = project.max() + 1
    assert teams == -(-n // team)
    sizes = np.bincount(project)
    assert sizes.max() <= team and sizes.max() - sizes.min() <= 1
    for t in range(teams):
        members = np.flatnonzero(project == t)
        assert np.all(leader[members] == leader[members[0]])
        assert project[leader[members[0]]] == t
        assert status[leader[members[0]]] == status[members].max()
    assert np.all(leader[leader] == leader)


# --- credibility -----------------------------------------------------------------------


def credibility_room(roles, status, endorsement, calibrated=None):
    """A one-group room of members with the given roles, status and endorsement."""
    n = len(roles)
    pop, _ = make_population(0, **{"population.size": n})
    pop.role[:] = [ROLE_INDEX[r] for r in roles]
    pop.status[:] = status
    pop.endorsement[:] = endorsement
    if calibrated is not None:
        pop.calibrated[:] = calibrated
    return pop, np.arange(n)[None, :]


def test_credibility_ignores_status_where_hierarchy_is_suspended():
    legit = np.array([0.3, 0.8, 1.0, 0.6])
    roles = ["patient", "researcher", "manager", "clinician"]
    pop, seats = credibility_room(roles, [0.1, 0.9, 0.5, 0.7], 0.6)
    flat, _ = credibility_room(roles, [0.5, 0.5, 0.5, 0.5], 0.6)
    suspended = credibility(pop, seats, legit, hierarchy=0.0, deference=5.0)
    assert np.array_equal(suspended, credibility(flat, seats, legit, 0.0, 5.0))
    # ... and equals the weight of the speaker's knowledge type, set by endorsement
    main = np.asarray(MAIN_KNOWLEDGE_INDEX)[[ROLE_INDEX[r] for r in roles]]
    expected = 0.6 * legit[main][None, :] + 0.4 * 1.0
    assert np.allclose(suspended[0], expected)
    # with hierarchy kept the same room gives status its due
    assert not np.allclose(credibility(pop, seats, legit, 1.0, 1.0), suspended)


def test_credibility_defers_to_status_only_where_hierarchy_applies():
    legit = np.full(4, 0.5)
    # listener 0 (status 0.5) hears two researchers of status 0.9 and 0.1
    pop, seats = credibility_room(["patient", "researcher", "researcher"], [0.5, 0.9, 0.1], 1.0)
    kept = credibility(pop, seats, legit, hierarchy=1.0, deference=1.0)[0]
    assert kept[0, 1] == pytest.approx(0.5 * 1.4)
    assert kept[0, 2] == pytest.approx(0.5 * 0.6)
    half = credibility(pop, seats, legit, hierarchy=0.5, deference=1.0)[0]
    assert half[0, 1] == pytest.approx(0.5 * 1.2)
    assert credibility(pop, seats, legit, hierarchy=1.0, deference=0.0)[0, 0, 1] == 0.5
    # clipped to [0, 1] however large the deference
    extreme = credibility(pop, seats, legit, hierarchy=1.0, deference=5.0)
    assert extreme.min() >= 0.0 and extreme.max() <= 1.0
    assert extreme[0, 2, 1] == 1.0 and extreme[0, 1, 2] == 0.0


@pytest.mark.parametrize("deficit", [0.0, 0.5, 1.0])
def test_credibility_deficit_is_a_share_of_the_deference(deficit):
    """ODD 7.3 by hand: listener 0 (status 0.5, weight 0.5 for every type) gives the
    speaker above (0.9) 0.5 * (1 + 2 * 0.4) whatever the deficit, and the speaker below
    (0.1) 0.5 * (1 - deficit * 2 * 0.4); a suspended room ignores the deficit."""
    legit = np.full(4, 0.5)
    pop, seats = credibility_room(["patient", "researcher", "researcher"], [0.5, 0.9, 0.1], 1.0)
    kept = credibility(pop, seats, legit, 1.0, 2.0, deficit=deficit)[0]
    assert kept[0, 1] == pytest.approx(min(1.0, 0.5 * 1.8))
    assert kept[0, 2] == pytest.approx(0.5 * (1.0 - deficit * 0.8))
    assert kept[1, 2] == pytest.approx(max(0.0, 0.5 * (1.0 - deficit * 1.6)))
    suspended = credibility(pop, seats, legit, 0.0, 2.0, deficit=deficit)
    assert np.array_equal(suspended, credibility(pop, seats, legit, 0.0, 2.0))


def test_credibility_weighs_legitimacy_by_endorsement():
    legit = np.array([0.3, 0.8, 1.0, 0.6])
    learned = np.array([0.9, 0.2, 0.4, 0.7])
    roles = ["patient", "clinician", "researcher", "manager"]
    main = [EXPERIENTIAL, CLINICAL, RESEARCH, ORGANISATIONAL]
    for e in (0.0, 0.25, 1.0):
        pop, seats = credibility_room(roles, 0.5, e, calibrated=learned)
        cred = credibility(pop, seats, legit, hierarchy=1.0, deference=1.0)[0]
        expected = e * legit[main] + (1 - e) * learned[main]
        for i in range(4):
            assert np.allclose(cred[i], expected)
    # a full endorser ranks speakers by the legitimacy of their knowledge type
    pop, seats = credibility_room(roles, 0.5, 1.0)
    assert np.argsort(credibility(pop, seats, legit, 0.0, 0.0)[0, 0]).tolist() == [0, 3, 1, 2]


# --- turns -----------------------------------------------------------------------------


def test_full_facilitation_gives_everyone_present_an_equal_chance():
    pop, _ = make_population(1, **{"population.size": 12})
    pop.status[:] = np.linspace(0.0, 1.0, 12)
    seats = np.array([[0, 1, 2, -1, -1], [3, 4, 5, 6, 7], [8, 9, 10, 11, -1]])
    present = seats >= 0
    for hierarchy in (0.0, 1.0):
        w = speaking_weights(pop, seats, Setting(hierarchy, 1.0, "lottery", 1), gradient=20.0)
        assert np.allclose(w, present / present.sum(1, keepdims=True))
    w = speaking_weights(pop, seats, Setting(1.0, 0.3, "lottery", 1), gradient=3.0)
    assert np.allclose(w.sum(1), 1.0) and np.all(w[~present] == 0)


def test_status_gradient_raises_high_status_chance_only_where_hierarchy_applies():
    pop, _ = make_population(1, **{"population.size": 8})
    pop.status[:] = np.linspace(0.1, 0.9, 8)
    pop.voice[:] = 0.5
    pop.dialogic[:] = 0.2
    seats = np.arange(8)[None, :]
    kept = speaking_weights(pop, seats, Setting(1.0, 0.0, "lottery", 1), gradient=3.0)[0]
    assert np.all(np.diff(kept) > 0)
    assert kept[-1] / kept[0] == pytest.approx(np.exp(3.0 * 0.8))
    partly = speaking_weights(pop, seats, Setting(0.5, 0.0, "lottery", 1), gradient=3.0)[0]
    assert partly[-1] / partly[0] == pytest.approx(np.exp(1.5 * 0.8))
    for suspended in (
        speaking_weights(pop, seats, Setting(0.0, 0.0, "lottery", 1), gradient=3.0)[0],
        speaking_weights(pop, seats, Setting(1.0, 0.0, "lottery", 1), gradient=0.0)[0],
    ):
        assert np.allclose(suspended, 1 / 8)


def test_voice_and_dialogic_capacity_raise_the_chance_to_speak():
    pop, _ = make_population(1, **{"population.size": 4})
    pop.status[:] = 0.5
    pop.voice[:] = [0.2, 0.8, 0.5, 0.5]
    pop.dialogic[:] = [0.5, 0.5, 0.0, 1.0]
    seats = np.arange(4)[None, :]
    w = speaking_weights(pop, seats, Setting(1.0, 0.0, "lottery", 1), gradient=3.0)[0]
    assert w[1] / w[0] == pytest.approx(4.0)
    assert w[3] / w[2] == pytest.approx(3.0)


# --- events: when, who, in which groups --------------------------------------------------


def test_event_due_first_month_then_every_n_until_the_last():
    p = {"event.every": 3, "event.until": 0}
    assert [s for s in range(1, 14) if event_due(s, p)] == [1, 4, 7, 10, 13]
    p["event.until"] = 7
    assert [s for s in range(1, 14) if event_due(s, p)] == [1, 4, 7]
    p["event.until"] = 6
    assert [s for s in range(1, 14) if event_due(s, p)] == [1, 4]
    assert all(event_due(s, {"event.every": 1, "event.until": 0}) for s in range(1, 30))
    assert not any(event_due(s, {"event.every": 0, "event.until": 0}) for s in range(1, 30))


def test_model_holds_events_in_the_months_event_due_names():
    model = ExchangeModel(rng=5, population_size=20, event_every=4, event_until=9)
    for _ in range(12):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["event_held"].tolist() == [0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]
    assert frame["events_held"].iloc[-1] == 3
    assert sorted(model.datacollector.get_table_dataframe("events")["step"].unique()) == [1, 5, 9]


def test_voluntary_attendance_matches_the_rate_and_role_weights():
    pop, p = make_population(2, **{"population.size": 500})
    rng = np.random.default_rng(0)
    p = dict(p, **{"attendance.rate": 0.37})
    share = np.mean([len(choose_attendees(pop, p, rng)) / 500 for _ in range(30)])
    assert share == pytest.approx(0.37, abs=0.015)  # s.e. 0.004
    weighted = dict(p, **{"attendance.rate": 0.3, "attendance.patient": 0.0})
    weighted["attendance.manager"] = 2.0
    came = np.concatenate([choose_attendees(pop, weighted, rng) for _ in range(30)])
    roles = pop.role[came]
    assert not np.any(roles == ROLE_INDEX["patient"])
    managers = np.count_nonzero(pop.role == ROLE_INDEX["manager"]) * 30
    assert np.count_nonzero(roles == ROLE_INDEX["manager"]) / managers == pytest.approx(
        0.6, abs=0.05
    )


def test_sent_attendance_is_an_exact_number_of_distinct_members():
    pop, p = make_population(2, **{"population.size": 54})
    rng = np.random.default_rng(0)
    for rate, expected in ((0.37, 20), (0.5, 27), (0.0, 0), (1.0, 54)):
        q = dict(p, **{"attendance.rate": rate, "attendance.voluntary": False})
        for _ in range(5):
            chosen = choose_attendees(pop, q, rng)
            assert len(chosen) == expected == len(np.unique(chosen))
            assert np.all(np.diff(chosen) > 0)
    # only members with weight can be sent, and no more than there are
    q = dict(p, **{"attendance.rate": 1.0, "attendance.voluntary": False})
    q.update({f"attendance.{r}": 0.0 for r in ROLES if r != "carer"})
    chosen = choose_attendees(pop, q, rng)
    assert len(chosen) == np.count_nonzero(pop.role == ROLE_INDEX["carer"])
    assert np.all(pop.role[chosen] == ROLE_INDEX["carer"])


@FAST
@given(
    n=st.integers(1, 60),
    groups=st.integers(1, 60),
    chunked=st.booleans(),
    seed=st.integers(0, 2**32),
)
def test_deal_seats_everyone_once_in_groups_of_near_equal_size(n, groups, chunked, seed):
    groups = min(groups, n)
    order = np.random.default_rng(seed).permutation(200)[:n]
    seats = deal(order, groups, chunked=chunked, avoid=None)
    sizes = (seats >= 0).sum(1)
    assert seats.shape[0] == groups
    assert sizes.min() >= 1 and sizes.max() - sizes.min() <= 1
    assert sorted(seats[seats >= 0].tolist()) == sorted(order.tolist())
    if chunked:  # neighbours in the order stay together
        assert seats[seats >= 0].tolist() == order.tolist()
    else:  # round robin spreads neighbours across groups
        where = group_of(seats)
        assert [where[int(m)] for m in order] == [k % groups for k in range(n)]


@FAST
@given(
    n=st.integers(4, 60),
    team=st.integers(2, 12),
    group_size=st.integers(2, 8),
    seed=st.integers(0, 2**32),
)
def test_deal_away_from_leaders_keeps_sizes_and_never_adds_meetings(n, team, group_size, seed):
    rng = np.random.default_rng(seed)
    _, leader = assign_projects(rng.random(n), team, rng)
    order = rng.permutation(n)
    groups = -(-n // group_size)
    plain = deal(order, groups, chunked=False, avoid=None)
    apart = deal(order, groups, chunked=False, avoid=leader)
    assert np.array_equal((plain >= 0).sum(1), (apart >= 0).sum(1))
    assert sorted(apart[apart >= 0].tolist()) == list(range(n))
    assert len(seated_with_leader(apart, leader)) <= len(seated_with_leader(plain, leader))


def test_nobody_sits_with_their_own_leader_when_superiors_are_kept_apart():
    together = 0
    for seed in range(15):
        pop, p = make_population(seed)
        rng = np.random.default_rng(seed)
        attendees = choose_attendees(pop, p, rng)
        for grouping in ("random", "mixed_roles"):
            q = dict(p, **{"event.grouping": grouping})
            seats = form_groups(pop, attendees, q, rng)
            assert seated_with_leader(seats, pop.leader) == []
            assert not leaders_present(pop, seats).any()
            mixed = form_groups(pop, attendees, dict(q, **{"event.superiors_present": True}), rng)
            together += len(seated_with_leader(mixed, pop.leader))
    assert together > 0  # without the rule, members do meet their leaders


def test_a_leader_is_moved_when_none_of_their_team_can_be():
    # member 1 leads 0 and 2; dealt as [1, 0] and [2]: only moving the leader separates them
    leader = np.array([1, 1, 1])
    seats = deal(np.array([1, 2, 0]), 2, chunked=False, avoid=leader)
    assert seated_with_leader(seats, leader) == []
    assert sorted((seats >= 0).sum(1).tolist()) == [1, 2]


def test_mixed_roles_grouping_spreads_each_role_evenly():
    for seed in range(5):
        pop, p = make_population(seed)
        q = dict(p, **{"event.superiors_present": True, "event.group_size": 5})
        seats = form_groups(pop, np.arange(pop.size), q, np.random.default_rng(seed))
        for r in range(len(ROLES)):
            per_group = ((pop.role[np.maximum(seats, 0)] == r) & (seats >= 0)).sum(1)
            assert per_group.max() - per_group.min() <= 1


def test_by_project_grouping_keeps_teams_together():
    pop, p = make_population(4, **{"population.size": 36, "project.size": 6})
    q = dict(p, **{"event.grouping": "by_project", "event.superiors_present": True})
    q["event.group_size"] = 6
    seats = form_groups(pop, np.arange(36), q, np.random.default_rng(0))
    assert seats.shape == (6, 6)
    for row in seats:
        assert len(set(pop.project[row].tolist())) == 1
    # with a random turnout, teams are split over fewer groups than under random grouping
    spread = {"by_project": [], "random": []}
    for seed in range(10):
        pop, p = make_population(seed)
        rng = np.random.default_rng(seed)
        attendees = choose_attendees(pop, dict(p, **{"attendance.rate": 0.6}), rng)
        for grouping in spread:
            q = dict(p, **{"event.grouping": grouping, "event.superiors_present": True})
            where = group_of(form_groups(pop, attendees, q, rng))
            teams = {}
            for m, g in where.items():
                teams.setdefault(pop.project[m], set()).add(g)
            spread[grouping].append(np.mean([len(g) for g in teams.values()]))
    assert np.mean(spread["by_project"]) < 0.7 * np.mean(spread["random"])


def test_plenary_seats_all_attendees_in_one_group():
    pop, p = make_population(0)
    attendees = np.array([3, 9, 10, 20, 41, 50])
    q = dict(p, **{"event.format": "plenary", "event.group_size": 2})
    seats = form_groups(pop, attendees, q, np.random.default_rng(0))
    assert seats.shape == (1, 6)
    assert sorted(seats[0].tolist()) == attendees.tolist()


def test_event_and_project_settings_follow_their_parameters():
    p = validate({"event.suspension": 0.25, "event.format": "plenary", "event.rounds": 7})
    s = event_setting(p)
    assert (s.hierarchy, s.facilitation, s.turn_rule, s.rounds, s.extra_risk) == (
        0.75,
        p["event.facilitation"],
        "lottery",
        7,
        0.0,
    )
    turn_rules = {"action_learning": "action_learning", "facilitated_dialogue": "balanced"}
    for fmt, rule in turn_rules.items():
        assert event_setting(validate({"event.format": fmt})).turn_rule == rule
    proj = project_setting(validate({"project.targets": 0.4, "project.rounds": 3}))
    assert (proj.hierarchy, proj.facilitation, proj.rounds, proj.extra_risk) == (1.0, 0.0, 3, 0.4)


# --- dialogue: uptake and challenges -----------------------------------------------------


def session_population(seed=0, n=60, **values):
    base = {"population.size": n, "norm.endorsement": 0.2, "norm.spread": 0.1}
    base.update(values)
    return make_population(seed, **base)


def seat_in_groups(n, size):
    return deal(np.arange(n), -(-n // size), chunked=True, avoid=None)


def test_no_challenges_when_the_threshold_is_out_of_reach():
    pop, p = session_population(0)
    p = dict(p, **{"challenge.threshold": 1e6})
    before = pop.endorsement.copy()
    for hierarchy in (0.0, 1.0):
        setting = Setting(hierarchy, 1.0, "lottery", 5)
        tally = hold_session(
            pop, seat_in_groups(60, 6), setting, p, legitimacy_of(p), np.random.default_rng(0)
        )
        assert tally.challenges.sum() == 0 and tally.taken_up.sum() == 0
    assert np.array_equal(pop.endorsement, before)
    # the highest threshold a parameter allows does the same when nothing lowers the risk
    q = validate(
        {
            "population.size": 60,
            "norm.endorsement": 0.0,
            "challenge.threshold": 2.0,
            "challenge.sharpness": 0.01,
            "challenge.facilitation_safety": 0.0,
            "challenge.contagion": 0.0,
        }
    )
    pop2, _ = make_population(0, **q)
    tally = hold_session(
        pop2,
        seat_in_groups(60, 6),
        Setting(0.0, 1.0, "lottery", 5),
        q,
        legitimacy_of(q),
        np.random.default_rng(0),
    )
    assert tally.challenges.sum() == 0


def challenges_under(hierarchy, pop, p, seed=1):
    pop = copy.deepcopy(pop)
    setting = Setting(hierarchy, 0.6, "lottery", 4)
    tally = hold_session(
        pop, seat_in_groups(pop.size, 6), setting, p, legitimacy_of(p), np.random.default_rng(seed)
    )
    return tally, pop


def test_suspension_brings_more_challenges_when_statuses_differ():
    pop, p = session_population(3)
    kept, _ = challenges_under(1.0, pop, p)
    suspended, _ = challenges_under(0.0, pop, p)
    assert kept.challenges.sum() > 0
    assert suspended.challenges.sum() > 1.5 * kept.challenges.sum()


def test_hierarchy_changes_nothing_among_equals():
    values = {f"status.{r}": 0.5 for r in ROLES}
    values["status.noise"] = 0.0
    pop, p = session_population(3, **values)
    kept, pop_k = challenges_under(1.0, pop, p)
    suspended, pop_s = challenges_under(0.0, pop, p)
    assert kept.challenges.sum() > 0
    assert np.array_equal(kept.turns, suspended.turns)
    assert np.array_equal(kept.challenges, suspended.challenges)
    assert np.array_equal(pop_k.beliefs, pop_s.beliefs)
    assert np.array_equal(pop_k.endorsement, pop_s.endorsement)


def test_challenges_taken_up_lower_listeners_endorsement_toward_the_challenger():
    pop, p = session_population(5, **{"challenge.uptake": 1.0, "challenge.shift": 0.5})
    before = pop.endorsement.copy()
    tally, after = challenges_under(0.0, pop, p)
    assert tally.taken_up.sum() > 0
    assert np.all(after.endorsement <= before + 1e-12)
    assert after.endorsement.mean() < before.mean()
    assert np.all(after.endorsement >= 0.0)
    # with no take-up, a challenge moves nobody
    q = dict(p, **{"challenge.uptake": 0.0})
    tally, untouched = challenges_under(0.0, pop, q)
    assert tally.challenges.sum() > 0 and tally.taken_up.sum() == 0
    assert np.array_equal(untouched.endorsement, before)


def test_uptake_moves_listeners_toward_speakers_and_records_who_heard_whom():
    pop, p = session_population(6, n=12)
    p = dict(p, **{"challenge.threshold": 1e6})
    before = pop.beliefs.copy()
    seats = np.arange(12)[None, :]
    tally = hold_session(
        pop, seats, Setting(1.0, 0.5, "lottery", 3), p, legitimacy_of(p), np.random.default_rng(2)
    )
    assert tally.turns.sum() == 3 * 12
    assert tally.heard.sum() == 3 * 12 * 11  # everyone else hears every turn
    assert np.all(np.diagonal(tally.heard, axis1=1, axis2=2) == 0)
    assert np.array_equal(tally.heard.sum(1)[0], 11 * tally.turns[0])
    assert np.all(tally.uptake <= tally.heard + 1e-12)
    assert np.all(np.ptp(pop.beliefs, axis=0) < np.ptp(before, axis=0))
    # no uptake: nobody moves
    pop2, _ = session_population(6, n=12)
    hold_session(
        pop2,
        seats,
        Setting(1.0, 0.5, "lottery", 3),
        dict(p, **{"uptake.rate": 0.0}),
        legitimacy_of(p),
        np.random.default_rng(2),
    )
    assert np.array_equal(pop2.beliefs, before)


@pytest.mark.parametrize("turn_rule", ["lottery", "balanced", "action_learning"])
def test_every_turn_rule_gives_turns_only_to_members_present(turn_rule):
    pop, p = session_population(7, n=23)
    seats = seat_in_groups(23, 5)
    tally = hold_session(
        pop, seats, Setting(0.0, 0.6, turn_rule, 4), p, legitimacy_of(p), np.random.default_rng(0)
    )
    assert np.array_equal(tally.seats, seats)
    assert np.all(tally.turns[~tally.present] == 0)
    assert np.all(tally.heard[~tally.present] == 0)
    assert tally.turns.sum() > 0


def test_balanced_turns_are_more_equal_than_a_lottery():
    pop, p = session_population(8, n=60)
    pop.voice[:] = np.linspace(0.05, 1.0, 60)
    equality = {}
    for rule in ("lottery", "balanced"):
        tally = hold_session(
            copy.deepcopy(pop),
            seat_in_groups(60, 6),
            Setting(1.0, 0.5, rule, 6),
            p,
            legitimacy_of(p),
            np.random.default_rng(0),
        )
        equality[rule] = speaking_equality(tally.turns, tally.present).mean()
    assert equality["balanced"] > equality["lottery"]


def test_action_learning_rounds_give_each_presenter_the_floor():
    pop, p = session_population(9, n=6)
    p = dict(p, **{"challenge.threshold": 1e6})
    tally = hold_session(
        pop,
        np.arange(6)[None, :],
        Setting(0.0, 0.6, "action_learning", 6),
        p,
        legitimacy_of(p),
        np.random.default_rng(0),
    )
    # six rounds, six presenters: each presents twice (opening and reflection) and asks
    # one question in each of the five other rounds
    assert tally.turns[0].tolist() == [7.0] * 6
    assert tally.heard.sum() == 6 * (2 * 5 + 5)


def test_practice_grows_dialogic_capacity_and_fading_shrinks_it():
    pop, p = session_population(10, n=12)
    before = pop.dialogic.copy()
    hold_session(
        pop,
        np.arange(12)[None, :],
        Setting(0.0, 0.6, "lottery", 3),
        p,
        legitimacy_of(p),
        np.random.default_rng(0),
    )
    assert np.all(pop.dialogic >= before - 1e-12) and pop.dialogic.mean() > before.mean()
    assert np.all(pop.dialogic <= 1.0)
    grown = pop.dialogic.copy()
    fade(pop, dict(p, **{"dialogic.decay": 0.1}))
    assert np.allclose(pop.dialogic, 0.9 * grown)


# --- calibration ---------------------------------------------------------------------------


def test_calibration_moves_credibility_to_the_observed_reliability():
    pop, p = session_population(11, n=10, **{"uptake.rate": 0.0, "credibility.calibration": 1.0})
    p = dict(p, **{"challenge.threshold": 1e6})
    truth = pop.problem.truth
    pop.role[:] = [ROLE_INDEX[r] for r in ["patient"] * 5 + ["researcher"] * 5]
    pop.beliefs[:] = truth
    pop.beliefs[:5, EXPERIENTIAL] = truth[EXPERIENTIAL] + 2.0  # patients are 2 off
    pop.beliefs[5:, RESEARCH] = truth[RESEARCH] - 0.5  # researchers 0.5 off
    pop.endorsement[:] = 0.0
    hold_session(
        pop,
        np.arange(10)[None, :],
        Setting(0.0, 1.0, "lottery", 3),
        p,
        legitimacy_of(p),
        np.random.default_rng(0),
    )
    # every listener heard both types, and learned each type's reliability exactly
    assert np.allclose(pop.calibrated[:, EXPERIENTIAL], np.exp(-2.0))
    assert np.allclose(pop.calibrated[:, RESEARCH], np.exp(-0.5))
    assert np.all(pop.calibrated[:, [CLINICAL, ORGANISATIONAL]] == 1.0)  # never heard
    # a listener who does not endorse the norm now gives exactly that credibility
    cred = credibility(pop, np.arange(10)[None, :], legitimacy_of(p), 0.0, 0.0)[0]
    assert np.allclose(cred[0, 1:5], np.exp(-2.0)) and np.allclose(cred[0, 5:], np.exp(-0.5))


def test_slow_calibration_moves_part_of_the_way_and_none_without_it():
    for rate in (0.0, 0.05):
        pop, p = session_population(
            11, n=10, **{"uptake.rate": 0.0, "credibility.calibration": rate}
        )
        p = dict(p, **{"challenge.threshold": 1e6})
        pop.beliefs[:] = pop.problem.truth + 1.0  # everyone 1 off on every aspect
        start = pop.calibrated.copy()
        tally = hold_session(
            pop,
            np.arange(10)[None, :],
            Setting(0.0, 1.0, "lottery", 2),
            p,
            legitimacy_of(p),
            np.random.default_rng(0),
        )
        if rate == 0.0:
            assert np.array_equal(pop.calibrated, start)
            continue
        heard_types = np.zeros_like(start, dtype=bool)
        for i in range(10):
            spoke = tally.heard[0, i] > 0
            heard_types[i, np.unique(pop.main_type[spoke])] = True
        target = np.exp(-1.0)
        moved = np.abs(pop.calibrated - target)
        assert np.all(moved[heard_types] < np.abs(start - target)[heard_types])
        assert np.all(pop.calibrated[heard_types] > target)  # only part of the way
        assert np.array_equal(pop.calibrated[~heard_types], start[~heard_types])


# --- ties ----------------------------------------------------------------------------------


def brute_cross_mean(ties, role):
    m = ties.matrix()
    cross = np.triu(role[:, None] != role[None, :], 1)
    return m[cross].mean() if cross.any() else np.nan  # no cross-role pair: undefined


@FAST
@given(
    roles=st.lists(st.integers(0, 4), min_size=2, max_size=10),
    ops=st.lists(
        st.tuples(
            st.sampled_from(["reinforce", "fade"]),
            st.floats(0.0, 1.0),
            st.floats(0.0, 20.0),
            st.integers(0, 2**32),
        ),
        max_size=12,
    ),
)
def test_ties_stay_in_unit_interval_symmetric_and_keep_their_cross_role_mean(roles, ops):
    role = np.array(roles)
    n = len(role)
    ties = Ties(role)
    i_all, j_all = np.triu_indices(n, 1)
    for kind, rate, size, seed in ops:
        if kind == "fade":
            before = ties.matrix()
            ties.fade(rate)
            assert np.allclose(ties.matrix(), before * (1 - rate), atol=1e-12)
        else:
            rng = np.random.default_rng(seed)
            pick = rng.random(len(i_all)) < 0.5
            exchange = rng.random(pick.sum()) * size
            ties.reinforce(i_all[pick], j_all[pick], exchange, rate)
        m = ties.matrix()
        assert np.all(m >= 0.0) and np.all(m <= 1.0)
        assert np.allclose(m, m.T) and np.all(np.diagonal(m) == 0)
        mean = ties.cross_role_mean()
        assert mean == pytest.approx(brute_cross_mean(ties, role), abs=1e-9, nan_ok=True)
        assert 0.0 <= mean <= 1.0 or (np.isnan(mean) and len(set(roles)) == 1)
        assert np.allclose(ties.member_strength(), m.sum(1))


def test_ties_grow_with_exchange_saturate_and_fade():
    role = np.array([0, 1, 1])
    ties = Ties(role)
    ties.reinforce(np.array([0]), np.array([1]), np.array([1.0]), growth=0.3)
    first = ties.strength(np.array([0]), np.array([1]))[0]
    assert first == pytest.approx(1 - np.exp(-0.3))
    ties.reinforce(np.array([0]), np.array([1]), np.array([1.0]), growth=0.3)
    assert ties.strength(np.array([1]), np.array([0]))[0] == pytest.approx(1 - np.exp(-0.6))
    # one cross-role pair of two (0-1, 0-2; 1-2 is same-role) holds the tie
    assert ties.cross_role_mean() == pytest.approx((1 - np.exp(-0.6)) / 2)
    ties.reinforce(np.array([1]), np.array([2]), np.array([5.0]), growth=1.0)
    assert ties.cross_role_mean() == pytest.approx((1 - np.exp(-0.6)) / 2)  # same role
    ties.reinforce(np.array([0]), np.array([2]), np.array([1e6]), growth=1.0)
    assert ties.strength(np.array([0]), np.array([2]))[0] == 1.0
    # nothing exchanged, or nothing grown: nothing changes
    snapshot = ties.matrix()
    ties.reinforce(np.array([0]), np.array([1]), np.array([0.0]), growth=1.0)
    ties.reinforce(np.array([0]), np.array([1]), np.array([3.0]), growth=0.0)
    assert np.array_equal(ties.matrix(), snapshot)
    # fading many times (past the rescaling point) keeps ratios and bounds
    for _ in range(40):
        ties.fade(0.5)
    assert np.allclose(ties.matrix(), snapshot * 0.5**40, rtol=1e-9, atol=0)
    ties.reinforce(np.array([0]), np.array([1]), np.array([1.0]), growth=0.5)
    assert 0 < ties.strength(np.array([0]), np.array([1]))[0] <= 1
    ties.fade(1.0)
    assert np.all(ties.matrix() == 0) and ties.cross_role_mean() == 0.0


def test_ties_keep_every_pair_as_the_store_grows():
    # 300 members met in batches, pairs given either way round: the store doubles many
    # times, and each pair keeps its own tie, checked against a dense record
    n = 300
    role = np.arange(n) % 5
    ties, dense = Ties(role), np.zeros((n, n))
    rng = np.random.default_rng(4)
    i_all, j_all = np.triu_indices(n, 1)
    for batch in range(6):
        pick = rng.choice(len(i_all), size=9000, replace=False)
        i, j = i_all[pick], j_all[pick]
        if batch % 2:
            i, j = j, i
        exchange = rng.random(len(pick)) * 3
        ties.reinforce(i, j, exchange, 0.4)
        gain = (1 - dense[i, j]) * -np.expm1(-0.4 * exchange)
        dense[i, j] += gain
        dense[j, i] += gain
        ties.fade(0.1)
        dense *= 0.9
    assert ties.count == np.count_nonzero(np.triu(dense, 1))
    assert np.allclose(ties.matrix(), dense, rtol=1e-12, atol=1e-15)
    assert np.allclose(ties.strength(i_all, j_all), dense[i_all, j_all], rtol=1e-12, atol=1e-15)
    assert np.allclose(ties.member_strength(), dense.sum(1))
    assert ties.cross_role_mean() == pytest.approx(brute_cross_mean(ties, role), rel=1e-9)


def test_cross_role_mean_is_nan_with_a_single_role():
    """No cross-role pair: the mean over none is undefined (NaN), not 0."""
    ties = Ties(np.zeros(4, dtype=int))
    ties.reinforce(np.array([0, 1]), np.array([2, 3]), np.array([1.0, 1.0]), 1.0)
    assert ties.matrix().max() > 0 and np.isnan(ties.cross_role_mean())


def test_sessions_tie_only_those_who_listened_to_each_other():
    pop, p = session_population(12, n=12)
    hold_session(
        pop,
        seat_in_groups(12, 6),
        Setting(0.0, 0.6, "lottery", 3),
        p,
        legitimacy_of(p),
        np.random.default_rng(0),
    )
    m = pop.ties.matrix()
    assert m[:6, :6].sum() > 0 and m[6:, 6:].sum() > 0
    assert np.all(m[:6, 6:] == 0)  # different groups never met


# --- projects: norm pressure and evidence ---------------------------------------------------


def test_norm_pressure_pulls_toward_the_status_weighted_team_norm():
    pop, p = make_population(13, **{"population.size": 20, "project.size": 5})
    e0 = pop.endorsement.copy()
    weight = np.exp(p["norm.status_weight"] * pop.status)
    norm = np.array(
        [np.average(e0[pop.project == t], weights=weight[pop.project == t]) for t in range(4)]
    )
    full = dict(p, **{"norm.pressure": 1.0, "norm.institutional_pull": 0.0})
    apply_norm_pressure(pop, full)
    assert np.allclose(pop.endorsement, norm[pop.project])
    pop.endorsement[:] = e0
    apply_norm_pressure(pop, dict(full, **{"norm.pressure": 0.3}))
    assert np.allclose(pop.endorsement - norm[pop.project], 0.7 * (e0 - norm[pop.project]))
    pop.endorsement[:] = e0
    apply_norm_pressure(pop, dict(full, **{"norm.pressure": 0.0, "norm.institutional_pull": 1.0}))
    assert np.allclose(pop.endorsement, 1.0)


def test_norm_pressure_favours_the_leaders_view_when_status_counts():
    pop, p = make_population(14, **{"population.size": 9, "project.size": 9})
    leader = pop.leader[0]
    pop.status[:] = 0.2
    pop.status[leader] = 0.9
    pop.endorsement[:] = 0.0
    pop.endorsement[leader] = 1.0
    q = dict(p, **{"norm.pressure": 1.0, "norm.institutional_pull": 0.0})
    flat = copy.deepcopy(pop)
    apply_norm_pressure(pop, dict(q, **{"norm.status_weight": 20.0}))
    apply_norm_pressure(flat, dict(q, **{"norm.status_weight": 0.0}))
    assert np.allclose(flat.endorsement, 1 / 9)
    assert np.all(pop.endorsement > 0.99)


def test_evidence_without_noise_moves_beliefs_toward_the_truth():
    values = {f"problem.noise.{k}": 0.0 for k in KNOWLEDGE_TYPES}
    pop, p = make_population(15, **{"population.size": 20, **values})
    pop.beliefs[:] = pop.problem.truth + np.random.default_rng(0).normal(0, 1, pop.beliefs.shape)
    error = pop.beliefs - pop.problem.truth
    gather_evidence(pop, dict(p, **{"problem.evidence": 0.2}), np.random.default_rng(1))
    assert np.allclose(pop.beliefs - pop.problem.truth, (1 - 0.2 * pop.knowledge) * error)
    kept = pop.beliefs.copy()
    gather_evidence(pop, dict(p, **{"problem.evidence": 0.0}), np.random.default_rng(1))
    assert np.array_equal(pop.beliefs, kept)


def test_private_signals_are_noisier_outside_ones_own_knowledge_type():
    pop, _ = make_population(16, **{"population.size": 2000, "knowledge.secondary": 0.25})
    error = pop.beliefs - pop.problem.truth
    main = np.zeros_like(error, dtype=bool)
    main[np.arange(pop.size), pop.main_type] = True
    assert error[main].std() == pytest.approx(0.5, rel=0.1)
    assert error[~main].std() == pytest.approx(2.0, rel=0.1)


# --- outcomes ------------------------------------------------------------------------------


def test_speaking_equality_and_reciprocity_on_known_cases():
    present = np.array([[True, True, True, True, False]])
    assert speaking_equality(np.array([[3.0, 3, 3, 3, 0]]), present)[0] == pytest.approx(1.0)
    assert speaking_equality(np.array([[8.0, 0, 0, 0, 9]]), present)[0] == pytest.approx(0.25)
    assert speaking_equality(np.zeros((1, 5)), present)[0] == 1.0
    sym = np.array([[[0, 0.5], [0.5, 0]]])
    one_way = np.array([[[0, 0.5], [0, 0]]])
    assert reciprocity(sym)[0] == 1.0 and reciprocity(one_way)[0] == 0.0
    assert reciprocity(np.zeros((1, 2, 2)))[0] == 0.0


# --- participants as views of the population ----------------------------------------------


def test_participant_properties_read_and_write_the_population_arrays():
    model = ExchangeModel(rng=3, population_size=12)
    pop = model.population
    assert len(model.agents) == 12 and len(model.participants) == 12
    agent = model.participants[5]
    assert agent.index == 5 and agent in model.agents
    assert agent.role == ROLES[pop.role[5]]
    assert agent.knowledge_type == KNOWLEDGE_TYPES[MAIN_KNOWLEDGE_INDEX[pop.role[5]]]
    assert agent.is_leader == (pop.leader[5] == 5)
    assert sum(a.is_leader for a in model.participants) == pop.project.max() + 1
    for attribute, array in (
        ("status", "status"),
        ("voice", "voice"),
        ("dialogic_capacity", "dialogic"),
        ("norm_endorsement", "endorsement"),
    ):
        assert getattr(agent, attribute) == getattr(pop, array)[5]
        setattr(agent, attribute, 0.123)
        assert getattr(pop, array)[5] == 0.123
        assert getattr(pop, array)[4] != 0.123
    agent.beliefs = [1.0, 2.0, 3.0, 4.0]
    assert pop.beliefs[5].tolist() == [1.0, 2.0, 3.0, 4.0]
    agent.calibrated_credibility = 0.5
    assert np.all(pop.calibrated[5] == 0.5) and np.all(pop.calibrated[6] == 1.0)
    assert np.array_equal(agent.knowledge, pop.knowledge[5])
    assert agent.project == pop.project[5]
    weights = pop.credibility_weights(model.legitimacy)[5]
    assert list(agent.credibility_weights) == list(KNOWLEDGE_TYPES)
    assert np.allclose(list(agent.credibility_weights.values()), weights)
    assert np.array_equal(agent.ties, pop.ties.matrix()[5])
    # what is written through a participant is what the model then works with
    agent.norm_endorsement = 0.0
    assert model.participants[5].credibility_weights == dict(
        zip(KNOWLEDGE_TYPES, pop.calibrated[5].tolist(), strict=True)
    )


def test_contagion_and_facilitation_make_challenging_safer():
    pop, p = session_population(3)
    base = dict(p, **{"challenge.contagion": 0.0, "challenge.facilitation_safety": 0.0})
    alone, _ = challenges_under(1.0, pop, base)
    contagious, _ = challenges_under(1.0, pop, dict(base, **{"challenge.contagion": 2.0}))
    facilitated, _ = challenges_under(
        1.0, pop, dict(base, **{"challenge.facilitation_safety": 2.0})
    )
    assert alone.challenges.sum() < contagious.challenges.sum()
    assert alone.challenges.sum() < facilitated.challenges.sum()


def test_sent_attendance_with_vanishing_role_weights_sends_whom_it_can():
    """Regression: a weight so small that it vanishes when normalised must not crash."""
    from exsim import ExchangeModel

    weights = {f"attendance_{r}": 0.0 for r in ("patient", "researcher", "manager")}
    model = ExchangeModel(
        rng=0,
        attendance_voluntary=False,
        attendance_rate=1.0,
        attendance_carer=1.0,
        attendance_clinician=5e-324,
        **weights,
    )
    model.step()
    carers = int((model.population.role == 1).sum())
    assert model.last_event_attendance == carers
