"""Exchange Network events: who comes, how the room is divided, and the event's rules.

Events sit at a distance from projects: they can suspend project hierarchy (wholly or in
part), are facilitated, and follow one of three formats.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from .dialogue import Setting, Tally
from .population import Population
from .vocabulary import ROLES

TURN_RULES = {
    "action_learning": "action_learning",  # presenter, questions, reflection
    "plenary": "lottery",  # one room, free turns
    "facilitated_dialogue": "balanced",  # small groups, facilitator invites the quiet
}


def event_setting(p: dict) -> Setting:
    """The rules of an event under design parameters `p` (dotted names)."""
    return Setting(
        hierarchy=1.0 - p["event.suspension"],
        facilitation=p["event.facilitation"],
        turn_rule=TURN_RULES[p["event.format"]],
        rounds=p["event.rounds"],
    )


def event_legitimacy(legitimacy: np.ndarray, p: dict) -> np.ndarray:
    """The legitimacy of each knowledge type in an event's room, (types,): the norm's
    `legitimacy` moved toward its mean by `event.knowledge_space` (ODD 7.22). Unchanged
    at 0, or where every type is equally legitimate."""
    k = p["event.knowledge_space"]
    if k == 0 or np.all(legitimacy == legitimacy[0]):
        return legitimacy
    return (1.0 - k) * legitimacy + k * legitimacy.mean()


def event_due(step: int, p: dict) -> bool:
    """Whether an event is held in month `step` (1-based): the first month, then every
    `event.every` months, until `event.until` if that is set."""
    every, until = p["event.every"], p["event.until"]
    if every == 0 or (until and step > until):
        return False
    return (step - 1) % every == 0


def choose_attendees(
    pop: Population, p: dict, rng: np.random.Generator, weight: np.ndarray | None = None
) -> np.ndarray:
    """Indices of the members who attend this event.

    Voluntary: each member comes with chance `attendance.rate` times their role's weight
    times exp(responsiveness * (experience - reference)), their remembered experience of
    earlier events (ODD 7.19). Not voluntary: round(rate * size) members are sent, drawn
    in proportion to their role's weight. `weight`: each member's role weight,
    `attendance_weights` (worked out here if not given).
    """
    weight = attendance_weights(pop, p) if weight is None else weight
    rate = p["attendance.rate"]
    if p["attendance.voluntary"]:
        chance = rate * weight
        if p["attendance.responsiveness"] > 0:
            lean = pop.experience - p["attendance.reference"]
            chance = chance * np.exp(p["attendance.responsiveness"] * lean)
        return _coming(rng.random(pop.size), chance)
    share = weight / weight.sum() if weight.sum() > 0 else weight
    n = min(int(round(rate * pop.size)), int(np.count_nonzero(share)))
    if n == 0:
        return np.empty(0, dtype=int)
    chosen = rng.choice(pop.size, size=n, replace=False, p=share)
    return np.sort(chosen)


def attendance_weights(pop: Population, p: dict) -> np.ndarray:
    """Each member's role weight in choosing who attends (``attendance.<role>``)."""
    return np.array([p[f"attendance.{r}"] for r in ROLES])[pop.role]


@njit(cache=True)
def _coming(draws: np.ndarray, chance: np.ndarray) -> np.ndarray:
    """The members whose draw is below their `chance` clipped to [0, 1] (a NaN chance
    stays NaN: nobody with it comes), in order."""
    came = np.empty(len(draws), dtype=np.int64)
    n = 0
    for i in range(len(draws)):
        c = chance[i]
        if c < 0.0:
            c = 0.0
        elif c > 1.0:
            c = 1.0
        if draws[i] < c:
            came[n] = i
            n += 1
    return came[:n]


def remember_event(pop: Population, tally: Tally, p: dict) -> None:
    """Each attendee's remembered experience moves toward their experience of this event
    (credit received less threat and discomfort felt, `Tally.experience`) by
    `attendance.memory` (ODD 7.19)."""
    _remember(pop.experience, tally.seats, tally.experience, float(p["attendance.memory"]))


@njit(cache=True)
def _remember(experience, seats, felt, memory):
    """`remember_event` on the members' `experience`, the session's `seats` and what
    each seat `felt` (`Tally.experience`): the same arithmetic, seat by seat."""
    for g in range(seats.shape[0]):
        for c in range(seats.shape[1]):
            k = seats[g, c]
            if k >= 0:
                experience[k] += memory * (felt[g, c] - experience[k])


def form_groups(
    pop: Population, attendees: np.ndarray, p: dict, rng: np.random.Generator
) -> np.ndarray:
    """Seat attendees in groups: an array (groups, seats) of member indices, -1 empty."""
    if p["event.format"] == "plenary":
        return rng.permutation(attendees)[None, :]
    # as many groups as keep each within the group size, but nobody alone
    n_groups = max(1, min(-(-len(attendees) // p["event.group_size"]), len(attendees) // 2))
    grouping = p["event.grouping"]
    shuffled, keys = _seating_keys(pop, attendees, grouping, rng)
    seats = _dealt(shuffled, keys, n_groups, grouping == "by_project")
    if not p["event.superiors_present"]:
        _separate_from_leaders(seats, pop.leader)
    return seats


_NO_KEYS = np.empty(0, dtype=np.int64)


def _seating_keys(
    pop: Population, attendees: np.ndarray, grouping: str, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Attendees shuffled, and the keys by which they are then put in order (stably)
    before they are dealt into groups: their role (to spread roles across groups), their
    project's place in a random order of projects (to keep teams together), or none."""
    shuffled = rng.permutation(attendees)
    if grouping == "mixed_roles":
        return shuffled, pop.role[shuffled].astype(np.int64)
    if grouping == "by_project":
        project_order = rng.permutation(pop.project.max() + 1)
        return shuffled, project_order[pop.project[shuffled]].astype(np.int64)
    return shuffled, _NO_KEYS


def deal(order: np.ndarray, n_groups: int, chunked: bool, avoid: np.ndarray | None) -> np.ndarray:
    """Deal members in `order` into `n_groups` groups of near-equal size.

    Round-robin spreads neighbours in the order across groups (mixing); `chunked` keeps
    them together (teams). With `avoid` (each member's leader), anyone seated with their
    own leader is swapped with someone in another group where that is possible.
    """
    seats = _dealt(np.asarray(order, dtype=np.int64), _NO_KEYS, n_groups, chunked)
    if avoid is not None:
        _separate_from_leaders(seats, avoid)
    return seats


@njit(cache=True)
def _dealt(order: np.ndarray, keys: np.ndarray, n_groups: int, chunked: bool) -> np.ndarray:
    """`deal` without `avoid`, the members of `order` first put in order of their `keys`
    (stably: a counting sort, as ``np.argsort(kind="stable")`` orders them) unless
    `keys` is empty. Position k of the order goes to group k mod `n_groups`, seat k //
    `n_groups`; chunked, to group k * `n_groups` // n, in the order of its group."""
    n = len(order)
    if len(keys):
        count = np.zeros(keys.max() + 2, dtype=np.int64)
        for k in keys:
            count[k + 1] += 1
        for v in range(1, len(count)):
            count[v] += count[v - 1]
        ordered = np.empty(n, dtype=np.int64)
        for i in range(n):
            ordered[count[keys[i]]] = order[i]
            count[keys[i]] += 1
        order = ordered
    group = np.empty(n, dtype=np.int64)
    seat = np.empty(n, dtype=np.int64)
    first = 0
    for k in range(n):
        if chunked:
            group[k] = (k * n_groups) // n
            if k == 0 or group[k] != group[k - 1]:
                first = k
            seat[k] = k - first
        else:
            group[k] = k % n_groups
            seat[k] = k // n_groups
    seats = np.full((n_groups, seat.max() + 1), -1, dtype=np.int64)
    for k in range(n):
        seats[group[k], seat[k]] = order[k]
    return seats


@njit(cache=True)
def _separate_from_leaders(seats: np.ndarray, leader: np.ndarray) -> None:
    """Swap members out of groups that hold their own leader, in place; where no member
    can move, move the leader out instead. Partners are sought among the seated members
    in seat order (group by group), the first that fits taken."""
    group_of = np.full(len(leader), -1, dtype=np.int64)
    seated = seats.ravel()[seats.ravel() >= 0]  # in seat order
    for g in range(seats.shape[0]):
        for c in range(seats.shape[1]):
            if seats[g, c] >= 0:
                group_of[seats[g, c]] = g
    for g, c in _seated_with_leader(seats, leader, group_of):
        member = seats[g, c]
        if leader[member] == member or group_of[leader[member]] != g:
            continue
        # a partner elsewhere who is not a leader, whose leader is not in g, and whose
        # group does not hold the member's leader
        partner = -1
        for s in seated:
            if (
                group_of[s] != g
                and leader[s] != s
                and group_of[leader[s]] != g
                and group_of[s] != group_of[leader[member]]
            ):
                partner = s
                break
        if partner >= 0:
            _swap(seats, group_of, member, partner)
    for g, c in _seated_with_leader(seats, leader, group_of):
        boss = leader[seats[g, c]]
        if boss == seats[g, c] or group_of[boss] != g:
            continue
        # a partner elsewhere whose group holds no other follower of the boss, whose own
        # leader is not in g (unless it is the boss) and who leads nobody in g
        followers_in = np.zeros(seats.shape[0], dtype=np.int64)
        led_in_g = np.zeros(len(leader), dtype=np.int64)
        for s in seated:
            if leader[s] == boss and s != boss:
                followers_in[group_of[s]] += 1
            if group_of[s] == g and leader[s] != s:
                led_in_g[leader[s]] += 1
        partner = -1
        for s in seated:
            follows = 1 if leader[s] == boss and s != boss else 0
            if (
                group_of[s] != g
                and followers_in[group_of[s]] == follows
                and (leader[s] == boss or group_of[leader[s]] != g)
                and led_in_g[s] == 0
            ):
                partner = s
                break
        if partner >= 0:
            _swap(seats, group_of, boss, partner)


@njit(cache=True)
def _swap(seats: np.ndarray, group_of: np.ndarray, a: int, b: int) -> None:
    """Swap the seats of members `a` and `b` (in different groups)."""
    g, h = group_of[a], group_of[b]
    at = np.flatnonzero(seats[g] == a)[0]
    pos = np.flatnonzero(seats[h] == b)[0]
    seats[g, at], seats[h, pos] = b, a
    group_of[b], group_of[a] = g, h


@njit(cache=True)
def _seated_with_leader(seats: np.ndarray, leader: np.ndarray, group_of: np.ndarray) -> list:
    """The seats (group, position), in seat order, of members now seated with their own
    leader. A pass of `_separate_from_leaders` need visit only these: no swap seats
    anyone with their own leader, so no other seat can come to need one."""
    found = []
    for g in range(seats.shape[0]):
        for c in range(seats.shape[1]):
            member = seats[g, c]
            if member >= 0 and leader[member] != member and group_of[leader[member]] == g:
                found.append((g, c))
    return found
