"""Projects: the teams members work in every month, where hierarchy always applies.

Each month every team meets (a session with hierarchy kept, no facilitation and free
turns), target pressure makes challenging riskier, the team's status-weighted norm pulls
on its members, and what is not practised fades.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .dialogue import Setting
from .population import Population


def project_setting(p: dict) -> Setting:
    """The rules of a monthly project meeting: hierarchy kept, no facilitation."""
    return Setting(
        hierarchy=1.0,
        facilitation=0.0,
        turn_rule="lottery",
        rounds=p["project.rounds"],
        extra_risk=p["project.targets"],
        project=True,
    )


def team_seats(pop: Population) -> np.ndarray:
    """All project teams as a (teams, seats) array of member indices, -1 for empty."""
    order = np.argsort(pop.project, kind="stable")
    team = pop.project[order]
    first = np.searchsorted(team, np.arange(team.max() + 1))
    seat = np.arange(len(order)) - first[team]
    seats = np.full((team.max() + 1, seat.max() + 1), -1, dtype=int)
    seats[team, seat] = order
    return seats


def end_month(pop: Population, p: dict, rng: np.random.Generator) -> None:
    """The month's close, after its sessions, in one compiled pass: `gather_evidence`,
    then `fade`, then `apply_norm_pressure` (the same arithmetic in the same order)."""
    normals = rng.standard_normal(pop.beliefs.shape)
    weight = np.exp(p["norm.status_weight"] * pop.status)  # NumPy's exp, as always
    _end_month(
        (pop.beliefs, pop.knowledge, pop.precision, pop.problem.truth, pop.problem.noise),
        normals,
        p["problem.evidence"],
        pop.dialogic,
        1.0 - p["dialogic.decay"],
        (pop.project, weight, pop.endorsement),
        (p["norm.pressure"], p["norm.institutional_pull"]),
    )
    pop.ties.fade(p["ties.decay"])


@njit(cache=True)
def _end_month(evidence, normals, rate, dialogic, kept, norm, pressure):
    """`_take_evidence`, capacity times `kept`, then `_pull_toward_norm` (arguments
    grouped as `end_month` hands them over)."""
    _take_evidence(*evidence, normals, rate)
    for i in range(len(dialogic)):
        dialogic[i] *= kept
    _pull_toward_norm(*norm, *pressure)


def apply_norm_pressure(pop: Population, p: dict) -> None:
    """Pull each member's endorsement toward their team's status-weighted norm, and
    everyone's toward full endorsement (the institution's pull)."""
    weight = np.exp(p["norm.status_weight"] * pop.status)
    pressure, pull = p["norm.pressure"], p["norm.institutional_pull"]
    _pull_toward_norm(pop.project, weight, pop.endorsement, pressure, pull)


@njit(cache=True)
def _pull_toward_norm(project, weight, endorsement, pressure, pull):
    """`apply_norm_pressure` with each member's status `weight`: the team's norm is the
    weight-weighted mean endorsement of its members, summed member by member."""
    teams = project.max() + 1
    weighted, total = np.zeros(teams), np.zeros(teams)
    for i in range(len(project)):
        weighted[project[i]] += weight[i] * endorsement[i]
        total[project[i]] += weight[i]
    for i in range(len(project)):
        e = endorsement[i]
        e += pressure * (weighted[project[i]] / total[project[i]] - e)
        endorsement[i] = e + pull * (1.0 - e)


def gather_evidence(pop: Population, p: dict, rng: np.random.Generator) -> None:
    """Each member draws fresh private evidence from their own work and moves toward it,
    more on the aspects they know well (their evidence there is also less noisy, and
    less noisy still the higher their `precision`, ODD 7.20)."""
    problem = pop.problem
    normals = rng.standard_normal(pop.beliefs.shape)
    _take_evidence(
        pop.beliefs,
        pop.knowledge,
        pop.precision,
        problem.truth,
        problem.noise,
        normals,
        p["problem.evidence"],
    )


@njit(cache=True)
def _take_evidence(beliefs, knowledge, precision, truth, noise, normals, rate):
    """`gather_evidence` with the standard normal draws `normals` (members, aspects)."""
    for i in range(beliefs.shape[0]):
        for a in range(beliefs.shape[1]):
            sd = noise[a] / (knowledge[i, a] * precision[i])
            evidence = truth[a] + sd * normals[i, a]
            beliefs[i, a] += rate * knowledge[i, a] * (evidence - beliefs[i, a])


def fade(pop: Population, p: dict) -> None:
    """Monthly fading of unpractised dialogic capacity and of ties."""
    pop.dialogic *= 1.0 - p["dialogic.decay"]
    pop.ties.fade(p["ties.decay"])
