"""One model parameter: its name, default, allowed values, meaning, source and unit, and
how a value is checked against it (`Parameter.check`). The table of every parameter is
`exsim.model.parameters.PARAMETERS`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Parameter:
    """One model parameter: name, default, allowed values, meaning and source."""

    name: str
    default: Any
    meaning: str
    source: str = "modelling assumption"
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    plausible: tuple[float, float] | None = None
    """The range a modeller would defend (within low..high), for exploring the model;
    None where the parameter is a design choice, a size or not numeric."""
    unit: str = ""
    """The unit, in the field's plain terms (`exsim.model.parameter_units`)."""

    @property
    def kind(self) -> type:
        """The Python type a value must have (bool, int, float or str)."""
        return type(self.default)

    @property
    def keyword(self) -> str:
        """The keyword-argument name used by `ExchangeModel`."""
        return self.name.replace(".", "_")

    def allowed(self) -> str:
        """Describe the allowed values in words, for error messages and the ODD."""
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind is bool:
            return "true or false"
        noun = "an integer" if self.kind is int else "a number"
        return f"{noun} from {_fmt(self.low)} to {_fmt(self.high)}"

    def check(self, value: Any) -> Any:
        """Return `value` converted to this parameter's type, or raise `ValueError`."""
        value = _coerce(self, value)
        if self.choices and value not in self.choices:
            raise ValueError(f"{self.name} = {shown(value)} is not allowed; use {self.allowed()}")
        if self.low is not None and not (self.low <= value <= self.high):
            raise ValueError(f"{self.name} = {shown(value)} is out of range; use {self.allowed()}")
        return value


def _fmt(x: float | None) -> str:
    if x is None:
        return "any"
    return f"{x:g}" if isinstance(x, float) else str(x)


def shown(value: Any) -> str:
    """`value` for a message, as a config file spells it (true, false): a whole number
    too long to read is cut to its digit count."""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    text = repr(value)
    if isinstance(value, int) and len(text) > 24:
        return f"{text[:8]}...({len(text.lstrip('-'))} digits)"
    return text if len(text) <= 60 else text[:57] + "..."


def _wrong_type(p: Parameter, value: Any) -> ValueError:
    """The error for `value` of the wrong type (made only when it is raised)."""
    return ValueError(f"{p.name} = {shown(value)} has the wrong type; use {p.allowed()}")


def _coerce(p: Parameter, value: Any) -> Any:
    """`value` as this parameter's type. NumPy scalars count as the Python numbers they
    hold; a whole number too large for a float is out of range, not an `OverflowError`."""
    kind = p.kind
    given = value
    if isinstance(value, np.bool_):
        value = bool(value)
    elif isinstance(value, np.integer):
        value = int(value)
    elif isinstance(value, np.floating):
        value = float(value)
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise _wrong_type(p, given)
    if isinstance(value, bool):
        raise _wrong_type(p, given)
    if kind is int:
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise _wrong_type(p, given)
    if kind is float:
        if isinstance(value, int | float):
            try:
                value = float(value)
            except OverflowError:
                raise ValueError(
                    f"{p.name} = {shown(value)} is out of range; use {p.allowed()}"
                ) from None
            if value != value or value in (float("inf"), float("-inf")):
                raise _wrong_type(p, given)
            return value
        raise _wrong_type(p, given)
    if not isinstance(value, str):
        raise _wrong_type(p, given)
    return str(value)
