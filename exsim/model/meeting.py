"""The month's project meetings, with what does not change from month to month kept.

Every month every project team meets in the same seats (teams are fixed, ODD 2) under
the same setting and rules, so what such a meeting needs beyond the members' state is
made at the first meeting and kept (`ProjectMeeting`): the seats, the kernel's rules, the
arrays of its `Tally` (views of one buffer, zeroed at once) and those the random
numbers are drawn into. A month's meeting is then the compiled call of a session
(`session.hold_packed`: the session and the ties' growth) and that of its group table
and pooled outcomes, on the random numbers `dialogue.draw_numbers` would draw, in its
order: the same as `dialogue.hold_session` followed by `outcomes.session_outcomes`. The month's
close (`projects.end_month`) stays a call of its own: it weighs members by NumPy's
`exp` of their status, which the meeting changes."""

from __future__ import annotations

import numpy as np

from .dialogue import _READ, Tally, _member_arrays, draw_shapes, rules
from .outcomes import seated_outcomes
from .population import Population
from .projects import project_setting
from .session import hold_packed


class ProjectMeeting:
    """A model's monthly project meeting in the `seats` (teams, seats; -1 empty) under
    parameters `p`, with everything that stays the same from month to month kept. It
    reads the parameters it depends on again every month (`fits`) and takes the members'
    arrays from the population at every meeting (so a replaced array is the one used).
    A copy (`copy.deepcopy`, pickling) has its own tally, views of its own buffer."""

    def __init__(self, pop: Population, seats: np.ndarray, p: dict):
        self.key = _key(p)
        self.setting = project_setting(p)
        self.seats = np.ascontiguousarray(seats, dtype=np.int64)
        self.rules = tuple(rules(self.setting, p))
        self.sampling = p["talk.sampling"]
        self.growth = float(p["ties.growth"])
        self.learning, rows = draw_shapes(self.setting, self.seats.shape, self.sampling)
        self.shuffle, self.draws = np.zeros(self.seats.shape), np.zeros(rows)  # refilled
        self.buffer = np.zeros(Tally.buffer_bytes(self.seats), dtype=np.uint8)
        self._views()

    def _views(self) -> None:
        """Make the tally (views of the buffer) and the arguments of the compiled calls
        that stay the same from month to month (the tally's counts, the random numbers'
        arrays)."""
        self.tally = Tally.in_buffer(self.seats, self.buffer)  # views of one buffer
        self.counts = self.tally[1:]
        self.numbers = (self.shuffle, self.draws, None)

    def __getstate__(self) -> dict:
        """What a copy keeps: all but the views of its arrays, remade on its own."""
        return {k: v for k, v in self.__dict__.items() if k not in _VIEWS}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._views()

    def fits(self, p: dict) -> bool:
        """Whether parameters `p` still give this meeting's setting, rules and growth."""
        return _key(p) == self.key

    def hold(
        self, pop: Population, legitimacy: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, int]:
        """Hold the month's meeting under the knowledge types' `legitimacy`, on random
        numbers from `rng` (drawn as `dialogue.draw_numbers` draws them). Returns its
        pooled outcomes (`outcomes.SUMMARY_OUTCOMES`) and its listener updates; `tally`
        then holds what happened, until the next meeting."""
        if self.learning:  # the numbers `draw_numbers` draws, in its order
            rng.random(out=self.shuffle)
        rng.random(out=self.draws)
        if self.growth != 0:
            pop.ties.make_room_for(self.seats)
        self.buffer.fill(0)  # the tally starts at 0
        seats, counts, role = self.seats, self.counts, pop.role
        cross_gain, added, updates = hold_packed(
            _member_arrays(pop),
            seats,
            np.asarray(legitimacy, dtype=float),
            pop.problem.truth,
            self.rules,
            self.numbers,
            counts,
            (role, self.growth),
        )
        pop.ties.grown(cross_gain, added)
        return seated_outcomes(pop, seats, counts)[1], int(updates)


_VIEWS = ("tally", "counts", "numbers")
"""A meeting's attributes that are views of (or hold) its arrays: remade in a copy."""


def _key(p: dict) -> tuple:
    """The parameters a project meeting's setting, rules and tie growth are made of."""
    return (_READ(p), p["project.rounds"], p["project.targets"], p["ties.growth"])
