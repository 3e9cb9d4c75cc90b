"""One run as a function: parameters and a seed in, summary outcomes out.

`evaluate` is what EMA Workbench, SALib, optimisers and notebooks call: the numbers of
one row of a sweep's runs table, for any parameters and seed. `summarize_outcome`
summarises any outcome the model records (per-role ones included) the way the runs
table summarises its own; `outcome_kinds` says how each is summarised.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from ..config import default_config
from ..model import registry
from ..model.model import keyword_parameters, whole_seed
from .single import release, simulate
from .tables import summarize

__all__ = ["evaluate", "outcome_kinds", "parse_outcome", "split_outcome", "summarize_outcome"]

SUMMARIES = ("mean", "final")
"""How an outcome is summarised over a run: ``mean_<x>`` or ``final_<x>``."""


@cache
def outcome_kinds() -> dict[str, str]:
    """Every outcome the model records each month, and its kind (`exsim.model.registry`):
    ``event`` (the latest event: averaged over the months with an event), ``project``
    (the month's project meetings: averaged over months 1 on) or ``state`` (the members'
    state: averaged over every month from 0)."""
    return {name: o.kind for name, o in registry.OUTCOMES.items()}


def split_outcome(name: str) -> tuple[str, str]:
    """``(outcome, summary)`` of a name already checked by `parse_outcome`."""
    outcome, summary = registry.split_summary(name)
    return outcome, summary or "mean"


def parse_outcome(name: str, added: Iterable[str] = ()) -> tuple[str, str]:
    """``(outcome, summary)`` of an outcome as named in a spec or an `evaluate` call:
    ``"challenges"`` is the mean over the run (``("challenges", "mean")``),
    ``"final_norm_endorsement"`` the value after the last month. `added` names outcomes
    a config adds (state outcomes).

    Raises:
        ValueError: an outcome the model does not record (with a suggestion).
    """
    if not isinstance(name, str):
        raise ValueError(f"{name!r}: name an outcome in text, e.g. 'challenges'")
    summary, _, rest = name.partition("_")
    outcome, summary = (rest, summary) if summary in SUMMARIES else (name, "mean")
    known = (*outcome_kinds(), *added)
    if outcome not in known:
        from ..model.parameters import suggest

        prefix = name.removesuffix(outcome)  # "final_", "mean_" or ""
        close = suggest(name, [prefix + k for k in known])
        raise ValueError(f"{name}: unknown outcome{close}")
    return outcome, summary


def summarize_outcome(timeseries: Mapping[str, Any], name: str) -> float:
    """One outcome of one run, summarised over the run (see `parse_outcome` for names).

    `timeseries` maps the model's outcome names to their values at each step (a run's
    time-series DataFrame, or its DataCollector's ``model_vars``). For the outcomes of
    the runs table this gives exactly its ``mean_<x>`` and ``final_<x>``.
    """
    outcome, summary = parse_outcome(name, [n for n in timeseries if n != "step"])
    kind = outcome_kinds().get(outcome, "state")
    return registry.summarize(timeseries[outcome], summary, kind, timeseries["event_held"], outcome)


def evaluate(
    parameters: Mapping[str, Any],
    seed: int,
    steps: int | None = None,
    outcomes: Iterable[str] | None = None,
) -> dict[str, float]:
    """Run the model once and return its summary outcomes.

    Args:
        parameters: model parameters by dotted name (``"event.suspension"``) or keyword
            name (``event_suspension``); the rest keep their defaults.
        seed: the run's seed (``run.seed``): a whole number, or text that reads as one.
        steps: months to run (``run.steps``); default that of `parameters` or 120.
        outcomes: outcomes to return, named as in a sensitivity file (``"challenges"``
            is the mean over the run, ``"final_norm_endorsement"`` the final value,
            per-role outcomes such as ``"challenges_patient"`` too). Default: every
            column of a sweep's runs table (``events_held``, ``final_<x>``,
            ``mean_<x>``).

    Returns:
        Outcome name to value: the same numbers as the row of a sweep's runs table for
        these parameters and seed.

    Raises:
        TypeError: an unknown parameter (with a suggestion), or a seed of the wrong kind.
        ValueError: an unknown outcome, or a value out of range.

    Example:
        >>> out = evaluate({"event.suspension": 0.0}, seed=1, steps=6)
        >>> round(out["mean_speaking_equality"], 3) <= 1.0
        True
    """
    values = dict(keyword_parameters(dict(parameters)))
    values["run.seed"] = whole_seed(seed)
    if steps is not None:
        values["run.steps"] = steps
    names = None if outcomes is None else list(outcomes)
    for name in names or ():
        parse_outcome(name)
    config = default_config().replace(**values)
    model = simulate(config)
    try:
        columns = model.datacollector.model_vars
        if names is None:
            return summarize(columns)
        return {name: summarize_outcome(columns, name) for name in names}
    finally:
        release(model)
