"""A session handed to the compiled rules in one call.

`hold_packed` is the compiled function a session is handed to from Python (an event's,
through `dialogue.measured_session`, and the month's project meetings, through
`meeting.ProjectMeeting`): it holds the session (`kernel.hold_groups`), grows the ties
of every pair seated together (`tie_table.reinforce_groups`) and counts the listener
updates. The group table and pooled outcomes (`outcomes.group_tables`) are a call of
their own: Numba compiles into a compiled function every compiled function it calls
and optimises the whole again, so folding them in here made the first compile longer.
"""

from __future__ import annotations

from numba import njit

from .kernel import Counts, Members, Rules, hold_groups
from .tie_table import reinforce_groups


@njit(cache=True)
def hold_packed(members, seats, legitimacy, truth, rules, numbers, counts, ties):
    """`kernel.hold_groups` with `Members`, `Rules` and `Counts` given as plain tuples of
    their fields in order (which a call from Python hands over several times faster)
    and the draws as (shuffle, draws, stream) (see `kernel.hold_groups`; `stream` None
    when every row of `draws` is drawn), on counts that start at 0; then the ties of
    every pair seated together grow by their exchange (`ties`: each member's role and
    the growth rate, none if 0; the tie table must have room for the session's pairs).
    Returns the gain of cross-role ties, the pairs added to the tie table and the
    listener updates (utterances heard, summed)."""
    m, tally = Members(*members), Counts(*counts)
    shuffle, draws, stream = numbers
    hold_groups(m, seats, legitimacy, truth, Rules(*rules), shuffle, draws, tally, stream)
    role, growth = ties
    cross_gain, added = 0.0, 0
    if growth != 0.0:
        cross_gain, added = reinforce_groups(
            m.tie_table, m.tie_values, m.tie_scale, seats, tally.uptake, role, growth
        )
    heard, updates = tally.heard, 0.0  # whole numbers: summed exactly in any order
    for g in range(heard.shape[0]):
        for i in range(heard.shape[1]):
            for j in range(heard.shape[2]):
                updates += heard[g, i, j]
    return cross_gain, added, updates
