"""The Mesa yardstick of issue 16: a small, idiomatic Mesa model that a default exsim run
is timed against in the same process, so that the ratio means the same on a fast or a
slow (or busy) machine.

1,000 bounded-confidence agents: at each of 200 steps (`AgentSet.shuffle_do`) every
agent picks a random other and, if their opinions are within 0.3, both move half-way
towards each other (Deffuant et al. 2000, with mu = 0.5).

    python benchmarks/yardstick.py      # one timed run
"""

from __future__ import annotations

import time

import mesa

AGENTS = 1000
STEPS = 200
THRESHOLD = 0.3
CONVERGENCE = 0.5


class Opinion(mesa.Agent):
    """An agent with an opinion in [0, 1]."""

    def __init__(self, model: BoundedConfidence) -> None:
        super().__init__(model)
        self.opinion = self.random.random()

    def step(self) -> None:
        other = self.random.choice(self.model.population)
        gap = other.opinion - self.opinion
        if other is not self and abs(gap) < THRESHOLD:
            self.opinion += CONVERGENCE * gap
            other.opinion -= CONVERGENCE * gap


class BoundedConfidence(mesa.Model):
    """`AGENTS` opinion agents, each step all of them in random order."""

    def __init__(self, agents: int = AGENTS, seed: int = 0) -> None:
        super().__init__(seed=seed)
        Opinion.create_agents(self, agents)
        self.population = list(self.agents)

    def step(self) -> None:
        self.agents.shuffle_do("step")


def run(steps: int = STEPS, seed: int = 0) -> BoundedConfidence:
    """A yardstick run: `steps` steps of the model."""
    model = BoundedConfidence(seed=seed)
    for _ in range(steps):
        model.step()
    return model


def timed(seed: int = 0) -> float:
    """Wall seconds of one yardstick run."""
    start = time.perf_counter()
    run(seed=seed)
    return time.perf_counter() - start


if __name__ == "__main__":
    print(f"yardstick: {1e3 * timed():.1f} ms")
