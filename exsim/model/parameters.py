"""Every parameter of the model: its name, default, allowed values, meaning and source.

This table is the single source of truth. The config loader validates TOML against it,
`ExchangeModel` validates its keyword arguments against it, and `docs/ODD.md` lists it
(a test checks that the two agree). The defaults describe the real Exchange Network
(CLAHRC Northwest London, 2013 on): see the `source` column.

The rows are defined in `exsim.model.member_parameters` and
`exsim.model.session_parameters`, one `Parameter` each (`exsim.model.parameter_type`),
their units in `exsim.model.parameter_units`; this module adds the plausible ranges and
gathers them.

A parameter has a dotted name used in TOML files and `--set` (``event.suspension``) and
a keyword name used by `ExchangeModel` (``event_suspension``): dots become underscores.
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from typing import Any

from . import memory
from .member_parameters import member_rows
from .parameter_type import Parameter, shown
from .parameter_units import UNITS
from .session_parameters import session_rows
from .vocabulary import KNOWLEDGE_TYPES, ROLES

__all__ = [
    "KEYWORDS",
    "NEUTRAL",
    "PARAMETERS",
    "Parameter",
    "defaults",
    "shown",
    "suggest",
    "validate",
]

_PLAUSIBLE = {
    "population.size": (40, 70),
    "population.mix.patient": (0.15, 0.35),
    "population.mix.carer": (0.05, 0.2),
    "population.mix.clinician": (0.1, 0.3),
    "population.mix.researcher": (0.15, 0.35),
    "population.mix.manager": (0.1, 0.3),
    "status.patient": (0.1, 0.4),
    "status.carer": (0.1, 0.4),
    "status.clinician": (0.5, 0.9),
    "status.researcher": (0.4, 0.8),
    "status.manager": (0.6, 1.0),
    "status.noise": (0.0, 0.15),
    "status.competence": (0.0, 0.6),
    "legitimacy.research": (0.7, 1.0),
    "legitimacy.clinical": (0.5, 1.0),
    "legitimacy.organisational": (0.3, 0.9),
    "legitimacy.experiential": (0.1, 0.6),
    **{f"problem.noise.{k}": (0.2, 1.0) for k in KNOWLEDGE_TYPES},
    "problem.evidence": (0.02, 0.2),
    "knowledge.secondary": (0.1, 0.5),
    "voice.mean": (0.3, 0.7),
    "voice.spread": (0.05, 0.25),
    "turns.status_gradient": (0.0, 6.0),
    "dialogic.initial": (0.1, 0.4),
    "dialogic.growth": (0.01, 0.1),
    "dialogic.decay": (0.005, 0.05),
    "norm.endorsement": (0.5, 0.9),
    "norm.spread": (0.05, 0.25),
    "norm.pressure": (0.01, 0.1),
    "norm.status_weight": (1.0, 5.0),
    "norm.institutional_pull": (0.0, 0.02),
    "credibility.status_deference": (0.0, 2.0),
    "credibility.status_deficit": (0.0, 1.0),
    "credibility.calibration": (0.0, 0.1),
    "credibility.feedback": (0.0, 1.0),
    "talk.mention": (0.2, 0.8),
    "talk.shared_bias": (0.0, 2.0),
    "uptake.rate": (0.1, 0.5),
    "uptake.capacity_weight": (0.2, 0.8),
    "challenge.threshold": (0.3, 1.2),
    "challenge.sharpness": (0.05, 0.2),
    "challenge.status_risk": (0.5, 2.0),
    "challenge.superior_risk": (0.5, 2.0),
    "challenge.facilitation_safety": (0.2, 1.0),
    "challenge.contagion": (0.1, 0.6),
    "challenge.sanction": (0.0, 0.3),
    "challenge.discomfort": (0.0, 1.0),
    "threat.sensitivity": (0.0, 3.0),
    "threat.contact": (0.0, 1.0),
    "threat.reactance": (0.0, 0.3),
    "challenge.uptake": (0.2, 0.8),
    "challenge.shift": (0.05, 0.4),
    "ties.growth": (0.1, 0.5),
    "ties.trust": (0.0, 0.6),
    "action.motive": (0.0, 0.6),
    "action.reception": (0.05, 0.4),
    "ties.safety": (0.0, 1.0),
    **{f"norm.offset.{r}": (-0.2, 0.2) for r in ROLES},
    **{f"voice.offset.{r}": (-0.2, 0.2) for r in ROLES},
    "ties.decay": (0.005, 0.05),
    "project.size": (5, 15),
    "project.rounds": (1, 4),
    "project.targets": (0.1, 0.6),
    "event.facilitation": (0.3, 0.9),
    "event.group_size": (4, 8),
    "event.rounds": (2, 6),
    "event.every": (2, 6),
    "attendance.rate": (0.28, 0.46),
    **{f"attendance.{r}": (0.5, 1.5) for r in ROLES},
    "attendance.responsiveness": (0.0, 4.0),
    "attendance.safety": (0.0, 2.0),
    "attendance.memory": (0.2, 0.8),
    "attendance.reference": (0.3, 0.7),
}
"""Plausible ranges (`Parameter.plausible`): modelling assumptions, each a range around
the default wide enough that a modeller who doubts the default would still accept it."""

NEUTRAL = {
    "status.competence": 0.0,
    "challenge.sanction": 0.0,
    "challenge.discomfort": 0.0,
    "threat.sensitivity": 0.0,
    "threat.contact": 0.0,
    "attendance.responsiveness": 0.0,
    "attendance.safety": 0.0,
    "ties.trust": 0.0,
    "ties.safety": 0.0,
    "action.motive": 0.0,
    "credibility.feedback": 1.0,
    "credibility.status_deficit": 1.0,
    "talk.sampling": False,
    "event.knowledge_space": 0.0,
    **{f"norm.offset.{r}": 0.0 for r in ROLES},
    **{f"voice.offset.{r}": 0.0 for r in ROLES},
}
"""The setting at which each mechanism added since the first version does nothing, so
that the model gives that version's outputs bit for bit (`threat.reactance` and the
other attendance parameters act only through these)."""

PARAMETERS: dict[str, Parameter] = {
    p.name: replace(p, plausible=_PLAUSIBLE.get(p.name), unit=UNITS[p.name])
    for p in (*member_rows(), *session_rows())
}
"""Every parameter by dotted name, in documentation order."""

KEYWORDS: dict[str, Parameter] = {p.keyword: p for p in PARAMETERS.values()}
assert len(KEYWORDS) == len(PARAMETERS), "two parameters share a keyword name"


def defaults() -> dict[str, Any]:
    """Return the default value of every parameter, by dotted name."""
    return {name: p.default for name, p in PARAMETERS.items()}


def suggest(name: str, names: list[str] | None = None) -> str:
    """Return ' (did you mean X?)' for the closest known name, or ''."""
    pool = names if names is not None else list(PARAMETERS)
    close = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def validate(values: dict[str, Any]) -> dict[str, Any]:
    """Check dotted-name values against the schema; return them complete and typed.

    Missing parameters take their defaults. Raises `KeyError` for an unknown name and
    `ValueError` for a bad value, each with a message that names the parameter.
    """
    out = defaults()
    for name, value in values.items():
        if name not in PARAMETERS:
            raise KeyError(f"unknown parameter {name!r}{suggest(name)}")
        out[name] = PARAMETERS[name].check(value)
    _check_consistency(out)
    return out


def _check_consistency(v: dict[str, Any]) -> None:
    if sum(v[f"population.mix.{r}"] for r in ROLES) <= 0:
        raise ValueError("population.mix: at least one role needs a share above 0")
    if v["event.grouping"] == "by_project" and not v["event.superiors_present"]:
        raise ValueError(
            "event.grouping = 'by_project' seats members with their own leaders; "
            "set event.superiors_present = true"
        )
    memory.check(v)
