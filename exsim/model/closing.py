"""The close of a session, compiled with Numba: what each member takes away from a group
(ODD 3, "close"): beliefs and endorsement written back, capacity grown by practice,
sanctions, experience, a presenter's action, and learned credibility calibrated.

Called by `kernel.hold_groups` once a group's rounds are over; the room's arrays are
`kernel.Room`'s and the members' `kernel.Members`'.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .room import copy_row


@njit(cache=True, no_cpython_wrapper=True)
def powers_of(base, count):
    """Base ** h for h = 0, 1, ..., count - 1 (calibration raises the same base to whole
    numbers of hearings, thousands of times a session)."""
    powers = np.empty(count)
    for h in range(count):
        powers[h] = base ** float(h)
    return powers


@njit(cache=True, no_cpython_wrapper=True)
def _power(powers, base, exponent):
    """Base ** exponent, read from `powers` (see `powers_of`) when it is there."""
    h = int(exponent)
    if h == exponent and h < len(powers):
        return powers[h]
    return base**exponent


@njit(cache=True, no_cpython_wrapper=True)
def discomfort(room, rules, i):
    """The risk member i feels from meeting unfamiliar knowledge without the capacity
    to hold it: discomfort * (1 - capacity) * unfamiliarity (ODD 7.18)."""
    return rules.discomfort_weight * (1.0 - room.dialogic[i]) * room.unfamiliar[i]


@njit(cache=True, no_cpython_wrapper=True)
def unsafety(room, rules, i, top):
    """The status risk member i felt in the session, as it weighs on their experience of
    it (ODD 7.19): safety_weight * (h * status_risk * (top - s_i) + superior_risk *
    own leader's gap), where `top` is the highest status in the room. Zero where
    hierarchy is suspended and no leader of one's own is present, and among equals."""
    if rules.safety_weight <= 0.0:
        return 0.0
    gap = rules.hierarchy * rules.status_risk * max(0.0, top - room.status[i])
    return rules.safety_weight * (gap + rules.superior_risk * room.leader_gap[i])


@njit(cache=True, no_cpython_wrapper=True)
def close_group(m, group, room, truth, rules, kept, tally, g):
    """Write group g's beliefs and endorsement back; grow capacity with practice (turns
    weighted by the credibility they received, and challenges); calibrate learned
    credibility toward how reliable each knowledge type's speakers turned out to be;
    lower the status of sanctioned challengers (ODD 7.17); record each member's
    experience of the session: credit received less threat, discomfort and status risk
    felt (ODD 7.19)."""
    turns, heard, uptake, challenges = (
        tally.turns[g],
        tally.heard[g],
        tally.uptake[g],
        tally.challenges[g],
    )
    sanctions, experience, threat = tally.sanctions[g], tally.experience[g], tally.threat[g]
    committed = tally.actions_committed[g]
    size = len(group)
    reliability = room.scratch[0]
    top = -np.inf
    for j in range(size):
        if room.present[j]:
            top = max(top, room.status[j])
            kind = room.kind[j]
            reliability[j] = math.exp(-abs(room.beliefs[j, kind] - truth[kind]))
    for i in range(size):
        k = group[i]
        if k < 0:
            continue
        copy_row(m.beliefs[k], room.beliefs[i])
        m.endorsement[k] = room.endorsement[i]
        received, hearings = 0.0, 0.0  # by member i as a speaker
        for listener in range(size):
            received += uptake[listener, i]
            hearings += heard[listener, i]
        credit = received / hearings if hearings > 0 else 0.0
        practice = turns[i] * credit + challenges[i]
        m.dialogic[k] = 1.0 - (1.0 - room.dialogic[i]) * (1.0 - rules.dialogic_growth) ** practice
        if sanctions[i] > 0.0 and rules.sanction_rate > 0.0:
            loss = rules.sanction_rate * room.leader_gap[i] * sanctions[i]
            m.status[k] = max(0.0, room.status[i] - loss)
        felt = room.threat[i] + discomfort(room, rules, i) + unsafety(room, rules, i, top)
        experience[i] = credit - felt
        threat[i] = room.threat[i]
        committed[i] = room.committed[i]
        m.action[k] = 1.0 if room.committed[i] > 0.0 else room.action[i]
        observed = reliability
        if rules.feedback < 1.0:
            observed = _observed_reliability(room, i, truth, rules.feedback)
        _calibrate(m.calibrated[k], room, observed, heard[i], rules.calibration, kept)


@njit(cache=True, no_cpython_wrapper=True)
def _observed_reliability(room, i, truth, feedback):
    """How reliable listener i finds each speaker j (ODD 7.24): exp(-|b_j - y_i|) on j's
    own aspect, where the check y_i is the work's outcome (the truth) for a share
    `feedback` and i's own view for the rest. Returned in `room.scratch[1]`."""
    observed = room.scratch[1]
    for j in range(len(room.present)):
        if room.present[j]:
            kind = room.kind[j]
            check = (1.0 - feedback) * room.beliefs[i, kind] + feedback * truth[kind]
            observed[j] = math.exp(-abs(room.beliefs[j, kind] - check))
    return observed


@njit(cache=True, no_cpython_wrapper=True)
def _calibrate(calibrated, room, reliability, heard, rate, kept):
    """Move a listener's learned credibility of each knowledge type (`calibrated`)
    toward the `reliability` they observed in the speakers of that type they heard
    (`_observed_reliability`: the truth, or a mix with their own view, ODD 7.8), by
    1 - (1 - rate) ** hearings (`kept`: powers of 1 - rate): the more they heard, the
    further."""
    hearings, reliable = room.by_kind[0], room.by_kind[1]
    hearings[:] = 0.0
    reliable[:] = 0.0
    for j in range(len(heard)):
        if room.present[j]:
            hearings[room.kind[j]] += heard[j]
            reliable[room.kind[j]] += heard[j] * reliability[j]
    for kind in range(len(calibrated)):
        if hearings[kind] > 0:
            step = 1.0 - _power(kept, 1.0 - rate, hearings[kind])
            calibrated[kind] += step * (reliable[kind] / hearings[kind] - calibrated[kind])
