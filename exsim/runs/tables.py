"""The tables of one run as a sweep stores them: its row of the runs table (summaries),
its time series and its events, as Arrow tables whose fields describe themselves.

Every field carries metadata (Parquet keeps it): a parameter says it is one, with its
meaning, unit and allowed values; an outcome its label, unit, kind and how it was summarised
(`exsim.model.registry`); the run's identity columns what they are.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from functools import cache

import numpy as np
import pyarrow as pa

from ..model import registry
from ..model.parameters import PARAMETERS
from ..model.registry import FINAL, OUTCOMES, SELECTIONS, SUMMARIES, split_summary
from .checks import recorded_steps
from .spec import Sweep

SUMMARY_OUTCOMES = SELECTIONS["summary"]
"""Outcomes summarised in the runs table, each as ``final_<name>`` and ``mean_<name>``;
outcomes a config adds follow them."""


def summary_columns(added: Iterable[str] = ()) -> tuple[str, ...]:
    """The outcome columns of the runs table (with those of the `added` outcomes)."""
    names = (*SUMMARY_OUTCOMES, *added)
    return ("events_held",) + tuple(f"{k}_{name}" for name in names for k in ("final", "mean"))


SUMMARY_COLUMNS = summary_columns()
"""The outcome columns of the runs table of a sweep that adds no outcome."""


def summarize(timeseries, added: Iterable[str] = ()) -> dict[str, float]:
    """Final and mean outcomes of a run, from its time series (a DataFrame, or a mapping
    of outcome name to the values at each step): ``final_<x>`` is the value after the
    last month, ``mean_<x>`` the mean over the months the outcome's kind describes
    (`exsim.model.registry.summarize`; an added outcome is a state outcome). For the
    headline outcomes these are the ``end`` and ``mean`` of `RunResult.summary`."""
    held = np.asarray(timeseries["event_held"], dtype=float) == 1
    out = {"events_held": float(np.asarray(timeseries["events_held"], dtype=float)[-1])}
    for name in (*SUMMARY_OUTCOMES, *added):
        kind = OUTCOMES[name].kind if name in OUTCOMES else "state"
        values = np.asarray(timeseries[name], dtype=float)  # once for both summaries
        for summary in ("final", "mean"):
            out[f"{summary}_{name}"] = registry.summarize(values, summary, kind, held, name)
    return out


EVENT_INTS = ("step", "event", "group", "size")
"""Event columns that `exsim.runs.single.events_table` makes integers."""

ARROW_TYPES = {bool: pa.bool_(), int: pa.int64(), float: pa.float64(), str: pa.string()}

_IDENTITY = {
    "run_id": "the run's id (p<point>-r<replicate>)",
    "point": "the point of the sweep (0 on)",
    "replicate": "the replicate at the point (0 on)",
    "seed": "the run's seed (run.seed)",
    "status": "done or failed",
    "error": "the error of a failed run",
    "traceback": "the traceback of a failed run",
    "step": "month (0: the initial state)",
    "event": "number of the event (1 for the first held)",
    "group": "index of the group within the event",
}


ADDED_MEANING = "an outcome the config adds"
"""The meaning of an added outcome whose function has no docstring."""


def added_meanings(functions: Mapping[str, Callable]) -> tuple[tuple[str, str], ...]:
    """``(name, meaning)`` of each added outcome: the first line of its function's
    docstring, else `ADDED_MEANING`."""
    return tuple(
        (name, (inspect.getdoc(f) or "").strip().partition("\n")[0] or ADDED_MEANING)
        for name, f in functions.items()
    )


def describe(name: str, meanings: tuple[tuple[str, str], ...] = ()) -> dict[bytes, bytes]:
    """The metadata of a column: what it is, and its meaning, unit and summary
    (`meanings`: those of the added outcomes, `added_meanings`)."""
    if name in PARAMETERS:
        p = PARAMETERS[name]
        info = {"role": "parameter", "meaning": p.meaning, "unit": p.unit}
        info["allowed"] = p.allowed()
    elif name in _IDENTITY:
        info = {"role": "run", "meaning": _IDENTITY[name]}
    else:
        outcome, summary = split_summary(name)
        known = OUTCOMES.get(outcome)
        info = {"role": "outcome", "outcome": outcome}
        if known is not None:
            info |= {"label": known.label, "unit": known.unit, "kind": known.kind}
            info |= {"meaning": known.meaning, "range": known.range}
        else:
            info |= {"meaning": dict(meanings).get(outcome, ADDED_MEANING), "kind": "state"}
        if summary is not None:
            info["summary"] = FINAL if summary == "final" else SUMMARIES[info["kind"]]
    return {k.encode(): str(v).encode() for k, v in info.items()}


@cache
def described_schema(
    names: tuple[str, ...], types: tuple[pa.DataType, ...], meanings: tuple = ()
) -> pa.Schema:
    """A schema of these columns and types, each field with its `describe` metadata."""
    return pa.schema(
        [pa.field(n, t, metadata=describe(n, meanings)) for n, t in zip(names, types, strict=True)]
    )


def _described(columns: dict[str, pa.Array], meanings: tuple = ()) -> pa.Table:
    names = tuple(columns)
    schema = described_schema(names, tuple(a.type for a in columns.values()), meanings)
    return pa.Table.from_arrays(list(columns.values()), schema=schema)


def run_tables(
    model, run_id: str, record: str | int = "all", added: Iterable[str] = ()
) -> tuple[dict[str, float], pa.Table, pa.Table | None]:
    """A finished model's summary, time series and events (None if no event was held),
    read straight off its DataCollector: the same columns, types and values as
    `exsim.runs.single.timeseries` and `events_table`, without building DataFrames.
    The summary is of every month; the time series keeps the months `record` names
    (`exsim.runs.spec.recorded_steps`)."""
    columns = model.datacollector.model_vars
    steps = len(next(iter(columns.values())))
    kept = recorded_steps(record, steps - 1)
    ids = pa.array([run_id] * len(kept), pa.string())
    timeseries = _described(
        {"run_id": ids, "step": pa.array(kept, pa.int64())}
        | _kept_columns(columns, kept, every=len(kept) == steps),
        added_meanings(getattr(model, "added_outcomes", {})),
    )
    events = None
    recorded = model.datacollector.tables["events"]
    rows = len(recorded["step"])
    if rows:
        events = _described(
            {"run_id": pa.array([run_id] * rows, pa.string())}
            | {
                name: pa.array(values).cast(pa.int64()) if name in EVENT_INTS else pa.array(values)
                for name, values in recorded.items()
            }
        )
    return summarize(columns, added), timeseries, events


def _kept_columns(columns: Mapping[str, list], kept: list[int], every: bool) -> dict:
    """The months `kept` of every column (`every`: all of them) as float64 Arrow arrays:
    slices of one array when every value is a float (one conversion, not one a column),
    else one array a column (where a None must become a null, not NaN)."""
    rows = [values if every else [values[k] for k in kept] for values in columns.values()]
    table = np.array(rows)
    if table.dtype != np.float64 or table.shape != (len(rows), len(kept)):
        return {name: pa.array(r, pa.float64()) for name, r in zip(columns, rows, strict=True)}
    flat = pa.array(table.ravel())
    return {name: flat.slice(i * len(kept), len(kept)) for i, name in enumerate(columns)}


def runs_schema(sweep: Sweep) -> pa.Schema:
    """The columns of a sweep's runs table: id, position, seed, the varied parameters,
    status, outcomes (those the base config adds too), error; every field described."""
    fields = [
        ("run_id", pa.string()),
        ("point", pa.int64()),
        ("replicate", pa.int64()),
        ("seed", pa.int64()),
    ]
    fields += [(name, ARROW_TYPES[PARAMETERS[name].kind]) for name in sweep.parameters]
    fields += [("status", pa.string())]
    fields += [(name, pa.float64()) for name in summary_columns(sweep.base.added())]
    fields += [("error", pa.string()), ("traceback", pa.string())]
    names, types = zip(*fields, strict=True)
    return described_schema(names, types, added_meanings(sweep.base.model_outcomes()))
