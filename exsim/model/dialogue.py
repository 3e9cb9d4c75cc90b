"""Sessions of dialogue: turns, uptake and norm challenges in rooms of participants.

A *session* is a set of groups meeting at the same time under the same rules: the groups
of one event, or all project teams in their monthly meeting. Seats are given as an array
of shape (groups, seats) of member indices, -1 for an empty seat.

One utterance: the speaker states their views on the aspects it mentions (all of them,
unless talk samples information, ODD 7.25); each listener moves toward them by
``openness * credibility * precision`` on each aspect mentioned,
where precision is the speaker's knowledge of the aspect relative to the listener's.

The rules themselves are in `exsim.model.kernel`, written as loops over members and
compiled with Numba; this module draws a session's random numbers, hands the kernel the
population's arrays and returns what happened (`Tally`).
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from . import kernel, memory
from .outcomes import session_outcomes
from .population import Population
from .session import hold_packed
from .vocabulary import KNOWLEDGE_TYPES


@dataclass(frozen=True)
class Setting:
    """The rules of a session: how much hierarchy applies and how turns are given."""

    hierarchy: float  # 0: hierarchy suspended, 1: kept (projects are always 1)
    facilitation: float  # 0 to 1
    turn_rule: str  # "lottery", "balanced" or "action_learning"
    rounds: int
    extra_risk: float = 0.0  # added risk of challenging (target pressure in projects)
    project: bool = False  # a project meeting: where actions from events are tried


TURN_RULES = {
    "lottery": kernel.LOTTERY,
    "balanced": kernel.BALANCED,
    "action_learning": kernel.ACTION_LEARNING,
}
"""The turn rules of a `Setting`, and the kernel's number for each."""


_PARAMETER_OF = {
    "uptake_rate": "uptake.rate",
    "capacity_weight": "uptake.capacity_weight",
    "status_deference": "credibility.status_deference",
    "status_deficit": "credibility.status_deficit",
    "status_gradient": "turns.status_gradient",
    "status_risk": "challenge.status_risk",
    "superior_risk": "challenge.superior_risk",
    "facilitation_safety": "challenge.facilitation_safety",
    "contagion": "challenge.contagion",
    "threshold": "challenge.threshold",
    "sharpness": "challenge.sharpness",
    "challenge_uptake": "challenge.uptake",
    "challenge_shift": "challenge.shift",
    "dialogic_growth": "dialogic.growth",
    "calibration": "credibility.calibration",
    "sanction_rate": "challenge.sanction",
    "threat_sensitivity": "threat.sensitivity",
    "threat_contact": "threat.contact",
    "reactance": "threat.reactance",
    "discomfort_weight": "challenge.discomfort",
    "safety_weight": "attendance.safety",
    "trust": "ties.trust",
    "tie_safety": "ties.safety",
    "action_reception": "action.reception",
    "mention": "talk.mention",
    "shared_bias": "talk.shared_bias",
    "feedback": "credibility.feedback",
}
"""The fields of the kernel's `Rules` that come from parameters, and their parameter."""


_READ = operator.itemgetter(*_PARAMETER_OF.values(), "action.motive", "talk.sampling")
"""The parameters a session's `Rules` are made of, read in one call."""


def rules(setting: Setting, p: dict) -> kernel.Rules:
    """The kernel's `Rules` for `setting` under parameters `p` (dotted names)."""
    return _rules(setting, _READ(p))


@lru_cache(maxsize=64)
def _rules(setting: Setting, values: tuple) -> kernel.Rules:
    """`rules` from the values of the parameters `_READ` reads (kept: a run holds the
    same few sessions month after month)."""
    *read, motive, sampling = values
    return kernel.Rules(
        hierarchy=float(setting.hierarchy),
        facilitation=float(setting.facilitation),
        turn_rule=TURN_RULES[setting.turn_rule],
        rounds=int(setting.rounds),
        extra_risk=float(setting.extra_risk),
        **{field: float(v) for field, v in zip(_PARAMETER_OF, read, strict=True)},
        commit=float(not setting.project and motive > 0),
        action_motive=float(motive) if setting.project else 0.0,
        sampling=float(sampling),
    )


def members(pop: Population) -> kernel.Members:
    """The population's arrays as the kernel reads and writes them (views, not copies)."""
    return kernel.Members(*_member_arrays(pop))


def _member_arrays(pop: Population) -> tuple:
    """`members` as a plain tuple (which the compiled kernel takes in faster)."""
    table, values, scale = pop.ties.kernel_view()
    return (
        pop.beliefs,
        pop.knowledge,
        pop.status,
        pop.voice,
        pop.dialogic,
        pop.endorsement,
        pop.calibrated,
        pop.main_type,
        pop.leader,
        table,
        values,
        scale,
        pop.action,
    )


_COUNT_SHAPES = {
    "heard": "gmm",
    "uptake": "gmm",
    "took_up": "gmm",
    "taken_up": "g",
    "mentioned": "ga",
}
"""The shape of each array of `kernel.Counts` not (G, m): g groups, m seats, a aspects."""


_COUNT_TYPES = {"heard": np.int32, "took_up": np.uint8}
"""The arrays of `kernel.Counts` kept as whole numbers of a smaller type (the rest are
float64): utterances a listener heard from a speaker (at most rounds x seats) and a
listener's take-ups of a challenger's challenges (at most one a round; rounds are at
most 50). The (G, m, m) arrays are most of a large plenary's memory (`memory`)."""


@lru_cache(maxsize=16)
def _count_layout(groups: int, seats: int, aspects: int) -> tuple[tuple[tuple, type], ...]:
    """The shape and type of each array of `kernel.Counts`, in order, for `groups` of
    `seats`."""
    sizes = {"g": groups, "m": seats, "a": aspects}
    return tuple(
        (tuple(sizes[d] for d in _COUNT_SHAPES.get(name, "gm")), _COUNT_TYPES.get(name, float))
        for name in kernel.Counts._fields
    )


_TallyFields = NamedTuple(  # the fields of kernel.Counts, not listed again
    "_TallyFields", [("seats", np.ndarray), *((f, np.ndarray) for f in kernel.Counts._fields)]
)


class Tally(_TallyFields):
    """What happened in a session: `seats` (G, m; the member in each seat, -1 for an
    empty one), then every array of `kernel.Counts` by its name (turns taken, who heard
    and took up whom, challenges...; their meanings are given there)."""

    __slots__ = ()

    @classmethod
    def empty(cls, seats: np.ndarray, aspects: int = len(KNOWLEDGE_TYPES)) -> Tally:
        """A tally of nothing yet, for a session in `seats`."""
        layout = _count_layout(*seats.shape, aspects)
        return cls(seats, *(np.zeros(shape, dtype) for shape, dtype in layout))

    @staticmethod
    def buffer_bytes(seats: np.ndarray, aspects: int = len(KNOWLEDGE_TYPES)) -> int:
        """Bytes of a buffer that holds a tally for `seats` (see `in_buffer`)."""
        layout = _count_layout(*seats.shape, aspects)
        return sum(_padded(shape, dtype) for shape, dtype in layout)

    @classmethod
    def in_buffer(
        cls, seats: np.ndarray, buffer: np.ndarray, aspects: int = len(KNOWLEDGE_TYPES)
    ) -> Tally:
        """A tally for `seats` whose arrays are views of `buffer` (bytes, `buffer_bytes`
        long, zeroed at once by ``buffer.fill(0)``), each starting 8-byte aligned."""
        arrays, at = [], 0
        for shape, dtype in _count_layout(*seats.shape, aspects):
            size = int(math.prod(shape)) * np.dtype(dtype).itemsize
            arrays.append(buffer[at : at + size].view(dtype).reshape(shape))
            at += _padded(shape, dtype)
        return cls(seats, *arrays)

    def arrays(self) -> kernel.Counts:
        """The arrays the kernel fills (views of this tally's)."""
        return kernel.Counts(*self[1:])

    @property
    def present(self) -> np.ndarray:
        """(G, m) True where a member sits."""
        return self.seats >= 0

    @property
    def listener_updates(self) -> int:
        """Listener updates: one listener weighing one utterance."""
        return int(np.add.reduce(self.heard, axis=None, dtype=np.int64))


def _padded(shape: tuple, dtype: type) -> int:
    """Bytes of an array of `shape` and `dtype`, rounded up to a multiple of 8."""
    return -(-int(math.prod(shape)) * np.dtype(dtype).itemsize // 8) * 8


def draw_numbers(
    rng: np.random.Generator, setting: Setting, shape: tuple[int, int], sampling: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Every random number a session of `shape` (G, m) under `setting` uses, drawn from
    `rng` before it starts in one fixed order: for action learning, keys that order each
    set, (G, m); then, one row per round, the free turns (m * G; not for action
    learning), who voices a challenge (G * m), who takes each challenger up (G * m * m)
    and, with `sampling`, which aspects each utterance mentions (G * (m + 1) * aspects),
    as `kernel.round_draws` reads them. Drawn whatever happens, so designs run on the
    same seed keep drawing the same numbers (common random numbers)."""
    learning, rows = draw_shapes(setting, shape, sampling)
    shuffle = rng.random(shape) if learning else np.zeros(shape)
    return shuffle, rng.random(rows)


def session_numbers(
    rng: np.random.Generator, setting: Setting, shape: tuple[int, int], sampling: bool = False
) -> tuple[np.ndarray, np.ndarray, np.random.Generator | None]:
    """The numbers `draw_numbers` draws, as `session.hold_packed` takes them: (shuffle,
    rows, None); or, for one group whose rows would take more than `memory.STREAM_ABOVE`
    bytes, (shuffle, one row to be filled, `rng`): the kernel then draws each round's row from
    `rng` as the round starts, the same numbers in the same order (rounds are the
    last of a session's draws), holding one row instead of all (a 20,000-member plenary:
    3 GiB a row)."""
    learning, rows = draw_shapes(setting, shape, sampling)
    if not memory.draws_as_rounds_start(shape[0], rows[0] * rows[1]):
        return (*draw_numbers(rng, setting, shape, sampling), None)
    shuffle = rng.random(shape) if learning else np.zeros(shape)
    return shuffle, np.empty((1, rows[1])), rng


def draw_shapes(
    setting: Setting, shape: tuple[int, int], sampling: bool = False
) -> tuple[bool, tuple[int, int]]:
    """What `draw_numbers` draws for a session of `shape` (G, m): whether it draws the
    keys of action-learning sets, and the shape of its rows of numbers per round."""
    g, m = shape
    learning = setting.turn_rule == "action_learning"
    per_round = (0 if learning else m * g) + g * m + g * m * m
    if sampling:
        per_round += g * (m + 1) * len(KNOWLEDGE_TYPES)
    return learning, (setting.rounds, per_round)


def hold_session(
    pop: Population,
    seats: np.ndarray,
    setting: Setting,
    params: dict,
    legitimacy: np.ndarray,
    rng: np.random.Generator,
) -> Tally:
    """Hold a session of the members `seats` (G, m; -1 empty) under `setting`, write its
    effects (beliefs, endorsement, capacity, learned credibility, ties) back into `pop`,
    and return its `Tally`."""
    return measured_session(pop, seats, setting, params, legitimacy, rng)[0]


def measured_session(
    pop: Population,
    seats: np.ndarray,
    setting: Setting,
    params: dict,
    legitimacy: np.ndarray,
    rng: np.random.Generator,
) -> tuple[Tally, np.ndarray, np.ndarray, int]:
    """`hold_session`, returning with the `Tally` what `outcomes.session_outcomes` gives
    for it (the group table and the pooled outcomes) and its listener updates (counted
    by `session.hold_packed`)."""
    seats = np.ascontiguousarray(seats, dtype=np.int64)
    tally = Tally.empty(seats)
    numbers = session_numbers(rng, setting, seats.shape, params["talk.sampling"])
    growth = float(params["ties.growth"])
    if growth != 0:
        pop.ties.make_room_for(seats)
    cross_gain, added, updates = hold_packed(
        _member_arrays(pop),
        seats,
        np.asarray(legitimacy, dtype=float),
        pop.problem.truth,
        tuple(rules(setting, params)),
        numbers,
        tally[1:],
        (pop.role, growth),
    )
    pop.ties.grown(cross_gain, added)
    table, pooled = session_outcomes(pop, tally)
    return tally, table, pooled, int(updates)


def credibility(
    pop: Population,
    seats: np.ndarray,
    legitimacy: np.ndarray,
    hierarchy: float,
    deference: float,
    trust: float = 0.0,
    deficit: float = 1.0,
) -> np.ndarray:
    """Credibility listener i gives speaker j in each group of `seats`, (G, m, m) in
    [0, 1], under the members' current endorsement and ties (`kernel.credibility`);
    `deficit` is `credibility.status_deficit` (ODD 7.3)."""
    seats = np.ascontiguousarray(seats, dtype=np.int64)
    legitimacy = np.asarray(legitimacy, dtype=float)
    return kernel.credibility(
        members(pop),
        seats,
        legitimacy,
        float(hierarchy),
        float(deference),
        float(trust),
        float(deficit),
    )


def speaking_weights(
    pop: Population, seats: np.ndarray, setting: Setting, gradient: float
) -> np.ndarray:
    """Chance of each seat taking a free turn, (G, m), rows summing to 1
    (`kernel.speaking_weights`)."""
    seats = np.ascontiguousarray(seats, dtype=np.int64)
    p = dict.fromkeys(_PARAMETER_OF.values(), 0.0) | {"turns.status_gradient": gradient}
    p |= {"action.motive": 0.0, "talk.sampling": False}  # read by `rules`, unused here
    r = rules(setting, p)
    return kernel.speaking_chances(members(pop), seats, r)


def leaders_present(pop: Population, seats: np.ndarray) -> np.ndarray:
    """(G, m) True where a member's own project leader sits in the same group."""
    return kernel.leaders_present(np.ascontiguousarray(seats, dtype=np.int64), pop.leader)
