"""The outcomes the model records, row by row: each one's name, label, unit, kind,
meaning and range (`Outcome`). `exsim.model.registry` gathers them into the registry,
`OUTCOMES`, which the rest of exsim reads; this module only defines the rows.

An outcome has a *kind*, which says what it describes and how it is summarised over a
run (`SUMMARIES`): ``event`` (the most recent event held), ``project`` (this month's
project meetings) or ``state`` (the members at the end of the month). Families of
outcomes, one per role or per knowledge type (``challenges_patient``), are listed once
and expanded into one `Outcome` each.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .vocabulary import KNOWLEDGE_TYPES, ROLES

KINDS = ("event", "project", "state")
"""What an outcome describes: the latest event, this month's project meetings, the members."""

SUMMARIES = {
    "event": "mean over the months with an event",
    "project": "mean over months 1 on",
    "state": "mean over the run",
}
"""How each kind of outcome is summarised over a run (``mean_<name>``); ``final_<name>``
is always the value after the last month."""

FINAL = "value after the last month"
"""What ``final_<name>`` means, for every outcome."""


@dataclass(frozen=True)
class Outcome:
    """One outcome: name, label, unit, kind, meaning and range (in words, as the ODD
    gives it; `low` and `high` as numbers where they are fixed)."""

    name: str
    label: str
    unit: str
    kind: str
    meaning: str
    range: str
    low: float | None = None
    high: float | None = None
    family: str | None = None
    """The name of the family this outcome belongs to (``challenges`` for
    ``challenges_patient``), None for an outcome of its own."""
    undefined_when: str = ""
    """When the outcome is undefined and recorded as NaN by design (``"one role only"``),
    ``""`` for an outcome always defined once a session was held. The one source of truth
    for which NaN is expected: a run's mean over events skips NaN only for such outcomes."""

    @property
    def summary(self) -> str:
        """How ``mean_<name>`` summarises this outcome over a run."""
        return SUMMARIES[self.kind]


def _o(name, label, unit, kind, meaning, range_, low=None, high=None) -> Outcome:
    return Outcome(name, label, unit, kind, meaning, range_, low, high)


_SHARE = "0 to 1"
_NOBODY = "nobody holds the role"
_LATEST = "most recent event: "

SESSION = (
    _o(
        "speaking_equality",
        "Speaking equality",
        "1 − Gini of turns",
        "event",
        "1 − Gini of turns, group-size-weighted mean over groups",
        "[0, 1]",
        0.0,
        1.0,
    ),
    _o(
        "cross_role_uptake",
        "Cross-role uptake",
        "credibility, 0 to 1",
        "event",
        "mean credibility given in cross-role hearings, group-size-weighted",
        "[0, 1]",
        0.0,
        1.0,
    ),
    _o(
        "reciprocity",
        "Reciprocity",
        "mutual share, 0 to 1",
        "event",
        "mutual share of credibility exchanged, group-size-weighted",
        "[0, 1]",
        0.0,
        1.0,
    ),
    _o(
        "challenges",
        "Challenges voiced",
        "challenges",
        "event",
        "challenges voiced (member-rounds)",
        "integer 0 … attendance × `event.rounds`",
        0.0,
    ),
    _o(
        "challenges_low_status",
        "Challenges by low-status members",
        "challenges",
        "event",
        "challenges by members whose status is below 0.5",
        "integer 0 … `challenges`",
        0.0,
    ),
    _o(
        "challenges_taken_up",
        "Challenges taken up",
        "listener–challenger take-ups",
        "event",
        "(listener, challenger) take-ups",
        "integer 0 … `event.rounds` × Σ m_g(m_g − 1)",
        0.0,
    ),
    _o(
        "sanctions",
        "Sanctioned challenges",
        "challenges",
        "event",
        "challenges voiced with the challenger's own higher-status leader in the group "
        "([7.17](#717-sanctions-on-challengers))",
        "integer 0 … `challenges`",
        0.0,
    ),
    _o(
        "threat",
        "Threat",
        _SHARE,
        "event",
        "mean threat of the attendees ([7.16](#716-threat-and-reactance)), group-size-weighted",
        "[0, 1]",
        0.0,
        1.0,
    ),
    _o(
        "actions_committed",
        "Actions committed",
        "presenters",
        "event",
        "presenters who left with an action ([7.23](#723-action-learning-that-carries-back))",
        "integer 0 … `event.rounds` × groups",
        0.0,
    ),
    _o(
        "actions_attempted",
        "Actions attempted",
        "actions",
        "event",
        "actions tried (always 0 at events: actions are tried in projects)",
        "{0}",
        0.0,
    ),
    _o(
        "actions_taken_up",
        "Actions taken up",
        "actions",
        "event",
        "tried actions that a listener took up (always 0 at events)",
        "{0}",
        0.0,
    ),
)
"""The outcomes of one session (an event, or the month's project meetings), in the
order of `exsim.model.outcomes.SESSION_OUTCOMES`; the event's versions."""

_PROJECT_WORDS = {
    "challenges": ("challenges voiced", "integer 0 … `population.size` × `project.rounds`"),
    "challenges_low_status": ("challenges by low-status members", "integer 0 … "),
    "challenges_taken_up": ("take-ups", "integer ≥ 0"),
    "sanctions": ("sanctioned challenges", "integer 0 … `project_challenges`"),
    "threat": ("mean threat (0: hierarchy is always kept there)", "{0}"),
    "actions_committed": ("always 0 (actions are committed at events)", "{0}"),
    "actions_attempted": (
        "pending actions tried (a challenge voiced by a member holding one)",
        "integer 0 … `project_challenges`",
    ),
    "actions_taken_up": (
        "tried actions that a listener took up",
        "integer 0 … `project_actions_attempted`",
    ),
}


def _project(o: Outcome) -> Outcome:
    """The project-meeting version of session outcome `o`."""
    meaning, range_ = _PROJECT_WORDS.get(o.name, (f"as `{o.name}`", o.range))
    if range_ == "integer 0 … ":
        range_ += "`project_challenges`"
    if o.name == "speaking_equality":
        range_ = "[0, 1]"
    return replace(
        o,
        name=f"project_{o.name}",
        label=f"{o.label} in projects",
        kind="project",
        meaning="this month's project meetings: " + meaning,
        range=range_,
    )


def _family(
    name, label, unit, kind, meaning, range_, low=None, high=None, over=ROLES, undefined_when=""
):
    """One outcome per member of `over` (roles, or knowledge types)."""
    rows = []
    for member in over:
        words = f"{member}s" if over is ROLES else f"{member} knowledge"
        full = f"{name}_{member}" if over is ROLES else f"{member}_{name}"
        row = Outcome(full, f"{label}: {words}", unit, kind, meaning, range_, low, high, name)
        rows.append(replace(row, undefined_when=undefined_when))
    return tuple(rows)


_SCHEDULE = (
    _o(
        "event_held",
        "Event held",
        "1 = yes",
        "state",
        "1 if an event was held this month (due and at least two attendees), else 0",
        "{0, 1}",
        0.0,
        1.0,
    ),
    _o("events_held", "Events held", "events", "state", "events held so far", "integer ≥ 0", 0.0),
    _o(
        "attendance",
        "Attendance",
        "members",
        "event",
        _LATEST + "attendees",
        "integer 2 … `population.size`",
        0.0,
    ),
)

_PER_ROLE_EVENT = _family(
    "speaking_ratio",
    "Speaking ratio",
    "turns ÷ a fair share",
    "event",
    _LATEST + "turns per attending member of the role ÷ turns per attendee "
    "(1 = fair share; NaN, undefined, if the role was absent or nobody spoke; its mean "
    "over a run is over the events the role attended)",
    "≥ 0, at most attendance ÷ members of the role present",
    0.0,
    undefined_when="the role was absent from the event, or nobody spoke",
) + _family(
    "challenges",
    "Challenges voiced",
    "challenges",
    "event",
    _LATEST + "challenges voiced by members of the role",
    "integer ≥ 0",
    0.0,
)

STATE = (
    _o(
        "norm_endorsement",
        "Norm endorsement",
        _SHARE,
        "state",
        "mean endorsement of the norm",
        "[0, 1]",
        0.0,
        1.0,
    ),
    _o(
        "credibility_gap",
        "Credibility gap",
        "weight, −1 to 1",
        "state",
        "mean weight given to research minus experiential knowledge",
        "[−1, 1]",
        -1.0,
        1.0,
    ),
    _o(
        "calibration_error",
        "Calibration error",
        _SHARE,
        "state",
        "mean gap between credibility weights and the credibility each type deserves",
        "[0, 1]",
        0.0,
        1.0,
    ),
    _o(
        "belief_error",
        "Belief error",
        "absolute error",
        "state",
        "mean absolute error of beliefs, over members and aspects",
        "≥ 0",
        0.0,
    ),
    _o(
        "belief_diversity",
        "Belief diversity",
        "standard deviation",
        "state",
        "mean over aspects of the standard deviation of beliefs across members",
        "≥ 0",
        0.0,
    ),
    _o(
        "dialogic_capacity",
        "Dialogic capacity",
        _SHARE,
        "state",
        "mean dialogic capacity",
        "[0, 1]",
        0.0,
        1.0,
    ),
    replace(
        _o(
            "cross_role_ties",
            "Cross-role ties",
            "tie strength, 0 to 1",
            "state",
            "mean tie strength over all cross-role pairs (NaN if none: one role only)",
            "[0, 1]",
            0.0,
            1.0,
        ),
        undefined_when="one role only: no cross-role pair",
    ),
    *_family(
        "error",
        "Belief error",
        "absolute error",
        "state",
        "mean absolute error on that aspect",
        "≥ 0",
        0.0,
        over=KNOWLEDGE_TYPES,
    ),
    *_family(
        "norm_endorsement",
        "Norm endorsement",
        _SHARE,
        "state",
        "mean endorsement among members of the role (NaN if none)",
        "[0, 1]",
        0.0,
        1.0,
        undefined_when=_NOBODY,
    ),
    *_family(
        "dialogic_capacity",
        "Dialogic capacity",
        _SHARE,
        "state",
        "mean capacity among members of the role (NaN if none)",
        "[0, 1]",
        0.0,
        1.0,
        undefined_when=_NOBODY,
    ),
    *_family(
        "belief_error",
        "Belief error",
        "absolute error",
        "state",
        "mean absolute belief error among members of the role (NaN if none)",
        "≥ 0",
        0.0,
        undefined_when=_NOBODY,
    ),
)
"""Outcomes read from the members' state, in the order `exsim.model.outcomes.state_outcomes`
gives them."""

_EVENT = tuple(replace(o, meaning=_LATEST + o.meaning) for o in SESSION)

ROWS: tuple[Outcome, ...] = (*_SCHEDULE, *_EVENT, *_PER_ROLE_EVENT, *map(_project, SESSION), *STATE)
"""Every outcome the model records each month, in the order of its columns."""
