"""A session in one compiled call: its rules, the growth of ties, its outcomes.

`hold_packed` is the one compiled function a session is handed to from Python (an
event's, through `dialogue.measured_session`, and the month's project meetings, through
`meeting.ProjectMeeting`): it zeroes the tally, holds the session (`kernel.hold_groups`),
grows the ties of every pair seated together (`tie_table.reinforce_groups`), makes the
group table and pooled outcomes (`outcomes.group_tables`) and counts the listener
updates. Every compiled function it calls is compiled once for it, and none of them
is called from Python in a run, so a fresh install compiles the kernel once.
"""

from __future__ import annotations

from numba import njit

from .kernel import Counts, Members, Rules, hold_groups
from .outcomes import group_tables
from .tie_table import reinforce_groups


@njit(cache=True)
def hold_packed(members, seats, legitimacy, truth, rules, numbers, counts, ties, group):
    """`kernel.hold_groups` with `Members`, `Rules` and `Counts` given as plain tuples of
    their fields in order (which a call from Python hands over several times faster)
    and the draws as (shuffle, draws), on counts zeroed first; then the ties of every
    pair seated together grow by their exchange (`ties`: each member's role and the
    growth rate, none if 0; the tie table must have room for the session's pairs); then
    `outcomes.group_tables` (`group`: each member's status and leader, and the summed
    columns). Returns the gain of cross-role ties, the pairs added to the tie table, the
    listener updates (utterances heard, summed), the group table and the pooled
    outcomes but their size-weighted ones (`outcomes.pool_by_size` fills those in)."""
    m, tally = Members(*members), Counts(*counts)
    _zero(tally)
    hold_groups(m, seats, legitimacy, truth, Rules(*rules), numbers[0], numbers[1], tally)
    role, growth = ties
    cross_gain, added = 0.0, 0
    if growth != 0.0:
        cross_gain, added = reinforce_groups(
            m.tie_table, m.tie_values, m.tie_scale, seats, tally.uptake, role, growth
        )
    status, leader, summed = group
    table, pooled = group_tables(seats, role, status, leader, counts, summed)
    heard, updates = tally.heard, 0.0  # whole numbers: summed exactly in any order
    for g in range(heard.shape[0]):
        for i in range(heard.shape[1]):
            for j in range(heard.shape[2]):
                updates += heard[g, i, j]
    return cross_gain, added, updates, table, pooled


@njit(cache=True)
def _zero(tally):
    """Set every array of the `Counts` `tally` to 0."""
    tally.turns.fill(0.0)
    tally.heard.fill(0.0)
    tally.uptake.fill(0.0)
    tally.challenges.fill(0.0)
    tally.taken_up.fill(0.0)
    tally.took_up.fill(0.0)
    tally.sanctions.fill(0.0)
    tally.experience.fill(0.0)
    tally.threat.fill(0.0)
    tally.actions_committed.fill(0.0)
    tally.actions_attempted.fill(0.0)
    tally.actions_taken_up.fill(0.0)
    tally.mentioned.fill(0.0)
