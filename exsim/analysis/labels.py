"""Axis labels for figures, read from the outcome registry (`exsim.model.registry`)."""

from __future__ import annotations

from ..model.registry import label, unit

__all__ = ["axis_label", "label", "unit"]


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
