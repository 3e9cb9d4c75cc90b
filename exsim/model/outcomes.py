"""Outcomes: what users read off the model (BRIEF §4), per group, per session, per step.

Every outcome is a finite number with a stated range, so tables never hold NaN: a ratio
with nothing to count (no cross-role hearing, a role absent) is reported as 0.
"""

from __future__ import annotations

import numpy as np

from .dialogue import Room, Tally, ratio
from .population import Population
from .vocabulary import KNOWLEDGE_TYPES, ROLES

SESSION_OUTCOMES = (
    "speaking_equality",
    "cross_role_uptake",
    "reciprocity",
    "challenges",
    "challenges_low_status",
    "challenges_taken_up",
)
"""Outcomes of one session (an event or the month's project meetings)."""


def _divide(nums: list[float], dens: list[float]) -> list[float]:
    """`_ratio` of two short lists of numbers, as a list (the same IEEE divisions)."""
    return [n / d if d > 0 else 0.0 for n, d in zip(nums, dens, strict=True)]


def _mean(x: np.ndarray) -> float:
    """`float(x.mean())`, computed the same way, without its overhead on small arrays."""
    return float(np.add.reduce(x, axis=None)) / x.size


def speaking_equality(
    turns: np.ndarray, present: np.ndarray, pairs: np.ndarray | None = None
) -> np.ndarray:
    """1 - Gini of turns among those present, per group (1 when nobody spoke).

    `pairs` (G, m, m), 1 where seats i and j are both present, saves working it out.
    """
    x = turns * present
    if pairs is None:
        pairs = present[:, :, None] & present[:, None, :]
    diff = np.add.reduce(np.abs(x[:, :, None] - x[:, None, :]) * pairs, (1, 2))
    n = np.add.reduce(present, 1)
    return 1.0 - ratio(diff, 2.0 * n * np.add.reduce(x, 1))


def reciprocity(uptake: np.ndarray) -> np.ndarray:
    """Share of uptake between pairs that is mutual: sum min(u_ij, u_ji) / sum max."""
    back = uptake.transpose(0, 2, 1)
    mutual = np.add.reduce(np.minimum(uptake, back), (1, 2))
    return ratio(mutual, np.add.reduce(np.maximum(uptake, back), (1, 2)))


LOW_STATUS = 0.5
"""Members with status below this (the lower half of the status scale) are low status."""


def group_outcomes(room: Room, tally: Tally) -> dict[str, np.ndarray]:
    """Outcomes of each group in a session, as arrays of length G."""
    voiced = tally.challenges  # only members present voice challenges
    cross_credit, cross_heard = tally.cross_role(room)
    out = {
        "size": room.size,
        "speaking_equality": speaking_equality(tally.turns, room.present, room.pairs),
        "cross_role_uptake": ratio(cross_credit, cross_heard),
        "reciprocity": reciprocity(tally.uptake),
        "challenges": np.add.reduce(voiced, 1),
        "challenges_low_status": np.add.reduce(voiced * (room.status < LOW_STATUS), 1),
        "challenges_taken_up": tally.taken_up,
        "leaders_present": np.add.reduce(room.leader_present, 1),
    }
    # each member present adds to the cell (group, role) of the table
    cells, present, shape = room.role_cells, room.present_rows, (len(room.size), len(ROLES))
    by_role = {
        "members": np.bincount(cells, None, shape[0] * shape[1]),
        "turns": np.bincount(cells, tally.turns.reshape(-1).take(present), shape[0] * shape[1]),
        "challenges": np.bincount(cells, voiced.reshape(-1).take(present), shape[0] * shape[1]),
    }
    for name, table in by_role.items():
        out.update(zip(_BY_ROLE[name], table.reshape(shape).T, strict=True))
    return out


_BY_ROLE = {name: [f"{name}_{r}" for r in ROLES] for name in ("members", "turns", "challenges")}
"""Column names of the per-role group outcomes, in the order of ROLES."""


def session_summary(groups: dict[str, np.ndarray]) -> dict[str, float]:
    """Pool a session's group outcomes: counts summed, ratios weighted by group size.

    `speaking_ratio_<role>`: turns per member of the role over turns per member overall
    (1: a fair share; 0 if the role was absent or nobody spoke).
    """
    size = groups["size"].astype(float)  # (what `@` would make of it)
    total = max(float(sum(groups["size"].tolist())), 1.0)
    summary = {
        k: float(groups[k] @ size) / total
        for k in ("speaking_equality", "cross_role_uptake", "reciprocity")
    }
    # counts are whole numbers, so summing them in Python gives NumPy's sums exactly
    for k in ("challenges", "challenges_low_status", "challenges_taken_up"):
        summary[k] = float(sum(groups[k].tolist()))
    turns, members, challenges = (
        [float(sum(groups[k].tolist())) for k in _BY_ROLE[name]]
        for name in ("turns", "members", "challenges")
    )
    fair = sum(turns) / total
    ratio = [r / fair for r in _divide(turns, members)] if fair > 0 else [0.0] * len(ROLES)
    for (ratio_key, challenges_key), r, c in zip(_PER_ROLE_SUMMARY, ratio, challenges, strict=True):
        summary[ratio_key], summary[challenges_key] = r, c
    return summary


_PER_ROLE_SUMMARY = [(f"speaking_ratio_{r}", f"challenges_{r}") for r in ROLES]
"""Per-role keys of a session summary, role by role (the order of `session_summary`)."""


def empty_session_summary() -> dict[str, float]:
    """The summary of a session that was not held: every outcome 0."""
    keys = list(SESSION_OUTCOMES)
    keys += [f"speaking_ratio_{r}" for r in ROLES] + [f"challenges_{r}" for r in ROLES]
    return dict.fromkeys(keys, 0.0)


_RESEARCH, _EXPERIENTIAL = (KNOWLEDGE_TYPES.index(k) for k in ("research", "experiential"))
_ERROR_KEYS = [f"{kind}_error" for kind in KNOWLEDGE_TYPES]
_STATE_BY_ROLE = {
    name: [f"{name}_{r}" for r in ROLES]
    for name in ("norm_endorsement", "dialogic_capacity", "belief_error")
}


def state_outcomes(pop: Population, legitimacy: np.ndarray) -> dict[str, float]:
    """Outcomes read from the members' state: norm, credibility, learning, mutuality."""
    error = np.abs(pop.beliefs - pop.problem.truth)
    weights = pop.credibility_weights(legitimacy)
    out = {
        "norm_endorsement": _mean(pop.endorsement),
        "credibility_gap": _mean(weights[:, _RESEARCH] - weights[:, _EXPERIENTIAL]),
        "calibration_error": calibration_error(pop, weights, error),
        "belief_error": _mean(error),
        "belief_diversity": _mean(_std_by_column(pop.beliefs)),
        "dialogic_capacity": _mean(pop.dialogic),
        "cross_role_ties": pop.ties.cross_role_mean(),
    }
    # per aspect: the mean of each column, summed along a contiguous row like .mean()
    by_aspect = np.add.reduce(np.ascontiguousarray(error.T), axis=1) / pop.size
    out.update(zip(_ERROR_KEYS, by_aspect.tolist(), strict=True))
    counts = np.bincount(pop.role, minlength=len(ROLES)).tolist()
    by_role = {
        "norm_endorsement": pop.endorsement,
        "dialogic_capacity": pop.dialogic,
        "belief_error": np.add.reduce(error, axis=1) / error.shape[1],  # error.mean(axis=1)
    }
    for name, values in by_role.items():
        means = _divide(np.bincount(pop.role, values, len(ROLES)).tolist(), counts)
        out.update(zip(_STATE_BY_ROLE[name], means, strict=True))
    return out


def _std_by_column(x: np.ndarray) -> np.ndarray:
    """`x.std(axis=0)`, computed as NumPy does, without its overhead on small arrays."""
    deviation = x - np.add.reduce(x, axis=0, keepdims=True) / len(x)
    deviation *= deviation
    return np.sqrt(np.add.reduce(deviation, axis=0) / len(x))


def deserved_credibility(pop: Population, error: np.ndarray) -> np.ndarray:
    """Reliability of each knowledge type: mean exp(-|error|) of its holders on their own
    aspect (0 for a type nobody holds). The credibility that evidence warrants."""
    main = pop.main_type
    own = np.exp(-error.reshape(-1).take(np.arange(0, error.size, error.shape[1]) + main))
    types = len(KNOWLEDGE_TYPES)
    return ratio(np.bincount(main, own, types), np.bincount(main, minlength=types))


def calibration_error(pop: Population, weights: np.ndarray, error: np.ndarray) -> float:
    """Mean gap between the weight members give each held knowledge type and what its
    holders' reliability warrants."""
    deserved = deserved_credibility(pop, error)
    held = np.bincount(pop.main_type, minlength=len(KNOWLEDGE_TYPES)) > 0
    return _mean(np.abs(weights - deserved)[:, held])
