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
    `collect`; its column holds NaN for the months before it.

    While the columns are the model's outcomes, a month is kept as its row
    (`ExchangeModel.measured`) and moved into the columns when `model_vars` is next
    read: one append a month instead of one a column."""

    def __init__(self, *args, **kwargs):
        self._rows: list[list[float]] = []  # months collected, not yet in the columns
        self._columns_checked: tuple[str, ...] | None = None  # see `_as_made`
        super().__init__(*args, **kwargs)

    @property
    def model_vars(self) -> dict[str, list]:
        """Mesa's columns: each model reporter's values, one per collection."""
        if self._rows:
            self._move_rows()
        return self._model_vars

    @model_vars.setter
    def model_vars(self, columns: dict[str, list]) -> None:
        if self._rows:
            self._move_rows()
        self._model_vars = columns

    def _move_rows(self) -> None:
        """Append the kept rows to the columns (they were kept while the columns were
        the model's outcomes, in its order: `_as_made`)."""
        rows, self._rows = self._rows, []
        for values, column in zip(self._model_vars.values(), zip(*rows, strict=True), strict=True):
            values.extend(column)

    def _as_made(self, names: tuple[str, ...], reporters: dict) -> bool:
        """Whether the columns and the model reporters are the outcomes `names`, in
        order, as made (checked in full again whenever the names or a count change;
        a reporter is added the Mesa way by `_new_model_reporter`, which adds a column)."""
        columns = self._model_vars
        n = len(names)
        if self._columns_checked is names and len(columns) == n and len(reporters) == n:
            return True
        made = tuple(columns) == names and tuple(reporters) == names
        self._columns_checked = names if made else None
        return made

    def _new_model_reporter(self, name, reporter) -> None:
        """Mesa's, with the kept rows moved into the columns first."""
        self._columns_checked = None
        super()._new_model_reporter(name, reporter)

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
        if self._as_made(names, reporters):
            self._rows.append(model.measured)  # a new list every month, never changed
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
