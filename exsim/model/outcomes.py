"""Outcomes: what users read off the model (BRIEF §4), per group, per session, per step.

Every outcome is a finite number with a stated range, so tables never hold NaN: a ratio
with nothing to count (no cross-role hearing, a role absent) is reported as 0.
"""

from __future__ import annotations

import numpy as np

from .dialogue import Room, Tally
from .population import Population
from .vocabulary import KNOWLEDGE_TYPES, MAIN_KNOWLEDGE_INDEX, ROLES

SESSION_OUTCOMES = (
    "speaking_equality",
    "cross_role_uptake",
    "reciprocity",
    "challenges",
    "challenges_low_status",
    "challenges_taken_up",
)
"""Outcomes of one session (an event or the month's project meetings)."""


def _ratio(num: np.ndarray | float, den: np.ndarray | float) -> np.ndarray:
    num, den = np.asarray(num, float), np.asarray(den, float)
    return np.divide(num, den, out=np.zeros(np.broadcast(num, den).shape), where=den > 0)


def speaking_equality(turns: np.ndarray, present: np.ndarray) -> np.ndarray:
    """1 - Gini of turns among those present, per group (1 when nobody spoke)."""
    x = np.where(present, turns, 0.0)
    pair = present[:, :, None] & present[:, None, :]
    diff = (np.abs(x[:, :, None] - x[:, None, :]) * pair).sum((1, 2))
    n = present.sum(1)
    return 1.0 - _ratio(diff, 2.0 * n * x.sum(1))


def reciprocity(uptake: np.ndarray) -> np.ndarray:
    """Share of uptake between pairs that is mutual: sum min(u_ij, u_ji) / sum max."""
    back = uptake.transpose(0, 2, 1)
    return _ratio(np.minimum(uptake, back).sum((1, 2)), np.maximum(uptake, back).sum((1, 2)))


LOW_STATUS = 0.5
"""Members with status below this (the lower half of the status scale) are low status."""


def group_outcomes(room: Room, tally: Tally) -> dict[str, np.ndarray]:
    """Outcomes of each group in a session, as arrays of length G."""
    voiced = tally.challenges * room.present
    cross_credit, cross_heard = tally.cross_role(room)
    out = {
        "size": room.size,
        "speaking_equality": speaking_equality(tally.turns, room.present),
        "cross_role_uptake": _ratio(cross_credit, cross_heard),
        "reciprocity": reciprocity(tally.uptake),
        "challenges": voiced.sum(1),
        "challenges_low_status": (voiced * (room.status < LOW_STATUS)).sum(1),
        "challenges_taken_up": tally.taken_up,
        "leaders_present": room.leader_present.sum(1),
    }
    is_role = (room.role[:, :, None] == np.arange(len(ROLES))) & room.present[:, :, None]
    by_role = {
        "members": is_role.sum(1),
        "turns": np.einsum("gm,gmr->gr", tally.turns, is_role),
        "challenges": np.einsum("gm,gmr->gr", voiced, is_role),
    }
    for name, table in by_role.items():
        out.update({f"{name}_{role}": table[:, r] for r, role in enumerate(ROLES)})
    return out


def session_summary(groups: dict[str, np.ndarray]) -> dict[str, float]:
    """Pool a session's group outcomes: counts summed, ratios weighted by group size.

    `speaking_ratio_<role>`: turns per member of the role over turns per member overall
    (1: a fair share; 0 if the role was absent or nobody spoke).
    """
    size = groups["size"]
    total = max(float(size.sum()), 1.0)
    summary = {
        k: float(groups[k] @ size) / total
        for k in ("speaking_equality", "cross_role_uptake", "reciprocity")
    }
    for k in ("challenges", "challenges_low_status", "challenges_taken_up"):
        summary[k] = float(groups[k].sum())
    turns = np.array([groups[f"turns_{r}"].sum() for r in ROLES], dtype=float)
    members = np.array([groups[f"members_{r}"].sum() for r in ROLES], dtype=float)
    fair = turns.sum() / total
    ratio = _ratio(_ratio(turns, members), fair) if fair > 0 else np.zeros(len(ROLES))
    for r, role in enumerate(ROLES):
        summary[f"speaking_ratio_{role}"] = float(ratio[r])
        summary[f"challenges_{role}"] = float(groups[f"challenges_{role}"].sum())
    return summary


def empty_session_summary() -> dict[str, float]:
    """The summary of a session that was not held: every outcome 0."""
    keys = list(SESSION_OUTCOMES)
    keys += [f"speaking_ratio_{r}" for r in ROLES] + [f"challenges_{r}" for r in ROLES]
    return dict.fromkeys(keys, 0.0)


def state_outcomes(pop: Population, legitimacy: np.ndarray) -> dict[str, float]:
    """Outcomes read from the members' state: norm, credibility, learning, mutuality."""
    truth = pop.problem.truth
    error = np.abs(pop.beliefs - truth[None, :])
    weights = pop.credibility_weights(legitimacy)
    research, experiential = (KNOWLEDGE_TYPES.index(k) for k in ("research", "experiential"))
    out = {
        "norm_endorsement": float(pop.endorsement.mean()),
        "credibility_gap": float((weights[:, research] - weights[:, experiential]).mean()),
        "calibration_error": calibration_error(pop, weights, error),
        "belief_error": float(error.mean()),
        "belief_diversity": float(pop.beliefs.std(axis=0).mean()),
        "dialogic_capacity": float(pop.dialogic.mean()),
        "cross_role_ties": pop.ties.cross_role_mean(),
    }
    for a, kind in enumerate(KNOWLEDGE_TYPES):
        out[f"{kind}_error"] = float(error[:, a].mean())
    counts = np.bincount(pop.role, minlength=len(ROLES))
    by_role = {
        "norm_endorsement": pop.endorsement,
        "dialogic_capacity": pop.dialogic,
        "belief_error": error.mean(axis=1),
    }
    for name, values in by_role.items():
        means = _ratio(np.bincount(pop.role, values, len(ROLES)), counts)
        out.update({f"{name}_{role}": float(means[r]) for r, role in enumerate(ROLES)})
    return out


def deserved_credibility(pop: Population, error: np.ndarray) -> np.ndarray:
    """Reliability of each knowledge type: mean exp(-|error|) of its holders on their own
    aspect (0 for a type nobody holds). The credibility that evidence warrants."""
    main = np.asarray(MAIN_KNOWLEDGE_INDEX)[pop.role]
    own = np.exp(-error[np.arange(pop.size), main])
    types = len(KNOWLEDGE_TYPES)
    return _ratio(np.bincount(main, own, types), np.bincount(main, minlength=types))


def calibration_error(pop: Population, weights: np.ndarray, error: np.ndarray) -> float:
    """Mean gap between the weight members give each held knowledge type and what its
    holders' reliability warrants."""
    held = np.bincount(pop.main_type, minlength=len(KNOWLEDGE_TYPES)) > 0
    gap = np.abs(weights - deserved_credibility(pop, error)[None, :])[:, held]
    return float(gap.mean())
