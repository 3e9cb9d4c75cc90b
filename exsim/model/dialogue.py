"""The dialogue kernel: turns, uptake and norm challenges in rooms of participants.

A *session* is a set of groups meeting at the same time under the same rules: the groups
of one event, or all project teams in their monthly meeting. The state of everyone in
the room is copied into arrays of shape (groups, seats), padded with empty seats, so
each turn is a handful of NumPy operations over all groups together. Groups in a session
are independent of each other, so processing them together changes nothing but speed.

One utterance: the speaker states their views on every aspect of the problem; each
listener moves toward them by ``openness * credibility * precision`` on each aspect,
where precision is the speaker's knowledge of the aspect relative to the listener's.

Speed: the arrays are small (a default session is a few hundred numbers), so the cost is
the number of NumPy calls, not the arithmetic. Everything that follows from the seating
and the members' fixed traits (role, status, voice, knowledge, leader; ODD 2) is worked
out once per seating (`Seating`) and, for the project teams, which sit the same way every
month, once per run. Within a session only what beliefs and endorsement change is
recomputed. Per-seat arrays used one speaker at a time are kept "speaker-major" (row
``g * m + j`` holds speaker j of group g), so a turn of every group is one `take`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

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
    index: np.ndarray  # (G, m) member index, 0 for an empty seat (to gather state)
    members: np.ndarray  # (n,) the members present, in seat order: seats[present]


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
    # an empty seat holds -1, which is nobody's leader
    leader_present = (leader[:, :, None] == seats[:, None, :]).any(2)
    leader_present &= (leader != idx) & present
    return Room(
        seats=seats,
        present=present,
        size=present.sum(axis=1),
        beliefs=pop.beliefs.take(idx, axis=0),
        knowledge=pop.knowledge.take(idx, axis=0),
        status=pop.status[idx],
        endorsement=pop.endorsement[idx],
        dialogic=pop.dialogic[idx],
        voice=pop.voice[idx],
        role=pop.role[idx],
        main_type=pop.main_type[idx],
        leader_present=leader_present,
        leader_status=pop.status[leader],
        index=idx,
        members=seats[present],
    )


class Seating:
    """Members seated in groups, and what the kernel derives from the seating and the
    members' fixed traits alone: which seats hear which, precision, the status part of
    credibility and of challenge risk, the pairs whose ties can grow.

    Every session needs one; the model keeps the project teams' seating for the whole
    run, since teams and traits never change (it builds a new one if a `Participant`'s
    fixed trait is set by hand).
    """

    def __init__(self, pop: Population, seats: np.ndarray):
        """Seat the members `seats` (G, m; -1 empty) of `pop`."""
        self.room = room = open_room(pop, seats)  # its beliefs etc. are refreshed by `open`
        g, m = seats.shape
        self.shape = (g, m)
        self.flat_rows = np.arange(g) * m  # seat j of group g is row g * m + j
        self.others = room.present[:, :, None] & ~np.eye(m, dtype=bool)  # i hears j
        self.others_by_speaker = self.others.transpose(0, 2, 1).reshape(g * m, m)
        k = room.knowledge  # [g * m + j, i, a]: speaker j's knowledge relative to i's
        self.precision_by_speaker = (k[:, :, None] / (k[:, None] + k[:, :, None])).reshape(
            g * m, m, -1
        )
        self.type_index = speaker_type_index(room.main_type, k.shape[2])
        self.status_gap = room.status[:, None, :] - room.status[:, :, None]  # s_j - s_i
        top = np.where(room.present, room.status, -np.inf).max(1, keepdims=True)
        self.top_gap = np.maximum(0.0, top - room.status)
        self.leader_gap = room.leader_present * np.maximum(0.0, room.leader_status - room.status)
        self.others_count = np.maximum(room.size[:, None] - 1, 1)
        self.turn_open = np.arange(m)[:, None] < room.size  # (T, G): turn t is held in g
        self.own_aspect = (np.arange(g * m) * k.shape[2]).reshape(g, m) + room.main_type
        self.kind = np.eye(k.shape[2])[room.main_type] * room.present[:, :, None]
        # every pair of members in a group once (i < j): flat positions of (g, i, j) and
        # (g, j, i) in a (G, m, m) array, and the two members
        pg, pi, pj = np.nonzero(np.triu(room.present[:, :, None] & room.present[:, None, :], 1))
        self.pair_ij, self.pair_ji = (pg * m + pi) * m + pj, (pg * m + pj) * m + pi
        self.pair_members = room.seats[pg, pi], room.seats[pg, pj]

    def open(self, pop: Population) -> Room:
        """A room for a session in this seating: the state a session changes (beliefs,
        endorsement, capacity) copied afresh from `pop`, the fixed traits shared."""
        idx = self.room.index
        return replace(
            self.room,
            beliefs=pop.beliefs.take(idx, axis=0),
            endorsement=pop.endorsement[idx],
            dialogic=pop.dialogic[idx],
        )


def credibility(
    room: Room, calibrated: np.ndarray, legitimacy: np.ndarray, hierarchy: float, deference: float
) -> np.ndarray:
    """Credibility listener i gives speaker j in each group, shape (G, m, m), in [0, 1].

    The listener's weight for the speaker's knowledge type (set by norm endorsement and
    by experience), raised or lowered by the speaker's status over the listener's where
    hierarchy applies (testimonial injustice when it lowers it below what is deserved).
    """
    weights = type_weights(room.endorsement, calibrated, legitimacy)
    base = weights.reshape(-1).take(speaker_type_index(room.main_type, calibrated.shape[-1]))
    gap = room.status[:, None, :] - room.status[:, :, None]
    return _clip01(base * (1.0 + deference * hierarchy * gap))


def type_weights(
    endorsement: np.ndarray, calibrated: np.ndarray, legitimacy: np.ndarray
) -> np.ndarray:
    """The weight each listener gives each knowledge type, (G, m, types): legitimacy
    under the norm as far as they endorse it, learned credibility for the rest."""
    e = endorsement[:, :, None]
    return e * legitimacy + (1.0 - e) * calibrated


def speaker_type_index(main_type: np.ndarray, types: int) -> np.ndarray:
    """Flat positions in a (G, m, types) array of [g, i, type of speaker j], (G, m, m)."""
    g, m = main_type.shape
    return np.arange(g * m).reshape(g, m, 1) * types + main_type[:, None, :]


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
        seats: np.ndarray | Seating,
        setting: Setting,
        params: dict,
        legitimacy: np.ndarray,
        rng: np.random.Generator,
    ):
        """Seat members `seats` (G, m; -1 empty, or a `Seating` of them) under `setting`."""
        self.pop, self.setting, self.params, self.rng = pop, setting, params, rng
        self.legitimacy = legitimacy
        self.seating = seating = seats if isinstance(seats, Seating) else Seating(pop, seats)
        self.room = room = seating.open(pop)
        g, m = seating.shape
        self.calibrated = pop.calibrated.take(room.index, axis=0)
        w = params["uptake.capacity_weight"]
        self.openness = params["uptake.rate"] * (1.0 - w + w * room.dialogic) * room.present
        self.tally = Tally(
            turns=np.zeros((g, m)),
            heard=np.zeros((g, m, m)),
            uptake=np.zeros((g, m, m)),
            challenges=np.zeros((g, m)),
            taken_up=np.zeros(g),
        )
        self._rows = np.arange(g)
        self._seat = np.arange(m)
        deference = params["credibility.status_deference"]
        self._status_factor = 1.0 + deference * setting.hierarchy * seating.status_gap
        self._static_risk = _static_risk(seating, setting, params)
        self._cumulative_chances: np.ndarray | None = None  # made at the first free round
        self._log: list[tuple[np.ndarray, np.ndarray]] = []

    def run(self) -> Tally:
        """Hold every round: turns, then a chance to challenge the norm."""
        for r in range(self.setting.rounds):
            self.cred = self._credibility()
            self._cred_by_speaker = self.cred.transpose(0, 2, 1).reshape(-1, self.cred.shape[1])
            if self.setting.turn_rule == "action_learning":
                self._action_learning_round(r)
            else:
                self._free_round()
            self._tally_round()
            self._challenges()
        return self.tally

    def _credibility(self) -> np.ndarray:
        """`credibility` in this room under the current endorsements."""
        weights = type_weights(self.room.endorsement, self.calibrated, self.legitimacy)
        return _clip01(weights.reshape(-1).take(self.seating.type_index) * self._status_factor)

    # --- turns -----------------------------------------------------------------------

    def _free_round(self) -> None:
        """Each group has as many free turns as members; speakers drawn by weight.

        Who speaks depends on the chances and on who has spoken, never on what was
        said, so the round's speakers are drawn first and then heard in order. Under the
        lottery rule the chances stay fixed through the round (and the session: nothing
        they depend on changes before it closes); under the balanced rule the
        facilitator favours those who have spoken least.
        """
        room, turn_open = self.room, self.seating.turn_open
        m = room.seats.shape[1]
        if self._cumulative_chances is None:
            weights = speaking_weights(room, self.setting, self.params["turns.status_gradient"])
            self._weights, self._cumulative_chances = weights, np.cumsum(weights, axis=1)
        draws = self.rng.random((m, len(self._rows)))
        if self.setting.turn_rule == "balanced":
            speakers = np.empty((m, len(self._rows)), dtype=int)
            spoken = np.zeros(room.seats.shape)
            for t in range(m):
                w = self._weights * np.exp(-2.0 * self.setting.facilitation * spoken)
                speakers[t] = _draw(np.cumsum(w, axis=1), draws[t][None])[0]
                spoken[self._rows, speakers[t]] += turn_open[t]
        else:
            speakers = _draw(self._cumulative_chances, draws)
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
        room, rows, flat_rows = self.room, self._rows, self.seating.flat_rows
        has_set = presenter >= 0
        p = np.where(has_set, presenter, 0)
        askers = self._order.T  # (Q, G) seats in asking order
        asking = (np.arange(len(askers))[:, None] < room.size) & (askers != p) & has_set
        asker_rows = flat_rows + askers  # speaker-major rows of the askers
        credit = self._cred_by_speaker[asker_rows, p] * asking  # (Q, G) presenter's credibility
        precision = self.seating.precision_by_speaker[asker_rows, p]  # (Q, G, A) toward p
        w = (self.openness[rows, p] * credit)[:, :, None] * precision
        keep = 1.0 - w
        after = np.cumprod(keep[::-1], axis=0)[::-1]  # product of keep from q on
        later = np.concatenate([after[1:], np.ones_like(after[:1])])  # product after q
        beliefs = room.beliefs.reshape(-1, room.beliefs.shape[2])
        said = beliefs.take(asker_rows, axis=0)  # (Q, G, A)
        beliefs[flat_rows + p] = beliefs.take(flat_rows + p, axis=0) * after[0] + (
            w * said * later
        ).sum(0)
        listen = (self._seat[None, None, :] == p[None, :, None]) & asking[:, :, None]
        self._log.append((listen, np.where(asking, askers, -1)))

    def _speak(self, speakers: np.ndarray) -> None:
        """Utterances in order: `speakers` (T, G) holds each turn's speaking seat per
        group (-1: nobody); everyone else in the group listens.

        Each listener i moves toward the speaker j on every aspect a by
        openness_i * credibility_ij * precision_ija. Credibility is fixed within a round,
        so every turn's weights are computed at once; only the moves themselves, each
        depending on the one before, are taken turn by turn. This loop is the hot path:
        four NumPy calls per turn for all groups together, on arrays of one shape.
        """
        seating = self.seating
        talking = speakers >= 0
        rows = seating.flat_rows + np.where(talking, speakers, 0)  # (T, G) speaker rows
        listen = seating.others_by_speaker.take(rows, axis=0)
        listen &= talking[:, :, None]  # (T, G, m)
        credit = self._cred_by_speaker.take(rows, axis=0) * listen
        weight = (self.openness * credit)[..., None] * seating.precision_by_speaker.take(
            rows, axis=0
        )
        beliefs = self.room.beliefs
        flat = beliefs.reshape(-1, beliefs.shape[2])  # a view: seat j of group g is g*m+j
        said_rows = np.repeat(rows[:, :, None], beliefs.shape[1], axis=2)  # (T, G, m)
        move = np.empty_like(beliefs)
        for said, w in zip(said_rows, weight, strict=True):
            np.subtract(flat.take(said, axis=0), beliefs, out=move)  # speaker's view - own
            move *= w
            beliefs += move
        self._log.append((listen, speakers))

    def _tally_round(self) -> None:
        """Add the round's utterances to the tally: turns, hearings, credibility given."""
        if not self._log:
            return
        listens = np.concatenate([entry[0] for entry in self._log]).astype(float)  # (T, G, m)
        speakers = np.concatenate([entry[1] for entry in self._log])  # (T, G)
        spoke = (speakers[:, :, None] == self._seat).astype(float)  # (T, G, m)
        heard = np.matmul(listens.transpose(1, 2, 0), spoke.transpose(1, 0, 2))  # (G, m, m)
        self.tally.turns += spoke.sum(0)
        self.tally.heard += heard
        self.tally.uptake += heard * self.cred
        self._log.clear()

    # --- norm challenges ---------------------------------------------------------------

    def _challenges(self) -> None:
        """Members who do not endorse the norm may voice a challenge if it feels safe."""
        room, p, rng = self.room, self.params, self.rng
        # share of the others in the group who have already challenged this session
        challenged = self.tally.challenges > 0
        earlier = (challenged.sum(1, keepdims=True) - challenged) / self.seating.others_count
        risk = self._static_risk - p["challenge.contagion"] * earlier
        motive = (1.0 - room.endorsement) * (0.5 + room.dialogic)
        chance = _logistic((motive - risk - p["challenge.threshold"]) / p["challenge.sharpness"])
        # both draws are made whether or not anyone challenges, so that designs run on
        # the same seed keep drawing the same numbers (common random numbers)
        voiced = (rng.random(room.seats.shape) < chance) & room.present
        take_draws = rng.random(self.seating.others.shape)
        if not voiced.any():
            return
        self.tally.challenges += voiced
        pairs = voiced[:, None, :] & self.seating.others
        takes = (take_draws < p["challenge.uptake"] * self.cred) & pairs
        self.tally.taken_up += takes.sum((1, 2))
        gap = np.maximum(0.0, room.endorsement[:, :, None] - room.endorsement[:, None, :])
        mean_gap = (takes * gap).sum(2) / np.maximum(takes.sum(2), 1)
        room.endorsement = room.endorsement - p["challenge.shift"] * mean_gap

    # --- after the session ----------------------------------------------------------

    def close(self) -> Tally:
        """Write beliefs, endorsement, capacity, learned credibility and ties back."""
        pop, room, tally, p = self.pop, self.room, self.tally, self.params
        members = room.members
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
        room, kind = self.room, self.seating.kind  # kind: (G, m, types) one-hot, 0 if empty
        heard = np.matmul(self.tally.heard, kind)[room.present]
        reliable = np.einsum("gij,gj,gjk->gik", self.tally.heard, self._reliability(), kind)[
            room.present
        ]
        observed = np.divide(reliable, heard, out=np.zeros_like(heard), where=heard > 0)
        rate = 1.0 - (1.0 - self.params["credibility.calibration"]) ** heard
        current = self.pop.calibrated[members]
        self.pop.calibrated[members] = current + rate * (observed - current)

    def _reliability(self) -> np.ndarray:
        """How right each seated member is on their own aspect: exp(-|error|), (G, m)."""
        own = self.room.beliefs.reshape(-1).take(self.seating.own_aspect)
        return np.exp(-np.abs(own - self.pop.problem.truth.take(self.room.main_type)))

    def _reinforce_ties(self) -> None:
        """Grow the tie of every pair in a group by min(U_ij, U_ji), their exchange."""
        seating, uptake = self.seating, self.tally.uptake.reshape(-1)
        exchange = np.minimum(uptake.take(seating.pair_ij), uptake.take(seating.pair_ji))
        self.pop.ties.reinforce(*seating.pair_members, exchange, self.params["ties.growth"])


def hold_session(
    pop: Population,
    seats: np.ndarray | Seating,
    setting: Setting,
    params: dict,
    legitimacy: np.ndarray,
    rng: np.random.Generator,
) -> tuple[Room, Tally]:
    """Run a whole session and write its effects back into `pop`."""
    session = Session(pop, seats, setting, params, legitimacy, rng)
    session.run()
    return session.room, session.close()


def _static_risk(seating: Seating, setting: Setting, p: dict) -> np.ndarray:
    """The risk of challenging that stays fixed through a session (ODD 7.6), (G, m):
    the status gap to the top where hierarchy applies, the gap to one's own leader if
    present, target pressure, less facilitation; contagion is added round by round."""
    return (
        setting.hierarchy * p["challenge.status_risk"] * seating.top_gap
        + p["challenge.superior_risk"] * seating.leader_gap
        + setting.extra_risk
        - p["challenge.facilitation_safety"] * setting.facilitation
    )


def _draw(cumulative: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Seats drawn with probability proportional to weights whose running sums along
    each group are `cumulative` (G, m), one per group for each row of uniform numbers
    `u` (T, G); returns (T, G)."""
    chosen = (cumulative[None] <= (u * cumulative[:, -1])[:, :, None]).sum(2)
    return np.minimum(chosen, cumulative.shape[1] - 1)


def _shuffled_seats(room: Room, rng: np.random.Generator) -> np.ndarray:
    """Per group, the occupied seats in random order, then the empty ones."""
    keys = rng.random(room.seats.shape) + (~room.present) * 2.0
    return np.argsort(keys, axis=1)


def _clip01(x: np.ndarray) -> np.ndarray:
    """`np.clip(x, 0, 1)` in place, without its overhead on small arrays."""
    return np.minimum(np.maximum(x, 0.0, out=x), 1.0, out=x)


def _logistic(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))
