"""Comparing event designs run on common random numbers.

Each run is reduced to one number per outcome, named as in a sensitivity file
(`exsim.analysis.outcomes`): ``challenges`` is the mean over the months with an event,
``final_norm_endorsement`` the value after the last month, ``challenges_patient`` a
per-role outcome (its row has the role in the ``role`` column). Then, per outcome, each
design gets a mean with a bootstrap interval, and each design after the first gets its
paired difference from the first (the baseline), with an interval, a standardised effect
size and the replicates needed to resolve it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model.registry import SELECTIONS
from ..runs.evaluate import summarize_outcome
from .outcomes import split_role
from .statistics import bootstrap_mean, effect_size_interval, replicates_needed

DEFAULT_OUTCOMES = SELECTIONS["compare"]
"""What `exsim compare` compares unless told otherwise: event and project outcomes
averaged over the run, state outcomes at the end, overall and per role."""


def run_metrics(ts: pd.DataFrame, outcomes=DEFAULT_OUTCOMES) -> dict[tuple[str, str], float]:
    """Reduce one run's time series to {(outcome, role): value}, role "all" but for
    per-role outcomes (`split_role`); each outcome summarised as `exsim.evaluate` does."""
    return {split_role(name): summarize_outcome(ts, name) for name in outcomes}


def metrics_table(
    runs: list[tuple[str, int, pd.DataFrame]], outcomes=DEFAULT_OUTCOMES
) -> pd.DataFrame:
    """Long table (design, seed, outcome, role, value) from (design, seed, timeseries)."""
    rows = [
        {"design": design, "seed": seed, "outcome": outcome, "role": role, "value": value}
        for design, seed, ts in runs
        for (outcome, role), value in run_metrics(ts, outcomes).items()
    ]
    return pd.DataFrame(rows)


def compare_designs(metrics: pd.DataFrame, designs: list[str], seed: int = 0) -> pd.DataFrame:
    """The comparison table: one row per outcome, role and design.

    Columns: replicates (the runs with a value: 0 when no such session was held, fewer
    than the seeds when some runs have none, as for a role absent), mean (NaN if any
    run has none: the others are not averaged quietly), mean_low, mean_high (95%
    bootstrap interval); for designs after the first, difference
    from the first (paired by seed), its interval, effect_size (Cohen's d with pooled
    s.d.) with its 95% percentile bootstrap interval (effect_size_low, effect_size_high;
    NaN when d is infinite), resolved (the interval excludes 0) and replicates_needed
    (for 80% power at the observed spread; blank when resolved or when the observed
    difference is exactly 0).
    """
    baseline = designs[0]
    wide = metrics.pivot_table(
        index=["outcome", "role", "seed"], columns="design", values="value", dropna=False
    )
    order = list(dict.fromkeys(zip(metrics["outcome"], metrics["role"], strict=True)))
    rows = []
    for outcome, role in order:
        block = wide.loc[(outcome, role)]
        base = block[baseline].to_numpy()
        for k, design in enumerate(designs):
            values = block[design].to_numpy()
            mean = bootstrap_mean(values, seed=seed + k)
            row = {
                "outcome": outcome,
                "role": role,
                "design": design,
                "replicates": int(np.isfinite(values).sum()),  # runs with a value
                "mean": mean.estimate,
                "mean_low": mean.low,
                "mean_high": mean.high,
            }
            if design != baseline:
                row.update(_difference(values, base, seed + 1000 + k))
            rows.append(row)
    return pd.DataFrame(rows)


def _difference(values: np.ndarray, base: np.ndarray, seed: int) -> dict:
    paired = values - base
    diff = bootstrap_mean(paired, seed=seed)
    resolved = diff.excludes_zero
    d = effect_size_interval(values, base, seed=seed)
    return {
        "difference": diff.estimate,
        "difference_low": diff.low,
        "difference_high": diff.high,
        "effect_size": d.estimate,
        "effect_size_low": d.low,
        "effect_size_high": d.high,
        "resolved": resolved,
        "replicates_needed": None if resolved else replicates_needed(paired),
    }


def comparison_markdown(table: pd.DataFrame, role: str = "all") -> str:
    """A readable Markdown table of the comparison for one role ("all": overall)."""
    part = table[table["role"] == role]
    designs = list(dict.fromkeys(part["design"]))
    lines = [
        f"Baseline: **{designs[0]}**. Means with 95% bootstrap intervals; differences are "
        "paired by seed (common random numbers).",
        "",
        "| outcome | design | mean [95% CI] | difference from baseline [95% CI] | d | verdict |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for _, r in part.iterrows():
        mean = f"{r['mean']:.3f} [{r['mean_low']:.3f}, {r['mean_high']:.3f}]"
        if pd.isna(r["mean"]):
            runs = int(r["replicates"])
            mean = f"no value ({runs} run{'' if runs == 1 else 's'} with one)"
        if r["design"] == designs[0]:
            lines.append(f"| {r['outcome']} | {r['design']} | {mean} | (baseline) | | |")
            continue
        diff = f"{r['difference']:+.3f} [{r['difference_low']:+.3f}, {r['difference_high']:+.3f}]"
        lines.append(
            f"| {r['outcome']} | {r['design']} | {mean} | {diff} | "
            f"{r['effect_size']:+.2f} | {verdict(r)} |"
        )
    return "\n".join(lines) + "\n"


NO_VALUE_WHY = "NaN in some run: no event or project meeting held, or the role absent"
"""Why a mean or a difference has no value: some run of the design (or of the baseline)
has none, and a mean over runs is not taken over the others quietly."""


def verdict(row: pd.Series) -> str:
    """Plain words for one difference: resolved, or within noise and what would resolve it."""
    if pd.isna(row["difference"]):
        return f"no value to compare ({NO_VALUE_WHY})"
    if row["resolved"]:
        return "differs"
    needed = row["replicates_needed"]
    if needed is None or pd.isna(needed):
        return "no difference seen"
    return f"within noise; ~{int(needed)} replicates to resolve"
