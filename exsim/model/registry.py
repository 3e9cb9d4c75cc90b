"""Every outcome the model records: its name, label, unit, range, kind and meaning.

This table is the single source of truth for outcomes, as `exsim.model.parameters` is for
parameters: the model's DataCollector records the outcomes in this order, the run tables
and a sweep's runs table take their columns from it, the analyses check names against it,
figures label their axes with `label` and `unit`, and the outcome table of ``docs/ODD.md``
is generated from it (a test checks that the two agree).

The rows themselves (each outcome's name, label, unit, kind, meaning and range, and how
each kind is summarised) are defined in `exsim.model.outcome_rows`; this module gathers
them, answers questions about names, summarises runs and names the selections each part
of exsim uses.
"""

from __future__ import annotations

import math

import numpy as np

from .outcome_rows import FINAL, KINDS, ROWS, SESSION, STATE, SUMMARIES, Outcome
from .vocabulary import ROLES

__all__ = [
    "FINAL",
    "HEADLINE",
    "KINDS",
    "OUTCOMES",
    "SELECTIONS",
    "SESSION",
    "STATE",
    "SUMMARIES",
    "Outcome",
    "label",
    "names",
    "split_summary",
    "summarize",
    "unit",
]

OUTCOMES: dict[str, Outcome] = {o.name: o for o in ROWS}
"""Every outcome the model records each month, by name, in the order of its columns."""


def names(kind: str | None = None) -> tuple[str, ...]:
    """The outcomes' names (of one `kind`, if given), in the order of the columns."""
    return tuple(n for n, o in OUTCOMES.items() if kind is None or o.kind == kind)


def split_summary(name: str) -> tuple[str, str | None]:
    """``(outcome, summary)`` of a column name: ``"final_threat"`` is ``("threat",
    "final")``, ``"mean_threat"`` ``("threat", "mean")``, ``"threat"`` ``("threat", None)``."""
    head, _, rest = name.partition("_")
    if head in ("final", "mean") and rest:
        return rest, head
    return name, None


def label(name: str) -> str:
    """The outcome's label, for a table or a figure: ``"Challenges voiced"``; for
    ``final_<name>`` and ``mean_<name>`` (the columns of a sweep's runs table) it says how
    the run was summarised. An outcome the registry does not hold (one a user added) is
    its name in words."""
    outcome, summary = split_summary(name)
    known = OUTCOMES.get(outcome)
    words = known.label if known else outcome.replace("_", " ").capitalize()
    if summary == "final":
        return f"{words}, final"
    if summary == "mean":
        return f"{words}, {known.summary if known else SUMMARIES['state']}"
    return words


def unit(name: str) -> str:
    """The outcome's unit (``"challenges"``; ``""`` for an outcome the registry does not
    hold); ``final_<name>`` and ``mean_<name>`` have the unit of the outcome."""
    known = OUTCOMES.get(split_summary(name)[0])
    return known.unit if known else ""


def summarize(values, summary: str, kind: str, held, name: str | None = None) -> float:
    """One outcome of one run summarised over the run: its value after the last month
    (``"final"``) or its mean (``"mean"``) over the months its `kind` describes
    (`SUMMARIES`): event outcomes over the months with an event (`held`, a mask of the
    months; months 1 on if none was held), project outcomes over months 1 on, state
    outcomes over every month from 0. Step 0 holds no event or project outcome (NaN).

    An event outcome `name` that the registry marks as possibly undefined
    (`Outcome.undefined_when`: a role's speaking ratio when the role was absent) has its
    mean over the events where it is defined, NaN if none; its final value is the last
    event's, NaN if undefined there. Any other NaN stays NaN: of an outcome not so
    marked (a NaN there is a fault, not to be hidden), or of a state outcome (a per-role
    state outcome of a role nobody holds)."""
    values = np.asarray(values, dtype=float)
    held = np.asarray(held, dtype=bool)
    if kind == "event" and held.any():
        values = values[held]
        if summary == "mean":
            mean = float(values.mean())
            if math.isnan(mean) and _may_be_undefined(name):  # the mean over the others
                values = values[~np.isnan(values)]
                return float(values.mean()) if len(values) else math.nan
            return mean
    elif kind in ("event", "project") and len(values) > 1:
        values = values[1:]
    return float(values[-1] if summary == "final" else values.mean())


def _may_be_undefined(name: str | None) -> bool:
    return name in OUTCOMES and bool(OUTCOMES[name].undefined_when)


HEADLINE = (
    "speaking_equality",
    "cross_role_uptake",
    "challenges",
    "challenges_low_status",
    "norm_endorsement",
    "credibility_gap",
    "belief_error",
    "experiential_error",
    "dialogic_capacity",
    "cross_role_ties",
)
"""The headline outcomes, in the order they are reported (`exsim.run`'s summary)."""

_FINAL_STATE = (
    *(n for n in HEADLINE if OUTCOMES[n].kind == "state"),
    "calibration_error",
    "belief_diversity",
)
"""The state outcomes `compare` reports at the end of a run: the headline's, and two more."""

SELECTIONS = {
    "summary": HEADLINE + names("project"),
    "compare": (
        *(n for n in HEADLINE if OUTCOMES[n].kind == "event"),
        *(f"final_{n}" for n in _FINAL_STATE),
        "project_speaking_equality",
        "project_challenges",
        *(
            f"{name}_{role}"
            for name in (
                "speaking_ratio",
                "challenges",
                "final_norm_endorsement",
                "final_dialogic_capacity",
                "final_belief_error",
            )
            for role in ROLES
        ),
    ),
    "trajectories": (
        *HEADLINE[:3],
        "norm_endorsement",
        "belief_error",
        "credibility_gap",
        "dialogic_capacity",
        "cross_role_ties",
        "project_speaking_equality",
        "project_challenges",
    ),
    "sensitivity": (
        *HEADLINE[:3],
        "norm_endorsement",
        "belief_error",
        "cross_role_ties",
    ),
    "plot": (
        *HEADLINE[:3],
        "final_norm_endorsement",
        "final_belief_error",
        "final_credibility_gap",
    ),
    "app": (
        "cross_role_uptake",
        "challenges",
        "norm_endorsement",
        "credibility_gap",
        "belief_error",
        "dialogic_capacity",
    ),
}
"""The outcomes each part of exsim uses unless told otherwise, named as in a sensitivity
file: ``summary`` the runs table's (each as ``final_<x>`` and ``mean_<x>``), ``compare``
`exsim compare`'s, ``trajectories`` those a comparison keeps month by month,
``sensitivity`` a sensitivity file's, ``plot`` `exsim plot`'s, ``app`` the outcomes the app
charts over time."""
