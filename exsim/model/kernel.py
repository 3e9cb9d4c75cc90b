"""The dialogue kernel: the rules of one session, group by group, compiled with Numba.

The rules are written the plain way, as loops over a group's members, listeners and
aspects, and Numba compiles them to machine code the first time they run (the result is
cached next to this file, so later processes load it in a fraction of a second). Groups
of a session are independent, so each is held from start to finish before the next.

Every random number is drawn beforehand with the run's NumPy ``Generator``
(`dialogue.draw_numbers`), in a fixed order whatever happens in the session, so a design
drawing the same numbers as another keeps its common random numbers.

Seat arrays hold member indices per group, -1 for an empty seat; a member's state is read
from and written back into the population arrays. Within a group, seat ``i`` is the
listener and seat ``j`` the speaker (ODD 7).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from .closing import close_group, discomfort, powers_of
from .tie_table import reinforce_groups, tie_strength

LOTTERY, BALANCED, ACTION_LEARNING = 0, 1, 2
"""Turn rules, as the kernel numbers them."""


class Rules(NamedTuple):
    """A session's rules (`dialogue.Setting`) and the parameters the kernel reads."""

    hierarchy: float
    facilitation: float
    turn_rule: int  # LOTTERY, BALANCED or ACTION_LEARNING
    rounds: int
    extra_risk: float
    uptake_rate: float
    capacity_weight: float
    status_deference: float
    status_gradient: float
    status_risk: float
    superior_risk: float
    facilitation_safety: float
    contagion: float
    threshold: float
    sharpness: float
    challenge_uptake: float
    challenge_shift: float
    dialogic_growth: float
    calibration: float
    sanction_rate: float
    threat_sensitivity: float
    threat_contact: float  # share of threat a full tie to everyone below takes away
    reactance: float
    discomfort_weight: float
    safety_weight: float  # how much felt status risk lowers the experience of a session
    trust: float
    tie_safety: float
    commit: float  # 1: presenters of action-learning sets leave with an action (events)
    action_motive: float  # motive a pending action adds (project meetings; 0 at events)
    action_reception: float  # how far how an attempt is received moves endorsement
    sampling: float  # 1: an utterance mentions each aspect by chance (ODD 7.25); 0: all
    mention: float  # chance of mentioning an aspect one knows fully, when sampling
    shared_bias: float  # how much more often aspects the room knows well are mentioned
    feedback: float  # share of the check on a speaker that the work's outcome gives


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


class Counts(NamedTuple):
    """What a session's groups did, filled in by `hold_groups` (G groups of m seats)."""

    turns: np.ndarray  # (G, m) turns taken
    heard: np.ndarray  # (G, m, m) utterances listener i heard from speaker j
    uptake: np.ndarray  # (G, m, m) summed credibility listener i gave speaker j
    challenges: np.ndarray  # (G, m) challenges voiced
    taken_up: np.ndarray  # (G,) challenge take-ups
    took_up: np.ndarray  # (G, m, m) take-ups listener i made of challenger j's challenges
    sanctions: np.ndarray  # (G, m) challenges heard by the challenger's own leader
    experience: np.ndarray  # (G, m) credit received less threat and discomfort felt
    threat: np.ndarray  # (G, m) threat felt from status set aside
    actions_committed: np.ndarray  # (G, m) 1 where a presenter left with an action
    actions_attempted: np.ndarray  # (G, m) pending actions tried (a challenge voiced)
    actions_taken_up: np.ndarray  # (G, m) attempts whose challenge a listener took up
    mentioned: np.ndarray  # (G, aspects) utterances that mentioned each aspect


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


@njit(cache=True)
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


@njit(cache=True)
def seat_group(room: Room, m: Members, group: np.ndarray, ties: bool) -> int:
    """Copy the members of `group` (member indices, -1 empty) into `room`; returns how
    many there are. With `ties`, also the ties between them (`_seat_ties`); without,
    the room's tie arrays are left at 0 (for rules that read no tie)."""
    size = 0
    for i in range(len(group)):
        k = group[i]
        room.present[i] = k >= 0
        if k < 0:
            continue
        size += 1
        room.status[i] = m.status[k]
        room.kind[i] = m.main_type[k]
        room.knowledge[i] = m.knowledge[k]
        room.calibrated[i] = m.calibrated[k]
        room.dialogic[i] = m.dialogic[k]
        room.voice[i] = m.voice[k]
        room.beliefs[i] = m.beliefs[k]
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


@njit(cache=True, inline="always")
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


@njit(cache=True, inline="always")
def _reads_ties(rules):
    """Whether a session under `rules` reads the ties between its members."""
    felt = rules.threat_contact > 0.0 and rules.threat_sensitivity * (1.0 - rules.hierarchy) > 0.0
    return rules.trust > 0.0 or rules.tie_safety > 0.0 or rules.discomfort_weight > 0.0 or felt


@njit(cache=True, inline="always")
def _shared_factors(room, rules):
    """Turn `room.shared`, the room's mean knowledge of each aspect, into the factor it
    puts on the chance of mentioning that aspect: to the power `shared_bias`, once per
    group rather than once per utterance (ODD 7.25)."""
    if rules.sampling > 0.0 and rules.shared_bias != 1.0:
        for a in range(len(room.shared)):
            room.shared[a] = room.shared[a] ** rules.shared_bias


@njit(cache=True)
def _threats(room, rules):
    """Fill `room.threat`: the threat each member feels from the status that the
    session sets aside, min(1, threat * (1 - h) * max(0, s_i - mean status of the room)),
    times 1 - contact * (mean tie to those present below s_i) (ODD 7.16). Zero where
    hierarchy is kept (h = 1) or nobody stands above the mean. The gap to the mean is
    summed as sum_j (s_i - s_j) / size, which is exactly 0 among equals (the mean itself
    can differ from equal numbers in the last bit)."""
    size = 0
    for i in range(len(room.present)):
        size += room.present[i]
    set_aside = rules.threat_sensitivity * (1.0 - rules.hierarchy)
    for i in range(len(room.present)):
        room.threat[i] = 0.0
        if room.present[i] and set_aside > 0.0:
            above, contact, below = 0.0, 0.0, 0
            for j in range(len(room.present)):
                if room.present[j]:
                    above += room.status[i] - room.status[j]
                    if room.status[j] < room.status[i]:
                        contact += room.tie[i, j]
                        below += 1
            room.threat[i] = min(1.0, set_aside * max(0.0, above / size))
            if rules.threat_contact > 0.0 and below > 0:
                room.threat[i] *= 1.0 - rules.threat_contact * contact / below


# --- what a group's members make of each other -------------------------------------------


@njit(cache=True)
def credibility(
    m: Members, seats: np.ndarray, legitimacy: np.ndarray, h: float, d: float, t: float
) -> np.ndarray:
    """Credibility listener i gives speaker j in each group of `seats` (G, m), (G, m, m)
    in [0, 1], under the members' current endorsement; see `credibility_of`."""
    cred = np.zeros((seats.shape[0], seats.shape[1], seats.shape[1]))
    room = empty_room(m, seats.shape[1])
    for g in range(seats.shape[0]):
        seat_group(room, m, seats[g], True)
        for i in range(seats.shape[1]):
            credibility_of(cred[g], i, room, legitimacy, h, d, t)
    return cred


@njit(cache=True, inline="always")
def credibility_of(cred, i, room, legitimacy, h, d, t):
    """Fill in row i of `cred`: the credibility listener i gives each speaker j.

    The weight i gives j's knowledge type: its legitimacy as far as i endorses the norm,
    what i learned for the rest; raised or lowered by j's status over i's where hierarchy
    `h` applies, with deference `d` (testimonial injustice when it lowers it); then moved
    toward 1 by trust `t` times the tie between them (ODD 7.21).
    """
    if not room.present[i]:
        return
    e = room.endorsement[i]
    for j in range(len(room.present)):
        if room.present[j]:
            kind = room.kind[j]
            weight = e * legitimacy[kind] + (1.0 - e) * room.calibrated[i, kind]
            gap = room.status[j] - room.status[i]
            c = min(max(weight * (1.0 + d * h * gap), 0.0), 1.0)
            if t > 0.0:
                c += t * room.tie[i, j] * (1.0 - c)
            cred[i, j] = c


@njit(cache=True, inline="always")
def _credibility_row(cred, i, room, legitimacy, rules):
    """`credibility_of` row i under a session's `rules`."""
    credibility_of(cred, i, room, legitimacy, rules.hierarchy, rules.status_deference, rules.trust)


@njit(cache=True)
def speaking_weights(room: Room, size: int, rules: Rules, weights: np.ndarray) -> None:
    """Fill `weights` with each seat's chance of taking a free turn, summing to 1 over the
    `size` members of the room (0 for empty seats).

    Voice and dialogic capacity raise the chance; where hierarchy applies so does status,
    exp(gradient * h * (s - the group's mean status)) (expectation states); facilitation
    mixes the chances toward equal turns.
    """
    total_status, lowest, highest = 0.0, np.inf, -np.inf
    for i in range(len(weights)):
        if room.present[i]:
            total_status += room.status[i]
            lowest, highest = min(lowest, room.status[i]), max(highest, room.status[i])
    mean_status = total_status / max(size, 1)
    total = 0.0
    for i in range(len(weights)):
        weights[i] = 0.0
        if room.present[i]:
            push = 1.0  # among equals exactly (their mean can miss them in the last bit)
            if highest > lowest:
                push = math.exp(
                    rules.status_gradient * rules.hierarchy * (room.status[i] - mean_status)
                )
            weights[i] = room.voice[i] * (0.5 + room.dialogic[i]) * push
            total += weights[i]
    total = max(total, 1e-300)
    f = rules.facilitation
    for i in range(len(weights)):
        if room.present[i]:
            weights[i] = (1.0 - f) * (weights[i] / total) + f / max(size, 1)


@njit(cache=True)
def speaking_chances(m: Members, seats: np.ndarray, rules: Rules) -> np.ndarray:
    """`speaking_weights` of every group of `seats` (G, m)."""
    weights = np.zeros(seats.shape)
    room = empty_room(m, seats.shape[1])
    for g in range(seats.shape[0]):
        size = seat_group(room, m, seats[g], False)
        speaking_weights(room, size, rules, weights[g])
    return weights


@njit(cache=True)
def leaders_present(seats: np.ndarray, leader: np.ndarray) -> np.ndarray:
    """Whether each seat's own project leader sits in the same group (G, m)."""
    out = np.zeros(seats.shape, dtype=np.bool_)
    for g in range(seats.shape[0]):
        for i in range(seats.shape[1]):
            out[g, i] = _leader_seat(seats[g], i, leader) >= 0
    return out


@njit(cache=True, inline="always")
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


@njit(cache=True, inline="always")
def _draw(weights: np.ndarray, u: float) -> int:
    """The seat drawn with chance proportional to `weights` for a uniform number `u`."""
    total = 0.0
    for w in weights:
        total += w
    threshold, running, chosen = u * total, 0.0, 0
    for w in weights:
        running += w
        chosen += running <= threshold
    return min(chosen, len(weights) - 1)


# --- one session ----------------------------------------------------------------------


@njit(cache=True)
def hold_packed(members, seats, legitimacy, truth, rules, numbers, counts, ties):
    """`hold_groups` with `Members`, `Rules` and `Counts` given as plain tuples of their
    fields in order (which a call from Python hands over several times faster) and the
    draws as (shuffle, draws); then the ties of every pair seated together grow by
    their exchange (`tie_table.reinforce_groups`; `ties`: each member's role and the
    growth rate, none if 0; the tie table must have room for the session's pairs).
    Returns (the gain of cross-role ties, the pairs added to the table)."""
    m, tally = Members(*members), Counts(*counts)
    hold_groups(m, seats, legitimacy, truth, Rules(*rules), numbers[0], numbers[1], tally)
    role, growth = ties
    if growth == 0.0:
        return 0.0, 0
    return reinforce_groups(
        m.tie_table, m.tie_values, m.tie_scale, seats, tally.uptake, role, growth
    )


@njit(cache=True)
def hold_groups(m, seats, legitimacy, truth, rules, shuffle, draws, tally):
    """Hold a session in every group of `seats` (G, m) and write its effects back into
    the members `m`. The tally arrays (turns, heard, uptake, challenges, taken_up,
    sanctions, experience, threat, actions committed, attempted and taken up; see
    `dialogue.Tally`) start at 0 and are filled in. Draws: `shuffle`
    (G, m) orders action-learning sets; row r of `draws` holds round r's numbers (see
    `round_draws`).
    """
    challenges = tally.challenges
    seats_per_group = seats.shape[1]
    room = empty_room(m, seats_per_group)
    cred = np.zeros((seats_per_group, seats_per_group))
    openness, weights, risk = (
        np.zeros(seats_per_group),
        np.zeros(seats_per_group),
        np.zeros(seats_per_group),
    )
    order = np.zeros(seats_per_group, dtype=np.int64)
    kept = powers_of(1.0 - rules.calibration, 64)
    for g in range(seats.shape[0]):
        size = seat_group(room, m, seats[g], _reads_ties(rules))
        _shared_factors(room, rules)
        _threats(room, rules)
        for i in range(seats_per_group):
            openness[i] = _openness(room.dialogic[i], rules) if room.present[i] else 0.0
            _credibility_row(cred, i, room, legitimacy, rules)
        speaking_weights(room, size, rules, weights)
        _standing_risk(room, rules, risk)
        _set_order(room.present, shuffle[g], order)
        for r in range(rules.rounds):
            turn_draws, voice_draws, take_draws, said = round_draws(
                draws[r], g, seats.shape, rules, m.beliefs.shape[1]
            )
            if rules.turn_rule == ACTION_LEARNING:
                if rules.commit > 0.0 and size >= 2:
                    room.committed[order[r % size]] = 1.0
                _action_learning_round(
                    room,
                    size,
                    order[r % max(size, 1)],
                    order,
                    openness,
                    cred,
                    tally,
                    g,
                    (rules, said),
                )
            else:
                _free_round(room, size, weights, turn_draws, rules, openness, cred, tally, g, said)
            tally.taken_up[g] += _challenges(
                room,
                cred,
                risk,
                legitimacy,
                rules,
                voice_draws,
                take_draws,
                challenges[g],
                tally.sanctions[g],
                tally.took_up[g],
            )
            _carry_out_actions(room, cred, legitimacy, rules, tally, g)
        close_group(m, seats[g], room, truth, rules, kept, tally, g)


@njit(cache=True, inline="always")
def round_draws(row, g, shape, rules, aspects):
    """Group g's share of one round's random numbers `row`, which holds, in this order:
    the free turns, (m, G) (none under action learning); who voices a challenge, (G, m);
    who takes each challenger up, (G, m, m); which aspects each of the round's
    utterances mentions, (G, m + 1, aspects) (only when sampling). Returns the four
    parts of group g (the last empty when not sampling)."""
    groups, m = shape
    turns = 0 if rules.turn_rule == ACTION_LEARNING else m * groups
    voice = turns + g * m
    take = turns + groups * m + g * m * m
    mention = turns + groups * m + groups * m * m + g * (m + 1) * aspects
    said = (m + 1) if rules.sampling > 0.0 else 0
    return (
        row[g:turns:groups],
        row[voice : voice + m],
        row[take : take + m * m].reshape(m, m),
        row[mention : mention + said * aspects].reshape(said, aspects),
    )


@njit(cache=True, inline="always")
def _openness(dialogic, rules):
    """How far a member of capacity `dialogic` moves toward a fully credible, equally
    knowing speaker."""
    w = rules.capacity_weight
    return rules.uptake_rate * (1.0 - w + w * dialogic)


@njit(cache=True)
def _set_order(present, keys, order):
    """Fill `order` with the seats of an action-learning set in random order (by
    `keys`, smallest first), then the empty seats (an insertion sort: sets are small)."""
    for i in range(len(present)):  # seats 0..i-1 are in order; put seat i among them
        key = _sort_key(present, keys, i)
        j = i
        while j > 0 and _sort_key(present, keys, order[j - 1]) > key:
            order[j] = order[j - 1]
            j -= 1
        order[j] = i


@njit(cache=True)
def _sort_key(present, keys, i):
    """The key seat i is ordered by: its random key, plus 2 if the seat is empty."""
    return keys[i] if present[i] else keys[i] + 2.0


@njit(cache=True, inline="always")
def _mention(room, j, rules, said, t, mentioned):
    """Fill `room.mention` with the aspects that speaker j's utterance, the round's t-th,
    mentions: every aspect, or, when sampling, each with chance `mention` times j's
    knowledge of it times the room's mean knowledge of it to the power `shared_bias`,
    by the uniform draws `said[t]` (ODD 7.25); count them in `mentioned` (aspects,)."""
    for a in range(len(room.mention)):
        if rules.sampling > 0.0:
            chance = rules.mention * room.knowledge[j, a] * room.shared[a]
            room.mention[a] = said[t, a] < chance
        else:
            room.mention[a] = True
        mentioned[a] += room.mention[a]


@njit(cache=True, inline="always")
def _speak(room, j, openness, cred, heard, uptake):
    """Speaker j states their views on the aspects of `room.mention`; every other member
    i moves toward them on each by openness_i * credibility_ij * precision, where
    precision is j's knowledge of the aspect relative to i's."""
    beliefs, knowledge = room.beliefs, room.knowledge
    for i in range(len(room.present)):
        if room.present[i] and i != j:
            _listen(beliefs, knowledge, i, j, openness[i] * cred[i, j], room.mention)
            heard[i, j] += 1.0
            uptake[i, j] += cred[i, j]


@njit(cache=True, inline="always")
def _listen(beliefs, knowledge, i, j, pull, mention):
    """Listener i moves toward speaker j on each mentioned aspect by `pull` times
    precision."""
    for a in range(beliefs.shape[1]):
        if mention[a]:
            precision = knowledge[j, a] / (knowledge[j, a] + knowledge[i, a])
            beliefs[i, a] += (beliefs[j, a] - beliefs[i, a]) * (precision * pull)


@njit(cache=True, inline="always")
def _free_round(room, size, weights, draws, rules, openness, cred, tally, g, said):
    """A round of free turns: as many turns as members, each speaker drawn by `weights`;
    under the balanced rule the facilitator favours those who have spoken least this
    round. Who speaks never depends on what is said. `said`: the mention draws of the
    round's utterances (see `round_draws`)."""
    turns, heard, uptake, mentioned = (
        tally.turns[g],
        tally.heard[g],
        tally.uptake[g],
        tally.mentioned[g],
    )
    spoken, balanced = room.scratch[0], room.scratch[1]
    spoken[:] = 0.0
    for t in range(size):
        if rules.turn_rule == BALANCED:
            for i in range(len(weights)):
                balanced[i] = weights[i] * math.exp(-2.0 * rules.facilitation * spoken[i])
            speaker = _draw(balanced, draws[t])
        else:
            speaker = _draw(weights, draws[t])
        spoken[speaker] += 1.0
        _mention(room, speaker, rules, said, t, mentioned)
        _speak(room, speaker, openness, cred, heard, uptake)
        turns[speaker] += 1.0


@njit(cache=True, inline="always")
def _action_learning_round(room, size, presenter, order, openness, cred, tally, g, talk):
    """The `presenter` states their problem, each other member of the set asks one
    question (heard by the presenter alone, in the set's `order`), then the presenter
    reflects aloud to the set. `talk`: the rules and the round's mention draws."""
    if size < 2:
        return  # a group of one holds no set
    rules, said = talk
    turns, heard, uptake, mentioned = (
        tally.turns[g],
        tally.heard[g],
        tally.uptake[g],
        tally.mentioned[g],
    )
    _mention(room, presenter, rules, said, 0, mentioned)
    _speak(room, presenter, openness, cred, heard, uptake)
    utterance = 1
    for q in range(size):
        asker = order[q]
        if asker != presenter:
            _mention(room, asker, rules, said, utterance, mentioned)
            utterance += 1
            _listen(
                room.beliefs,
                room.knowledge,
                presenter,
                asker,
                openness[presenter] * cred[presenter, asker],
                room.mention,
            )
            heard[presenter, asker] += 1.0
            uptake[presenter, asker] += cred[presenter, asker]
            turns[asker] += 1.0
    _mention(room, presenter, rules, said, utterance, mentioned)
    _speak(room, presenter, openness, cred, heard, uptake)
    turns[presenter] += 2.0


@njit(cache=True)
def _standing_risk(room, rules, risk):
    """Fill `risk` with the risk of challenging that stays fixed through a session: the
    status gap to the top of the room where hierarchy applies, one's own leader's status
    over one's own if the leader is present, target pressure, less facilitation's
    safety."""
    top = -np.inf
    for i in range(len(risk)):
        if room.present[i]:
            top = max(top, room.status[i])
    for i in range(len(risk)):
        risk[i] = 0.0
        if room.present[i]:
            risk[i] = (
                rules.hierarchy * rules.status_risk * max(0.0, top - room.status[i])
                + rules.superior_risk * room.leader_gap[i]
                + rules.extra_risk
                - rules.facilitation_safety * rules.facilitation
                + discomfort(room, rules, i)
                - rules.tie_safety * room.tied[i]
            )


@njit(cache=True, inline="always")
def _challenges(
    room, cred, risk, legitimacy, rules, voice_draws, take_draws, challenges, sanctions, took_up
):
    """Members who do not endorse the norm may voice a challenge if it feels safe: the
    chance is logistic in motive, (1 - endorsement) * (0.5 + capacity), against the
    standing `risk` less the share of others who have already challenged (contagion)
    (ODD 7.6). A challenge heard by the challenger's own, higher-status leader counts
    toward a sanction (ODD 7.17). Each listener may take a challenge up, with a chance
    set by their credibility in the challenger less their threat (ODD 7.16), and moves
    their endorsement toward the challengers' they took up; a threatened listener who
    took none up hardens instead, moving away from the challengers they heard by the
    mirror of that shift (reactance). Either way their credibility row is worked out
    again. Returns the number of take-ups."""
    size = len(risk)
    present, earlier = 0, 0.0
    for k in range(size):
        if room.present[k]:
            present += 1
            earlier += challenges[k] > 0
    voiced, before, endorsement = room.voiced, room.scratch[0], room.endorsement
    for i in range(size):
        if room.present[i]:
            others = (earlier - (challenges[i] > 0)) / max(present - 1, 1)
            motive = (1.0 - endorsement[i]) * (0.5 + room.dialogic[i])
            motive += rules.action_motive * room.action[i]
            x = (motive - (risk[i] - rules.contagion * others) - rules.threshold) / rules.sharpness
            voiced[i] = voice_draws[i] < 1.0 / (1.0 + math.exp(-x))  # logistic
        else:
            voiced[i] = False
    if not voiced.any():
        return 0.0
    before[:] = endorsement
    room.taken_from[:] = 0.0
    taken = 0.0
    for i in range(size):
        if not room.present[i]:
            continue
        challenges[i] += voiced[i]
        if voiced[i] and room.leader_gap[i] > 0.0:
            sanctions[i] += 1.0
        takes, gap, heard, apart = 0.0, 0.0, 0.0, 0.0
        for j in range(size):
            if voiced[j] and j != i:
                heard += 1.0
                apart += max(0.0, before[i] - before[j])
                chance = rules.challenge_uptake * cred[i, j]
                if room.threat[i] > 0.0:
                    chance *= 1.0 - room.threat[i]
                if take_draws[i, j] < chance:
                    room.taken_from[j] += 1.0
                    took_up[i, j] += 1.0
                    takes += 1.0
                    gap += max(0.0, before[i] - before[j])
        if takes > 0:
            endorsement[i] -= rules.challenge_shift * (gap / takes)
            _credibility_row(cred, i, room, legitimacy, rules)
            taken += takes
        elif heard > 0 and room.threat[i] > 0.0 and rules.reactance > 0.0:
            push = rules.reactance * room.threat[i] * (apart / heard)
            endorsement[i] = min(1.0, endorsement[i] + push)
            _credibility_row(cred, i, room, legitimacy, rules)
    return taken


@njit(cache=True, inline="always")
def _carry_out_actions(room, cred, legitimacy, rules, tally, g):
    """A member with a pending action who voiced a challenge this round has attempted it
    (ODD 7.23): the action is done; if a listener took the challenge up, the member's
    endorsement falls by `action_reception` of itself, otherwise it rises by that share
    of the gap to 1. Only where pending actions count (`action_motive` > 0)."""
    if rules.action_motive <= 0.0:
        return
    for i in range(len(room.present)):
        if room.present[i] and room.voiced[i] and room.action[i] > 0.0:
            room.action[i] = 0.0
            tally.actions_attempted[g, i] += 1.0
            e = room.endorsement[i]
            if room.taken_from[i] > 0.0:
                tally.actions_taken_up[g, i] += 1.0
                room.endorsement[i] = e - rules.action_reception * e
            else:
                room.endorsement[i] = e + rules.action_reception * (1.0 - e)
            _credibility_row(cred, i, room, legitimacy, rules)
