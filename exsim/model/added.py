"""Outcomes a user adds to a model: a name and a function of the model returning a
number (Mesa users' habit), recorded every month like the built-in outcomes.

`added_outcomes` checks them when the model is made; `AddedOutcome` calls one each month
and turns what goes wrong (an exception, a value that is not a number) into an
`OutcomeError` naming the outcome, what happened and the month, which the command line
reports in one line naming the config file and the key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import update_wrapper
from typing import Any

import numpy as np

from ..errors import OutcomeError
from . import registry
from .parameters import KEYWORDS

RESERVED = ("step", "run_id")
"""Time-series columns that are not outcomes."""


class AddedOutcome:
    """One added outcome's function, called each month: what it returns must be a real
    number (`added_value`); an exception it raises becomes an `OutcomeError`. It keeps
    the function's name and docstring (``functools.update_wrapper``) and pickles with it."""

    def __init__(self, name: str, function: Callable) -> None:
        self.name, self.function = name, function
        update_wrapper(self, function)

    def __call__(self, model) -> float:
        """The outcome's value for `model` this month, as a float."""
        try:
            value = self.function(model)
        except Exception as err:
            detail = " ".join(str(err).split())[:80]
            raise OutcomeError(
                self.name,
                f"raised {type(err).__name__}{': ' + detail if detail else ''} "
                f"at month {model.steps}",
            ) from err
        return added_value(self.name, value, model.steps)

    def __reduce__(self):
        return (AddedOutcome, (self.name, self.function))


def added_outcomes(functions: Mapping[str, Callable] | None) -> dict[str, AddedOutcome]:
    """Outcomes added to a model: `functions` (a mapping of names to functions of the
    model) checked: a new name (no built-in column in any letter case), callable."""
    if functions is None:
        return {}
    if not isinstance(functions, Mapping):
        raise TypeError(
            f"outcomes: give a mapping of names to functions of the model, e.g. "
            f"{{'mean_voice': mean_voice}}, not {type(functions).__name__}"
        )
    if not functions:  # none added (as a config without [outcomes] gives it)
        return {}
    taken = {n.lower() for n in (*registry.OUTCOMES, *KEYWORDS, *RESERVED)}
    checked = {}
    for name, function in functions.items():
        if not isinstance(name, str) or not name.isidentifier() or name[0] == "_":
            raise ValueError(f"outcome {name!r}: name it with letters, digits and _")
        if name.lower().startswith(("final_", "mean_")):
            raise ValueError(f"outcome {name!r}: final_ and mean_ name a run's summaries")
        if name.lower() in taken:
            raise ValueError(
                f"outcome {name!r}: already a column of the time series (names are "
                "compared in any letter case, as spreadsheets and databases do)"
            )
        if not callable(function):
            raise TypeError(f"outcome {name!r}: {function!r} is not callable")
        checked[name] = AddedOutcome(name, function)
    return checked


def added_value(name: str, value: Any, month: int = 0) -> float:
    """The value of an added outcome as a float; for anything but a real number (a bool
    counts as 0 or 1) an `OutcomeError` naming the outcome, what it returned and when."""
    if isinstance(value, int | float | np.integer | np.floating) or (
        isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "biuf"
    ):
        return float(value)
    raise OutcomeError(name, f"returned {value!r:.60} at month {month}, not a number")
