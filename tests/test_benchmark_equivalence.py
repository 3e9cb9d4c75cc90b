"""The plain-Mesa baseline of the benchmarks (benchmarks/plain_mesa.py) follows the same
session rules as exsim's dialogue kernel, so comparing their speeds compares two ways of
writing the same model, not two models.

Both run sessions (three kinds of event, and the project teams' monthly meeting) on the
same population, seating and setting, each with its own random numbers, many times, at
the default parameters (so with threat, reactance, sanctions, discomfort, trust and
safety from ties, actions, feedback calibration and information sampling at work); the
distributions of what a session changes (beliefs, endorsement, capacity, learned
credibility, status, ties, pending actions, challenges, take-ups, sanctions, actions
committed, attempted and taken up, mentions of the aspects, turns by role, threat and
experience) must agree: two-sample Welch t and Kolmogorov-Smirnov tests,
Bonferroni-corrected over every outcome, setting and test. Seeds are fixed, so the
verdict is the same every run. The mutants show that the comparison has the power to
fail when one rule differs.
"""

import copy
import functools
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from exsim.model import ExchangeModel
from exsim.model.dialogue import hold_session
from exsim.model.events import choose_attendees, event_legitimacy, event_setting, form_groups
from exsim.model.projects import project_setting

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from plain_mesa import PlainNetwork  # noqa: E402

SESSIONS = 150  # per implementation and setting
ALPHA = 0.001  # family-wise, before the Bonferroni split

SETTINGS = {
    # action learning, hierarchy suspended (the default design)
    "action_learning": {},
    # one open room under kept hierarchy: the lottery, status in turns and credibility
    # and a credibility deficit of half the deference for those below (ODD 7.3)
    "plenary_kept": {
        "event.format": "plenary",
        "event.suspension": 0.0,
        "credibility.status_deficit": 0.5,
    },
    # the balanced rule, half-kept hierarchy, project teams with their leaders: threat,
    # reactance and sanctions all at work
    "facilitated": {
        "event.format": "facilitated_dialogue",
        "event.suspension": 0.5,
        "event.superiors_present": True,
        "event.grouping": "by_project",
        "event.group_size": 8,
    },
    # the project teams' monthly meeting (hierarchy kept, target pressure, ties of
    # teammates) just after an event: presenters hold actions from its sets, and a
    # strong commitment (1.0 where the default is 0.3) has about 16 of the 35 tried
    "project_meeting": {"action.motive": 1.0},
}


MUTANT_SETTINGS = {
    # strong threat (the top of its plausible range): reactance acts on large gaps
    "threatened": {"threat.sensitivity": 3.0, "threat.reactance": 0.3},
}
"""Settings used only to show that a mutant is caught."""


@functools.cache
def inputs(setting_name):
    """A population after five months of the default network (60 members), and a
    session's seating, setting and legitimacy for it: an event's, or, after one more
    event, the project meeting's."""
    model = ExchangeModel(rng=11, population_size=60)
    for _ in range(5):
        model.step()
    if setting_name == "project_meeting":
        model.hold_event()  # the presenters of its sets come back with actions
        p = dict(model.params, **SETTINGS[setting_name])
        return model, p, model.team_seats(), project_setting(p), model.legitimacy
    p = dict(model.params, **(SETTINGS | MUTANT_SETTINGS)[setting_name])
    rng = np.random.default_rng(0)
    seats = form_groups(model.population, choose_attendees(model.population, p, rng), p, rng)
    return model, p, seats, event_setting(p), event_legitimacy(model.legitimacy, p)


STATE = ("beliefs", "endorsement", "dialogic", "calibrated", "status", "action")
"""The members' state that a session can change, compared before and after it."""


def changes(pop, members, after, ties, tally):
    """What a session changed, as numbers to compare; `after` holds the members' `STATE`
    after it, `tally` the counts, and each member's threat and experience (in the order
    of `members`)."""
    return {
        "belief_change": float(np.abs(after["beliefs"] - pop.beliefs[members]).mean()),
        "experiential_change": float((after["beliefs"] - pop.beliefs[members])[:, 0].mean()),
        "endorsement_change": float((after["endorsement"] - pop.endorsement[members]).mean()),
        "capacity_change": float((after["dialogic"] - pop.dialogic[members]).mean()),
        "calibration_change": float((after["calibrated"] - pop.calibrated[members]).mean()),
        "status_change": float((after["status"] - pop.status[members]).mean()),
        "actions_pending_change": float((after["action"] - pop.action[members]).sum()),
        "tie_growth": float(ties),
        "threat": float(np.mean(tally.pop("threat"))),
        "experience": float(np.mean(tally.pop("experience"))),
        **tally,
    }


ACTIONS = ("actions_committed", "actions_attempted", "actions_taken_up")


def kernel_session(setting_name, seed):
    model, p, seats, setting, legitimacy = inputs(setting_name)
    pop = copy.deepcopy(model.population)
    tally = hold_session(pop, seats, setting, p, legitimacy, np.random.default_rng(seed))
    members = seats[seats >= 0]
    low = tally.present & (pop.status[seats] < 0.5)
    counts = {
        "challenges": float(tally.challenges.sum()),
        "taken_up": float(tally.taken_up.sum()),
        "sanctions": float(tally.sanctions.sum()),
        **{name: float(getattr(tally, name).sum()) for name in ACTIONS},
        "mentions": float(tally.mentioned.sum()),
        "mentions_experiential": float(tally.mentioned[:, 0].sum()),
        "turns_low_status": float(tally.turns[low].sum()),
        "listener_updates": float(tally.listener_updates),
        "threat": tally.threat[tally.present],
        "experience": tally.experience[tally.present],
    }
    ties = (pop.ties.matrix() - model.population.ties.matrix()).sum() / 2
    after = {name: getattr(pop, name)[members] for name in STATE}
    return changes(model.population, members, after, ties, counts)


def plain_session(setting_name, seed, network_class=PlainNetwork):
    model, p, seats, setting, legitimacy = inputs(setting_name)
    pop = model.population
    network = network_class(pop, p, legitimacy, seed=seed)
    tally = network.hold_session(seats, setting)
    members = seats[seats >= 0]
    agents = [network.members[i] for i in members]
    start = pop.ties.matrix()
    counts = {
        "challenges": float(sum(tally.challenges.values())),
        "taken_up": float(tally.taken_up),
        "sanctions": float(sum(tally.sanctions.values())),
        **{name: float(sum(getattr(tally, name).values())) for name in ACTIONS},
        "mentions": float(sum(tally.mentioned)),
        "mentions_experiential": float(tally.mentioned[0]),
        "turns_low_status": float(sum(n for i, n in tally.turns.items() if pop.status[i] < 0.5)),
        "listener_updates": float(tally.listener_updates),
        "threat": np.array([tally.threat[i] for i in members]),
        "experience": np.array([tally.experience[i] for i in members]),
    }
    after = {name: np.array([getattr(a, name) for a in agents]) for name in STATE}
    ties = sum(value - start[key] for key, value in network.ties.items())
    return changes(pop, members, after, ties, counts)


def p_values(kernel, plain):
    """Welch t and KS p-values of every outcome; where neither varies (threat, listener
    updates, actions committed), 1.0 if the two agree to rounding, else 0.0."""
    out = {}
    for name in kernel[0]:
        a = np.array([k[name] for k in kernel])
        b = np.array([k[name] for k in plain])
        if np.all(a == a[0]) and np.all(b == b[0]):
            out[name] = (1.0, 1.0) if np.isclose(a[0], b[0], rtol=1e-12, atol=0) else (0.0, 0.0)
            continue
        out[name] = (
            stats.ttest_ind(a, b, equal_var=False).pvalue,
            stats.ks_2samp(a, b).pvalue,
        )
    return out


@functools.cache
def kernel_sample(setting_name):
    """What `SESSIONS` kernel sessions changed (seeds 0, 1, ...), kept for every test."""
    return tuple(kernel_session(setting_name, s) for s in range(SESSIONS))


def compare(setting_name, network_class=PlainNetwork, sessions=SESSIONS):
    """Welch t and KS p-values of every outcome over the first `sessions` (at most
    `SESSIONS`) of each implementation."""
    kernel = kernel_sample(setting_name)[:sessions]
    plain = [plain_session(setting_name, 10_000 + s, network_class) for s in range(sessions)]
    return p_values(kernel, plain)


def test_plain_mesa_follows_the_kernels_rules():
    results = {name: compare(name) for name in SETTINGS}
    tests = sum(2 * len(r) for r in results.values())
    threshold = ALPHA / tests  # Bonferroni
    failed = [
        f"{setting}: {outcome} (Welch p={pt:.2g}, KS p={pk:.2g})"
        for setting, r in results.items()
        for outcome, (pt, pk) in r.items()
        if min(pt, pk) < threshold
    ]
    assert not failed, "kernel and plain Mesa differ in " + "; ".join(failed)


class NoPrecision(PlainNetwork):
    """A rule changed: listeners ignore how much more the speaker knows (precision 1/2:
    while they listen, their knowledge is the speaker's; what the speaker mentions, and
    the room's knowledge, are unchanged)."""

    def speak(self, speaker, audience, credibility, tally):
        saved = [(m, m.knowledge) for m in audience if m is not speaker]
        for m, _ in saved:
            m.knowledge = speaker.knowledge
        try:
            super().speak(speaker, audience, credibility, tally)
        finally:
            for m, knowledge in saved:
                m.knowledge = knowledge


class DoubleShift(PlainNetwork):
    """A rule changed: a take-up closes twice the share of the endorsement gap."""

    def challenges(self, group, setting, credibility, tally):
        shift = self.params["challenge.shift"]
        self.params = dict(self.params, **{"challenge.shift": 2 * shift})
        try:
            return super().challenges(group, setting, credibility, tally)
        finally:
            self.params = dict(self.params, **{"challenge.shift": shift})


class NoReactance(PlainNetwork):
    """A rule changed: threatened listeners who take no challenge up do not harden."""

    def challenges(self, group, setting, credibility, tally):
        reactance = self.params["threat.reactance"]
        self.params = dict(self.params, **{"threat.reactance": 0.0})
        try:
            return super().challenges(group, setting, credibility, tally)
        finally:
            self.params = dict(self.params, **{"threat.reactance": reactance})


class NoSafety(PlainNetwork):
    """A rule changed: the status risk felt does not spoil the experience."""

    def feel_the_room(self, group, setting):
        super().feel_the_room(group, setting)
        for m in group:
            m.unsafety = 0.0


class NoDiscomfort(PlainNetwork):
    """A rule changed: unfamiliar knowledge adds no risk and spoils no experience."""

    def feel_the_room(self, group, setting):
        super().feel_the_room(group, setting)
        for m in group:
            m.discomfort = 0.0


class NoSanction(PlainNetwork):
    """A rule changed: challengers keep their status whoever heard them."""

    def sanction(self, group, tally):
        pass


class OtherParameters(PlainNetwork):
    """The plain network with some parameters set otherwise (`CHANGED`), for mutants."""

    CHANGED: dict = {}

    def __init__(self, pop, params, legitimacy, seed=0):
        super().__init__(pop, dict(params, **self.CHANGED), legitimacy, seed)


class NoTrust(OtherParameters):
    """A rule changed: ties do not raise credibility."""

    CHANGED = {"ties.trust": 0.0}


class NoTieSafety(OtherParameters):
    """A rule changed: ties do not make challenging safer."""

    CHANGED = {"ties.safety": 0.0}


class NoSharedBias(OtherParameters):
    """A rule changed: the aspects mentioned do not depend on what the room knows."""

    CHANGED = {"talk.shared_bias": 0.0}


class ActionsNeverDone(PlainNetwork):
    """A rule changed: an attempted action stays pending (it raises the motive again and
    can be attempted again in the same meeting)."""

    def carry_out_actions(self, voiced, taken_from, setting, tally):
        holding = [m for m in voiced if m.action > 0.0]
        super().carry_out_actions(voiced, taken_from, setting, tally)
        for m in holding:
            m.action = 1.0


class NoContact(OtherParameters):
    """A rule changed: ties to those below take no threat away."""

    CHANGED = {"threat.contact": 0.0}


class FullDeficit(OtherParameters):
    """A rule changed: status lowers the credibility of those below as much as it raises
    that of those above."""

    CHANGED = {"credibility.status_deficit": 1.0}


class OracleFeedback(OtherParameters):
    """A rule changed: learned credibility is checked against the truth alone."""

    CHANGED = {"credibility.feedback": 1.0}


@pytest.mark.parametrize(
    "mutant, setting, sessions",
    [
        (NoPrecision, "facilitated", 80),
        (DoubleShift, "plenary_kept", 40),
        (NoReactance, "threatened", SESSIONS),  # a share of a share of an endorsement gap
        (NoSafety, "plenary_kept", 30),
        (NoDiscomfort, "facilitated", 30),
        (NoSanction, "facilitated", 40),
        (NoTrust, "facilitated", 50),
        (NoTieSafety, "project_meeting", 30),
        (NoSharedBias, "action_learning", 30),
        (ActionsNeverDone, "project_meeting", 30),
        (OracleFeedback, "action_learning", 30),
        (NoContact, "threatened", 20),
        (FullDeficit, "plenary_kept", 30),
    ],
)
def test_the_comparison_detects_a_changed_rule(mutant, setting, sessions):
    results = compare(setting, mutant, sessions=sessions)
    threshold = ALPHA / (2 * len(results) * len(SETTINGS))
    assert min(min(pt, pk) for pt, pk in results.values()) < threshold
