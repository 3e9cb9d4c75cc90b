"""The app's controls as data: which parameter each sets, its label and the one line
that explains it. No Solara here, so tests can check every control names a real
parameter and has its line.

Each design has its own *event design* controls; the *network* (whose knowledge counts,
who is in it) is shared by both designs, so that they differ only in their events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..model.parameters import PARAMETERS
from ..model.vocabulary import FORMATS, ROLES
from .pair import DESIGNS, STARTING_DESIGNS

FORMAT_WORDS = {
    "action-learning sets": "action_learning",
    "open plenary": "plenary",
    "facilitated dialogue": "facilitated_dialogue",
}
"""The event formats as the app names them, and the model's word for each."""
assert set(FORMAT_WORDS.values()) == set(FORMATS)


@dataclass(frozen=True)
class Control:
    """One control: the parameter (dotted name) it sets, its label and its line."""

    name: str
    label: str
    explains: str
    step: float = 0.05
    low: float | None = None  # None: the parameter table's range
    high: float | None = None

    @property
    def parameter(self):
        """The model parameter this control sets."""
        return PARAMETERS[self.name]

    @property
    def bounds(self) -> tuple[float, float]:
        """The slider's range."""
        p = self.parameter
        return (p.low if self.low is None else self.low, p.high if self.high is None else self.high)


DESIGN_CONTROLS = (
    Control(
        "event.suspension",
        "Project hierarchy suspended",
        "0: status shapes turns, credibility and the risk of speaking up, as in projects; "
        "1: it does not.",
    ),
    Control(
        "event.format",
        "Format",
        "Sets: each member presents in turn, the others ask questions. Plenary: one room, "
        "free turns. Dialogue: small groups, the quiet are invited in.",
    ),
    Control(
        "event.facilitation",
        "Facilitation",
        "How much facilitators make it safe to challenge the norm (0 none, 1 strong).",
    ),
    Control(
        "event.group_size",
        "People per group",
        "Members in each small group (an open plenary is one room).",
        step=1,
        high=30,
    ),
    Control(
        "event.every",
        "Months between events",
        "3: four events a year, as in the real network; 0: no events.",
        step=1,
        high=24,
    ),
)
"""The event design: each design has its own."""

NETWORK_CONTROLS = {
    "Whose knowledge counts": (
        "How legitimate each kind of knowledge is under the organisational norm (0 none, 1 fully).",
        tuple(
            Control(f"legitimacy.{kind}", f"{kind.capitalize()} knowledge", explains)
            for kind, explains in (
                ("research", "Held best by researchers."),
                ("clinical", "Held best by clinicians."),
                ("organisational", "Held best by managers."),
                ("experiential", "Held best by patients and carers."),
            )
        ),
    ),
    "Who is in the network": (
        "How many members, and the relative share of each role.",
        (
            Control(
                "population.size",
                "Members",
                "The pool of members; the real network had about 54.",
                step=1,
                low=5,
                high=200,
            ),
            *(
                Control(
                    f"population.mix.{role}",
                    f"Share of {role}s",
                    "Relative to the other shares (they need not add up to 1).",
                    step=0.01,
                )
                for role in ROLES
            ),
        ),
    ),
}
"""The network both designs share, in two groups: (what the group is, its controls)."""

ALL_CONTROLS = {
    c.name: c for c in (*DESIGN_CONTROLS, *(c for _, cs in NETWORK_CONTROLS.values() for c in cs))
}


def starting_design(name: str) -> dict[str, Any]:
    """Design `name`'s event design as the app opens: the defaults, with what
    `STARTING_DESIGNS` changes (A keeps project hierarchy, B suspends it)."""
    values = {c.name: c.parameter.default for c in DESIGN_CONTROLS}
    return values | STARTING_DESIGNS[name]


def starting_designs() -> dict[str, dict[str, Any]]:
    """Both designs as the app opens."""
    return {name: starting_design(name) for name in DESIGNS}


def starting_network() -> dict[str, Any]:
    """The shared network as the app opens: the real Exchange Network's defaults."""
    return {
        c.name: c.parameter.default for _, controls in NETWORK_CONTROLS.values() for c in controls
    }


def describe_design(values: dict[str, Any]) -> str:
    """A design in a few words, e.g. ``hierarchy kept · action-learning sets``."""
    s = values["event.suspension"]
    hierarchy = (
        "hierarchy kept" if s == 0 else "hierarchy suspended" if s == 1 else f"{s:.0%} suspended"
    )
    words = {model: word for word, model in FORMAT_WORDS.items()}
    return f"{hierarchy} · {words[values['event.format']]}"
