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
from functools import lru_cache

import numpy as np

from .population import Population
from .vocabulary import ROLES


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
    present_rows: np.ndarray  # (n,) their seats as flat positions g * m + j
    pairs: np.ndarray  # (G, m, m) 1.0 where seats i and j are both taken, else 0.0
    cross_role: np.ndarray  # (G, m, m) 1.0 where i and j are both there, in other roles
    role_cells: np.ndarray  # (n,) for each member present, g * roles + role (for counts)


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
        return int(np.add.reduce(self.heard, axis=None))

    def cross_role(self, room: Room) -> tuple[np.ndarray, np.ndarray]:
        """Credibility summed over cross-role hearings, and their number, per group."""
        cross = room.cross_role
        return np.add.reduce(self.uptake * cross, (1, 2)), np.add.reduce(self.heard * cross, (1, 2))

    def credit_received(self) -> np.ndarray:
        """Mean credibility each speaker's utterances received, (G, m)."""
        return ratio(np.add.reduce(self.uptake, 1), np.add.reduce(self.heard, 1))


_TINY = np.finfo(float).smallest_subnormal


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """The ratio num / den, and 0 where den is 0 (den >= 0).

    Every ratio here has a `num` that is 0 wherever `den` is (a sum over nothing), so
    dividing by max(den, the smallest positive float) is exact where den > 0 and gives
    0 / tiny = 0 elsewhere, in two NumPy calls.
    """
    return num / np.maximum(den, _TINY)


@lru_cache(maxsize=64)
def pair_rows(groups: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    """For each position [g, x, y] of a (G, m, m) array of pairs, the rows g * m + x and
    g * m + y of the seats x and y in a flattened room. Gathering per-seat values with
    them gives pair arrays in one fast call; broadcasting over small groups is slow.
    Rooms of the same shape share them, read-only.
    """
    rows = np.arange(groups * m).reshape(groups, m)
    first, second = rows[:, :, None].repeat(m, axis=2), rows[:, None, :].repeat(m, axis=1)
    first.flags.writeable = second.flags.writeable = False
    return first, second


def open_room(pop: Population, seats: np.ndarray) -> Room:
    """Copy the state of the members seated in `seats` (-1: empty) into a `Room`."""
    present = seats >= 0
    idx = np.where(present, seats, 0)
    group = np.arange(len(seats)).repeat(seats.shape[1]).reshape(seats.shape)
    group_of = np.full(pop.size, -1)
    group_of[seats[present]] = group[present]
    leader = pop.leader[idx]
    leader_present = (group_of[leader] == group) & (leader != idx) & present
    role = pop.role[idx]
    first, second = pair_rows(*seats.shape)
    pairs = (present.reshape(-1).take(first) & present.reshape(-1).take(second)).astype(float)
    cross = role.reshape(-1).take(first) != role.reshape(-1).take(second)
    return Room(
        seats=seats,
        present=present,
        size=np.add.reduce(present, 1),
        beliefs=pop.beliefs.take(idx, axis=0),
        knowledge=pop.knowledge.take(idx, axis=0),
        status=pop.status[idx],
        endorsement=pop.endorsement[idx],
        dialogic=pop.dialogic[idx],
        voice=pop.voice[idx],
        role=role,
        main_type=pop.main_type[idx],
        leader_present=leader_present,
        leader_status=pop.status[leader],
        index=idx,
        members=seats[present],
        present_rows=np.flatnonzero(present),
        pairs=pairs,
        cross_role=pairs * cross,
        role_cells=(role + len(ROLES) * np.arange(len(seats))[:, None])[present],
    )


class Seating:
    """Members seated in groups, and what the kernel derives from the seating and the
    members' fixed traits alone: who hears whom, precision, the status part of
    credibility, of challenge risk and of turn-taking, the pairs whose ties can grow.

    Every session needs one; the model keeps the project teams' seating for the whole
    run, since teams and traits never change (ODD 2; it builds a new one if a
    `Participant`'s fixed trait is set by hand). Arrays used one speaker at a time are
    speaker-major: row ``g * m + j`` is about speaker j of group g.
    """

    def __init__(self, pop: Population, seats: np.ndarray):
        """Seat the members `seats` (G, m; -1 empty) of `pop`."""
        self.room = room = open_room(pop, seats)  # its beliefs etc. are refreshed by `open`
        g, m = self.shape = seats.shape
        self.groups, self.seat = np.arange(g), np.arange(m)
        self.flat_rows = self.groups * m  # seat j of group g is row g * m + j
        self.first, self.second = first, second = pair_rows(g, m)
        present, distinct = room.present.reshape(-1), first != second
        self.others = present.take(first) & distinct  # [g, i, j]: i is there to hear j
        self.heard_by = present.take(second) & distinct  # [g, j, i]: j is heard by i
        self.present_f = room.present.astype(float)
        self.hears = room.pairs * distinct  # 1.0: i and j both there, i != j
        # [g * m + j, i, a]: speaker j's knowledge of aspect a relative to listener i's
        k = room.knowledge.reshape(g * m, -1)
        speaker, listener = k.take(first.reshape(-1), axis=0), k.take(second.reshape(-1), axis=0)
        listener += speaker
        self.precision_by_pair = np.divide(speaker, listener, out=listener)  # row (g*m+j)*m+i
        self.precision_by_speaker = self.precision_by_pair.reshape(g * m, m, -1)
        self.type_index = speaker_type_index(room.main_type, k.shape[1], first, second)
        self.speaker_type = room.main_type.reshape(-1).take(second)  # [g, i, j]: type of j
        self.transposed = second * m + first % m  # [g, j, i]: flat position of (g, i, j)
        self.others_count = np.maximum(room.size[:, None] - 1, 1)
        self.turn_open = np.arange(m)[:, None] < room.size  # (T, G): turn t is held in g
        self.turn_open_f = self.turn_open.astype(float)
        self.all_turns_open = bool(self.turn_open.all())
        self.own_aspect = (np.arange(g * m) * k.shape[1]).reshape(g, m) + room.main_type
        # every pair of members in a group once (i < j): flat positions of (g, i, j) and
        # (g, j, i) in a (G, m, m) array, and the two members
        pg, pi, pj = np.nonzero(np.triu(room.pairs, 1))
        self.pair_ij, self.pair_ji = (pg * m + pi) * m + pj, (pg * m + pj) * m + pi
        self.tie_pairs = pop.ties.pairs(room.seats[pg, pi], room.seats[pg, pj])
        self._constants: dict[tuple, SeatingConstants] = {}

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

    def constants(self, setting: Setting, p: dict) -> SeatingConstants:
        """What the rules `setting` and parameters `p` make of this seating's fixed
        traits, worked out once per rules (project teams meet under the same rules every
        month)."""
        key = (setting, *(p[name] for name in SeatingConstants.PARAMETERS))
        if key not in self._constants:
            self._constants[key] = SeatingConstants(self, setting, p)
        return self._constants[key]


class SeatingConstants:
    """The parts of credibility, challenge risk and turn-taking that depend only on a
    seating's fixed traits and a session's rules, so stay fixed through the session."""

    PARAMETERS = (
        "credibility.status_deference",
        "challenge.status_risk",
        "challenge.superior_risk",
        "challenge.facilitation_safety",
        "turns.status_gradient",
    )
    """The parameters they depend on (besides the `Setting`)."""

    def __init__(self, seating: Seating, setting: Setting, p: dict):
        """Work them out for `seating` under `setting` and parameters `p`."""
        room, h = seating.room, setting.hierarchy
        status = room.status.reshape(-1)
        status_gap = status.take(seating.second) - status.take(seating.first)  # s_j - s_i
        self.status_factor = 1.0 + p["credibility.status_deference"] * h * status_gap
        top = np.where(room.present, room.status, -np.inf).max(1, keepdims=True)
        leader_gap = room.leader_present * np.maximum(0.0, room.leader_status - room.status)
        # the risk of challenging without contagion, which grows as others challenge
        self.static_risk = (
            h * p["challenge.status_risk"] * np.maximum(0.0, top - room.status)
            + p["challenge.superior_risk"] * leader_gap
            + setting.extra_risk
            - p["challenge.facilitation_safety"] * setting.facilitation
        )
        self.status_push = status_push(room, h, p["turns.status_gradient"])


def credibility(
    room: Room, calibrated: np.ndarray, legitimacy: np.ndarray, hierarchy: float, deference: float
) -> np.ndarray:
    """Credibility listener i gives speaker j in each group, shape (G, m, m), in [0, 1].

    The listener's weight for the speaker's knowledge type (set by norm endorsement and
    by experience), raised or lowered by the speaker's status over the listener's where
    hierarchy applies (testimonial injustice when it lowers it below what is deserved).
    """
    first, second = pair_rows(*room.seats.shape)
    index = speaker_type_index(room.main_type, calibrated.shape[-1], first, second)
    legitimate = legitimacy.take(room.main_type.reshape(-1).take(second))
    base = type_weight(room.endorsement, calibrated, legitimate, index, first)
    status = room.status.reshape(-1)
    gap = status.take(second) - status.take(first)
    return _clip01(base * (1.0 + deference * hierarchy * gap))


def type_weight(
    endorsement: np.ndarray,
    calibrated: np.ndarray,
    legitimate: np.ndarray,
    index: np.ndarray,
    first: np.ndarray,
) -> np.ndarray:
    """The weight each listener i gives the knowledge type of each speaker j, (G, m, m):
    its `legitimate`-cy under the norm as far as i endorses the norm, what i learned
    (`calibrated`, at `index`, see `speaker_type_index`) for the rest."""
    e = endorsement.reshape(-1).take(first)  # [g, i, j]: e_i
    return e * legitimate + (1.0 - e) * calibrated.reshape(-1).take(index)


def speaker_type_index(
    main_type: np.ndarray, types: int, first: np.ndarray, second: np.ndarray
) -> np.ndarray:
    """Flat positions in a (G, m, types) array of [g, i, type of speaker j], (G, m, m),
    given the `pair_rows` `first`, `second` of the room."""
    return first * types + main_type.reshape(-1).take(second)


def status_push(room: Room, hierarchy: float, gradient: float) -> np.ndarray:
    """How status raises the chance to speak where hierarchy applies (expectation
    states): exp(gradient * h * (s_j - mean status of the group)), 0 for empty seats."""
    size = np.maximum(room.size[:, None], 1)
    mean_status = (room.status * room.present).sum(1, keepdims=True) / size
    return np.exp(gradient * hierarchy * (room.status - mean_status)) * room.present


def speaking_weights(
    room: Room, setting: Setting, gradient: float, push: np.ndarray | None = None
) -> np.ndarray:
    """Chance of each seat taking a free turn, (G, m), rows summing to 1.

    Voice and dialogic capacity raise the chance; where hierarchy applies so does status
    (`status_push`, which can be passed in); facilitation mixes the chances toward
    equal turns.
    """
    if push is None:
        push = status_push(room, setting.hierarchy, gradient)
    raw = room.voice * (0.5 + room.dialogic) * push
    share = raw / np.maximum(raw.sum(1, keepdims=True), 1e-300)
    f = setting.facilitation
    return (1.0 - f) * share + f * room.present / np.maximum(room.size[:, None], 1)


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
        self.constants = seating.constants(setting, params)
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
        # [g, j, i]: openness of listener i to speaker j, 0 if i does not hear j
        self._openness_by_speaker = self.openness.reshape(-1).take(seating.second)
        self._openness_by_speaker *= seating.heard_by
        self._beliefs = room.beliefs.reshape(g * m, -1)  # a view: row g * m + j is seat j
        self._move = np.empty_like(room.beliefs)  # scratch space for `_speak`
        self.cred: np.ndarray | None = None  # credibility, recomputed when endorsements move
        self._chance: np.ndarray | None = None  # chance to challenge, likewise
        self._cumulative_chances: np.ndarray | None = None  # made at the first free round

    def run(self) -> Tally:
        """Hold every round: turns, then a chance to challenge the norm."""
        for r in range(self.setting.rounds):
            if self.cred is None:
                self._update_credibility()
            if self.setting.turn_rule == "action_learning":
                self._action_learning_round(r)
            else:
                self._free_round()
            self._challenges()
        return self.tally

    def _update_credibility(self) -> None:
        """`credibility` in this room under the current endorsements, and the pull of
        every speaker on every listener, openness * credibility (speaker-major rows).

        Learned credibility and status stay fixed through a session, so this changes
        only when challenges have moved endorsements.
        """
        seating = self.seating
        legitimate = self.legitimacy.take(seating.speaker_type)
        cred = type_weight(
            self.room.endorsement, self.calibrated, legitimate, seating.type_index, seating.first
        )
        self.cred = _clip01(np.multiply(cred, self.constants.status_factor, out=cred))
        pull = self._openness_by_speaker * cred.reshape(-1).take(seating.transposed)
        self._pull = pull.reshape(-1, pull.shape[2])

    # --- turns -----------------------------------------------------------------------

    def _free_round(self) -> None:
        """Each group has as many free turns as members; speakers drawn by weight.

        Who speaks depends on the chances and on who has spoken, never on what was
        said, so the round's speakers are drawn first and then heard in order. Under the
        lottery rule the chances stay fixed through the round (and the session: nothing
        they depend on changes before it closes); under the balanced rule the
        facilitator favours those who have spoken least. Every other member present
        hears each turn.
        """
        room, seating = self.room, self.seating
        g, m = seating.shape
        if self._cumulative_chances is None:
            gradient, push = self.params["turns.status_gradient"], self.constants.status_push
            weights = speaking_weights(room, self.setting, gradient, push)
            self._weights, self._cumulative_chances = weights, weights.cumsum(axis=1)
        draws = self.rng.random((m, g))
        if self.setting.turn_rule == "balanced":
            speakers = np.empty((m, g), dtype=int)
            spoken = np.zeros(room.seats.shape)
            for t in range(m):
                w = self._weights * np.exp(-2.0 * self.setting.facilitation * spoken)
                speakers[t] = _draw(w.cumsum(axis=1), draws[t][None])[0]
                spoken[seating.groups, speakers[t]] += seating.turn_open[t]
        else:
            speakers = _draw(self._cumulative_chances, draws)
        rows = seating.flat_rows + speakers  # (T, G) speaker-major rows
        talking = None if seating.all_turns_open else seating.turn_open
        self._speak(*self._utterances(rows, talking))
        turns = np.bincount((rows if talking is None else rows[talking]).ravel(), None, g * m)
        turns = turns.reshape(g, 1, m)  # by speaker
        self._tally(seating.others * turns, turns.reshape(g, m))

    def _action_learning_round(self, r: int) -> None:
        """A presenter states their problem, each other member asks one question (heard
        by the presenter alone), then the presenter reflects aloud to the set."""
        if r == 0:
            self._plan_action_learning()
        presenter = self._presenters[r]
        rows = (self.seating.flat_rows + presenter)[None]  # (1, G)
        said, weight = self._utterances(rows, self._has_set)  # credibility is fixed
        self._speak(said, weight)
        self._questions(presenter)
        self._speak(said, weight)
        self._tally(self._heard_per_round[r], self._turns_per_round[r])

    def _plan_action_learning(self) -> None:
        """Order each set at random and work out every round's presenter and hearings.

        Each round the members of a set hear the presenter twice (opening, reflection)
        and the presenter hears each of them once (their question); a group of one
        holds no set.
        """
        room, seating = self.room, self.seating
        self._order = _shuffled_seats(room, self.rng)  # (G, m) seats in random order
        self._asker_rows = seating.flat_rows + self._order.T  # (Q, G) in asking order
        self._asker_pairs = self._asker_rows * room.seats.shape[1]
        has_set = room.size > 1
        self._has_set = None if has_set.all() else has_set[None]
        turn = np.arange(self.setting.rounds)[:, None] % np.maximum(room.size, 1)  # (R, G)
        self._presenters = np.where(has_set, self._order[seating.groups, turn], 0)
        presents = (seating.seat == self._presenters[:, :, None]) & has_set[:, None]
        presents = presents.astype(float)  # (R, G, m) 1.0 at the presenter
        self._heard_per_round = seating.hears * (
            2.0 * presents[:, :, None, :] + presents[:, :, :, None]
        )
        self._turns_per_round = (presents + seating.present_f) * has_set[:, None]
        self._questions_weight = np.zeros((len(self._asker_rows) + 1, *room.beliefs.shape[::2]))

    def _questions(self, presenter: np.ndarray) -> None:
        """Every other member of the set asks the presenter one question, in seat order.

        Only the presenter listens and the askers' views do not change meanwhile, so the
        presenter's sequence of moves b <- (1 - w_q) b + w_q b_q has a closed form:
        b_0 times the product of all (1 - w_q), plus each w_q b_q times the product of
        the (1 - w) that come after it. That is the same result as asking one at a time.
        """
        seating, beliefs = self.seating, self._beliefs
        pair = self._asker_pairs + presenter  # row (g * m + asker) * m + presenter
        # openness * credibility of the presenter toward each asker; 0 for the presenter
        # and for empty seats (turn_open: the first `size` in the order are the members)
        pull = self._pull.reshape(-1).take(pair) * seating.turn_open_f
        w_all = self._questions_weight  # (Q + 1, G, A), its last row always 0
        w = np.multiply(
            pull[:, :, None], seating.precision_by_pair.take(pair, axis=0), out=w_all[:-1]
        )
        after = (1.0 - w_all)[::-1].cumprod(axis=0)[::-1]  # product of (1 - w) from q on
        said = beliefs.take(self._asker_rows, axis=0)  # (Q, G, A)
        own = seating.flat_rows + presenter
        asked = np.add.reduce(w * said * after[1:], 0)  # (G, A)
        beliefs[own] = beliefs.take(own, axis=0) * after[0] + asked

    def _utterances(
        self, rows: np.ndarray, talking: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The turns whose speakers have speaker-major `rows` (T, G), held where
        `talking` (T, G; None: everywhere): the rows to read each turn's views from
        (T, G, m), and how far each listener i moves toward them on each aspect,
        openness_i * credibility_ij * precision_ija (T, G, m, A). Credibility is fixed
        within a round, so every turn's weights are computed at once."""
        pull = self._pull.take(rows, axis=0)  # (T, G, m), 0 for those who do not hear
        if talking is not None:
            pull *= talking[:, :, None]
        weight = self.seating.precision_by_speaker.take(rows, axis=0)
        weight *= pull[..., None]  # in place: one large array, not two, in big rooms
        return rows[:, :, None].repeat(pull.shape[2], axis=2), weight

    def _speak(self, said: np.ndarray, weight: np.ndarray) -> None:
        """Utterances in order: in turn t each listener i of group g moves toward the
        views in row `said[t, g, i]` by `weight[t, g, i]` on every aspect, from the
        views held just before. Only the moves, each depending on the one before, are
        taken turn by turn. This loop is the hot path: four NumPy calls per turn for all
        groups together, on arrays of one shape."""
        beliefs, flat, move = self.room.beliefs, self._beliefs, self._move
        for rows, w in zip(said, weight, strict=True):
            np.subtract(flat.take(rows, axis=0), beliefs, out=move)  # speaker's view - own
            move *= w
            beliefs += move

    def _tally(self, heard: np.ndarray, turns: np.ndarray) -> None:
        """Add a round's utterances to the tally: `heard` (G, m, m), `turns` (G, m)."""
        self.tally.turns += turns
        self.tally.heard += heard
        self.tally.uptake += heard * self.cred

    # --- norm challenges ---------------------------------------------------------------

    def _challenges(self) -> None:
        """Members who do not endorse the norm may voice a challenge if it feels safe."""
        room, p, rng = self.room, self.params, self.rng
        if self._chance is None:
            self._chance = self._challenge_chance()
        # both draws are made whether or not anyone challenges, so that designs run on
        # the same seed keep drawing the same numbers (common random numbers)
        voiced = (rng.random(room.seats.shape) < self._chance) & room.present
        take_draws = rng.random(self.seating.others.shape)
        if not np.count_nonzero(voiced):
            return
        self.tally.challenges += voiced
        seating, e = self.seating, room.endorsement.reshape(-1)
        heard = voiced.reshape(-1).take(seating.second) & seating.others  # [g, i, j]: i heard j
        takes = ((take_draws < p["challenge.uptake"] * self.cred) & heard).astype(float)
        self.tally.taken_up += np.add.reduce(takes, (1, 2))
        gap = np.maximum(0.0, e.take(seating.first) - e.take(seating.second))  # e_i - e_j
        mean_gap = np.add.reduce(takes * gap, 2) / np.maximum(np.add.reduce(takes, 2), 1.0)
        room.endorsement = room.endorsement - p["challenge.shift"] * mean_gap
        self.cred = self._chance = None  # both depend on endorsements and who challenged

    def _challenge_chance(self) -> np.ndarray:
        """Chance of each member voicing a challenge: motive against risk (ODD 7.6)."""
        room, p = self.room, self.params
        # share of the others in the group who have already challenged this session
        challenged = self.tally.challenges > 0
        earlier = np.add.reduce(challenged, 1, keepdims=True) - challenged
        earlier = earlier / self.seating.others_count
        risk = self.constants.static_risk - p["challenge.contagion"] * earlier
        motive = (1.0 - room.endorsement) * (0.5 + room.dialogic)
        return _logistic((motive - risk - p["challenge.threshold"]) / p["challenge.sharpness"])

    # --- after the session ----------------------------------------------------------

    def close(self) -> Tally:
        """Write beliefs, endorsement, capacity, learned credibility and ties back."""
        pop, room, tally, p = self.pop, self.room, self.tally, self.params
        members, rows = room.members, room.present_rows
        pop.beliefs[members] = self._beliefs.take(rows, axis=0)
        pop.endorsement[members] = room.endorsement.reshape(-1).take(rows)
        practice = (tally.turns * tally.credit_received() + tally.challenges).reshape(-1)
        pop.dialogic[members] = 1.0 - (1.0 - pop.dialogic.take(members)) * (
            1.0 - p["dialogic.growth"]
        ) ** practice.take(rows)
        self._calibrate(members)
        self._reinforce_ties()
        return tally

    def _calibrate(self, members: np.ndarray) -> None:
        """Move credibility for each knowledge type toward how reliable its speakers
        turned out to be: exp(-|error|) on their own aspect, known to the model and fed
        back to listeners as if revealed by the work that follows."""
        heard, rows, types = self.tally.heard, self.room.present_rows, self.pop.calibrated.shape[1]
        # per listener and knowledge type: utterances heard and their summed reliability
        # (a bincount into cells (g * m + i) * types + type of j adds in speaker order)
        cells, size = self.seating.type_index.reshape(-1), heard.size // heard.shape[2] * types
        reliable = (heard * self._reliability()[:, None, :]).reshape(-1)
        reliable = np.bincount(cells, reliable, size).reshape(-1, types).take(rows, axis=0)
        heard = np.bincount(cells, heard.reshape(-1), size).reshape(-1, types).take(rows, axis=0)
        observed = ratio(reliable, heard)
        rate = 1.0 - (1.0 - self.params["credibility.calibration"]) ** heard
        current = self.pop.calibrated.take(members, axis=0)
        self.pop.calibrated[members] = current + rate * (observed - current)

    def _reliability(self) -> np.ndarray:
        """How right each seated member is on their own aspect: exp(-|error|), (G, m)."""
        own = self.room.beliefs.reshape(-1).take(self.seating.own_aspect)
        return np.exp(-np.abs(own - self.pop.problem.truth.take(self.room.main_type)))

    def _reinforce_ties(self) -> None:
        """Grow the tie of every pair in a group by min(U_ij, U_ji), their exchange."""
        seating, uptake = self.seating, self.tally.uptake.reshape(-1)
        exchange = np.minimum(uptake.take(seating.pair_ij), uptake.take(seating.pair_ji))
        self.pop.ties.reinforce_pairs(seating.tie_pairs, exchange, self.params["ties.growth"])


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


def _draw(cumulative: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Seats drawn with probability proportional to weights whose running sums along
    each group are `cumulative` (G, m), one per group for each row of uniform numbers
    `u` (T, G); returns (T, G)."""
    chosen = np.add.reduce(cumulative[None] <= (u * cumulative[:, -1])[:, :, None], axis=2)
    return np.minimum(chosen, cumulative.shape[1] - 1)


def _shuffled_seats(room: Room, rng: np.random.Generator) -> np.ndarray:
    """Per group, the occupied seats in random order, then the empty ones."""
    keys = rng.random(room.seats.shape) + (~room.present) * 2.0
    return keys.argsort(axis=1)


def _clip01(x: np.ndarray) -> np.ndarray:
    """`np.clip(x, 0, 1)` in place, without its overhead on small arrays."""
    return np.minimum(np.maximum(x, 0.0, out=x), 1.0, out=x)


def _logistic(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))
