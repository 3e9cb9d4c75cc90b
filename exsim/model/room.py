"""The room of a session, compiled with Numba: a group's members copied out of the
population (`Room`), what they make of each other (credibility, ODD 7.7) and who gets a
turn (speaking weights, ODD 7.5).

`kernel.hold_groups` seats each group in a `Room` (`seat_group`) before its rounds; the
members' arrays are `Members`. Within a group, seat ``i`` is the listener and seat ``j``
the speaker (ODD 7).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numba import njit

from .tie_table import tie_strength

if TYPE_CHECKING:
    from .kernel import Rules


class Members(NamedTuple):
    """The population's arrays (one row per member) that the kernel reads or writes."""

    beliefs: np.ndarray  # (n, aspects), written
    knowledge: np.ndarray  # (n, aspects)
    status: np.ndarray  # (n,)
    voice: np.ndarray  # (n,)
    dialogic: np.ndarray  # (n,), written
    endorsement: np.ndarray  # (n,), written
    calibrated: np.ndarray  # (n, types), written
    main_type: np.ndarray  # (n,) index of each member's main knowledge type
    leader: np.ndarray  # (n,) each member's project leader
    tie_table: np.ndarray  # the pair keys of `ties.Ties` (a hash table, -1 empty)
    tie_values: np.ndarray  # each pair's strength before the shared scale
    tie_scale: float  # the ties' shared fading scale
    action: np.ndarray  # (n,) 1 where a member holds an action to try in the project, written


class Room(NamedTuple):
    """One group's members, copied out of the population for its session (so the inner
    loops read small contiguous arrays, not rows scattered across the population)."""

    present: np.ndarray  # (m,) bool: a member sits in the seat
    status: np.ndarray  # (m,)
    kind: np.ndarray  # (m,) main knowledge type
    knowledge: np.ndarray  # (m, aspects)
    calibrated: np.ndarray  # (m, types)
    dialogic: np.ndarray  # (m,) as at the start of the session
    voice: np.ndarray  # (m,)
    leader_gap: np.ndarray  # (m,) own leader's status over one's own, if the leader is here
    beliefs: np.ndarray  # (m, aspects) views, changed by the session
    endorsement: np.ndarray  # (m,) endorsement of the norm, changed by the session
    scratch: np.ndarray  # (3, m) work space of the rules, reused by every group
    voiced: np.ndarray  # (m,) bool: voiced a challenge this round
    by_kind: np.ndarray  # (2, types) work space of calibration
    unfamiliar: np.ndarray  # (m,) share of the others of another knowledge type, less ties
    threat: np.ndarray  # (m,) threat felt from status set aside (see `_threats`)
    tie: np.ndarray  # (m, m) tie strengths between the seats
    tied: np.ndarray  # (m,) mean tie strength to the others present
    action: np.ndarray  # (m,) 1 where a member holds a pending action
    committed: np.ndarray  # (m,) 1 where a member presented and leaves with an action
    taken_from: np.ndarray  # (m,) take-ups of each member's challenge this round
    mention: np.ndarray  # (aspects,) bool: the aspects the current utterance mentions
    shared: np.ndarray  # (aspects,) mean knowledge of each aspect present, ** shared_bias


@njit(cache=True, no_cpython_wrapper=True)
def empty_room(m: Members, seats: int) -> Room:
    """A `Room` of `seats` seats for members `m`, to be filled by `seat_group`."""
    aspects, types = m.beliefs.shape[1], m.calibrated.shape[1]
    return Room(
        np.zeros(seats, dtype=np.bool_),
        np.zeros(seats),
        np.zeros(seats, dtype=np.int64),
        np.ones((seats, aspects)),
        np.zeros((seats, types)),
        np.zeros(seats),
        np.zeros(seats),
        np.zeros(seats),
        np.zeros((seats, aspects)),
        np.zeros(seats),
        np.zeros((3, seats)),
        np.zeros(seats, dtype=np.bool_),
        np.zeros((2, types)),
        np.zeros(seats),
        np.zeros(seats),
        np.zeros((seats, seats)),
        np.zeros(seats),
        np.zeros(seats),
        np.zeros(seats),
        np.zeros(seats),
        np.ones(aspects, dtype=np.bool_),
        np.zeros(aspects),
    )


@njit(cache=True, no_cpython_wrapper=True, inline="always")
def seat_group(room: Room, m: Members, group: np.ndarray, ties: bool) -> int:
    """Copy the members of `group` (member indices, -1 empty) into `room`; returns how
    many there are. With `ties`, also the ties between them (`_seat_ties`); without,
    the room's tie arrays are left at 0 (for rules that read no tie)."""
    size = np.int64(0)  # not a literal: Numba would compile `_seat_ties` for a literal 0 too
    for i in range(len(group)):
        k = group[i]
        room.present[i] = k >= 0
        if k < 0:
            continue
        size += 1
        room.status[i] = m.status[k]
        room.kind[i] = m.main_type[k]
        copy_row(room.knowledge[i], m.knowledge[k])
        copy_row(room.calibrated[i], m.calibrated[k])
        room.dialogic[i] = m.dialogic[k]
        room.voice[i] = m.voice[k]
        copy_row(room.beliefs[i], m.beliefs[k])
        room.endorsement[i] = m.endorsement[k]
        room.action[i] = m.action[k]
        room.committed[i] = 0.0
        j = _leader_seat(group, i, m.leader)
        room.leader_gap[i] = max(0.0, m.status[group[j]] - m.status[k]) if j >= 0 else 0.0
    if ties:
        _seat_ties(room, m, group, size)
    else:
        room.tie[:] = 0.0
        room.tied[:] = 0.0
        room.unfamiliar[:] = 0.0
    for a in range(len(room.shared)):
        total = 0.0
        for i in range(len(group)):
            if group[i] >= 0:
                total += room.knowledge[i, a]
        room.shared[a] = total / max(size, 1)
    return size


@njit(cache=True, no_cpython_wrapper=True)
def copy_row(to, row):
    """Copy `row` into `to` (of the same length) element by element: an array assignment
    would compile Numba's shape check and the message of its error."""
    for a in range(len(to)):
        to[a] = row[a]


@njit(cache=True, no_cpython_wrapper=True)
def _seat_ties(room, m, group, size):
    """Fill `room.tie` with the ties between the seats, and for each member
    `room.tied`, the mean tie to the others present, and `room.unfamiliar`, the share of
    the others who hold another main knowledge type, each counted less the tie to them."""
    n = len(m.leader)
    for i in range(len(group)):
        room.unfamiliar[i] = 0.0
        room.tied[i] = 0.0
        for j in range(len(group)):
            room.tie[i, j] = 0.0
            if group[i] >= 0 and group[j] >= 0 and j != i:
                room.tie[i, j] = tie_strength(m, group[i], group[j], n)
        if group[i] < 0 or size < 2:
            continue
        unfamiliar, tied = 0.0, 0.0
        for j in range(len(group)):
            if group[j] >= 0 and j != i:
                tied += room.tie[i, j]
                if room.kind[j] != room.kind[i]:
                    unfamiliar += 1.0 - room.tie[i, j]
        room.unfamiliar[i] = unfamiliar / (size - 1)
        room.tied[i] = tied / (size - 1)


@njit(cache=True, no_cpython_wrapper=True)
def reads_ties(rules):
    """Whether a session under `rules` reads the ties between its members."""
    felt = rules.threat_contact > 0.0 and rules.threat_sensitivity * (1.0 - rules.hierarchy) > 0.0
    return rules.trust > 0.0 or rules.tie_safety > 0.0 or rules.discomfort_weight > 0.0 or felt


@njit(cache=True, no_cpython_wrapper=True)
def shared_factors(room, rules):
    """Turn `room.shared`, the room's mean knowledge of each aspect, into the factor it
    puts on the chance of mentioning that aspect: to the power `shared_bias`, once per
    group rather than once per utterance (ODD 7.25)."""
    if rules.sampling > 0.0 and rules.shared_bias != 1.0:
        for a in range(len(room.shared)):
            room.shared[a] = room.shared[a] ** rules.shared_bias


# --- what a group's members make of each other -------------------------------------------


@njit(cache=True)
def credibility(
    m: Members,
    seats: np.ndarray,
    legitimacy: np.ndarray,
    h: float,
    d: float,
    t: float,
    deficit: float,
) -> np.ndarray:
    """Credibility listener i gives speaker j in each group of `seats` (G, m), (G, m, m)
    in [0, 1], under the members' current endorsement; see `credibility_of`."""
    cred = np.zeros((seats.shape[0], seats.shape[1], seats.shape[1]))
    room = empty_room(m, seats.shape[1])
    for g in range(seats.shape[0]):
        seat_group(room, m, seats[g], True)
        for i in range(seats.shape[1]):
            credibility_of(cred[g], i, room, legitimacy, h, d, t, deficit)
    return cred


@njit(cache=True, no_cpython_wrapper=True)
def credibility_of(cred, i, room, legitimacy, h, d, t, deficit):
    """Fill in row i of `cred`: the credibility listener i gives each speaker j.

    The weight i gives j's knowledge type: its legitimacy as far as i endorses the norm,
    what i learned for the rest; raised by j's status over i's where hierarchy `h`
    applies, with deference `d`, or lowered by i's status over j's, with `deficit` times
    that deference (testimonial injustice); then moved toward 1 by trust `t` times the
    tie between them (ODD 7.3, 7.21).
    """
    if not room.present[i]:
        return
    e = room.endorsement[i]
    for j in range(len(room.present)):
        if room.present[j]:
            kind = room.kind[j]
            weight = e * legitimacy[kind] + (1.0 - e) * room.calibrated[i, kind]
            gap = room.status[j] - room.status[i]
            if gap < 0.0:
                gap *= deficit
            c = min(max(weight * (1.0 + d * h * gap), 0.0), 1.0)
            if t > 0.0:
                c += t * room.tie[i, j] * (1.0 - c)
            cred[i, j] = c


@njit(cache=True, no_cpython_wrapper=True)
def credibility_row(cred, i, room, legitimacy, rules):
    """`credibility_of` row i under a session's `rules`."""
    credibility_of(
        cred,
        i,
        room,
        legitimacy,
        rules.hierarchy,
        rules.status_deference,
        rules.trust,
        rules.status_deficit,
    )


@njit(cache=True)
def speaking_weights(present, status, voice, dialogic, size, rules: Rules, weights) -> None:
    """Fill `weights` with each seat's chance of taking a free turn, summing to 1 over the
    `size` members of the room (0 for empty seats).

    Voice and dialogic capacity raise the chance; where hierarchy applies so does status,
    exp(gradient * h * (s - the group's mean status)) (expectation states); facilitation
    mixes the chances toward equal turns. The room's `present`, `status`, `voice` and
    `dialogic` come one by one, not as the `Room`: each array handed to a compiled call
    costs an atomic reference count taken and given back.
    """
    total_status, lowest, highest = 0.0, np.inf, -np.inf
    for i in range(len(weights)):
        if present[i]:
            total_status += status[i]
            lowest, highest = min(lowest, status[i]), max(highest, status[i])
    mean_status = total_status / max(size, 1)
    total = 0.0
    for i in range(len(weights)):
        weights[i] = 0.0
        if present[i]:
            push = 1.0  # among equals exactly (their mean can miss them in the last bit)
            if highest > lowest:
                push = math.exp(rules.status_gradient * rules.hierarchy * (status[i] - mean_status))
            weights[i] = voice[i] * (0.5 + dialogic[i]) * push
            total += weights[i]
    total = max(total, 1e-300)
    f = rules.facilitation
    for i in range(len(weights)):
        if present[i]:
            weights[i] = (1.0 - f) * (weights[i] / total) + f / max(size, 1)


@njit(cache=True)
def speaking_chances(m: Members, seats: np.ndarray, rules: Rules) -> np.ndarray:
    """`speaking_weights` of every group of `seats` (G, m)."""
    weights = np.zeros(seats.shape)
    room = empty_room(m, seats.shape[1])
    for g in range(seats.shape[0]):
        size = seat_group(room, m, seats[g], False)
        speaking_weights(
            room.present, room.status, room.voice, room.dialogic, size, rules, weights[g]
        )
    return weights


@njit(cache=True)
def leaders_present(seats: np.ndarray, leader: np.ndarray) -> np.ndarray:
    """Whether each seat's own project leader sits in the same group (G, m)."""
    out = np.zeros(seats.shape, dtype=np.bool_)
    for g in range(seats.shape[0]):
        for i in range(seats.shape[1]):
            out[g, i] = _leader_seat(seats[g], i, leader) >= 0
    return out


@njit(cache=True, no_cpython_wrapper=True)
def _leader_seat(group: np.ndarray, i: int, leader: np.ndarray) -> int:
    """The seat in `group` of seat i's own project leader; -1 if the seat is empty, its
    member leads the team, or the leader sits elsewhere."""
    k = group[i]
    if k < 0 or leader[k] == k:
        return -1
    for j in range(len(group)):
        if group[j] == leader[k]:
            return j
    return -1
