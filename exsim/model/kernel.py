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

from .challenges import carry_out_actions, challenge_round, standing_risk, voice_challenges
from .closing import close_group, powers_of
from .room import (
    Members,
    Room,
    credibility,
    credibility_row,
    empty_room,
    leaders_present,
    reads_ties,
    seat_group,
    shared_factors,
    speaking_chances,
    speaking_weights,
)

__all__ = [
    "ACTION_LEARNING",
    "BALANCED",
    "LOTTERY",
    "Counts",
    "Members",
    "Room",
    "Rules",
    "credibility",
    "hold_groups",
    "leaders_present",
    "round_draws",
    "speaking_chances",
    "speaking_weights",
]

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
    status_deficit: float  # share of the deference that lowers credibility of those below
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


@njit(cache=True, no_cpython_wrapper=True)
def _threats(seen, rules, threat):
    """Fill `threat` (`Room.threat`): the threat each member feels from the status that the
    session sets aside, min(1, threat * (1 - h) * max(0, s_i - mean status of the room)),
    times 1 - contact * (mean tie to those present below s_i) (ODD 7.16). Zero where
    hierarchy is kept (h = 1) or nobody stands above the mean. The gap to the mean is
    summed as sum_j (s_i - s_j) / size, which is exactly 0 among equals (the mean itself
    can differ from equal numbers in the last bit). `seen`: the room's `present`,
    `status` and `tie` (arrays one by one, not the `Room`: each array handed to a
    compiled call costs an atomic reference count taken and given back)."""
    present, status, tie = seen
    size = 0
    for i in range(len(present)):
        size += present[i]
    set_aside = rules.threat_sensitivity * (1.0 - rules.hierarchy)
    for i in range(len(present)):
        threat[i] = 0.0
        if present[i] and set_aside > 0.0:
            above, contact, below = 0.0, 0.0, 0
            for j in range(len(present)):
                if present[j]:
                    above += status[i] - status[j]
                    if status[j] < status[i]:
                        contact += tie[i, j]
                        below += 1
            threat[i] = min(1.0, set_aside * max(0.0, above / size))
            if rules.threat_contact > 0.0 and below > 0:
                threat[i] *= 1.0 - rules.threat_contact * contact / below


@njit(cache=True, no_cpython_wrapper=True)
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


@njit(cache=True, no_cpython_wrapper=True)
def hold_groups(m, seats, legitimacy, truth, rules, shuffle, draws, tally, stream=None):
    """Hold a session in every group of `seats` (G, m) and write its effects back into
    the members `m`. The tally arrays (turns, heard, uptake, challenges, taken_up,
    sanctions, experience, threat, actions committed, attempted and taken up; see
    `dialogue.Tally`) start at 0 and are filled in. Draws: `shuffle`
    (G, m) orders action-learning sets; row r of `draws` holds round r's numbers (see
    `round_draws`). With a `stream` (the run's `Generator`, for a session of one group),
    `draws` holds one row, drawn from it afresh at each round: the same numbers in the
    same order as drawing every row before the session, without holding them all.
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
    voicing = (room.present, room.endorsement, room.dialogic, room.action, room.voiced)
    for g in range(seats.shape[0]):
        size = seat_group(room, m, seats[g], reads_ties(rules))
        shared_factors(room, rules)
        _threats((room.present, room.status, room.tie), rules, room.threat)
        for i in range(seats_per_group):
            openness[i] = _openness(room.dialogic[i], rules) if room.present[i] else 0.0
            credibility_row(cred, i, room, legitimacy, rules)
        speaking_weights(room.present, room.status, room.voice, room.dialogic, size, rules, weights)
        standing_risk(room, rules, risk)
        _set_order(room.present, shuffle[g], order)
        for r in range(rules.rounds):
            row = draws[r] if stream is None else _drawn(stream, draws[0])
            turn_draws, voice_draws, take_draws, said = round_draws(
                row, g, seats.shape, rules, m.beliefs.shape[1]
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
            if voice_challenges(voicing, risk, rules, voice_draws, challenges[g]):
                tally.taken_up[g] += challenge_round(
                    room,
                    cred,
                    legitimacy,
                    rules,
                    take_draws,
                    challenges[g],
                    tally.sanctions[g],
                    tally.took_up[g],
                )
                carry_out_actions(room, cred, legitimacy, rules, tally, g)
        close_group(m, seats[g], room, truth, rules, kept, tally, g)


@njit(cache=True, no_cpython_wrapper=True)
def _drawn(stream, row):
    """`row` filled with uniform numbers from the `Generator` `stream`, in order."""
    for k in range(len(row)):
        row[k] = stream.random()
    return row


@njit(cache=True, no_cpython_wrapper=True)
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


@njit(cache=True, no_cpython_wrapper=True)
def _openness(dialogic, rules):
    """How far a member of capacity `dialogic` moves toward a fully credible, equally
    knowing speaker."""
    w = rules.capacity_weight
    return rules.uptake_rate * (1.0 - w + w * dialogic)


@njit(cache=True, no_cpython_wrapper=True)
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


@njit(cache=True, no_cpython_wrapper=True)
def _sort_key(present, keys, i):
    """The key seat i is ordered by: its random key, plus 2 if the seat is empty."""
    return keys[i] if present[i] else keys[i] + 2.0


@njit(cache=True, no_cpython_wrapper=True)
def _mention(mention, knowledge, shared, j, rules, said, t, mentioned):
    """Fill `mention` (the room's) with the aspects that speaker j's utterance, the
    round's t-th, mentions: every aspect, or, when sampling, each with chance `mention`
    times j's `knowledge` of it times the room's `shared` factor of it (its mean
    knowledge to the power `shared_bias`), by the uniform draws `said[t]` (ODD 7.25);
    count them in `mentioned` (aspects,). The room's arrays come one by one, not as the
    `Room`: each array handed to a compiled call costs a reference count taken and
    given back (an atomic operation), and this runs at every utterance."""
    for a in range(len(mention)):
        if rules.sampling > 0.0:
            chance = rules.mention * knowledge[j, a] * shared[a]
            mention[a] = said[t, a] < chance
        else:
            mention[a] = True
        mentioned[a] += mention[a]


@njit(cache=True, no_cpython_wrapper=True)
def _speak(present, beliefs, knowledge, mention, j, openness, cred, heard, uptake):
    """Speaker j states their views on the aspects of `mention`; every other member i
    present moves toward them on each by openness_i * credibility_ij * precision, where
    precision is j's knowledge of the aspect relative to i's (`_listen`'s rule, written
    out here: a call per listener costs its arrays' reference counts)."""
    for i in range(len(present)):
        if present[i] and i != j:
            pull = openness[i] * cred[i, j]
            for a in range(beliefs.shape[1]):
                if mention[a]:
                    precision = knowledge[j, a] / (knowledge[j, a] + knowledge[i, a])
                    beliefs[i, a] += (beliefs[j, a] - beliefs[i, a]) * (precision * pull)
            heard[i, j] += 1.0
            uptake[i, j] += cred[i, j]


@njit(cache=True, no_cpython_wrapper=True)
def _listen(beliefs, knowledge, i, j, pull, mention):
    """Listener i moves toward speaker j on each mentioned aspect by `pull` times
    precision."""
    for a in range(beliefs.shape[1]):
        if mention[a]:
            precision = knowledge[j, a] / (knowledge[j, a] + knowledge[i, a])
            beliefs[i, a] += (beliefs[j, a] - beliefs[i, a]) * (precision * pull)


@njit(cache=True, no_cpython_wrapper=True, inline="always")
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
    present, beliefs, knowledge = room.present, room.beliefs, room.knowledge
    mention, shared = room.mention, room.shared
    spoken[:] = 0.0
    for t in range(size):
        if rules.turn_rule == BALANCED:
            for i in range(len(weights)):
                balanced[i] = weights[i] * math.exp(-2.0 * rules.facilitation * spoken[i])
            speaker = _draw(balanced, draws[t])
        else:
            speaker = _draw(weights, draws[t])
        spoken[speaker] += 1.0
        _mention(mention, knowledge, shared, speaker, rules, said, t, mentioned)
        _speak(present, beliefs, knowledge, mention, speaker, openness, cred, heard, uptake)
        turns[speaker] += 1.0


@njit(cache=True, no_cpython_wrapper=True, inline="always")
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
    present, beliefs, knowledge = room.present, room.beliefs, room.knowledge
    mention, shared = room.mention, room.shared
    utterance = np.int64(0)  # not a literal: Numba compiles a callee once per literal argument
    _mention(mention, knowledge, shared, presenter, rules, said, utterance, mentioned)
    _speak(present, beliefs, knowledge, mention, presenter, openness, cred, heard, uptake)
    for q in range(size):
        asker = order[q]
        if asker != presenter:
            utterance += 1
            _mention(mention, knowledge, shared, asker, rules, said, utterance, mentioned)
            pull = openness[presenter] * cred[presenter, asker]
            _listen(beliefs, knowledge, presenter, asker, pull, mention)
            heard[presenter, asker] += 1.0
            uptake[presenter, asker] += cred[presenter, asker]
            turns[asker] += 1.0
    utterance += 1
    _mention(mention, knowledge, shared, presenter, rules, said, utterance, mentioned)
    _speak(present, beliefs, knowledge, mention, presenter, openness, cred, heard, uptake)
    turns[presenter] += 2.0
