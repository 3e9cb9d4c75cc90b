"""The checks that sweep, sensitivity and comparison files share: whole numbers, parameter
names and values, tables of dotted names, the run limit and the ``record`` option (which
months a time series keeps). Each failure is one `ConfigError` line naming where."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..model.parameters import PARAMETERS, shown, suggest

__all__ = [
    "MAX_RUNS",
    "check_run_count",
    "checked",
    "flatten_table",
    "known",
    "record_option",
    "recorded_steps",
    "whole",
]

MAX_RUNS = 1_000_000
"""The most runs a sweep may plan unless a higher limit is given (``--max-runs``,
``max_runs=``): the plan, the manifest and the results of more runs than that outgrow a
workstation, and a number that large is more often a slip of the keyboard."""


def whole(value: Any, where: str, low: int, high: int | None = None) -> int:
    """`value` as an int from `low` to `high` (NumPy integers too), or a `ConfigError`."""
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"{where}: {shown(value)} must be a whole number of {low} or more")
    if high is not None and value > high:
        raise ConfigError(f"{where}: {shown(value)} must be a whole number from {low} to {high}")
    return value


def count_text(n: int) -> str:
    """A count for a message: ``1,000,000``, or ``about 10^400`` when it is huge."""
    return f"{n:,}" if n < 10**15 else f"about 10^{len(str(n)) - 1}"


def check_run_count(runs: int, limit: int | None, where: str, how: str = "") -> None:
    """Refuse, in one line, a plan of more than `limit` runs (None: no limit)."""
    if limit is not None and runs > limit:
        raise ConfigError(
            f"{where}: {count_text(runs)} runs planned{f' ({how})' if how else ''}, more than "
            f"the limit of {limit:,}; plan fewer, or raise the limit (--max-runs)"
        )


def checked(name: str, value: Any, where: str) -> Any:
    """`value` checked against parameter `name`, or a `ConfigError` naming `where`."""
    try:
        return PARAMETERS[name].check(value)
    except ValueError as err:
        raise ConfigError(f"{where}: {err}") from None


def known(name: str, where: str, extra: Sequence[str] = ()) -> None:
    """A `ConfigError` (with a suggestion) unless `name` is a parameter."""
    if name not in PARAMETERS:
        raise ConfigError(
            f"{where}: {name}: unknown parameter{suggest(name, [*PARAMETERS, *extra])}"
        )


def flatten_table(table: Any, where: str, prefix: str = "") -> dict[str, Any]:
    """Dotted keys and nested tables (``[grid.event]``) alike, to dotted names."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where}: must be a table")
    flat: dict[str, Any] = {}
    for key, value in table.items():
        if isinstance(value, Mapping):
            flat.update(flatten_table(value, where, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def record_option(value: Any, where: str) -> str | int:
    """A checked ``record`` option: ``"all"``, ``"final"`` or a whole number N >= 1."""
    if value in ("all", "final"):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    raise ConfigError(
        f'{where}: {shown(value)}; use "all", "final" or a whole number of months, 1 or more '
        "(every that many months and the final one)"
    )


def recorded_steps(record: str | int, steps: int) -> list[int]:
    """The steps (0 to `steps`) whose outcomes a time series keeps under `record`: all of
    them, only the final one, or every N-th from 0 and the final one."""
    if record == "all":
        return list(range(steps + 1))
    if record == "final":
        return [steps]
    return sorted({*range(0, steps + 1, record), steps})
