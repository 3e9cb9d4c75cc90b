"""Outcomes: what users read off the model (BRIEF §4), per group, per session, per step.

Every outcome is a number with a stated range, or NaN where it is undefined: a role's
speaking ratio or per-role state when nobody holds the role (or nobody spoke), cross-role
ties with one role only (the outcomes the registry marks with `undefined_when`). Not
every undefined value is NaN, though (as ODD section 9 says): a group's cross-role uptake
is 0 when it held no cross-role hearing, its reciprocity 0 when nobody took anyone up,
and its speaking equality 1 when nobody spoke. They are kept because each group's value
enters its session's group-size-weighted mean over groups: a NaN there would make the
session's value NaN, or need a new weighting that changes the numbers the stored
references hold. Read such a 0 as "no cross-role exchange", not as no credibility given.
The outcomes' names, units and meanings are those of the registry
(`exsim.model.registry`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from . import kernel, registry
from .population import Population
from .vocabulary import KNOWLEDGE_TYPES, ROLES

if TYPE_CHECKING:
    from .dialogue import Tally

SESSION_OUTCOMES = tuple(o.name for o in registry.SESSION)
"""Outcomes of one session (an event or the month's project meetings)."""


@njit(cache=True)
def _equality(turns: np.ndarray, present: np.ndarray) -> float:
    """1 - Gini of one group's turns among those present (1 when nobody spoke)."""
    diff, total, n = 0.0, 0.0, 0
    for i in range(len(turns)):
        if present[i]:
            n += 1
            total += turns[i]
            for j in range(len(turns)):
                if present[j]:
                    diff += abs(turns[i] - turns[j])
    return 1.0 - diff / (2.0 * n * total) if total > 0 else 1.0


@njit(cache=True)
def _reciprocity(uptake: np.ndarray) -> float:
    """Share of one group's uptake that is mutual: sum min(u_ij, u_ji) / sum max."""
    mutual, most = 0.0, 0.0
    for i in range(uptake.shape[0]):
        for j in range(uptake.shape[1]):
            mutual += min(uptake[i, j], uptake[j, i])
            most += max(uptake[i, j], uptake[j, i])
    return mutual / most if most > 0 else 0.0


def speaking_equality(turns: np.ndarray, present: np.ndarray) -> np.ndarray:
    """1 - Gini of turns among those present, per group (1 when nobody spoke)."""
    turns, present = np.asarray(turns, dtype=float), np.asarray(present, dtype=bool)
    return np.array([_equality(t, p) for t, p in zip(turns, present, strict=True)])


def reciprocity(uptake: np.ndarray) -> np.ndarray:
    """Share of uptake between pairs that is mutual, per group: sum min(u_ij, u_ji) /
    sum max(u_ij, u_ji) (0 when nobody took anything up)."""
    return np.array([_reciprocity(u) for u in np.asarray(uptake, dtype=float)])


LOW_STATUS = 0.5
"""Members with status below this (the lower half of the status scale) are low status."""

GROUP_OUTCOMES = (
    "size",
    *SESSION_OUTCOMES,
    "leaders_present",
    *(f"{name}_{r}" for name in ("members", "turns", "challenges") for r in ROLES),
)
"""Outcomes of each group of a session (the columns of the model's events table)."""


_ROLE_COUNT = len(ROLES)
_FIRST_BY_ROLE = GROUP_OUTCOMES.index(f"members_{ROLES[0]}")
"""The column of the first per-role group outcome (the table's fixed columns come first)."""


@njit(cache=True, no_cpython_wrapper=True)
def _group_table(seats, role, status, leader, counts):
    """The `GROUP_OUTCOMES` of every group, (G, len(GROUP_OUTCOMES)); `counts` the
    arrays of a `Tally` after its seats, `leader` each member's project leader."""
    tally = kernel.Counts(*counts)
    leader_here = kernel.leaders_present(seats, leader)
    turns, heard, uptake, challenges = tally.turns, tally.heard, tally.uptake, tally.challenges
    roles, by_role = _ROLE_COUNT, _FIRST_BY_ROLE
    table = np.zeros((seats.shape[0], by_role + 3 * roles))
    present = np.zeros(seats.shape[1], dtype=np.bool_)
    for g in range(seats.shape[0]):
        for i in range(seats.shape[1]):  # a loop, not `seats[g] >= 0`: no array expression
            present[i] = seats[g, i] >= 0
        credit, hearings = 0.0, 0.0  # across roles
        row = table[g]
        for i in range(seats.shape[1]):
            if not present[i]:
                continue
            k = seats[g, i]
            for j in range(seats.shape[1]):
                if present[j] and role[seats[g, j]] != role[k]:
                    credit += uptake[g, i, j]
                    hearings += heard[g, i, j]
            row[0] += 1.0
            row[4] += challenges[g, i]
            row[5] += challenges[g, i] if status[k] < LOW_STATUS else 0.0
            row[7] += tally.sanctions[g, i]
            row[8] += tally.threat[g, i]
            row[9] += tally.actions_committed[g, i]
            row[10] += tally.actions_attempted[g, i]
            row[11] += tally.actions_taken_up[g, i]
            row[12] += leader_here[g, i]
            row[by_role + role[k]] += 1.0
            row[by_role + roles + role[k]] += turns[g, i]
            row[by_role + 2 * roles + role[k]] += challenges[g, i]
        row[1] = _equality(turns[g], present)
        row[2] = credit / hearings if hearings > 0 else 0.0
        row[3] = _reciprocity(uptake[g])
        row[6] = tally.taken_up[g]
        row[8] /= max(row[0], 1.0)
    return table


SUMMARY_OUTCOMES = (
    *SESSION_OUTCOMES,
    *(f"speaking_ratio_{r}" for r in ROLES),
    *(f"challenges_{r}" for r in ROLES),
)
"""Outcomes of a session pooled over its groups (`session_outcomes`), in this order."""

_WEIGHTED = [
    (SUMMARY_OUTCOMES.index(k), GROUP_OUTCOMES.index(k))
    for k in ("speaking_equality", "cross_role_uptake", "reciprocity", "threat")
]
"""Pooled outcomes that are group outcomes weighted by group size: (where in the
summary, which column of the group table)."""
if _WEIGHTED[0][0] != 0:  # `_pooled` hands the total size over in place 0, overwritten here
    raise RuntimeError("exsim.model.outcomes: the first pooled outcome must be size-weighted")
SUMMED = np.array(
    [
        [SUMMARY_OUTCOMES.index(k), GROUP_OUTCOMES.index(k)]
        for k in (*SESSION_OUTCOMES, *(f"challenges_{r}" for r in ROLES))
        if k not in ("speaking_equality", "cross_role_uptake", "reciprocity", "threat")
    ]
)
"""Pooled outcomes that are counts summed over the groups: (summary, group column)."""
_RATIOS = SUMMARY_OUTCOMES.index(f"speaking_ratio_{ROLES[0]}")
_SUMMARY_SIZE = len(SUMMARY_OUTCOMES)


def session_outcomes(pop: Population, tally: Tally) -> tuple[np.ndarray, np.ndarray]:
    """A session's group outcomes, (G, `GROUP_OUTCOMES`): the speaking equality,
    cross-role uptake and reciprocity of each group, its challenges (in all, by
    low-status members, taken up), members sitting with their own leader, and members,
    turns and challenges per role; and the session's outcomes pooled over its groups,
    (`SUMMARY_OUTCOMES`,): counts summed, ratios weighted by group size.

    `speaking_ratio_<role>`: turns per member of the role over turns per member overall
    (1: a fair share; NaN, undefined, if the role was absent or nobody spoke).
    """
    return seated_outcomes(pop, tally.seats, tally[1:])


def seated_outcomes(pop: Population, seats, counts) -> tuple[np.ndarray, np.ndarray]:
    """`session_outcomes` from the session's `seats` and its `Tally`'s arrays after its
    seats (`counts`), for a caller that keeps them (a project meeting)."""
    table, summary = group_tables(seats, pop.role, pop.status, pop.leader, counts, SUMMED)
    return table, pool_by_size(table, summary)


def pool_by_size(table: np.ndarray, summary: np.ndarray) -> np.ndarray:
    """Fill in the pooled outcomes that are group outcomes weighted by group size into
    `summary` as `group_tables` gives it (its first place holding the total size), from the
    group `table`; returns `summary`."""
    columns = table.T  # its rows are the table's columns, the same strided views
    size = columns[0].copy()  # contiguous, as `@` was always given it
    total = float(summary[0])  # set aside by `_pooled`
    for at, column in _WEIGHTED:  # bit for bit `@`, as these were always summed: BLAS's
        # dot for two groups or more; for one, `.dot` multiplies directly where `@` adds
        # the product to +0.0 (-0.0 stays -0.0), and the `+ 0.0` does that addition
        summary[at] = (columns[column].dot(size) + 0.0) / total  # (tests/test_pooled_dot.py)
    return summary


@njit(cache=True)
def group_tables(seats, role, status, leader, counts, summed):
    """A session's group table (`GROUP_OUTCOMES` of every group) and its pooled outcomes
    (`SUMMARY_OUTCOMES`) but those weighted by group size (see `session_outcomes`);
    `counts` the arrays of a `Tally` after its seats, `summed` `SUMMED`."""
    table = _group_table(seats, role, status, leader, counts)
    return table, _pooled(table, summed)


@njit(cache=True, no_cpython_wrapper=True)
def _pooled(table, summed):
    """A session's pooled outcomes from its group `table` but the four weighted by
    group size, which the caller fills in; their first place holds the total size,
    max(members, 1). Sums run group by group, in order."""
    out = np.zeros(_SUMMARY_SIZE)
    total = 0.0
    for g in range(table.shape[0]):
        total += table[g, 0]
    for k in range(summed.shape[0]):
        for g in range(table.shape[0]):
            out[summed[k, 0]] += table[g, summed[k, 1]]
    roles, first = _ROLE_COUNT, _FIRST_BY_ROLE
    turns, members = np.zeros(roles), np.zeros(roles)
    all_turns = 0.0
    for r in range(roles):
        for g in range(table.shape[0]):
            members[r] += table[g, first + r]
            turns[r] += table[g, first + roles + r]
        all_turns += turns[r]
    total = max(total, 1.0)
    fair = all_turns / total
    for r in range(roles):  # undefined (NaN) for a role absent, or when nobody spoke
        if fair > 0 and members[r] > 0:
            out[_RATIOS + r] = turns[r] / members[r] / fair
        else:
            out[_RATIOS + r] = np.nan
    out[0] = total
    return out


def not_held_summary() -> np.ndarray:
    """The pooled outcomes of a session that was not held: no value (NaN) for any."""
    return np.full(len(SUMMARY_OUTCOMES), np.nan)


_RESEARCH, _EXPERIENTIAL = (KNOWLEDGE_TYPES.index(k) for k in ("research", "experiential"))

STATE_OUTCOMES = tuple(o.name for o in registry.STATE)
"""Outcomes read from the members' state, in the order `state_outcomes` gives them."""


def state_outcomes(pop: Population, legitimacy: np.ndarray) -> np.ndarray:
    """Outcomes read from the members' state (`STATE_OUTCOMES`, in that order): mean norm
    endorsement; the credibility gap, the weight members give research over experiential
    knowledge; calibration error, the mean gap between the weight members give each
    knowledge type held by someone and the reliability of its holders on their own aspect
    (exp(-|error|)); belief error (overall and per aspect) and diversity (the standard
    deviation of views on each aspect); dialogic capacity; the mean strength of cross-role
    ties; endorsement, capacity and belief error per role (NaN, undefined, for a role nobody
    holds)."""
    values = np.empty(len(STATE_OUTCOMES))
    _state_into(values, pop, legitimacy)
    return values


def month_outcomes(
    head: tuple[float, float, float],
    event: np.ndarray,
    project: np.ndarray,
    pop: Population,
    legitimacy: np.ndarray,
) -> np.ndarray:
    """A month's outcomes as one array: the three numbers of `head`, the last event's
    pooled outcomes (`SUMMARY_OUTCOMES`), the project meetings' `SESSION_OUTCOMES` (the
    first of `project`) and `state_outcomes`, in that order."""
    values = np.empty(_MONTH_SIZE)
    values[:3] = head
    values[3:_PROJECT_AT] = event
    values[_PROJECT_AT:_STATE_AT] = project[: _STATE_AT - _PROJECT_AT]
    _state_into(values[_STATE_AT:], pop, legitimacy)
    return values


def _state_into(out: np.ndarray, pop: Population, legitimacy: np.ndarray) -> None:
    """Write `state_outcomes` into `out`."""
    _state_table(
        out,
        pop.role,
        pop.main_type,
        pop.endorsement,
        pop.calibrated,
        pop.beliefs,
        pop.dialogic,
        pop.problem.truth,
        legitimacy,
    )
    out[_CROSS_ROLE_TIES] = pop.ties.cross_role_mean()


_CROSS_ROLE_TIES = STATE_OUTCOMES.index("cross_role_ties")
_PROJECT_AT = 3 + len(SUMMARY_OUTCOMES)
_STATE_AT = _PROJECT_AT + len(SESSION_OUTCOMES)
_MONTH_SIZE = _STATE_AT + len(STATE_OUTCOMES)
"""Where `month_outcomes` puts the project meetings' and the state outcomes; its size."""


@njit(cache=True)
def _state_table(
    out, role, main_type, endorsement, calibrated, beliefs, dialogic, truth, legitimacy
):
    """`STATE_OUTCOMES` but cross-role ties (left at 0), written into `out`."""
    n, aspects = beliefs.shape
    types, roles = len(legitimacy), _ROLE_COUNT
    # what each knowledge type's holders deserve: their mean reliability on their aspect
    deserved, holders = np.zeros(types), np.zeros(types)
    for i in range(n):
        kind = main_type[i]
        deserved[kind] += math.exp(-abs(beliefs[i, kind] - truth[kind]))
        holders[kind] += 1.0
    held = 0
    for kind in range(types):
        if holders[kind] > 0:
            deserved[kind] /= holders[kind]
            held += 1
    out[:] = 0.0  # (7 + aspects + 3 * roles,)
    members_of_role = np.zeros(roles)
    for i in range(n):
        e = endorsement[i]
        research = e * legitimacy[_RESEARCH] + (1.0 - e) * calibrated[i, _RESEARCH]
        experiential = e * legitimacy[_EXPERIENTIAL] + (1.0 - e) * calibrated[i, _EXPERIENTIAL]
        out[1] += research - experiential
        for kind in range(types):
            if holders[kind] > 0:
                weight = e * legitimacy[kind] + (1.0 - e) * calibrated[i, kind]
                out[2] += abs(weight - deserved[kind])
        error = 0.0
        for a in range(aspects):
            error += abs(beliefs[i, a] - truth[a])
            out[7 + a] += abs(beliefs[i, a] - truth[a])
        out[0] += e
        out[3] += error
        out[5] += dialogic[i]
        members_of_role[role[i]] += 1.0
        out[7 + aspects + role[i]] += e
        out[7 + aspects + roles + role[i]] += dialogic[i]
        out[7 + aspects + 2 * roles + role[i]] += error / aspects
    for a in range(aspects):  # sums in order, as NumPy-style `.sum()` in Numba gave them
        total = 0.0
        for i in range(n):
            total += beliefs[i, a]
        mean, spread = total / n, 0.0
        for i in range(n):
            spread += (beliefs[i, a] - mean) ** 2
        out[4] += math.sqrt(spread / n) / aspects
        out[7 + a] /= n
    out[0] /= n
    out[1] /= n
    out[2] /= n * max(held, 1)
    out[3] /= n * aspects
    out[5] /= n
    for r in range(roles):
        for block in range(3):  # undefined (NaN) for a role nobody holds
            if members_of_role[r] > 0:
                out[7 + aspects + block * roles + r] /= members_of_role[r]
            else:
                out[7 + aspects + block * roles + r] = np.nan
