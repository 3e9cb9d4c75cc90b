"""The state of every member, held as NumPy arrays (one row per member).

`Participant` agents are views into these arrays, so the dialogue kernel can work on
whole rooms at once while a student can still ask one participant for its state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ties import Ties
from .vocabulary import KNOWLEDGE_TYPES, MAIN_KNOWLEDGE_INDEX, ROLES


@dataclass
class Problem:
    """The project problem: one true value per aspect, one aspect per knowledge type."""

    truth: np.ndarray  # (aspects,)
    noise: np.ndarray  # (aspects,) s.d. of the private signal of a main-type holder


@dataclass
class Population:
    """Per-member state. Index i is the same member in every array."""

    role: np.ndarray  # (n,) int, index into ROLES
    status: np.ndarray  # (n,) float in [0, 1]
    knowledge: np.ndarray  # (n, aspects) float in (0, 1], 1 for the main type
    voice: np.ndarray  # (n,) propensity to speak
    dialogic: np.ndarray  # (n,) dialogic capacity in [0, 1]
    endorsement: np.ndarray  # (n,) endorsement of the organisational norm in [0, 1]
    calibrated: np.ndarray  # (n, types) credibility learned from experience, in [0, 1]
    beliefs: np.ndarray  # (n, aspects) views on the project problem
    project: np.ndarray  # (n,) int, project team of each member
    leader: np.ndarray  # (n,) int, index of the member's project leader (self if leader)
    precision: np.ndarray  # (n,) how much sharper one's evidence is than one's knowledge says
    experience: np.ndarray  # (n,) remembered experience of events (attendance)
    action: np.ndarray  # (n,) 1 where a member holds an action from a set to try at work
    ties: Ties  # mutuality and care between members
    problem: Problem  # the problem the members' beliefs are about

    @property
    def size(self) -> int:
        """Number of members."""
        return len(self.role)

    @property
    def main_type(self) -> np.ndarray:
        """Index of each member's main knowledge type."""
        return _MAIN_KNOWLEDGE_INDEX[self.role]

    def credibility_weights(self, legitimacy: np.ndarray) -> np.ndarray:
        """Weight each member gives each knowledge type when listening, (n, types).

        A member who fully endorses the norm weighs knowledge by its legitimacy under the
        norm; one who does not weighs it by what experience has taught them.
        """
        e = self.endorsement[:, None]
        return e * legitimacy[None, :] + (1.0 - e) * self.calibrated


_MAIN_KNOWLEDGE_INDEX = np.asarray(MAIN_KNOWLEDGE_INDEX)
"""`MAIN_KNOWLEDGE_INDEX` as an array (read by `Population.main_type`)."""


def role_counts(size: int, mix: np.ndarray) -> np.ndarray:
    """Split `size` members into roles by the shares `mix` (largest remainder)."""
    share = mix / mix.sum() * size
    counts = np.floor(share).astype(int)
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[: size - counts.sum()]] += 1
    return counts


def create_problem(p: dict, rng: np.random.Generator) -> Problem:
    """Draw the true value of each aspect of the problem from a standard normal."""
    noise = np.array([p[f"problem.noise.{k}"] for k in KNOWLEDGE_TYPES])
    return Problem(truth=rng.standard_normal(len(KNOWLEDGE_TYPES)), noise=noise)


def create_population(p: dict, problem: Problem, rng: np.random.Generator) -> Population:
    """Draw the members of the network from the parameters `p` (dotted names)."""
    n = p["population.size"]
    mix = np.array([p[f"population.mix.{r}"] for r in ROLES])
    role = rng.permutation(np.repeat(np.arange(len(ROLES)), role_counts(n, mix)))
    base_status = np.array([p[f"status.{r}"] for r in ROLES])[role]
    status = np.clip(base_status + p["status.noise"] * rng.standard_normal(n), 0.0, 1.0)
    knowledge = np.full((n, len(KNOWLEDGE_TYPES)), p["knowledge.secondary"])
    knowledge[np.arange(n), np.asarray(MAIN_KNOWLEDGE_INDEX)[role]] = 1.0
    voice_mean = p["voice.mean"] + np.array([p[f"voice.offset.{r}"] for r in ROLES])[role]
    voice = np.clip(voice_mean + p["voice.spread"] * rng.standard_normal(n), 0.05, 1.0)
    norm_mean = p["norm.endorsement"] + np.array([p[f"norm.offset.{r}"] for r in ROLES])[role]
    endorsement = np.clip(norm_mean + p["norm.spread"] * rng.standard_normal(n), 0.0, 1.0)
    precision = evidence_precision(status, p["status.competence"])
    signal_sd = problem.noise[None, :] / (knowledge * precision[:, None])
    beliefs = problem.truth[None, :] + signal_sd * rng.standard_normal(knowledge.shape)
    project, leader = assign_projects(status, p["project.size"], rng)
    return Population(
        role=role,
        status=status,
        knowledge=knowledge,
        voice=voice,
        dialogic=np.full(n, p["dialogic.initial"]),
        endorsement=endorsement,
        calibrated=np.ones((n, len(KNOWLEDGE_TYPES))),
        beliefs=beliefs,
        project=project,
        leader=leader,
        precision=precision,
        experience=np.full(n, p["attendance.reference"]),
        action=np.zeros(n),
        ties=Ties(role),
        problem=problem,
    )


COMPETENCE_SCALE = 0.25
"""Status above the network's mean that halves the s.d. of one's evidence when status
fully tracks competence (`status.competence` = 1): a modelling assumption (ODD 7.20)."""


def evidence_precision(status: np.ndarray, competence: float) -> np.ndarray:
    """Each member's evidence precision factor, (n,): 2 ** (competence * (s - mean s) /
    `COMPETENCE_SCALE`); the s.d. of their private signals is divided by it. 1 for all
    at competence 0 or where everyone has the same status (exactly: the mean of equal
    numbers can differ from them in the last bit)."""
    if len(status) == 0 or np.all(status == status[0]):
        return np.ones(len(status))
    return 2.0 ** (competence * (status - status.mean()) / COMPETENCE_SCALE)


def assign_projects(
    status: np.ndarray, team_size: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Deal members at random into teams of about `team_size`; the highest status leads."""
    n = len(status)
    teams = np.array_split(rng.permutation(n), max(1, -(-n // team_size)))
    project = np.empty(n, dtype=int)
    leader = np.empty(n, dtype=int)
    for t, members in enumerate(teams):
        project[members] = t
        leader[members] = members[np.argmax(status[members])]
    return project, leader
