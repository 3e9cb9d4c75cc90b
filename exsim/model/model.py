"""ExchangeModel: the Exchange Network as a Mesa model.

One step is one month. In a month with an event, members who choose to come meet in the
event first; then every project team meets; then unpractised capacity and ties fade and
project norms pull on their members. The `datacollector` records the outcomes at the
start (step 0) and after every month; its table ``events`` holds one row per event group.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import mesa
import numpy as np

from . import events, outcomes, projects
from .agents import Participant
from .dialogue import hold_session
from .parameters import KEYWORDS, PARAMETERS, suggest, validate
from .population import create_population, create_problem
from .vocabulary import KNOWLEDGE_TYPES

STREAMS = ("mesa", "population", "attendance", "dialogue", "evidence")
"""Independent random streams, spawned from the run's seed in this order."""


def seed_sequence(rng: Any) -> np.random.SeedSequence:
    """Turn a seed, a `SeedSequence` or a `Generator` into the run's `SeedSequence`."""
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence(rng.integers(0, 2**63, size=4).tolist())
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool) and rng >= 0:
        return np.random.SeedSequence(int(rng))
    raise TypeError(f"rng must be a non-negative int, SeedSequence or Generator, not {rng!r}")


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


def read_outcome(model: ExchangeModel, name: str) -> float:
    """DataCollector reporter: the outcome `name` as measured this step."""
    return model.outcomes[name]


class OutcomeCollector(mesa.DataCollector):
    """Mesa's DataCollector for the model's outcomes. Every model reporter reads one
    float of `model.outcomes` (`read_outcome`), so `collect` appends the floats
    themselves instead of calling and deep-copying 51 reporters a month (a float needs
    no copy). The reporters are still there, for anything that reads them."""

    def collect(self, model: ExchangeModel) -> None:
        """Record this step's outcomes, one value per model reporter."""
        reporters, self.model_reporters = self.model_reporters, {}
        try:
            super().collect(model)  # agent reporters, should any be added
        finally:
            self.model_reporters = reporters
        if hasattr(self, "_collection_steps"):  # Mesa >= 3.4 records when it collected
            self._collection_steps.append(model.time)
        for name, values in self.model_vars.items():
            values.append(model.outcomes[name])


class ExchangeModel(mesa.Model):
    """The Exchange Network: members, their projects and the network's events.

    Args:
        rng: seed (int), `numpy.random.SeedSequence` or `Generator`; default `run_seed`.
        scenario: a Mesa ``Scenario`` (used only for its ``rng``).
        **kwargs: any model parameter by keyword name (``event_suspension=0.0``);
            see `exsim.model.parameters.PARAMETERS`. ``ExchangeModel()`` is the default
            Exchange Network.

    Example:
        >>> model = ExchangeModel(event_suspension=0.0, rng=7)
        >>> for _ in range(12):
        ...     model.step()
        >>> 0.0 <= model.outcomes["speaking_equality"] <= 1.0
        True
    """

    def __init__(self, rng: Any = None, scenario: Any = None, **kwargs: Any):
        """Create the network from keyword parameters and a seed.

        `scenario` is what Mesa >= 3.4's SolaraViz passes on Reset; its ``rng`` is used
        when `rng` is not given. (Parameters are named ``**kwargs`` because Mesa's
        SolaraViz only forwards its inputs to a catch-all argument of that name.)
        """
        self.params = p = keyword_parameters(kwargs)
        if rng is None and scenario is not None:
            rng = getattr(scenario, "rng", None)
        self.seed = seed_sequence(p["run.seed"] if rng is None else rng)
        streams = dict(zip(STREAMS, self.seed.spawn(len(STREAMS)), strict=True))
        super().__init__(rng=np.random.default_rng(streams["mesa"]))
        self.streams = {k: np.random.default_rng(s) for k, s in streams.items() if k != "mesa"}
        self.legitimacy = np.array([p[f"legitimacy.{k}"] for k in KNOWLEDGE_TYPES])
        problem = create_problem(p, self.streams["population"])
        self.population = create_population(p, problem, self.streams["population"])
        self.participants = [Participant(self, i) for i in range(self.population.size)]
        self.events_held = 0
        self.last_event_step = 0
        self.last_event = outcomes.empty_session_summary()
        self.last_event_attendance = 0
        self.event_held = False
        self.project_meeting = outcomes.empty_session_summary()
        self.listener_updates = 0  # listeners weighing an utterance, in every session
        self.event_listener_updates = 0  # the same, at events only (for benchmarks)
        self.last_speakers: dict[str, np.ndarray] = {}
        self.last_event_tally = None  # see `hold_event`
        self.last_event_endorsement: tuple[np.ndarray, np.ndarray] | None = None
        self._team_seats: np.ndarray | None = None  # made at the first project meeting
        self.datacollector = OutcomeCollector(
            model_reporters={name: partial(read_outcome, name=name) for name in self._measure()},
            tables={"events": EVENT_COLUMNS},
        )
        self.datacollector.collect(self)

    # --- one month ----------------------------------------------------------------------

    def step(self) -> None:
        """One month: the event (if one is due), project meetings, fresh evidence from
        work, fading, norm pressure."""
        self.event_held = events.event_due(self.steps, self.params) and self.hold_event()
        self.work_in_projects()
        projects.gather_evidence(self.population, self.params, self.streams["evidence"])
        projects.fade(self.population, self.params)
        projects.apply_norm_pressure(self.population, self.params)
        self._measure()
        self.datacollector.collect(self)
        if self.steps >= self.params["run.steps"]:
            self.running = False  # Mesa's signal that the run is over (run_model stops)

    def hold_event(self) -> bool:
        """Hold an Exchange Network event; return False if fewer than two came."""
        p, pop = self.params, self.population
        attendees = events.choose_attendees(pop, p, self.streams["attendance"])
        if len(attendees) < 2:
            return False
        seats = events.form_groups(pop, attendees, p, self.streams["attendance"])
        endorsement_before = pop.endorsement.copy()
        tally = hold_session(
            pop, seats, events.event_setting(p), p, self.legitimacy, self.streams["dialogue"]
        )
        self.events_held += 1
        self.last_event_step = self.steps
        updates = tally.listener_updates
        self.listener_updates += updates
        self.event_listener_updates += updates
        groups = outcomes.group_outcomes(pop, tally)
        self.last_event = outcomes.session_summary(groups)
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

    def work_in_projects(self) -> None:
        """Every project team meets under kept hierarchy and target pressure."""
        setting = projects.project_setting(self.params)
        if setting.rounds == 0:
            self.project_meeting = outcomes.empty_session_summary()
            return
        tally = hold_session(
            self.population,
            self.team_seats(),
            setting,
            self.params,
            self.legitimacy,
            self.streams["dialogue"],
        )
        self.listener_updates += tally.listener_updates
        groups = outcomes.group_outcomes(self.population, tally)
        self.project_meeting = outcomes.session_summary(groups)

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

    # --- outcomes -------------------------------------------------------------------------

    def _measure(self) -> dict[str, float]:
        """Compute this step's outcomes into `self.outcomes` and return them."""
        out = {
            "event_held": float(self.event_held),
            "events_held": float(self.events_held),
            "attendance": float(self.last_event_attendance),
        }
        out.update(self.last_event)
        out.update({name: self.project_meeting[k] for k, name in _PROJECT_OUTCOMES.items()})
        out.update(outcomes.state_outcomes(self.population, self.legitimacy))
        self.outcomes = out
        return out

    def _record_event_groups(self, groups: dict[str, np.ndarray]) -> None:
        columns = {k: np.asarray(v, dtype=float).tolist() for k, v in groups.items()}
        for g in range(len(groups["size"])):
            row = {"step": self.steps, "event": self.events_held, "group": g}
            row.update({k: v[g] for k, v in columns.items()})
            self.datacollector.add_table_row("events", row)


_PROJECT_OUTCOMES = {k: f"project_{k}" for k in outcomes.SESSION_OUTCOMES}
"""The session outcomes of the month's project meetings and their column names."""

EVENT_COLUMNS = ["step", "event", "group", *outcomes.GROUP_OUTCOMES]
"""The columns of the datacollector's table ``events``: one row per event group."""
