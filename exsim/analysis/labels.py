"""Axis labels of outcomes: ``"Label (unit)"``, and the range an outcome can take.

Temporary: a small mapping kept here until the outcome registry lands (issue #14);
replaced by the registry, which then answers `axis_label` and `outcome_range` itself.
"""

from __future__ import annotations

import math

from ..model.vocabulary import ROLES

# replaced by the registry: (label, unit, low, high) of each outcome the figures draw
_SHARE = "share, 0-1"
_COUNT = "count"
_OUTCOMES = {
    "speaking_equality": ("speaking equality (1 - Gini of turns)", "0-1", 0.0, 1.0),
    "cross_role_uptake": ("cross-role uptake", "mean credibility, 0-1", 0.0, 1.0),
    "reciprocity": ("reciprocity", _SHARE, 0.0, 1.0),
    "challenges": ("challenges voiced", "challenges per event", 0.0, math.inf),
    "challenges_low_status": (
        "challenges by low-status members",
        "challenges per event",
        0.0,
        math.inf,
    ),
    "challenges_taken_up": (
        "challenges taken up",
        "listener-challenger pairs per event",
        0.0,
        math.inf,
    ),
    "challenges_per_attendee": ("challenges per attendee", "challenges/attendee", 0.0, math.inf),
    "sanctions": ("sanctions", "challenges sanctioned per event", 0.0, math.inf),
    "threat": ("threat", "mean, 0-1", 0.0, 1.0),
    "actions_committed": ("actions committed", "presenters per event", 0.0, math.inf),
    "actions_attempted": ("actions attempted", _COUNT, 0.0, math.inf),
    "actions_taken_up": ("actions taken up", _COUNT, 0.0, math.inf),
    "speaking_ratio": ("speaking ratio", "turns / fair share", 0.0, math.inf),
    "attendance": ("attendance", "members per event", 0.0, math.inf),
    "norm_endorsement": ("norm endorsement", "mean, 0-1", 0.0, 1.0),
    "credibility_gap": ("credibility gap (research - experiential)", "weight, -1 to 1", -1.0, 1.0),
    "calibration_error": ("calibration error", "mean |weight - reliability|, 0-1", 0.0, 1.0),
    "belief_error": ("belief error", "mean |belief - truth|", 0.0, math.inf),
    "belief_diversity": ("belief diversity", "s.d. of beliefs", 0.0, math.inf),
    "dialogic_capacity": ("dialogic capacity", "mean, 0-1", 0.0, 1.0),
    "cross_role_ties": ("cross-role ties", "mean strength, 0-1", 0.0, 1.0),
    "events_held": ("events held", "events", 0.0, math.inf),
    **{
        f"{kind}_error": (f"belief error, {kind} aspect", "mean |belief - truth|", 0.0, math.inf)
        for kind in ("experiential", "clinical", "research", "organisational")
    },
}
_SUMMARIES = {"mean": "mean over the run", "final": "at the end"}


def _parts(name: str) -> tuple[str, str, str | None]:
    """``(outcome, role, summary)`` of a name such as ``final_norm_endorsement_patient``."""
    summary = None
    for prefix in _SUMMARIES:
        if name.startswith(f"{prefix}_") and name not in _OUTCOMES:
            summary, name = prefix, name.removeprefix(f"{prefix}_")
    project = name.startswith("project_")
    base = name.removeprefix("project_")
    role = next((r for r in ROLES if base.endswith(f"_{r}")), "")
    if role:
        base = base.removesuffix(f"_{role}")
    return ("project_" if project else "") + base, role, summary


def _entry(name: str) -> tuple[str, str, float, float]:
    outcome, role, _ = _parts(name)
    project = outcome.startswith("project_")
    label, unit, low, high = _OUTCOMES.get(
        outcome.removeprefix("project_"),
        (outcome.removeprefix("project_").replace("_", " "), "", -math.inf, math.inf),
    )
    if project:
        label, unit = f"project {label}", unit.replace("per event", "per month")
    if role:
        label = f"{label}, {role}s"
    return label, unit, low, high


def axis_label(name: str) -> str:
    """``"Label (unit)"`` of an outcome (per-role, ``project_``, ``mean_``/``final_``
    names too).

    Example:
        >>> axis_label("challenges")
        'challenges voiced (challenges per event)'
    """
    label, unit, _, _ = _entry(name)
    return f"{label} ({unit})" if unit else label


def outcome_range(name: str) -> tuple[float, float]:
    """The values `name` can take, ``(low, high)``; infinite where unbounded.

    Example:
        >>> outcome_range("final_norm_endorsement")
        (0.0, 1.0)
    """
    _, _, low, high = _entry(name)
    return low, high
