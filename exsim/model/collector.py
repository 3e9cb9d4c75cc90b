"""The model's DataCollector: Mesa's, appending the month's outcomes as they are."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from .model import ExchangeModel


def read_outcome(model: ExchangeModel, name: str) -> float:
    """DataCollector reporter: the outcome `name` as measured this step."""
    return model.outcomes[name]


class OutcomeCollector(mesa.DataCollector):
    """Mesa's DataCollector for the model's outcomes. Every model reporter reads one
    float of `model.outcomes` (`read_outcome`), so `collect` appends the floats
    themselves (`ExchangeModel.measured`, in the order of `outcome_names`) instead of
    calling and deep-copying 61 reporters a month (a float needs no copy). The reporters
    are still there, for anything that reads them. A reporter added the Mesa way
    (``model.datacollector._new_model_reporter(name, fn)``) is called by Mesa's own
    `collect`; its column holds NaN for the months before it."""

    def collect(self, model: ExchangeModel) -> None:
        """Record this step's outcomes, one value per model reporter."""
        reporters, self.model_reporters = self.model_reporters, {}
        try:
            super().collect(model)  # agent reporters, should any be added
        finally:
            self.model_reporters = reporters
        if hasattr(self, "_collection_steps"):  # Mesa >= 3.4 records when it collected
            self._collection_steps.append(model.time)
        names = model.outcome_names
        if tuple(self.model_vars) == names and tuple(reporters) == names:  # as made
            for values, value in zip(self.model_vars.values(), model.measured, strict=True):
                values.append(value)
            return
        found = model.outcomes
        if self.model_reporters.keys() == found.keys():  # no reporter added the Mesa way
            for name, values in self.model_vars.items():
                values.append(found[name])
            return
        added = {k: r for k, r in self.model_reporters.items() if k not in found}
        for name, values in self.model_vars.items():
            if name not in added:
                values.append(found[name])
        if added:  # reporters added the Mesa way (`_new_model_reporter`): Mesa reads them
            reporters, self.model_reporters = self.model_reporters, added
            agents, self.agent_reporters = self.agent_reporters, {}
            try:
                super().collect(model)
            finally:
                self.model_reporters, self.agent_reporters = reporters, agents
            collected = len(self.model_vars[next(iter(model.outcomes))])
            for name in added:  # a reporter added during a run has nothing for the months
                values = self.model_vars[name]  # before it: NaN there, so columns align
                values[:0] = [math.nan] * (collected - len(values))
