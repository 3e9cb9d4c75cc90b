"""The dialogue kernel: turns, uptake and norm challenges in rooms of participants.

A *session* is a set of groups meeting at the same time under the same rules: the groups
of one event, or all project teams in their monthly meeting. The state of everyone in
the room is copied into arrays of shape (groups, seats), padded with empty seats, so
each turn is a handful of NumPy operations over all groups together. Groups in a session
are independent of each other, so processing them together changes nothing but speed.

One utterance: the speaker states their views on every aspect of the problem; each
listener moves toward them by ``openness * credibility * precision`` on each aspect,
where precision is the speaker's knowledge of the aspect relative to the listener's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .population import Population


@dataclass(frozen=True)
class Setting:
    """The rules of a session: how much hierarchy applies and how turns are given."""

    hierarchy: float  # 0: hierarchy suspended, 1: kept (projects are always 1)
    facilitation: float  # 0 to 1
    turn_rule: str  # "lottery", "balanced" or "action_learning"
    rounds: int
    extra_risk: float = 0.0  # added risk of challenging (target pressure in projects)


@dataclass
class Room:
    """The people of one session: member indices per group and their copied state."""

    seats: np.ndarray  # (G, m) member index, -1 for an empty seat
    present: np.ndarray  # (G, m) bool
    size: np.ndarray  # (G,) members per group
    beliefs: np.ndarray  # (G, m, A) working copy, written back at the end
    knowledge: np.ndarray  # (G, m, A)
    status: np.ndarray  # (G, m)
    endorsement: np.ndarray  # (G, m) working copy, written back at the end
    dialogic: np.ndarray  # (G, m)
    voice: np.ndarray  # (G, m)
    role: np.ndarray  # (G, m)
    main_type: np.ndarray  # (G, m)
    leader_present: np.ndarray  # (G, m) one's own project leader sits in the group
    leader_status: np.ndarray  # (G, m) status of one's own project leader


@dataclass
class Tally:
    """What happened in a session: who spoke, who heard whom, who challenged."""

    turns: np.ndarray  # (G, m) turns taken
    heard: np.ndarray  # (G, m, m) utterances listener i heard from speaker j
    uptake: np.ndarray  # (G, m, m) summed credibility listener i gave speaker j
    challenges: np.ndarray  # (G, m) challenges voiced
    taken_up: np.ndarray  # (G,) challenge take-ups

    @property
    def listener_updates(self) -> int:
        """Listener updates: one listener weighing one utterance."""
        return int(self.heard.sum())

    def cross_role(self, room: Room) -> tuple[np.ndarray, np.ndarray]:
        """Credibility summed over cross-role hearings, and their number, per group."""
        cross = room.role[:, :, None] != room.role[:, None, :]
        return (self.uptake * cross).sum((1, 2)), (self.heard * cross).sum((1, 2))

    def credit_received(self) -> np.ndarray:
        """Mean credibility each speaker's utterances received, (G, m)."""
        given = self.uptake.sum(1)
        heard = self.heard.sum(1)
        return np.divide(given, heard, out=np.zeros_like(given), where=heard > 0)


def open_room(pop: Population, seats: np.ndarray) -> Room:
    """Copy the state of the members seated in `seats` (-1: empty) into a `Room`."""
    present = seats >= 0
    idx = np.where(present, seats, 0)
    leader = pop.leader[idx]
    leader_present = (leader[:, :, None] == np.where(present, seats, -2)[:, None, :]).any(2)
    leader_present &= (leader != idx) & present
    return Room(
        seats=seats,
        present=present,
        size=present.sum(axis=1),
        beliefs=pop.beliefs[idx],
        knowledge=pop.knowledge[idx],
        status=pop.status[idx],
        endorsement=pop.endorsement[idx],
        dialogic=pop.dialogic[idx],
        voice=pop.voice[idx],
        role=pop.role[idx],
        main_type=pop.main_type[idx],
        leader_present=leader_present,
        leader_status=pop.status[leader],
    )


def credibility(
    room: Room, calibrated: np.ndarray, legitimacy: np.ndarray, hierarchy: float, deference: float
) -> np.ndarray:
    """Credibility listener i gives speaker j in each group, shape (G, m, m), in [0, 1].

    The listener's weight for the speaker's knowledge type (set by norm endorsement and
    by experience), raised or lowered by the speaker's status over the listener's where
    hierarchy applies (testimonial injustice when it lowers it below what is deserved).
    """
    g, m = room.seats.shape
    learned = calibrated[
        np.arange(g)[:, None, None], np.arange(m)[None, :, None], room.main_type[:, None, :]
    ]
    e = room.endorsement[:, :, None]
    base = e * legitimacy[room.main_type][:, None, :] + (1.0 - e) * learned
    gap = room.status[:, None, :] - room.status[:, :, None]
    return np.clip(base * (1.0 + deference * hierarchy * gap), 0.0, 1.0)


def speaking_weights(room: Room, setting: Setting, gradient: float) -> np.ndarray:
    """Chance of each seat taking a free turn, (G, m), rows summing to 1.

    Voice and dialogic capacity raise the chance; where hierarchy applies so does status
    (expectation states); facilitation mixes the chances toward equal turns.
    """
    size = np.maximum(room.size[:, None], 1)
    mean_status = (room.status * room.present).sum(1, keepdims=True) / size
    raw = room.voice * (0.5 + room.dialogic)
    raw = raw * np.exp(gradient * setting.hierarchy * (room.status - mean_status)) * room.present
    share = raw / np.maximum(raw.sum(1, keepdims=True), 1e-300)
    f = setting.facilitation
    return (1.0 - f) * share + f * room.present / size


class Session:
    """One session of dialogue: `run()` it, then `close()` it to write effects back."""

    def __init__(
        self,
        pop: Population,
        seats: np.ndarray,
        setting: Setting,
        params: dict,
        legitimacy: np.ndarray,
        rng: np.random.Generator,
    ):
        """Seat members `seats` (G, m; -1 empty) under `setting`."""
        self.pop, self.setting, self.params, self.rng = pop, setting, params, rng
        self.legitimacy = legitimacy
        self.room = room = open_room(pop, seats)
        g, m = seats.shape
        self.calibrated = pop.calibrated[np.where(room.present, seats, 0)]
        w = params["uptake.capacity_weight"]
        self.openness = params["uptake.rate"] * (1.0 - w + w * room.dialogic) * room.present
        k = room.knowledge  # precision[g, i, j, a]: speaker j's knowledge relative to i's
        self.precision = k[:, None, :, :] / (k[:, :, None, :] + k[:, None, :, :])
        self.tally = Tally(
            turns=np.zeros((g, m)),
            heard=np.zeros((g, m, m)),
            uptake=np.zeros((g, m, m)),
            challenges=np.zeros((g, m)),
            taken_up=np.zeros(g),
        )
        self._rows = np.arange(g)
        self._seat = np.arange(m)
        self._flat = self._rows * m  # row offsets: seat j of group g is g * m + j
        self._not_self = ~np.eye(m, dtype=bool)
        self._others = room.present[:, :, None] & self._not_self[None]
        # speaker-major copies, so one speaker per group is one contiguous row each
        self._precision_by_speaker = self.precision.transpose(0, 2, 1, 3).reshape(g * m, m, -1)
        self._log: list[tuple[np.ndarray, np.ndarray]] = []

    def run(self) -> Tally:
        """Hold every round: turns, then a chance to challenge the norm."""
        for r in range(self.setting.rounds):
            self.cred = credibility(
                self.room,
                self.calibrated,
                self.legitimacy,
                self.setting.hierarchy,
                self.params["credibility.status_deference"],
            )
            self._cred_by_speaker = self.cred.transpose(0, 2, 1).reshape(-1, self.cred.shape[1])
            if self.setting.turn_rule == "action_learning":
                self._action_learning_round(r)
            else:
                self._free_round()
            self._tally_round()
            self._challenges()
        return self.tally

    # --- turns -----------------------------------------------------------------------

    def _free_round(self) -> None:
        """Each group has as many free turns as members; speakers drawn by weight.

        Who speaks depends on the chances and on who has spoken, never on what was
        said, so the round's speakers are drawn first and then heard in order. Under the
        lottery rule the chances stay fixed through the round; under the balanced rule
        the facilitator favours those who have spoken least.
        """
        room = self.room
        m = room.seats.shape[1]
        weights = speaking_weights(room, self.setting, self.params["turns.status_gradient"])
        draws = self.rng.random((m, len(self._rows)))
        turn_open = np.arange(m)[:, None] < room.size[None, :]  # (T, G)
        if self.setting.turn_rule == "balanced":
            speakers = np.empty((m, len(self._rows)), dtype=int)
            spoken = np.zeros(room.seats.shape)
            for t in range(m):
                w = weights * np.exp(-2.0 * self.setting.facilitation * spoken)
                speakers[t] = _draw(w, draws[t][None])[0]
                spoken[self._rows, speakers[t]] += turn_open[t]
        else:
            speakers = _draw(weights, draws)
        self._speak(np.where(turn_open, speakers, -1))

    def _action_learning_round(self, r: int) -> None:
        """A presenter states their problem, each other member asks one question (heard
        by the presenter alone), then the presenter reflects aloud to the set."""
        room = self.room
        if r == 0:
            self._order = _shuffled_seats(room, self.rng)
        presenter = self._order[self._rows, r % np.maximum(room.size, 1)]
        presenter = np.where(room.size > 1, presenter, -1)
        self._speak(presenter[None])
        self._questions(presenter)
        self._speak(presenter[None])

    def _questions(self, presenter: np.ndarray) -> None:
        """Every other member of the set asks the presenter one question, in seat order.

        Only the presenter listens and the askers' views do not change meanwhile, so the
        presenter's sequence of moves b <- (1 - w_q) b + w_q b_q has a closed form:
        b_0 times the product of all (1 - w_q), plus each w_q b_q times the product of
        the (1 - w) that come after it. That is the same result as asking one at a time.
        """
        room, rows = self.room, self._rows
        has_set = presenter >= 0
        p = np.where(has_set, presenter, 0)
        askers = self._order.T  # (Q, G) seats in asking order
        asking = (np.arange(len(askers))[:, None] < room.size) & (askers != p) & has_set
        credit = self.cred[rows, p][rows, askers] * asking  # (Q, G): presenter's credibility
        precision = self.precision[rows, p][rows, askers]  # (Q, G, A)
        w = (self.openness[rows, p] * credit)[:, :, None] * precision
        keep = 1.0 - w
        after = np.cumprod(keep[::-1], axis=0)[::-1]  # product of keep from q on
        later = np.concatenate([after[1:], np.ones_like(after[:1])])  # product after q
        said = room.beliefs[rows, askers]  # (Q, G, A)
        b0 = room.beliefs[rows, p]
        room.beliefs[rows, p] = b0 * after[0] + (w * said * later).sum(0)
        listen = (self._seat[None, None, :] == p[None, :, None]) & asking[:, :, None]
        self._log.append((listen, np.where(asking, askers, -1)))

    def _speak(self, speakers: np.ndarray) -> None:
        """Utterances in order: `speakers` (T, G) holds each turn's speaking seat per
        group (-1: nobody); everyone else in the group listens.

        Each listener i moves toward the speaker j on every aspect a by
        openness_i * credibility_ij * precision_ija. Credibility is fixed within a round,
        so every turn's weights are computed at once; only the moves themselves, each
        depending on the one before, are taken turn by turn. This loop is the hot path.
        """
        talking = speakers >= 0
        rows = self._flat + np.where(talking, speakers, 0)  # (T, G) speaker-major rows
        listen = self.room.present & self._not_self[np.where(talking, speakers, 0)]
        listen &= talking[:, :, None]  # (T, G, m)
        credit = self._cred_by_speaker[rows] * listen
        weight = (self.openness * credit)[..., None] * self._precision_by_speaker[rows]
        beliefs = self.room.beliefs
        flat = beliefs.reshape(-1, beliefs.shape[2])  # a view: seat j of group g is g*m+j
        for t in range(len(speakers)):
            said = flat.take(rows[t], axis=0)  # (G, A)
            beliefs += weight[t] * (said[:, None, :] - beliefs)
        self._log.append((listen, np.where(talking, speakers, -1)))

    def _tally_round(self) -> None:
        """Add the round's utterances to the tally: turns, hearings, credibility given."""
        if not self._log:
            return
        listens = np.concatenate([entry[0] for entry in self._log]).astype(float)  # (T, G, m)
        speakers = np.concatenate([entry[1] for entry in self._log])  # (T, G)
        spoke = (speakers[:, :, None] == self._seat).astype(float)  # (T, G, m)
        heard = np.einsum("tgi,tgj->gij", listens, spoke)
        self.tally.turns += spoke.sum(0)
        self.tally.heard += heard
        self.tally.uptake += heard * self.cred
        self._log.clear()

    # --- norm challenges ---------------------------------------------------------------

    def _challenges(self) -> None:
        """Members who do not endorse the norm may voice a challenge if it feels safe."""
        room, p, rng, s = self.room, self.params, self.rng, self.setting
        # share of the others in the group who have already challenged this session
        challenged = self.tally.challenges > 0
        others = np.maximum(room.size[:, None] - 1, 1)
        earlier = (challenged.sum(1, keepdims=True) - challenged) / others
        top = np.where(room.present, room.status, -np.inf).max(1, keepdims=True)
        risk = (
            s.hierarchy * p["challenge.status_risk"] * np.maximum(0.0, top - room.status)
            + p["challenge.superior_risk"]
            * room.leader_present
            * np.maximum(0.0, room.leader_status - room.status)
            + s.extra_risk
            - p["challenge.facilitation_safety"] * s.facilitation
            - p["challenge.contagion"] * earlier
        )
        motive = (1.0 - room.endorsement) * (0.5 + room.dialogic)
        chance = _logistic((motive - risk - p["challenge.threshold"]) / p["challenge.sharpness"])
        # both draws are made whether or not anyone challenges, so that designs run on
        # the same seed keep drawing the same numbers (common random numbers)
        voiced = (rng.random(room.seats.shape) < chance) & room.present
        take_draws = rng.random(self._others.shape)
        if not voiced.any():
            return
        self.tally.challenges += voiced
        pairs = voiced[:, None, :] & self._others
        takes = (take_draws < p["challenge.uptake"] * self.cred) & pairs
        self.tally.taken_up += takes.sum((1, 2))
        gap = np.maximum(0.0, room.endorsement[:, :, None] - room.endorsement[:, None, :])
        mean_gap = (takes * gap).sum(2) / np.maximum(takes.sum(2), 1)
        room.endorsement = room.endorsement - p["challenge.shift"] * mean_gap

    # --- after the session ----------------------------------------------------------

    def close(self) -> Tally:
        """Write beliefs, endorsement, capacity, learned credibility and ties back."""
        pop, room, tally, p = self.pop, self.room, self.tally, self.params
        members = room.seats[room.present]
        pop.beliefs[members] = room.beliefs[room.present]
        pop.endorsement[members] = room.endorsement[room.present]
        practice = (tally.turns * tally.credit_received() + tally.challenges)[room.present]
        pop.dialogic[members] = (
            1.0 - (1.0 - pop.dialogic[members]) * (1.0 - p["dialogic.growth"]) ** practice
        )
        self._calibrate(members)
        self._reinforce_ties()
        return tally

    def _calibrate(self, members: np.ndarray) -> None:
        """Move credibility for each knowledge type toward how reliable its speakers
        turned out to be: exp(-|error|) on their own aspect, known to the model and fed
        back to listeners as if revealed by the work that follows."""
        room, types = self.room, self.pop.calibrated.shape[1]
        kind = np.eye(types)[room.main_type] * room.present[:, :, None]  # (G, m, types)
        heard = np.einsum("gij,gjk->gik", self.tally.heard, kind)[room.present]
        reliable = np.einsum(
            "gij,gj,gjk->gik", self.tally.heard, _reliability(self.pop, room), kind
        )[room.present]
        observed = np.divide(reliable, heard, out=np.zeros_like(heard), where=heard > 0)
        rate = 1.0 - (1.0 - self.params["credibility.calibration"]) ** heard
        current = self.pop.calibrated[members]
        self.pop.calibrated[members] = current + rate * (observed - current)

    def _reinforce_ties(self) -> None:
        room = self.room
        exchange = np.minimum(self.tally.uptake, self.tally.uptake.transpose(0, 2, 1))
        g, i, j = np.nonzero(np.triu(room.present[:, :, None] & room.present[:, None, :], 1))
        self.pop.ties.reinforce(
            room.seats[g, i], room.seats[g, j], exchange[g, i, j], self.params["ties.growth"]
        )


def hold_session(
    pop: Population,
    seats: np.ndarray,
    setting: Setting,
    params: dict,
    legitimacy: np.ndarray,
    rng: np.random.Generator,
) -> tuple[Room, Tally]:
    """Run a whole session and write its effects back into `pop`."""
    session = Session(pop, seats, setting, params, legitimacy, rng)
    session.run()
    return session.room, session.close()


def _reliability(pop: Population, room: Room) -> np.ndarray:
    """How right each seated member is on their own aspect: exp(-|error|), (G, m)."""
    idx = np.where(room.present, room.seats, 0)
    main = room.main_type
    return np.exp(-np.abs(pop.beliefs[idx, main] - pop.problem.truth[main]))


def _draw(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Seats drawn with probability proportional to `weights` (G, m), one per group for
    each row of uniform numbers `u` (T, G); returns (T, G)."""
    cum = np.cumsum(weights, axis=1)
    return np.minimum((cum[None] <= (u * cum[:, -1])[:, :, None]).sum(2), weights.shape[1] - 1)


def _shuffled_seats(room: Room, rng: np.random.Generator) -> np.ndarray:
    """Per group, the occupied seats in random order, then the empty ones."""
    keys = rng.random(room.seats.shape) + (~room.present) * 2.0
    return np.argsort(keys, axis=1)


def _logistic(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))
