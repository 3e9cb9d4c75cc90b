"""Projects: the teams members work in every month, where hierarchy always applies.

Each month every team meets (a session with hierarchy kept, no facilitation and free
turns), target pressure makes challenging riskier, the team's status-weighted norm pulls
on its members, and what is not practised fades.
"""

from __future__ import annotations

import numpy as np

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


def apply_norm_pressure(pop: Population, p: dict) -> None:
    """Pull each member's endorsement toward their team's status-weighted norm, and
    everyone's toward full endorsement (the institution's pull)."""
    weight = np.exp(p["norm.status_weight"] * pop.status)
    teams = pop.project.max() + 1
    team_norm = np.bincount(pop.project, weight * pop.endorsement, teams) / np.bincount(
        pop.project, weight, teams
    )
    e = pop.endorsement
    e += p["norm.pressure"] * (team_norm[pop.project] - e)
    e += p["norm.institutional_pull"] * (1.0 - e)


def gather_evidence(pop: Population, p: dict, rng: np.random.Generator) -> None:
    """Each member draws fresh private evidence from their own work and moves toward it,
    more on the aspects they know well (their evidence there is also less noisy, and
    less noisy still the higher their `precision`, ODD 7.20)."""
    problem = pop.problem
    sd = problem.noise[None, :] / (pop.knowledge * pop.precision[:, None])
    evidence = problem.truth[None, :] + sd * rng.standard_normal(pop.beliefs.shape)
    pop.beliefs += p["problem.evidence"] * pop.knowledge * (evidence - pop.beliefs)


def fade(pop: Population, p: dict) -> None:
    """Monthly fading of unpractised dialogic capacity and of ties."""
    pop.dialogic *= 1.0 - p["dialogic.decay"]
    pop.ties.fade(p["ties.decay"])
