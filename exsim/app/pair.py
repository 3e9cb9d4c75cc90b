"""Two event designs run side by side on one seed: what the app shows, without Solara.

`DesignPair` holds "Design A" and "Design B", each an `ExchangeModel` built from one
`Config` exactly as `exsim run` builds it, so the config the app exports reruns what is on
screen. Both run on the same seed (common random numbers) and step together, month by
month. Changing a design reruns it from month 0 to the month on screen, so the two stay
in step. Every event held is kept (`EventRecord`) so that the app can look inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import Config, default_config
from ..model import ExchangeModel
from ..model.parameters import PARAMETERS
from ..runs.single import events_table, release, timeseries

DESIGNS = ("Design A", "Design B")
"""The two designs, in the words the page, the docs and the tests use."""

STARTING_DESIGNS = {"Design A": {"event.suspension": 0.0}, "Design B": {"event.suspension": 1.0}}
"""What each design changes from the default network when the app opens: A keeps project
hierarchy at events, B suspends it (the real Exchange Network's design)."""


SEED_WORDS = "2^63 - 1"
"""The highest seed, in words a student can read (``run.seed``'s upper bound)."""
assert PARAMETERS["run.seed"].high == 2**63 - 1


def read_seed(text: object) -> tuple[int | None, str]:
    """A seed typed as text: ``(seed, "")`` for a whole number in the allowed range, else
    ``(None, note)`` with a note saying what is allowed."""
    typed = str(text).strip()
    highest = PARAMETERS["run.seed"].high
    if typed.isascii() and typed.isdigit() and int(typed) <= highest:
        return int(typed), ""
    return None, f"A seed is a whole number from 0 to {SEED_WORDS}; {typed!r} is not."


@dataclass(frozen=True)
class EventRecord:
    """Everything that happened at one event of one design (see ``hold_event``)."""

    month: int
    seats: np.ndarray  # (groups, seats): member index, -1 for an empty seat
    turns: np.ndarray  # (groups, seats) turns taken
    heard: np.ndarray  # (groups, seats, seats) utterances listener i heard from speaker j
    uptake: np.ndarray  # (groups, seats, seats) credibility listener i gave speaker j
    challenges: np.ndarray  # (groups, seats) challenges voiced
    taken_up: np.ndarray  # (groups,) take-ups of challenges
    took_up: np.ndarray  # (groups, seats, seats) take-ups listener i made of challenger j's
    endorsement_before: np.ndarray  # (members,) norm endorsement just before the event
    endorsement_after: np.ndarray  # (members,) and just after it


def record_event(model: ExchangeModel) -> EventRecord:
    """The event `model` has just held, from its read-only ``last_event_*`` attributes."""
    t = model.last_event_tally
    before, after = model.last_event_endorsement
    return EventRecord(
        month=int(model.steps),
        seats=t.seats.copy(),
        turns=t.turns.copy(),
        heard=t.heard.copy(),
        uptake=t.uptake.copy(),
        challenges=t.challenges.copy(),
        taken_up=np.asarray(t.taken_up).copy(),
        took_up=t.took_up.copy(),
        endorsement_before=before,
        endorsement_after=after,
    )


class DesignPair:
    """Design A and Design B, run on one seed, stepping together.

    Args:
        designs: per design, the parameters (dotted names) it sets.
        network: parameters both designs share (whose knowledge counts, who is in the
            network), dotted names.
        seed: the seed of both runs.
    """

    def __init__(self, designs: dict[str, dict], network: dict | None = None, seed: int = 2013):
        self.designs = {name: dict(designs[name]) for name in DESIGNS}
        self.network = dict(network or {})
        self.seed = int(seed)
        self.models: dict[str, ExchangeModel] = {}
        self.events: dict[str, list[EventRecord]] = {}
        self.reset()

    # --- the runs ----------------------------------------------------------------------

    def config(self, name: str) -> Config:
        """The complete config of design `name`: what `exsim run` needs to rerun it."""
        values = {**self.network, **self.designs[name], "run.seed": self.seed}
        config = default_config().replace(**values)
        return Config(config.values, source=name)

    @property
    def month(self) -> int:
        """The month on screen (both designs are always at the same month)."""
        return int(self.models[DESIGNS[0]].steps)

    @property
    def months(self) -> int:
        """Months in a run (``run.steps``)."""
        return int(self.models[DESIGNS[0]].params["run.steps"])

    @property
    def finished(self) -> bool:
        """Whether the runs have reached their last month."""
        return self.month >= self.months

    def reset(self) -> None:
        """Both designs back to month 0."""
        for name in DESIGNS:
            self._build(name)

    def step(self, months: int = 1) -> None:
        """`months` months of both designs (fewer if the run ends first)."""
        for _ in range(months):
            if self.finished:
                return
            for name in DESIGNS:
                self._step(name)

    def change(self, designs=None, network=None, seed=None) -> None:
        """Change designs, the shared network or the seed, and rerun what changed from
        month 0 to the month on screen."""
        month = self.month
        changed = set()
        if seed is not None and int(seed) != self.seed:
            self.seed, changed = int(seed), set(DESIGNS)
        if network is not None and dict(network) != self.network:
            self.network, changed = dict(network), set(DESIGNS)
        for name, values in (designs or {}).items():
            if dict(values) != self.designs[name]:
                self.designs[name] = dict(values)
                changed.add(name)
        for name in DESIGNS:
            if name in changed:
                self._build(name)
                while self.models[name].steps < month and self.models[name].running:
                    self._step(name)

    def _build(self, name: str) -> None:
        old = self.models.get(name)
        if old is not None:
            release(old)
        self.models[name] = ExchangeModel(**self.config(name).model_kwargs())
        self.events[name] = []

    def _step(self, name: str) -> None:
        model = self.models[name]
        model.step()
        if model.event_held:
            self.events[name].append(record_event(model))

    # --- what the page reads -----------------------------------------------------------

    def difference_now(self, outcome: str, label: str) -> str:
        """B - A of `outcome` (called `label`) at the month on screen, or in words why
        there is none: an event outcome has no value before a design's first event
        (NaN by design), and none at all in a design that holds no events."""
        a, b = (self.series(n, outcome) for n in DESIGNS)
        month = min(len(a), len(b)) - 1  # both, even while a step is under way
        if np.isfinite(a[month]) and np.isfinite(b[month]):
            return f"Month {month}: B - A = {b[month] - a[month]:+.3f}"
        missing = [n for n, v in zip(DESIGNS, (a, b), strict=True) if not np.isfinite(v[month])]
        never = [n for n in missing if int(self.models[n].params["event.every"]) == 0]
        why = (
            f"{' and '.join(never)} holds no events"
            if never
            else f"no event held yet in {' or '.join(missing)}"
        )
        return f"Month {month}: no B - A of {label.lower()} ({why})."

    def series(self, name: str, outcome: str) -> np.ndarray:
        """Outcome `outcome` of design `name`, month 0 to the month on screen."""
        return np.asarray(self.models[name].datacollector.model_vars[outcome], dtype=float)

    def timeseries(self) -> pd.DataFrame:
        """Both runs as one table: a ``design`` column, then the columns of the
        ``timeseries.csv`` that `exsim run` writes, one row per design and month."""
        frames = [timeseries(self.models[name]).assign(design=name) for name in DESIGNS]
        frame = pd.concat(frames, ignore_index=True)
        return frame[["design", *frame.columns[:-1]]]

    def events_table(self) -> pd.DataFrame:
        """Both runs' events as one table: ``design``, then the columns of ``events.csv``."""
        frames = [events_table(self.models[name]).assign(design=name) for name in DESIGNS]
        frame = pd.concat(frames, ignore_index=True)
        return frame[["design", *frame.columns[:-1]]]

    def config_toml(self, name: str) -> str:
        """Design `name` as a config file that `exsim run` reproduces exactly."""
        slug = name.lower().replace(" ", "_")
        header = (
            f"{name} from the exsim app (seed {self.seed}).\n"
            f"`exsim run {slug}.toml` reruns it: its first {self.month} months are the "
            f"ones the app showed."
        )
        return self.config(name).to_toml(header)
