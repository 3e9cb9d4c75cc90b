"""Participants: the members of the Exchange Network, as Mesa agents.

A participant's state lives in the model's `Population` arrays (row `index`), so that a
whole room can be updated at once; the properties below read and write that row, so a
participant can be inspected and changed like any Mesa agent.
"""

from __future__ import annotations

import mesa
import numpy as np

from .vocabulary import KNOWLEDGE_TYPES, MAIN_KNOWLEDGE, ROLES


def _state(name: str, doc: str, fixed: bool = False) -> property:
    def get(self):
        return getattr(self.model.population, name)[self.index]

    def set_(self, value):
        getattr(self.model.population, name)[self.index] = value
        if fixed:  # the model keeps what it derives from fixed traits (ODD 2)
            self.model.traits_changed()

    return property(get, set_, doc=doc)


class Participant(mesa.Agent):
    """A member of the network: a patient, carer, clinician, researcher or manager."""

    def __init__(self, model: mesa.Model, index: int):
        """Create the participant whose state is row `index` of the model's population."""
        super().__init__(model)
        self.index = index

    status = _state("status", "Standing in project hierarchies, 0 to 1 (ODD 7.17).", fixed=True)
    voice = _state("voice", "Propensity to speak.", fixed=True)
    dialogic_capacity = _state("dialogic", "Capacity for dialogue, 0 to 1; grows with practice.")
    norm_endorsement = _state("endorsement", "Endorsement of the organisational norm, 0 to 1.")
    knowledge = _state(
        "knowledge", "Knowledge of each knowledge type (1 for the main type).", fixed=True
    )
    beliefs = _state("beliefs", "Views on each aspect of the project problem.")
    calibrated_credibility = _state(
        "calibrated", "Credibility given to each knowledge type, learned from experience."
    )
    project = _state("project", "Index of the member's project team.", fixed=True)

    @property
    def role(self) -> str:
        """The member's role."""
        return ROLES[self.model.population.role[self.index]]

    @property
    def knowledge_type(self) -> str:
        """The member's main knowledge type."""
        return MAIN_KNOWLEDGE[self.role]

    @property
    def credibility_weights(self) -> dict[str, float]:
        """Weight this member gives each knowledge type when listening."""
        pop = self.model.population
        e = pop.endorsement[self.index]
        w = e * self.model.legitimacy + (1 - e) * pop.calibrated[self.index]
        return dict(zip(KNOWLEDGE_TYPES, map(float, w), strict=True))

    @property
    def is_leader(self) -> bool:
        """Whether the member leads their project team."""
        return bool(self.model.population.leader[self.index] == self.index)

    @property
    def ties(self) -> np.ndarray:
        """Strength of this member's tie to every member (by population index)."""
        return self.model.population.ties.matrix()[self.index]
