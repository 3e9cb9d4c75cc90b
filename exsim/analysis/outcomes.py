"""Outcomes named as in a sensitivity file, for every analysis (`sensitivity`, `compare`,
`plot`): one way to name them, one way to compute them.

A name is any outcome the model records each month (`exsim.runs.evaluate.outcome_kinds`),
per-role ones included: a plain name (``"challenges"``, ``"challenges_patient"``) is its
mean over the run, ``final_<name>`` its value after the last month and ``mean_<name>``
says the default explicitly (`exsim.runs.evaluate.parse_outcome`). An outcome's values
come from a sweep's runs table when it holds them (``mean_<x>``/``final_<x>``), and are
otherwise summarised from the time series the same way (`summarize_outcome`).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..errors import ConfigError
from ..model.registry import SUMMARIES
from ..model.vocabulary import ROLES
from ..runs.evaluate import outcome_kinds, parse_outcome, split_outcome, summarize_outcome

LISTING = "--outcomes list shows the valid names"
"""What an error about an outcome name points to."""


def check_outcomes(
    names: Iterable[str], where: str, hint: str = "", added: Iterable[str] = ()
) -> tuple[str, ...]:
    """The outcome names, checked (`added`: outcomes a config adds); a `ConfigError` (one
    line, naming `where`, the name and `hint`) for an unknown one, or for none at all."""
    names = (names,) if isinstance(names, str) else tuple(names)
    if not names:
        raise ConfigError(f"{where}: name at least one outcome{'; ' + hint if hint else ''}")
    for name in names:
        try:
            parse_outcome(name, tuple(added))
        except ValueError as err:
            raise ConfigError(f"{where}: {err}{'; ' + hint if hint else ''}") from None
    return names


def split_names(values: list[str] | None) -> list[str] | None:
    """Outcome names given on the command line, as repeated options and/or separated by
    commas (``--outcomes a,b --outcomes c``); None if none were given."""
    if not values:
        return None
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def outcome_column(outcome: str) -> str:
    """The column that holds `outcome`: ``mean_<x>`` or ``final_<x>``, as in a sweep's
    runs table, whatever way the name was written."""
    name, summary = split_outcome(outcome)
    return f"{summary}_{name}"


def with_outcomes(runs: pd.DataFrame, results, outcomes: Iterable[str]) -> pd.DataFrame:
    """`runs` (a sweep's runs table, or some of its rows) with a column (`outcome_column`)
    for each of `outcomes` that it does not hold, summarised from the time series of
    `results` (a `SweepResults`) as `exsim.evaluate` does; failed runs get NaN."""
    missing = list(dict.fromkeys(o for o in map(outcome_column, outcomes) if o not in runs))
    if not missing:
        return runs
    _check_recorded(missing, results.manifest.get("record", "all"))
    columns = sorted({split_outcome(o)[0] for o in missing} | {"event_held"})
    series = results.table("timeseries", ["step", *columns]).sort_values(["run_id", "step"])
    summaries = {
        run_id: {o: summarize_outcome(group, o) for o in missing}
        for run_id, group in series.groupby("run_id", sort=False)
    }
    table = pd.DataFrame.from_dict(summaries, orient="index", columns=missing)
    return runs.join(table, on="run_id")


def _check_recorded(columns: Iterable[str], record) -> None:
    """A `ConfigError` (one line) if one of `columns` (``mean_<x>``/``final_<x>``, not in
    the runs table) cannot be summarised from a time series that kept only some months
    (`record` other than ``"all"``): a mean needs every month, and the final value of an
    event outcome needs the last month with an event. The final value of a state or
    project outcome is the last recorded month, which is always kept."""
    if record in ("all", 1):
        return
    for column in columns:
        name, summary = split_outcome(column)
        kind = outcome_kinds().get(name, "state")
        if summary == "mean" or kind == "event":
            how = FINAL_EVENT if summary == "final" else SUMMARIES[kind]
            kept = "only the final month" if record == "final" else f"every {record} months"
            raise ConfigError(
                f"--outcomes: {column} ({how}) needs every month, but this sweep recorded "
                f"{kept} (record = {record!r}) and its runs table does not hold it; "
                'rerun the sweep with record = "all", or choose an outcome the runs table '
                "holds (--outcomes list)"
            )


FINAL_EVENT = "value at the last month with an event"
"""What ``final_<x>`` of an event outcome is."""


def split_role(outcome: str) -> tuple[str, str]:
    """``(name, role)`` of an outcome: a per-role outcome's name without the role
    (``"final_norm_endorsement_patient"`` -> ``("final_norm_endorsement", "patient")``),
    else the name and ``"all"``."""
    name, _ = split_outcome(outcome)
    for role in ROLES:
        if name.endswith(f"_{role}"):
            return outcome.removesuffix(f"_{role}"), role
    return outcome, "all"


def outcome_label(outcome: str, labels: dict[str, str] | None = None) -> str:
    """A readable label: the outcome (from `labels`, else its name in words) and how it
    is summarised over a run."""
    name, summary = split_outcome(outcome)
    words = (labels or {}).get(name, name.replace("_", " "))
    how = "at the end" if summary == "final" else SUMMARIES[outcome_kinds().get(name, "state")]
    return f"{words}, {how}"


def outcome_listing(added: Iterable[str] = (), where: str = "") -> str:
    """Every outcome name, by kind, and how a name says mean or final (for ``--outcomes
    list``); `added` are the outcomes a config adds (`where`: the sweep or designs)."""
    kinds = outcome_kinds()
    lines = [
        "Outcomes, as in a sensitivity file: NAME is the mean over the run (event outcomes "
        "over the months with an event, project outcomes from month 1, state outcomes over "
        "every month); final_NAME is the value after the last month; mean_NAME the mean.",
    ]
    for kind in ("event", "project", "state"):
        names = [n for n, k in kinds.items() if k == kind]
        lines.append(f"{kind}: {', '.join(names)}")
    added = list(dict.fromkeys(added))
    if added:
        lines.append(f"added by {where or 'the config'} (state): {', '.join(added)}")
    return "\n".join(lines)


def check_shared(configs, names: Iterable[str]) -> list[str]:
    """The outcomes every one of `configs` adds; a `ConfigError` (one line) for one that
    some design adds and another lacks (`names`: the designs' names, in order), rather
    than dropping it from the comparison without a word."""
    configs, names = list(configs), list(names)
    added = list(dict.fromkeys(n for c in configs for n in c.added()))
    for outcome in added:
        lacking = [name for c, name in zip(configs, names, strict=True) if outcome not in c.added()]
        if lacking:
            having = [name for c, name in zip(configs, names, strict=True) if outcome in c.added()]
            raise ConfigError(
                f"compare: outcome {outcome!r} is added by {', '.join(map(str, having))} but "
                f"not by {', '.join(map(str, lacking))}; add it to every design's [outcomes] "
                "(a comparison needs it in each)"
            )
    return added
