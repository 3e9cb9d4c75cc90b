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


def choose_attendees(pop: Population, p: dict, rng: np.random.Generator) -> np.ndarray:
    """Indices of the members who attend this event.

    Voluntary: each member comes with chance `attendance.rate` times their role's weight
    times exp(responsiveness * (experience - reference)), their remembered experience of
    earlier events (ODD 7.19). Not voluntary: round(rate * size) members are sent, drawn
    in proportion to their role's weight.
    """
    weight = np.array([p[f"attendance.{r}"] for r in ROLES])[pop.role]
    rate = p["attendance.rate"]
    if p["attendance.voluntary"]:
        chance = rate * weight
        if p["attendance.responsiveness"] > 0:
            lean = pop.experience - p["attendance.reference"]
            chance = chance * np.exp(p["attendance.responsiveness"] * lean)
        chance = np.minimum(np.maximum(chance, 0.0), 1.0)  # np.clip, but faster
        return np.flatnonzero(rng.random(pop.size) < chance)
    share = weight / weight.sum() if weight.sum() > 0 else weight
    n = min(int(round(rate * pop.size)), int(np.count_nonzero(share)))
    if n == 0:
        return np.empty(0, dtype=int)
    chosen = rng.choice(pop.size, size=n, replace=False, p=share)
    return np.sort(chosen)


def remember_event(pop: Population, tally: Tally, p: dict) -> None:
    """Each attendee's remembered experience moves toward their experience of this event
    (credit received less threat and discomfort felt, `Tally.experience`) by
    `attendance.memory` (ODD 7.19)."""
    present = tally.seats >= 0
    who = tally.seats[present]
    memory = p["attendance.memory"]
    pop.experience[who] += memory * (tally.experience[present] - pop.experience[who])


def form_groups(
    pop: Population, attendees: np.ndarray, p: dict, rng: np.random.Generator
) -> np.ndarray:
    """Seat attendees in groups: an array (groups, seats) of member indices, -1 empty."""
    if p["event.format"] == "plenary":
        return rng.permutation(attendees)[None, :]
    # as many groups as keep each within the group size, but nobody alone
    n_groups = max(1, min(-(-len(attendees) // p["event.group_size"]), len(attendees) // 2))
    order = _seating_order(pop, attendees, p["event.grouping"], rng)
    avoid = None if p["event.superiors_present"] else pop.leader
    return deal(order, n_groups, chunked=p["event.grouping"] == "by_project", avoid=avoid)


def _seating_order(
    pop: Population, attendees: np.ndarray, grouping: str, rng: np.random.Generator
) -> np.ndarray:
    """Attendees in the order in which they are dealt into groups: shuffled, then sorted
    by role (to spread roles across groups) or by project (to keep teams together)."""
    shuffled = rng.permutation(attendees)
    if grouping == "mixed_roles":
        return shuffled[np.argsort(pop.role[shuffled], kind="stable")]
    if grouping == "by_project":
        project_order = rng.permutation(pop.project.max() + 1)
        return shuffled[np.argsort(project_order[pop.project[shuffled]], kind="stable")]
    return shuffled


def deal(order: np.ndarray, n_groups: int, chunked: bool, avoid: np.ndarray | None) -> np.ndarray:
    """Deal members in `order` into `n_groups` groups of near-equal size.

    Round-robin spreads neighbours in the order across groups (mixing); `chunked` keeps
    them together (teams). With `avoid` (each member's leader), anyone seated with their
    own leader is swapped with someone in another group where that is possible.
    """
    n = len(order)
    k = np.arange(n)
    group = (k * n_groups) // n if chunked else k % n_groups
    first = np.searchsorted(group, np.arange(n_groups)) if chunked else None
    seat = k - first[group] if chunked else k // n_groups
    seats = np.full((n_groups, int(seat.max()) + 1), -1, dtype=int)
    seats[group, seat] = order
    if avoid is not None:
        _separate_from_leaders(seats, avoid)
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
