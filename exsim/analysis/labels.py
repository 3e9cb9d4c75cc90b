"""Axis labels for figures, read from the outcome registry (`exsim.model.registry`)."""

from __future__ import annotations

import math

from ..model.registry import OUTCOMES, label, split_summary, unit

__all__ = ["axis_label", "label", "outcome_range", "unit"]


def axis_label(name: str) -> str:
    """``"Label (unit)"`` of an outcome, or of a runs-table column ``final_<name>`` or
    ``mean_<name>``; just the label for an outcome without a unit (one a user added).

    Example:
        >>> axis_label("challenges")
        'Challenges voiced (challenges)'
        >>> axis_label("mean_norm_endorsement_patient")
        'Norm endorsement: patients, mean over the run (0 to 1)'
    """
    words, units = label(name), unit(name)
    return f"{words} ({units})" if units else words


def outcome_range(name: str) -> tuple[float, float]:
    """The values outcome `name` (or ``final_``/``mean_<name>``) can take, ``(low,
    high)``; infinite where the registry fixes no bound (counts; a user's outcome).

    Example:
        >>> outcome_range("final_norm_endorsement")
        (0.0, 1.0)
    """
    known = OUTCOMES.get(split_summary(name)[0])
    low = known.low if known and known.low is not None else -math.inf
    high = known.high if known and known.high is not None else math.inf
    return float(low), float(high)
