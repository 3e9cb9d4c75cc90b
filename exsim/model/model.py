"""ExchangeModel: the Exchange Network as a Mesa model.

One step is one month. In a month with an event, members who choose to come meet in the
event first; then every project team meets; then unpractised capacity and ties fade and
project norms pull on their members. The `datacollector` records the outcomes at the
start (step 0) and after every month; its table ``events`` holds one row per event group.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import mesa
import numpy as np

from . import events, outcomes, projects, registry
from .added import added_outcomes, added_value
from .agents import Participant
from .collector import OutcomeCollector, read_outcome
from .dialogue import Tally, measured_session
from .meeting import ProjectMeeting
from .outcomes import not_held_summary
from .parameters import KEYWORDS, PARAMETERS, suggest, validate
from .population import create_population, create_problem
from .vocabulary import KNOWLEDGE_TYPES, ROLES

STREAMS = ("mesa", "population", "attendance", "dialogue", "evidence")
"""Independent random streams, spawned from the run's seed in this order."""


SEED_LIMIT = 2**63
"""Seeds are whole numbers from 0 to ``2**63 - 1`` (the range of ``run.seed``)."""


def whole_seed(value: Any) -> int:
    """A seed as a whole number: an int, or text that reads as one (``"7"``, as a text
    input of a SolaraViz page gives it)."""
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ValueError(f"seed {value!r} is not a whole number") from None
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        if 0 <= value < SEED_LIMIT:
            return int(value)
        raise ValueError(f"seed {value!r} is out of range: use 0 to 2**63 - 1")
    raise TypeError(
        f"rng must be a whole number (or text that reads as one), a SeedSequence or a "
        f"Generator, not {value!r}"
    )


def seed_sequence(rng: Any) -> np.random.SeedSequence:
    """Turn a seed, a `SeedSequence` or a `Generator` into the run's `SeedSequence`,
    always one made from a whole number (``SeedSequence(n)``), so that the run records
    the seed it used. ``None`` draws a fresh whole number from the operating system's
    entropy, as Mesa does; a `Generator`, and a `SeedSequence` that is not
    ``SeedSequence(n)`` (spawned, or from several numbers), give one drawn from them."""
    if rng is None:
        return np.random.SeedSequence(np.random.SeedSequence().entropy % SEED_LIMIT)
    if isinstance(rng, np.random.SeedSequence):
        plain = isinstance(rng.entropy, int) and not rng.spawn_key and rng.entropy < SEED_LIMIT
        return rng if plain else np.random.SeedSequence(_draw(rng.generate_state(1, np.uint64)))
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence(_draw(rng.integers(0, SEED_LIMIT, size=1, dtype=np.uint64)))
    return np.random.SeedSequence(whole_seed(rng))


def _draw(state: np.ndarray) -> int:
    return int(state[0]) % SEED_LIMIT


def keyword_parameters(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Validate keyword-style parameters (``event_suspension``) into dotted names."""
    dotted = {}
    for key, value in kwargs.items():
        if key in KEYWORDS:
            dotted[KEYWORDS[key].name] = value
        elif key in PARAMETERS:
            dotted[key] = value
        else:
            raise TypeError(f"unknown parameter {key!r}{suggest(key, list(KEYWORDS))}")
    return validate(dotted)


class ExchangeModel(mesa.Model):
    """The Exchange Network: members, their projects and the network's events.

    Args:
        rng: the seed: a whole number (or text that reads as one), a
            `numpy.random.SeedSequence` or a `Generator`. Without it, ``seed`` (Mesa's
            older name), then the ``rng`` of `scenario`, then ``run_seed``; with none of
            them, a fresh seed from the operating system's entropy, as in Mesa.
            ``model.seed.entropy`` and ``model.params["run.seed"]`` record the seed used.
        scenario: a Mesa ``Scenario`` (used only for its ``rng``).
        seed: Mesa's older name for `rng` (as in Mesa's examples' seed inputs).
        outcomes: outcomes to add, name -> a function of the model returning a number
            (``{"voice": lambda m: m.population.voice.mean()}``): recorded every month
            from step 0 like the built-in ones (`model.outcomes`, the DataCollector). A
            config adds them with an ``[outcomes]`` table of ``name = "module:function"``.
        **kwargs: any model parameter by keyword name (``event_suspension=0.0``);
            see `exsim.model.parameters.PARAMETERS`. ``ExchangeModel()`` is the default
            Exchange Network on a fresh seed.

    Example:
        >>> model = ExchangeModel(event_suspension=0.0, rng=7)
        >>> for _ in range(12):
        ...     model.step()
        >>> 0.0 <= model.outcomes["speaking_equality"] <= 1.0
        True
    """

    def __init__(
        self,
        rng: Any = None,
        scenario: Any = None,
        seed: Any = None,
        outcomes: Mapping[str, Callable[[ExchangeModel], float]] | None = None,
        **kwargs: Any,
    ):
        """Create the network from keyword parameters and a seed.

        `scenario` is what Mesa >= 3.4's SolaraViz passes on Reset; its ``rng`` is used
        when `rng` is not given. (Parameters are named ``**kwargs`` because Mesa's
        SolaraViz only forwards its inputs to a catch-all argument of that name.)
        """
        given = [kwargs.pop(k, None) for k in ("run_seed", "run.seed")]
        if rng is None:
            rng = seed if seed is not None else getattr(scenario, "rng", None)
        if rng is None and any(v is not None for v in given):
            rng = next(v for v in given if v is not None)
            rng = PARAMETERS["run.seed"].check(whole_seed(rng) if isinstance(rng, str) else rng)
        self.seed = seed_sequence(rng)
        self.params = p = keyword_parameters({**kwargs, "run_seed": self.seed.entropy})
        streams = dict(zip(STREAMS, self.seed.spawn(len(STREAMS)), strict=True))
        super().__init__(rng=np.random.default_rng(streams["mesa"]))
        self.streams = {k: np.random.default_rng(s) for k, s in streams.items() if k != "mesa"}
        self.legitimacy = np.array([p[f"legitimacy.{k}"] for k in KNOWLEDGE_TYPES])
        problem = create_problem(p, self.streams["population"])
        self.population = create_population(p, problem, self.streams["population"])
        self.participants = [Participant(self, i) for i in range(self.population.size)]
        self.events_held = 0
        self.last_event_step = 0
        self.last_event_outcomes = not_held_summary()
        self.last_event_attendance = 0
        self.event_held = False
        self.project_meeting_outcomes = not_held_summary()  # the last project meetings' outcomes
        self.listener_updates = 0  # listeners weighing an utterance, in every session
        self.event_listener_updates = 0  # the same, at events only (for benchmarks)
        self.last_speakers: dict[str, np.ndarray] = {}
        self.last_event_tally = None  # see `hold_event`
        self.last_event_endorsement: tuple[np.ndarray, np.ndarray] | None = None
        self._team_seats: np.ndarray | None = None  # made at the first project meeting
        self._meeting: ProjectMeeting | None = None  # the same
        self._event_legitimacy_kept: tuple = (None, None)  # made at the first event
        self._attendance_kept: tuple = (None, None)  # the same
        self.added_outcomes = added_outcomes(outcomes)
        self._measure()
        self.datacollector = OutcomeCollector(
            model_reporters={name: partial(read_outcome, name=name) for name in self.outcome_names},
            tables={"events": EVENT_COLUMNS},
        )
        self.datacollector.collect(self)

    # --- one month ----------------------------------------------------------------------

    def step(self) -> None:
        """One month: the event (if one is due), project meetings, fresh evidence from
        work, fading, norm pressure."""
        self.event_held = events.event_due(self.steps, self.params) and self.hold_event()
        self.work_in_projects()
        projects.end_month(self.population, self.params, self.streams["evidence"])
        self._measure()
        self.datacollector.collect(self)
        if self.steps >= self.params["run.steps"]:
            self.running = False  # Mesa's signal that the run is over (run_model stops)

    def hold_event(self) -> bool:
        """Hold an Exchange Network event; return False if fewer than two came."""
        p, pop = self.params, self.population
        weight = self._attendance_weights()
        attendees = events.choose_attendees(pop, p, self.streams["attendance"], weight)
        if len(attendees) < 2:
            return False
        self.last_event_tally = None  # let go before the next is made (see `memory`)
        seats = events.form_groups(pop, attendees, p, self.streams["attendance"])
        legitimacy = self._event_legitimacy()
        endorsement_before = pop.endorsement.copy()
        tally, groups, self.last_event_outcomes, updates = measured_session(
            pop, seats, events.event_setting(p), p, legitimacy, self.streams["dialogue"]
        )
        events.remember_event(pop, tally, p)
        self.events_held += 1
        self.last_event_step = self.steps
        self.listener_updates += updates
        self.event_listener_updates += updates
        self.last_event_attendance = len(attendees)
        self.last_speakers = {
            "seats": tally.seats,
            "turns": tally.turns,
            "challenges": tally.challenges,
        }
        self._record_event_groups(groups)
        # Read-only, for looking inside the event (the app): the session's whole tally
        # (seats, turns, heard, uptake between members, challenges, take-ups per group)
        # and every member's norm endorsement just before and just after the session.
        self.last_event_tally = tally
        self.last_event_endorsement = (endorsement_before, pop.endorsement.copy())
        return True

    def _attendance_weights(self) -> np.ndarray:
        """`events.attendance_weights`, kept while the roles' weights stay the same and
        the members' roles are the same array (call `traits_changed` after writing
        into it)."""
        key = (tuple(self.params[f"attendance.{r}"] for r in ROLES), self.population.role)
        kept = self._attendance_kept
        if kept[0] is None or kept[0][0] != key[0] or kept[0][1] is not key[1]:
            kept = (key, events.attendance_weights(self.population, self.params))
            self._attendance_kept = kept
        return kept[1]

    def _event_legitimacy(self) -> np.ndarray:
        """`events.event_legitimacy`, kept while the legitimacy and the knowledge space
        stay the same (they do, within a run)."""
        key = (self.params["event.knowledge_space"], self.legitimacy.tobytes())
        if self._event_legitimacy_kept[0] != key:
            kept = events.event_legitimacy(self.legitimacy, self.params)
            self._event_legitimacy_kept = (key, kept)
        return self._event_legitimacy_kept[1]

    def work_in_projects(self) -> None:
        """Every project team meets under kept hierarchy and target pressure (the same
        meeting every month, kept: `meeting.ProjectMeeting`)."""
        p = self.params
        if p["project.rounds"] == 0:  # no meeting held: its outcomes have no value (NaN), not 0
            self.project_meeting_outcomes = not_held_summary()
            return
        if self._meeting is None or not self._meeting.fits(p):
            self._meeting = ProjectMeeting(self.population, self.team_seats(), p)
        pooled, updates = self._meeting.hold(
            self.population, self.legitimacy, self.streams["dialogue"]
        )
        self.project_meeting_outcomes = pooled
        self.listener_updates += updates

    def team_seats(self) -> np.ndarray:
        """The project teams in their seats (teams, seats; -1 empty): worked out at the
        first meeting and kept, as teams are fixed (ODD 2). See `traits_changed`."""
        if self._team_seats is None:
            self._team_seats = projects.team_seats(self.population)
        return self._team_seats

    def traits_changed(self) -> None:
        """Forget what was derived from the members' fixed traits (role, status, voice,
        knowledge, project, leader). Setting one on a `Participant` calls this; call it
        after writing such a trait into `population` by hand during a run."""
        self._team_seats = None
        self._meeting = None
        self._attendance_kept = (None, None)

    # --- outcomes -------------------------------------------------------------------------

    @property
    def last_event(self) -> dict[str, float]:
        """The most recent event's outcomes pooled over its groups, by name
        (`outcomes.SUMMARY_OUTCOMES`; NaN before the first event)."""
        return dict(zip(outcomes.SUMMARY_OUTCOMES, self.last_event_outcomes.tolist(), strict=True))

    @property
    def last_project_tally(self) -> Tally | None:
        """A copy of the tally of this month's project meetings (`dialogue.Tally`: who
        spoke, heard and took up whom, per team); None before the first meeting or when
        meetings are not held. A copy, as the meeting reuses its arrays every month."""
        if self._meeting is None or self.params["project.rounds"] == 0:
            return None
        tally = self._meeting.tally
        return Tally(tally.seats.copy(), *(a.copy() for a in tally[1:]))

    @property
    def project_meeting(self) -> dict[str, float]:
        """The outcomes of the month's project meetings pooled over the teams, by name."""
        pooled = self.project_meeting_outcomes.tolist()
        return dict(zip(outcomes.SUMMARY_OUTCOMES, pooled, strict=True))

    @property
    def outcomes(self) -> dict[str, float]:
        """The outcomes of this step by name (`outcome_names`): the registry's, then the
        added ones (made from `measured` when first asked for in a step)."""
        if self._outcomes is None:
            self._outcomes = dict(zip(self.outcome_names, self.measured, strict=True))
        return self._outcomes

    def _measure(self) -> None:
        """Compute this step's outcomes into `measured` (values, in the registry's order,
        then the added outcomes; `outcome_names` names them; `outcomes` by name). Step 0
        holds no event or project outcome (NaN): no session has been held; nor does any
        month before the first event hold an event outcome, nor any month a project
        outcome when `project.rounds` = 0 (no project meeting is held:
        `project_meeting_outcomes` is then `outcomes.not_held_summary`, NaN throughout)."""
        values = outcomes.month_outcomes(
            (float(self.event_held), float(self.events_held), float(self.last_event_attendance)),
            self.last_event_outcomes,
            self.project_meeting_outcomes,
            self.population,
            self.legitimacy,
        )
        if self.steps == 0:
            values[_SESSION_AT] = math.nan
        elif self.events_held == 0:  # no event yet (or ever, with event.every = 0)
            values[_EVENT_AT] = math.nan
        self.measured, self._outcomes = values.tolist(), None
        self.outcome_names = _MEASURED
        if self.added_outcomes:  # an added outcome may read the outcomes before it
            out = self.outcomes
            for name, function in self.added_outcomes.items():
                out[name] = added_value(name, function(self), self.steps)
            self.measured, self.outcome_names = list(out.values()), tuple(out)

    def __repr__(self) -> str:
        changed = {
            k: v for k, v in self.params.items() if k != "run.seed" and v != PARAMETERS[k].default
        }
        shown = ", ".join(f"{k}={v!r}" for k, v in list(changed.items())[:4])
        more = f", ... ({len(changed)} changed)" if len(changed) > 4 else ""
        return (
            f"<ExchangeModel seed={self.seed.entropy} month {self.steps}/"
            f"{self.params['run.steps']}, {self.population.size} members, "
            f"{self.events_held} events held{', ' + shown if shown else ''}{more}>"
        )

    def _record_event_groups(self, groups: np.ndarray) -> None:
        """Add a row per group of the event just held (`groups`, as
        `outcomes.session_outcomes` gives them) to the datacollector's table ``events``,
        column by column; a plain Mesa collector put in its place may have no such table."""
        table, count = getattr(self.datacollector, "tables", {}).get("events"), len(groups)
        if table is None:
            return
        table["step"].extend([self.steps] * count)
        table["event"].extend([self.events_held] * count)
        table["group"].extend(range(count))
        for name, values in zip(outcomes.GROUP_OUTCOMES, groups.T.tolist(), strict=True):
            table[name].extend(values)


_MEASURED = (
    "event_held",
    "events_held",
    "attendance",
    *outcomes.SUMMARY_OUTCOMES,
    *(f"project_{k}" for k in outcomes.SESSION_OUTCOMES),
    *outcomes.STATE_OUTCOMES,
)
"""The outcomes `ExchangeModel._measure` computes, in the order it computes them: the
registry's order (checked below), so that the DataCollector's columns follow it."""
if tuple(registry.OUTCOMES) != _MEASURED:
    raise RuntimeError("exsim.model.registry lists the outcomes out of the model's order")

_EVENT_NAMES = registry.names("event")
"""Outcomes that describe the most recent event."""
_PROJECT_NAMES = registry.names("project")
"""Outcomes that describe the month's project meetings."""
_SESSION_NAMES = _EVENT_NAMES + _PROJECT_NAMES
"""Outcomes that describe a session (an event or the month's project meetings)."""


_EVENT_AT, _SESSION_AT = (
    [_MEASURED.index(k) for k in names] for names in (_EVENT_NAMES, _SESSION_NAMES)
)
"""Where the outcomes of each kind of session sit in `_MEASURED`."""

EVENT_COLUMNS = ["step", "event", "group", *outcomes.GROUP_OUTCOMES]
"""The columns of the datacollector's table ``events``: one row per event group."""


def _signature() -> inspect.Signature:
    """`ExchangeModel`'s signature: its own arguments, then every model parameter by
    keyword name with its default (so `help` and tab completion list them)."""
    own = list(inspect.signature(ExchangeModel.__init__).parameters.values())[:-1]
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter(p.keyword, keyword, default=p.default, annotation=p.kind.__name__)
        for p in PARAMETERS.values()
        if p.keyword != "run_seed"
    ]
    # a model without a seed draws a fresh one (`seed_sequence`), not run.seed's default
    seed = inspect.Parameter("run_seed", keyword, default=None, annotation="int | None")
    parameters.insert([p.keyword for p in PARAMETERS.values()].index("run_seed"), seed)
    return inspect.Signature(own + parameters)


ExchangeModel.__init__.__signature__ = _signature()
