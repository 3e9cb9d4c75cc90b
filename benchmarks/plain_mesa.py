"""The session rules of exsim (events and project meetings) written the plain way a Mesa
user would: agents with their own attributes, and Python loops over groups, turns,
participants and listeners.

This is the baseline for exsim's dialogue kernel (`exsim.model.kernel`, `closing`), not
a strawman: the same rules (ODD sections 7.1 to 7.9: turn-taking weights, the lottery,
balanced and action-learning turn rules, uptake with credibility and precision,
norm challenges with risk, motive, take-up and shift, growth of dialogic capacity,
calibration of credibility, ties; 7.16 to 7.19: threat felt from status set aside
and the reactance it brings, sanctions on challengers heard by their own leader,
discomfort of unfamiliar knowledge, each member's experience of the session; and 7.21
to 7.25: trust and safety from ties, actions committed in action-learning sets and
attempted in project meetings, credibility learned from feedback, information
sampling), the same inputs (an exsim population, seating, setting and legitimacy),
written for clarity with plain floats and lists, each listener weighing each utterance
one at a time, each mention of an aspect decided on its own. Random numbers
come from the model's ``random`` (Mesa's `random.Random`), so the draws differ from
exsim's; the outcome distributions do not (tests/test_benchmark_equivalence.py).

    network = PlainNetwork(population, params, legitimacy, seed=1)
    tally = network.hold_session(seats, setting)   # seats: (groups, m) member indices
    tally.listener_updates                         # counted as the kernel counts them
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import mesa
import numpy as np

from exsim.model.dialogue import Setting
from exsim.model.population import Population


class PlainParticipant(mesa.Agent):
    """A member of the network with its state as plain attributes."""

    def __init__(self, model: PlainNetwork, pop: Population, i: int):
        """Copy member `i` of the exsim population `pop`."""
        super().__init__(model)
        self.index = i
        self.role = int(pop.role[i])
        self.main_type = int(pop.main_type[i])
        self.status = float(pop.status[i])
        self.voice = float(pop.voice[i])
        self.knowledge = pop.knowledge[i].tolist()
        self.dialogic = float(pop.dialogic[i])
        self.endorsement = float(pop.endorsement[i])
        self.calibrated = pop.calibrated[i].tolist()
        self.beliefs = pop.beliefs[i].tolist()
        self.leader = int(pop.leader[i])
        self.action = float(pop.action[i])  # 1: holds an action from a set, to try at work
        # how this member finds the room of the session under way (`feel_the_room`)
        self.leader_gap = 0.0  # own leader's status over one's own, if the leader is here
        self.threat = 0.0
        self.discomfort = 0.0
        self.unsafety = 0.0  # status risk felt, as it weighs on experience (ODD 7.19)
        self.tied = 0.0  # mean tie strength to the others present
        self.committed = False  # presented in an action-learning set: leaves with an action

    def credibility(self, speaker: PlainParticipant, hierarchy: float) -> float:
        """The credibility this listener gives `speaker` (ODD 7.3), raised toward 1 by
        trust in the tie between them (ODD 7.21)."""
        model, k = self.model, speaker.main_type
        e = self.endorsement
        weight = e * model.legitimacy[k] + (1.0 - e) * self.calibrated[k]
        deference = model.params["credibility.status_deference"]
        gap = speaker.status - self.status
        if gap < 0.0:  # status under the listener's lowers credibility by a share of it
            gap *= model.params["credibility.status_deficit"]
        value = weight * (1.0 + deference * hierarchy * gap)
        value = min(1.0, max(0.0, value))
        trust = model.params["ties.trust"]
        return value + trust * model.tie(self.index, speaker.index) * (1.0 - value)

    def openness(self) -> float:
        """How far this member moves toward a fully credible, expert speaker (ODD 7.4)."""
        p = self.model.params
        w = p["uptake.capacity_weight"]
        return p["uptake.rate"] * (1.0 - w + w * self.dialogic)


@dataclass
class PlainTally:
    """What happened in a session, member by member (keys are member indices)."""

    turns: dict[int, int] = field(default_factory=dict)
    heard: dict[tuple[int, int], int] = field(default_factory=dict)  # (listener, speaker)
    uptake: dict[tuple[int, int], float] = field(default_factory=dict)
    challenges: dict[int, int] = field(default_factory=dict)
    taken_up: int = 0
    listener_updates: int = 0
    sanctions: dict[int, int] = field(default_factory=dict)  # challenges one's leader heard
    experience: dict[int, float] = field(default_factory=dict)  # credit less threat, discomfort
    threat: dict[int, float] = field(default_factory=dict)
    actions_committed: dict[int, int] = field(default_factory=dict)  # presenters' actions
    actions_attempted: dict[int, int] = field(default_factory=dict)  # tried in a project
    actions_taken_up: dict[int, int] = field(default_factory=dict)  # ... and taken up there
    mentioned: list[int] = field(default_factory=list)  # utterances mentioning each aspect


class PlainNetwork(mesa.Model):
    """An exsim population as plain Mesa agents, and sessions of dialogue as loops."""

    def __init__(self, pop: Population, params: dict, legitimacy: np.ndarray, seed: int = 0):
        """Copy every member of `pop`; `params` are exsim's (dotted names), `legitimacy`
        that of each knowledge type in the room (an event's, or the norm's in projects)."""
        super().__init__(rng=seed)
        self.params = params
        self.legitimacy = legitimacy.tolist()
        self.truth = pop.problem.truth.tolist()
        self.members = [PlainParticipant(self, pop, i) for i in range(pop.size)]
        self.shared = [0.0] * len(self.truth)  # the room's mean knowledge of each aspect
        self.ties: dict[tuple[int, int], float] = {}  # (i, j) with i < j: tie strength
        tie_matrix = pop.ties.matrix()
        self._start_ties = tie_matrix  # read on first use of a pair

    def tie(self, i: int, j: int) -> float:
        """Tie strength between members i and j."""
        key = (min(i, j), max(i, j))
        if key not in self.ties:
            self.ties[key] = float(self._start_ties[key])
        return self.ties[key]

    # --- a session -----------------------------------------------------------------------

    def hold_session(self, seats: np.ndarray, setting: Setting) -> PlainTally:
        """Hold a session: each group of `seats` (-1: empty) meets under `setting`."""
        tally = PlainTally(mentioned=[0] * len(self.truth))
        for row in seats.tolist():
            group = [self.members[i] for i in row if i >= 0]
            self.group_session(group, setting, tally)
        return tally

    def group_session(self, group: list, setting: Setting, tally: PlainTally) -> None:
        """One group's session: rounds of turns and challenges, then the effects."""
        for member in group:
            for count in (tally.turns, tally.challenges, tally.sanctions):
                count[member.index] = 0
            for count in (tally.actions_committed, tally.actions_attempted, tally.actions_taken_up):
                count[member.index] = 0
        self.feel_the_room(group, setting)
        order = list(group)
        for r in range(setting.rounds):
            credibility = {
                (i.index, j.index): i.credibility(j, setting.hierarchy)
                for i in group
                for j in group
                if i is not j
            }
            if setting.turn_rule == "action_learning":
                if r == 0:
                    self.random.shuffle(order)
                self.action_learning_round(order, r, setting, credibility, tally)
            else:
                for speaker in self.free_turns(group, setting):
                    self.speak(speaker, group, credibility, tally)
            voiced, taken_from = self.challenges(group, setting, credibility, tally)
            self.carry_out_actions(voiced, taken_from, setting, tally)
        self.record_experience(group, tally)
        self.keep_actions(group, tally)
        self.grow_capacity(group, tally)
        self.sanction(group, tally)
        self.calibrate(group, tally)
        self.reinforce_ties(group, tally)

    def feel_the_room(self, group: list, setting: Setting) -> None:
        """What each member finds in the room at the start: their own leader's status over
        theirs if the leader is here, the threat of the status the session sets aside
        (ODD 7.16), less what their ties to those below them take away, the discomfort
        of knowledge of other types from people they have no tie with (ODD 7.18), their
        mean tie to the others (ODD 7.21), the status risk that weighs on their experience
        (ODD 7.19); and how well the room knows each aspect (ODD 7.25)."""
        p = self.params
        members = {m.index for m in group}
        mean_status = sum(m.status for m in group) / len(group)
        top = max(m.status for m in group)
        set_aside = p["threat.sensitivity"] * (1.0 - setting.hierarchy)
        for a in range(len(self.shared)):
            self.shared[a] = sum(m.knowledge[a] for m in group) / len(group)
        for m in group:
            m.committed = False
            m.leader_gap = 0.0
            if m.leader != m.index and m.leader in members:
                m.leader_gap = max(0.0, self.members[m.leader].status - m.status)
            m.threat = min(1.0, set_aside * max(0.0, m.status - mean_status))
            gap = setting.hierarchy * p["challenge.status_risk"] * max(0.0, top - m.status)
            gap += p["challenge.superior_risk"] * m.leader_gap
            m.unsafety = p["attendance.safety"] * gap
            others = [o for o in group if o is not m]
            unfamiliar, tied = 0.0, 0.0
            for o in others:
                tie = self.tie(m.index, o.index)
                tied += tie
                if o.main_type != m.main_type:
                    unfamiliar += 1.0 - tie
            share = unfamiliar / len(others) if others else 0.0
            m.discomfort = p["challenge.discomfort"] * (1.0 - m.dialogic) * share
            m.tied = tied / len(others) if others else 0.0
            below = [self.tie(m.index, o.index) for o in others if o.status < m.status]
            if below:  # contact with those below takes threat away
                m.threat *= 1.0 - p["threat.contact"] * sum(below) / len(below)

    # --- turns -------------------------------------------------------------------------

    def speaking_weights(self, group: list, setting: Setting) -> list[float]:
        """Each member's chance of taking a free turn (ODD 7.2)."""
        gradient = self.params["turns.status_gradient"]
        mean_status = sum(m.status for m in group) / len(group)
        raw = [
            m.voice
            * (0.5 + m.dialogic)
            * math.exp(gradient * setting.hierarchy * (m.status - mean_status))
            for m in group
        ]
        total = sum(raw)
        f = setting.facilitation
        return [(1.0 - f) * w / total + f / len(group) for w in raw]

    def free_turns(self, group: list, setting: Setting) -> list:
        """The round's speakers: as many turns as members, drawn by weight; under the
        balanced rule the facilitator favours those who have spoken least."""
        weights = self.speaking_weights(group, setting)
        speakers = []
        spoken = [0] * len(group)
        for _ in group:
            if setting.turn_rule == "balanced":
                f = setting.facilitation
                now = [w * math.exp(-2.0 * f * n) for w, n in zip(weights, spoken, strict=True)]
            else:
                now = weights
            k = self.random.choices(range(len(group)), weights=now)[0]
            spoken[k] += 1
            speakers.append(group[k])
        return speakers

    def action_learning_round(self, order: list, r: int, setting: Setting, credibility, tally):
        """The presenter speaks, each other member asks one question heard by the
        presenter alone, the presenter reflects aloud (ODD 7.5); at an event, where
        actions count, the presenter commits to an action (ODD 7.23)."""
        if len(order) < 2:
            return
        presenter = order[r % len(order)]
        if not setting.project and self.params["action.motive"] > 0:
            presenter.committed = True
        self.speak(presenter, order, credibility, tally)
        for asker in order:
            if asker is not presenter:
                self.speak(asker, [presenter], credibility, tally)
        self.speak(presenter, order, credibility, tally)

    def mentions(self, speaker, tally: PlainTally) -> list[bool]:
        """The aspects an utterance of `speaker` mentions: every one, or, when talk samples
        information, each with chance mention * the speaker's knowledge of it * the room's
        mean knowledge of it ** shared_bias (ODD 7.25)."""
        p = self.params
        said = [True] * len(speaker.knowledge)
        for a, known in enumerate(speaker.knowledge):
            if p["talk.sampling"]:
                chance = p["talk.mention"] * known * self.shared[a] ** p["talk.shared_bias"]
                said[a] = self.random.random() < chance
            tally.mentioned[a] += said[a]
        return said

    def speak(self, speaker, audience: list, credibility, tally: PlainTally) -> None:
        """`speaker` states their views on the aspects the utterance mentions; every other
        member of `audience` moves toward them by openness * credibility * precision on
        each of those aspects (ODD 7.4)."""
        j = speaker.index
        said = list(speaker.beliefs)
        mentioned = self.mentions(speaker, tally)
        tally.turns[j] += 1
        for listener in audience:
            if listener is speaker:
                continue
            i = listener.index
            c = credibility[i, j]
            openness = listener.openness()
            for a in range(len(said)):
                if not mentioned[a]:
                    continue
                precision = speaker.knowledge[a] / (listener.knowledge[a] + speaker.knowledge[a])
                weight = openness * c * precision
                listener.beliefs[a] += weight * (said[a] - listener.beliefs[a])
            tally.heard[i, j] = tally.heard.get((i, j), 0) + 1
            tally.uptake[i, j] = tally.uptake.get((i, j), 0.0) + c
            tally.listener_updates += 1

    # --- norm challenges ---------------------------------------------------------------

    def challenges(self, group: list, setting: Setting, credibility, tally):
        """Each member may voice a challenge, the more readily among ties (ODD 7.21) and
        holding an action in a project meeting (ODD 7.23); others may take it up (ODD
        7.6), less readily the more threatened they are; a threatened listener who heard
        challenges and took none up moves away from the challengers (reactance, ODD 7.16). A
        challenge voiced with one's own higher-status leader in the room counts toward a
        sanction (ODD 7.17). Returns who voiced one and how many took each one's up."""
        p = self.params
        top = max(m.status for m in group)
        voiced = []
        for m in group:
            others = [o for o in group if o is not m]
            earlier = sum(1 for o in others if tally.challenges[o.index] > 0)
            share = earlier / max(len(others), 1)
            risk = setting.hierarchy * p["challenge.status_risk"] * max(0.0, top - m.status)
            risk += p["challenge.superior_risk"] * m.leader_gap
            risk += setting.extra_risk
            risk -= p["challenge.facilitation_safety"] * setting.facilitation
            risk += m.discomfort
            risk -= p["challenge.contagion"] * share
            risk -= p["ties.safety"] * m.tied
            motive = (1.0 - m.endorsement) * (0.5 + m.dialogic)
            if setting.project:
                motive += p["action.motive"] * m.action
            x = (motive - risk - p["challenge.threshold"]) / p["challenge.sharpness"]
            chance = 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0
            if self.random.random() < chance:
                voiced.append(m)
        for m in voiced:
            tally.challenges[m.index] += 1
            if m.leader_gap > 0.0:
                tally.sanctions[m.index] += 1
        before = {m.index: m.endorsement for m in group}
        taken_from = dict.fromkeys(before, 0)
        for listener in group:
            gaps, apart = [], []
            for challenger in voiced:
                if challenger is listener:
                    continue
                apart.append(max(0.0, before[listener.index] - before[challenger.index]))
                c = credibility[listener.index, challenger.index]
                if self.random.random() < p["challenge.uptake"] * c * (1.0 - listener.threat):
                    tally.taken_up += 1
                    taken_from[challenger.index] += 1
                    e = before[listener.index]
                    gaps.append(max(0.0, e - before[challenger.index]))
            if gaps:
                listener.endorsement -= p["challenge.shift"] * sum(gaps) / len(gaps)
            elif apart and listener.threat > 0.0:  # away from the challengers heard
                hardening = p["threat.reactance"] * listener.threat * sum(apart) / len(apart)
                listener.endorsement = min(1.0, listener.endorsement + hardening)
        return voiced, taken_from

    def carry_out_actions(self, voiced: list, taken_from: dict, setting: Setting, tally) -> None:
        """In a project meeting, a member holding an action who voiced a challenge this
        round has attempted it (ODD 7.23): the action is done, and their endorsement
        falls by `action.reception` of itself if anyone took the challenge up, else
        rises by that share of its gap to 1."""
        reception = self.params["action.reception"]
        if not setting.project or self.params["action.motive"] <= 0.0:
            return
        for m in voiced:
            if m.action > 0.0:
                m.action = 0.0
                tally.actions_attempted[m.index] += 1
                if taken_from[m.index] > 0:
                    tally.actions_taken_up[m.index] += 1
                    m.endorsement -= reception * m.endorsement
                else:
                    m.endorsement += reception * (1.0 - m.endorsement)

    # --- after the session -----------------------------------------------------------

    def credit(self, member, group: list, tally: PlainTally) -> float:
        """The mean credibility `member`'s utterances got from the group (0 if unheard)."""
        j = member.index
        given = sum(tally.uptake.get((o.index, j), 0.0) for o in group)
        heard = sum(tally.heard.get((o.index, j), 0) for o in group)
        return given / heard if heard else 0.0

    def record_experience(self, group: list, tally: PlainTally) -> None:
        """Each member's experience of the session: the credit they got less the threat,
        discomfort and status risk they felt (ODD 7.19); and the threat."""
        for m in group:
            felt = m.threat + m.discomfort + m.unsafety
            tally.experience[m.index] = self.credit(m, group, tally) - felt
            tally.threat[m.index] = m.threat

    def keep_actions(self, group: list, tally: PlainTally) -> None:
        """A presenter leaves with an action to try at work, replacing any pending one."""
        for m in group:
            tally.actions_committed[m.index] = int(m.committed)
            if m.committed:
                m.action = 1.0

    def grow_capacity(self, group: list, tally: PlainTally) -> None:
        """Practice: turns times the mean credibility they got, plus challenges (7.7)."""
        growth = self.params["dialogic.growth"]
        for m in group:
            practice = tally.turns[m.index] * self.credit(m, group, tally)
            practice += tally.challenges[m.index]
            m.dialogic = 1.0 - (1.0 - m.dialogic) * (1.0 - growth) ** practice

    def sanction(self, group: list, tally: PlainTally) -> None:
        """A challenger loses status for each challenge voiced before their own leader,
        in proportion to the leader's status over theirs, down to 0 at most (7.17)."""
        rate = self.params["challenge.sanction"]
        for m in group:
            count = tally.sanctions[m.index]
            if count and rate > 0.0:
                m.status = max(0.0, m.status - rate * m.leader_gap * count)

    def calibrate(self, group: list, tally: PlainTally) -> None:
        """Move learned credibility toward the reliability of what was heard, checked
        against the truth for a share `credibility.feedback` and against the listener's
        own view for the rest (7.8, 7.24)."""
        rate = self.params["credibility.calibration"]
        feedback = self.params["credibility.feedback"]
        for listener in group:
            heard = [0] * len(listener.calibrated)
            reliable = [0.0] * len(listener.calibrated)
            for speaker in group:
                n = tally.heard.get((listener.index, speaker.index), 0)
                k = speaker.main_type
                check = (1.0 - feedback) * listener.beliefs[k] + feedback * self.truth[k]
                heard[k] += n
                reliable[k] += n * math.exp(-abs(speaker.beliefs[k] - check))
            for k, n in enumerate(heard):
                if n:
                    step = 1.0 - (1.0 - rate) ** n
                    listener.calibrated[k] += step * (reliable[k] / n - listener.calibrated[k])

    def reinforce_ties(self, group: list, tally: PlainTally) -> None:
        """Grow each pair's tie by the smaller credibility each gave the other (7.9)."""
        growth = self.params["ties.growth"]
        for a, first in enumerate(group):
            for second in group[a + 1 :]:
                i, j = first.index, second.index
                exchange = min(tally.uptake.get((i, j), 0.0), tally.uptake.get((j, i), 0.0))
                key = (min(i, j), max(i, j))
                strength = self.tie(i, j)
                self.ties[key] = strength + (1.0 - strength) * (1.0 - math.exp(-growth * exchange))
