"""How much memory a run needs at most, worked out from its parameters before anything
is allocated.

A session of G groups of up to m seats holds arrays of G x m x m counts (who heard whom,
int32; the summed uptake, float64; take-ups, uint8) and, for the group in hand, two
(m, m) float64 arrays (credibility of each pair, the room's ties); its random numbers are
drawn before it starts, a row of G x m x m draws (who takes a challenger up) and a few
per seat for each round, except that a session of one group whose rows would exceed
`STREAM_ABOVE` holds one row, drawn afresh as each round starts
(`dialogue.session_numbers`). So an open plenary of many members grows with the square
of the room. The tie store holds one slot per pair who have met, in a hash table kept at
most half full that doubles when it fills (the old and the new table are both held while
it grows); before each session it makes room for every pair of the session. Where the
table would grow past a quarter of the bytes of a dense triangle of every pair, and
those are `DENSE_FROM` or more, the ties move into that triangle (`ties.Ties`; the
table and the triangle are both held while they move).
`check` refuses, in one line with the estimate, a run whose estimate exceeds the memory
this process may use (`budget`), instead of letting it die halfway with a `MemoryError`
or the system's out-of-memory killer.
"""

from __future__ import annotations

import math
import os
from functools import lru_cache
from typing import Any

from ..errors import SettingError
from ..limits import address_limit

FLOAT = 8
"""Bytes of one float64 (and of one int64)."""

PAIR_BYTES = 4 + 8 + 1
"""Bytes of a pair of seats in a session's tally: heard (int32), uptake (float64),
take-ups (uint8)."""

ROOM_SQUARES = 2
"""(m, m) float64 arrays of the group being held: credibility and the room's ties."""

SEAT_ARRAYS = 12
"""(G, m) arrays of a session's tally and the members' working copies."""

MENTIONS = 4
"""Draws per possible utterance when talk samples information: one per aspect."""

STREAM_ABOVE = 2**26
"""Bytes of a session's rows of random numbers above which a session of one group (an
open plenary) draws each round's row as the round starts (`dialogue.session_numbers`)."""

TIE_SLOT = 16
"""Bytes of one slot of the tie store's hash table: the pair's key and its strength."""

DENSE_FROM = 2**24
"""Bytes of the ties' dense layout below which ties always stay in the hash table (16
MiB: about 2,000 members; small runs keep the table and its order of pairs)."""

BUDGET_VARIABLE = "EXSIM_MEMORY_LIMIT"
"""Environment variable that sets the budget, e.g. ``16G`` or ``500M`` (bytes if no unit)."""


def draw_row(groups: int, seats: int) -> int:
    """An upper bound on the numbers in one round's row of a session's draws (free turns,
    voices, take-ups, mentions; `dialogue.draw_shapes`)."""
    return 2 * groups * seats + groups * seats * seats + MENTIONS * groups * (seats + 1)


def draws_as_rounds_start(groups: int, numbers: int) -> bool:
    """Whether a session of `groups` groups whose rows of draws hold `numbers` numbers in
    all draws each round's row as the round starts (`dialogue.session_numbers`)."""
    return groups == 1 and FLOAT * numbers > STREAM_ABOVE


def streams(groups: int, seats: int, rounds: int) -> bool:
    """Whether a session surely draws each round's row as the round starts (see module):
    its rows hold at least the voices and take-ups, G x m x (m + 1) numbers a round."""
    return draws_as_rounds_start(groups, rounds * groups * seats * (seats + 1))


def session_bytes(groups: int, seats: int, rounds: int) -> int:
    """Peak bytes of a session's arrays: groups x seats, `rounds` rounds."""
    rows = 1 if streams(groups, seats, rounds) else rounds
    numbers = FLOAT * (rows * draw_row(groups, seats) + groups * seats)  # and the set keys
    tally = PAIR_BYTES * groups * seats * seats + FLOAT * SEAT_ARRAYS * groups * seats
    return numbers + tally + FLOAT * ROOM_SQUARES * seats * seats


def dense_tie_sizes(members: int) -> tuple[int, int]:
    """(int64 words of the met bits, float64 strengths) of the ties' dense layout."""
    pairs = members * (members - 1) // 2
    return pairs // 64 + 2, pairs  # never equally long: that would read as a hash table


def dense_tie_bytes(members: int) -> int:
    """Bytes of the ties' dense layout for `members`."""
    return FLOAT * sum(dense_tie_sizes(members))


def turns_dense(members: int, slots: int) -> bool:
    """Whether a tie store of `members` whose hash table grows to `slots` slots moves
    into the dense layout instead (see module)."""
    dense = dense_tie_bytes(members)
    return dense >= DENSE_FROM and TIE_SLOT * slots > dense // 4


def tie_store_bytes(pairs: int, members: int) -> int:
    """Peak bytes of the tie store of `members` holding `pairs` pairs: the hash table
    while it last doubles, or, if it moves into the dense layout, the largest table it
    holds before and the dense layout, both held while the ties move."""
    slots = 64
    while pairs > slots // 2:
        slots *= 2
    if not turns_dense(members, slots):
        return TIE_SLOT * (slots + slots // 2)
    kept = 64
    while not turns_dense(members, 2 * kept):
        kept *= 2
    return dense_tie_bytes(members) + TIE_SLOT * kept


def event_months(p: dict[str, Any]) -> int:
    """How many months of the run hold an event."""
    every, until, steps = p["event.every"], p["event.until"], p["run.steps"]
    last = min(steps, until) if until else steps
    return 0 if every == 0 else -(-last // every)


def groups_of(members: int, size: int) -> tuple[int, int]:
    """(groups, seats per group) when `members` are seated in groups of at most `size`."""
    seats = min(size, members)
    return -(-members // seats), seats


def estimate(p: dict[str, Any]) -> dict[str, int]:
    """Peak bytes of the largest event session, the project meetings and the tie store
    of a run with parameters `p` (dotted names), each an upper bound."""
    n = p["population.size"]
    if p["event.format"] == "plenary":
        event_groups, event_seats = 1, n
    else:
        event_groups, event_seats = groups_of(n, p["event.group_size"])
    team_groups, team_seats = groups_of(n, p["project.size"])
    event_pairs = event_groups * event_seats * (event_seats - 1) // 2
    team_pairs = team_groups * team_seats * (team_seats - 1) // 2
    pairs = min(n * (n - 1) // 2, team_pairs + event_months(p) * event_pairs)
    return {
        "event": session_bytes(event_groups, event_seats, p["event.rounds"]),
        "projects": session_bytes(team_groups, team_seats, p["project.rounds"]),
        # before a session, the store makes room for every pair of it on top of those held
        "ties": tie_store_bytes(pairs + max(event_pairs, team_pairs), n),
    }


def peak_bytes(p: dict[str, Any]) -> int:
    """An upper bound on the memory of a run's model state with parameters `p`."""
    parts = estimate(p)
    return max(parts["event"], parts["projects"]) + parts["ties"]


@lru_cache(maxsize=1)
def budget() -> tuple[int, str]:
    """The memory a run may use, in bytes, and where that figure comes from: the
    environment variable ``EXSIM_MEMORY_LIMIT`` if set, else the smaller of this
    machine's memory and this process's address-space limit."""
    text = os.environ.get(BUDGET_VARIABLE, "").strip()
    if text:
        return parse_bytes(text), BUDGET_VARIABLE
    found = [(_physical_memory(), "this machine's memory")]
    soft = address_limit()
    if soft is not None:
        found.append((soft, "this process's memory limit"))
    return min(found)


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # not POSIX: no figure, no refusal
        return 2**62


UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_bytes(text: str) -> int:
    """``"16G"``, ``"1.5G"``, ``"500M"``, ``"1048576"`` to bytes, a size with a unit
    rounded down to whole bytes (``"1.1G"``); a `SettingError` naming the environment
    variable for anything else, such as ``"0.5"`` (half a byte) or less than one byte."""
    number, unit = text.rstrip("Bb").rstrip("iI"), ""
    if number and number[-1].upper() in UNITS:
        number, unit = number[:-1], number[-1].upper()
    where = f"environment variable {BUDGET_VARIABLE} = {text!r}"
    try:
        value = float(number) * UNITS[unit]
    except ValueError:
        raise SettingError(f"{where}: {ALLOWED}") from None
    # with a unit, round down (1.1G is 1181116006.4 bytes); a bare count must be whole
    if not math.isfinite(value) or math.floor(value) < 1 or (not unit and value % 1):
        raise SettingError(f"{where}: not a whole number of bytes above 0; {ALLOWED}")
    return math.floor(value)


ALLOWED = "give a size such as 16G, 1.5G or 500M, or a whole number of bytes"
"""What `BUDGET_VARIABLE` may hold, as an error message says it."""


def gigabytes(n: int) -> str:
    """Bytes as ``12.3 GB`` (powers of 1024)."""
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{n / 2**20:.0f} MB"


def check(p: dict[str, Any]) -> None:
    """Refuse, with `ValueError` naming the parameters and the estimate, a run that
    would need more memory than `budget` allows."""
    need = peak_bytes(p)
    allowed, source = budget()
    if need <= allowed:
        return
    parts = estimate(p)
    room = (
        "an open plenary of all of them"
        if p["event.format"] == "plenary"
        else f"groups of {p['event.group_size']}"
    )
    raise ValueError(
        f"population.size = {p['population.size']} in {room}: the run would need about "
        f"{gigabytes(need)} (largest session {gigabytes(max(parts['event'], parts['projects']))},"
        f" ties {gigabytes(parts['ties'])}), more than {source} ({gigabytes(allowed)}); "
        f"use fewer members{'' if p['event.format'] == 'plenary' else ' or smaller groups'}, "
        f"or set {BUDGET_VARIABLE}"
    )
