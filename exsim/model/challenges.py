"""Challenges in a session, compiled with Numba: the risk of challenging the norm, who
voices a challenge, who takes it up or hardens against it (ODD 7.6, 7.16, 7.17), and
pending actions attempted in project meetings (ODD 7.23).

Called by `kernel.hold_groups` every round; the room's arrays are `room.Room`'s.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .closing import discomfort
from .room import copy_row, credibility_row


@njit(cache=True, no_cpython_wrapper=True)
def standing_risk(room, rules, risk):
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


@njit(cache=True, no_cpython_wrapper=True)
def voice_challenges(seen, risk, rules, voice_draws, challenges):
    """Fill the room's `voiced` with who voices a challenge this round; returns whether
    anyone does. Members who do not endorse the norm may voice a challenge if it feels
    safe: the chance is logistic in motive, (1 - endorsement) * (0.5 + capacity), plus
    a pending action's motive, against the standing `risk` less the share of others who
    have already challenged (contagion) (ODD 7.6). `seen`: the room's `present`,
    `endorsement`, `dialogic`, `action` and `voiced` (arrays one by one, not the `Room`:
    each array handed to a compiled call costs an atomic reference count taken and
    given back); `challenge_round`, handed the room, is called only in a round where
    someone voiced."""
    present, endorsement, dialogic, action, voiced = seen
    size = len(risk)
    here, earlier = 0, 0.0
    for k in range(size):
        if present[k]:
            here += 1
            earlier += challenges[k] > 0
    anyone = False
    for i in range(size):
        if present[i]:
            others = (earlier - (challenges[i] > 0)) / max(here - 1, 1)
            motive = (1.0 - endorsement[i]) * (0.5 + dialogic[i])
            motive += rules.action_motive * action[i]
            x = (motive - (risk[i] - rules.contagion * others) - rules.threshold) / rules.sharpness
            voiced[i] = voice_draws[i] < 1.0 / (1.0 + math.exp(-x))  # logistic
            anyone = anyone or voiced[i]
        else:
            voiced[i] = False
    return anyone


@njit(cache=True, no_cpython_wrapper=True)
def challenge_round(room, cred, legitimacy, rules, take_draws, challenges, sanctions, took_up):
    """The challenges voiced this round (`voice_challenges`, which found at least one):
    a challenge heard by the challenger's own, higher-status leader counts toward a
    sanction (ODD 7.17). Each listener may take a challenge up, with a chance set by
    their credibility in the challenger less their threat (ODD 7.16), and moves their
    endorsement toward the challengers' they took up; a threatened listener who took
    none up hardens instead, moving away from the challengers they heard by the mirror
    of that shift (reactance). Either way their credibility row is worked out again.
    Returns the number of take-ups."""
    size = len(challenges)
    voiced, before, endorsement = room.voiced, room.scratch[0], room.endorsement
    copy_row(before, endorsement)
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
            credibility_row(cred, i, room, legitimacy, rules)
            taken += takes
        elif heard > 0 and room.threat[i] > 0.0 and rules.reactance > 0.0:
            push = rules.reactance * room.threat[i] * (apart / heard)
            endorsement[i] = min(1.0, endorsement[i] + push)
            credibility_row(cred, i, room, legitimacy, rules)
    return taken


@njit(cache=True, no_cpython_wrapper=True)
def carry_out_actions(room, cred, legitimacy, rules, tally, g):
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
            credibility_row(cred, i, room, legitimacy, rules)
