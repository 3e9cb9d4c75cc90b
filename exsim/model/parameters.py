"""Every parameter of the model: its name, default, allowed values, meaning and source.

This table is the single source of truth. The config loader validates TOML against it,
`ExchangeModel` validates its keyword arguments against it, and `docs/ODD.md` lists it
(a test checks that the two agree). The defaults describe the real Exchange Network
(CLAHRC Northwest London, 2013 on): see the `source` column.

A parameter has a dotted name used in TOML files and `--set` (``event.suspension``) and
a keyword name used by `ExchangeModel` (``event_suspension``): dots become underscores.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from . import memory
from .parameter_units import UNITS
from .vocabulary import FORMATS, GROUPINGS, KNOWLEDGE_TYPES, ROLES


@dataclass(frozen=True)
class Parameter:
    """One model parameter: name, default, allowed values, meaning and source."""

    name: str
    default: Any
    meaning: str
    source: str = "modelling assumption"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    plausible: tuple[float, float] | None = None
    """The range a modeller would defend (within low..high), for exploring the model;
    None where the parameter is a design choice, a size or not numeric."""
    unit: str = ""
    """The unit, in the field's plain terms (`exsim.model.parameter_units`)."""

    @property
    def kind(self) -> type:
        """The Python type a value must have (bool, int, float or str)."""
        return type(self.default)

    @property
    def keyword(self) -> str:
        """The keyword-argument name used by `ExchangeModel`."""
        return self.name.replace(".", "_")

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages and the ODD."""
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind is bool:
            return "true or false"
        noun = "an integer" if self.kind is int else "a number"
        return f"{noun} from {_fmt(self.low)} to {_fmt(self.high)}"

    def check(self, value: Any) -> Any:
        """Return `value` converted to this parameter's type, or raise `ValueError`."""
        value = _coerce(self, value)
        if self.choices and value not in self.choices:
            raise ValueError(f"{self.name} = {shown(value)} is not allowed; use {self.allowed()}")
        if self.low is not None and not (self.low <= value <= self.high):
            raise ValueError(f"{self.name} = {shown(value)} is out of range; use {self.allowed()}")
        return value


def _fmt(x: float | None) -> str:
    if x is None:
        return "any"
    return f"{x:g}" if isinstance(x, float) else str(x)


def shown(value: Any) -> str:
    """`value` for a message: a whole number too long to read is cut to its digit count."""
    text = repr(value)
    if isinstance(value, int) and len(text) > 24:
        return f"{text[:8]}...({len(text.lstrip('-'))} digits)"
    return text if len(text) <= 60 else text[:57] + "..."


def _coerce(p: Parameter, value: Any) -> Any:
    """`value` as this parameter's type. NumPy scalars count as the Python numbers they
    hold; a whole number too large for a float is out of range, not an `OverflowError`."""
    kind = p.kind
    wrong = ValueError(f"{p.name} = {shown(value)} has the wrong type; use {p.allowed()}")
    if isinstance(value, np.bool_):
        value = bool(value)
    elif isinstance(value, np.integer):
        value = int(value)
    elif isinstance(value, np.floating):
        value = float(value)
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise wrong
    if isinstance(value, bool):
        raise wrong
    if kind is int:
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise wrong
    if kind is float:
        if isinstance(value, int | float):
            try:
                value = float(value)
            except OverflowError:
                raise ValueError(
                    f"{p.name} = {shown(value)} is out of range; use {p.allowed()}"
                ) from None
            if value != value or value in (float("inf"), float("-inf")):
                raise wrong
            return value
        raise wrong
    if not isinstance(value, str):
        raise wrong
    return str(value)


BLOG = "CLAHRC NWL blog, May 2016 (BRIEF §1)"
_ROLE_MIX = {"patient": 0.26, "carer": 0.11, "clinician": 0.19, "researcher": 0.24, "manager": 0.20}
_STATUS = {"patient": 0.2, "carer": 0.2, "clinician": 0.7, "researcher": 0.6, "manager": 0.8}
_NORM_OFFSET = {
    "patient": -0.1,
    "carer": -0.1,
    "clinician": 0.05,
    "researcher": 0.1,
    "manager": 0.1,
}
_VOICE_OFFSET = {
    "patient": -0.1,
    "carer": -0.1,
    "clinician": 0.0,
    "researcher": 0.0,
    "manager": 0.1,
}
_LEGITIMACY = {"research": 1.0, "clinical": 0.8, "organisational": 0.6, "experiential": 0.3}


def _schema() -> list[Parameter]:
    P = Parameter
    rows = [
        P("population.size", 54, "members in the network's pool", BLOG, 2, 100_000),
    ]
    rows += [
        P(
            f"population.mix.{r}",
            _ROLE_MIX[r],
            f"relative share of {r}s in the pool",
            "modelling assumption (the blog names the roles, not their shares)",
            0.0,
            1.0,
        )
        for r in ROLES
    ]
    rows += [
        P(
            f"status.{r}",
            _STATUS[r],
            f"status of a {r} in project hierarchies (0 to 1)",
            "modelling assumption (Berger et al. 1972 name status characteristics, not values)",
            0.0,
            1.0,
        )
        for r in ROLES
    ]
    rows.append(
        P("status.noise", 0.05, "s.d. of individual status around the role's", low=0.0, high=0.5)
    )
    rows.append(
        P(
            "status.competence",
            0.2,
            "how far status tracks the quality of one's own evidence (0: not at all)",
            "Berger et al. 1972; Anderson & Kilduff 2009 (status partly tracks seeming "
            "competence); value a modelling assumption",
            0.0,
            1.0,
        )
    )
    rows += [
        P(
            f"legitimacy.{k}",
            _LEGITIMACY[k],
            f"credibility of {k} knowledge under the organisational norm",
            "Fricker 2007; order from BRIEF §3; values a modelling assumption",
            0.0,
            1.0,
        )
        for k in KNOWLEDGE_TYPES
    ]
    rows += [
        P(
            f"problem.noise.{k}",
            0.5,
            f"s.d. of the private signal on the {k} aspect for those who hold {k} knowledge",
            "Stasser & Titus 1985 (hidden profiles); assumption",
            0.0,
            5.0,
        )
        for k in KNOWLEDGE_TYPES
    ]
    rows += [
        P(
            "problem.evidence",
            0.1,
            "monthly weight of fresh private evidence from one's own work (times knowledge)",
            "Stasser & Titus 1985; assumption",
            0.0,
            1.0,
        ),
        P(
            "knowledge.secondary",
            0.25,
            "knowledge of the types that are not one's main type (main type = 1)",
            low=0.01,
            high=1.0,
        ),
        P("voice.mean", 0.5, "mean propensity to speak", "modelling assumption", 0.05, 1.0),
        P("voice.spread", 0.15, "s.d. of the propensity to speak", low=0.0, high=0.5),
        *(
            P(
                f"voice.offset.{r}",
                _VOICE_OFFSET[r],
                f"added to the mean propensity to speak of {r}s",
                "Berger et al. 1972 (participation follows status characteristics); "
                "value a modelling assumption",
                -0.5,
                0.5,
            )
            for r in ROLES
        ),
        P(
            "turns.status_gradient",
            3.0,
            "how strongly status raises the chance of taking a turn where hierarchy applies",
            "Berger et al. 1972 (expectation states); value a modelling assumption",
            0.0,
            20.0,
        ),
        P("dialogic.initial", 0.2, "dialogic capacity at the start", low=0.0, high=1.0),
        P(
            "dialogic.growth",
            0.05,
            "growth of dialogic capacity per turn heard with full credibility, or per challenge",
            "Matthews & Papoulias 2019 (rehearsal); value a modelling assumption",
            0.0,
            1.0,
        ),
        P("dialogic.decay", 0.02, "monthly fading of dialogic capacity", low=0.0, high=1.0),
        P(
            "norm.endorsement",
            0.7,
            "mean initial endorsement of the organisational norm",
            low=0.0,
            high=1.0,
        ),
        P("norm.spread", 0.15, "s.d. of initial norm endorsement", low=0.0, high=0.5),
        *(
            P(
                f"norm.offset.{r}",
                _NORM_OFFSET[r],
                f"added to the mean initial endorsement of {r}s",
                "Fricker 2007 (the norm favours those whose knowledge it ranks high); value "
                "a modelling assumption",
                -0.5,
                0.5,
            )
            for r in ROLES
        ),
        P(
            "norm.pressure",
            0.05,
            "monthly pull of each member's endorsement toward their project's status-weighted norm",
            low=0.0,
            high=1.0,
        ),
        P(
            "norm.status_weight",
            3.0,
            "how strongly status weighs in a project's norm (weight exp(this * status))",
            "Berger et al. 1972; assumption",
            0.0,
            20.0,
        ),
        P(
            "norm.institutional_pull",
            0.005,
            "monthly pull of endorsement toward full endorsement",
            low=0.0,
            high=1.0,
        ),
        P(
            "credibility.status_deference",
            1.0,
            "how much status over the listener's raises credibility where hierarchy applies",
            "Berger et al. 1972; Fricker 2007; value a modelling assumption",
            0.0,
            5.0,
        ),
        P(
            "credibility.calibration",
            0.02,
            "rate at which listeners move credibility toward the observed reliability of speakers",
            "BRIEF §3 (the mechanism); value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "credibility.feedback",
            0.5,
            "share of the check on a speaker's reliability that the work's outcome gives "
            "(1: the truth, an oracle; 0: only the listener's own view)",
            "Fricker 2007 (credibility deficits are self-sealing); value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "talk.sampling",
            True,
            "whether an utterance mentions only some aspects, by chance (false: every "
            "utterance carries every aspect)",
            "Stasser & Titus 1985, 1987 (collective information sampling)",
        ),
        P(
            "talk.mention",
            0.5,
            "chance that an utterance mentions an aspect the speaker knows fully (times "
            "their knowledge of it), when sampling",
            "Stasser & Titus 1987 (sampling probability); value a modelling assumption",
            0.01,
            1.0,
        ),
        P(
            "talk.shared_bias",
            1.0,
            "how much more often an aspect is mentioned the better the room knows it "
            "(its chance times the room's mean knowledge of it to this power)",
            "Stasser & Titus 1987; Wittenbaum, Hubbell & Zuckerman 1999 (mutual "
            "enhancement); value a modelling assumption",
            0.0,
            5.0,
        ),
        P(
            "uptake.rate",
            0.3,
            "share of the gap a fully open listener moves toward a fully credible speaker "
            "who knows far more (the most anyone moves per utterance)",
            "DeGroot 1974; Flache et al. 2017; value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "uptake.capacity_weight",
            0.5,
            "how much a listener's openness depends on their dialogic capacity",
            low=0.0,
            high=1.0,
        ),
        P(
            "challenge.threshold",
            0.8,
            "how much motive must exceed risk before a challenge is voiced",
            "spiral of silence; assumption",
            -2.0,
            2.0,
        ),
        P(
            "challenge.sharpness",
            0.1,
            "softness of the challenge threshold (logistic scale)",
            low=0.01,
            high=1.0,
        ),
        P(
            "challenge.status_risk",
            1.0,
            "risk felt per unit of status gap to the highest in the room, where hierarchy applies",
            low=0.0,
            high=5.0,
        ),
        P(
            "challenge.superior_risk",
            1.0,
            "risk felt per unit of status gap to one's own project leader when present",
            low=0.0,
            high=5.0,
        ),
        P(
            "challenge.facilitation_safety",
            0.5,
            "risk removed by full facilitation",
            low=0.0,
            high=2.0,
        ),
        P(
            "challenge.contagion",
            0.3,
            "risk removed when all others in the group have challenged (pro rata by share)",
            "Noelle-Neumann 1974 (spiral of silence); value a modelling assumption",
            0.0,
            2.0,
        ),
        P(
            "challenge.sanction",
            0.1,
            "status a challenger loses per challenge heard by their own leader, per unit "
            "of the leader's status over theirs",
            "Burris 2012 (challengers judged worse); value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "challenge.discomfort",
            0.3,
            "risk felt from meeting other knowledge types one has no tie with, at zero "
            "dialogic capacity",
            "Myron et al. 2018 (challenging first, productive later); value a modelling assumption",
            0.0,
            2.0,
        ),
        P(
            "threat.sensitivity",
            1.0,
            "threat felt per unit of status above the room's mean that a session sets aside",
            "Oliver, Kothari & Mays 2019 (professional costs); value a modelling assumption",
            0.0,
            10.0,
        ),
        P(
            "threat.contact",
            0.5,
            "share of the threat a member feels that a full tie with every member below "
            "them in the room takes away",
            "Pettigrew & Tropp 2008 (contact lowers intergroup anxiety and threat); value "
            "a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "threat.reactance",
            0.1,
            "share of the gap to full endorsement a fully threatened listener closes on "
            "hearing challenges they do not take up",
            "Argyris 1990 (defensive routines); value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "challenge.uptake",
            0.5,
            "chance that a listener giving full credibility takes up a heard challenge",
            low=0.0,
            high=1.0,
        ),
        P(
            "challenge.shift",
            0.2,
            "share of the gap in endorsement a take-up closes",
            low=0.0,
            high=1.0,
        ),
        P("ties.growth", 0.3, "growth of a tie per unit of reciprocal uptake", low=0.0, high=1.0),
        P(
            "ties.trust",
            0.3,
            "share of the gap to full credibility a listener closes for a speaker they hold "
            "a full tie with",
            "Edmondson 1999 (trust and safety in teams); value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "ties.safety",
            0.5,
            "risk of challenging removed when one holds full ties with everyone present",
            "Edmondson 1999; Nembhard & Edmondson 2006; value a modelling assumption",
            0.0,
            2.0,
        ),
        P("ties.decay", 0.02, "monthly fading of ties", low=0.0, high=1.0),
        P("project.size", 9, "members per project team", low=2, high=1000),
        P(
            "project.rounds",
            2,
            "rounds of dialogue in a monthly project meeting (0: none)",
            low=0,
            high=50,
        ),
        P(
            "project.targets",
            0.3,
            "extra risk of challenging in projects, from target pressure",
            low=0.0,
            high=2.0,
        ),
        P(
            "event.suspension",
            1.0,
            "how far events suspend project hierarchy (0 kept, 1 suspended)",
            "Matthews & Papoulias 2019",
            0.0,
            1.0,
        ),
        P(
            "action.motive",
            0.3,
            "motive to challenge that an action committed in an action-learning set adds "
            "in project meetings until it is tried (0: presenters commit to nothing)",
            "Revans 2011 (action learning: commit, act, report); value a modelling assumption",
            0.0,
            2.0,
        ),
        P(
            "action.reception",
            0.2,
            "share by which a tried action's reception moves the member's endorsement: "
            "down if a listener took the challenge up, up toward 1 if nobody did",
            low=0.0,
            high=1.0,
        ),
        P(
            "event.knowledge_space",
            0.5,
            "how far events set aside the norm's ranking of knowledge types (0 kept, 1 "
            "every type as legitimate as the mean)",
            "Matthews & Papoulias 2019 (a 'knowledge space'); degree a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "event.format",
            "action_learning",
            "how the room is divided and turns are given",
            BLOG,
            choices=FORMATS,
        ),
        P(
            "event.facilitation",
            0.6,
            "facilitation strength (co-facilitated by a patient leader)",
            BLOG + " (co-facilitated); value a modelling assumption",
            0.0,
            1.0,
        ),
        P(
            "event.group_size",
            6,
            "members per group (not used by plenary)",
            "Revans (action-learning sets)",
            2,
            1000,
        ),
        P("event.rounds", 4, "rounds of dialogue per event", low=1, high=50),
        P(
            "event.every",
            3,
            "months between events (0: no events)",
            BLOG + ": four a year",
            0,
            1200,
        ),
        P("event.until", 0, "last month with events (0: events never stop)", low=0, high=100_000),
        P(
            "event.grouping",
            "mixed_roles",
            "how attendees are divided into groups",
            choices=GROUPINGS,
        ),
        P(
            "event.superiors_present",
            False,
            "whether one's own project leader may share one's group (false: kept apart)",
            "Matthews & Papoulias 2019 (distance from projects)",
        ),
        P(
            "attendance.rate",
            0.37,
            "chance that a member attends an event",
            BLOG + ": 15-25 of 54",
            0.0,
            1.0,
        ),
        P(
            "attendance.voluntary",
            True,
            "members choose independently (true) or a fixed number is sent (false)",
            BLOG,
        ),
        P(
            "attendance.responsiveness",
            1.0,
            "how strongly a member's remembered experience of events moves their chance of "
            "coming (0: not at all)",
            "BRIEF §1 (flexible commitment); value a modelling assumption",
            0.0,
            10.0,
        ),
        P(
            "attendance.safety",
            1.0,
            "how much the status risk a member felt in an event (the gap to the room's top "
            "where hierarchy applies, and to their own leader if present) lowers their "
            "experience of it (0: not at all)",
            "Nembhard & Edmondson 2006 (status raises felt safety); value a modelling assumption",
            0.0,
            5.0,
        ),
        P(
            "attendance.memory",
            0.5,
            "weight of the latest event in a member's remembered experience",
            low=0.0,
            high=1.0,
        ),
        P(
            "attendance.reference",
            0.5,
            "experience at which a member's chance of coming neither rises nor falls",
            low=-1.0,
            high=1.0,
        ),
    ]
    rows += [
        P(
            f"attendance.{r}",
            1.0,
            f"attendance weight of {r}s relative to the rate",
            low=0.0,
            high=5.0,
        )
        for r in ROLES
    ]
    rows += [
        P(
            "run.steps",
            120,
            "months simulated (120 = ten years)",
            BLOG + ": running since 2013",
            1,
            100_000,
        ),
        P("run.seed", 2013, "root seed of the run", low=0, high=2**63 - 1),
    ]
    return rows


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
    "talk.sampling": False,
    "event.knowledge_space": 0.0,
    **{f"norm.offset.{r}": 0.0 for r in ROLES},
    **{f"voice.offset.{r}": 0.0 for r in ROLES},
}
"""The setting at which each mechanism added since the first version does nothing, so
that the model gives that version's outputs bit for bit (`threat.reactance` and the
other attendance parameters act only through these)."""

PARAMETERS: dict[str, Parameter] = {
    p.name: replace(p, plausible=_PLAUSIBLE.get(p.name), unit=UNITS.get(p.name, ""))
    for p in _schema()
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
