"""Verdicts on paired differences, and which parameters decide them (scenario discovery).

Used by `where_suspension_helps.py`; tested in tests/test_experiments.py with planted
boxes and with noise.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact, spearmanr

VERDICTS = ("raises", "lowers", "no effect", "mixed", "undefined")
"""What a design change does to an outcome in one parameter set, by the seed rule."""

ALPHA = 0.05
"""Family-wise error rate, split (Bonferroni) over the parameters tested."""


def verdict(differences: pd.Series, agree: int) -> str:
    """The verdict on one set's paired differences (one per seed): "raises" when at
    least `agree` are above 0, "lowers" when at least `agree` are below 0, "no effect"
    when all are exactly 0, "mixed" otherwise, and "undefined" when any is NaN (a run
    with nothing to measure)."""
    if differences.isna().any():
        return "undefined"
    if (differences > 0).sum() >= agree:
        return "raises"
    if (differences < 0).sum() >= agree:
        return "lowers"
    return "no effect" if (differences == 0).all() else "mixed"


def verdicts(differences: pd.DataFrame, agree: int) -> pd.DataFrame:
    """Per set and outcome, the verdict and the mean paired difference (NaN if any is).

    Args:
        differences: one row per (set, replicate), one column per outcome.
        agree: seeds that must agree on a direction (more than half of them).

    Returns:
        columns set, outcome, verdict, difference.
    """
    rows = []
    for name in differences.columns:
        by_set = differences[name].groupby(level="set")
        rows.append(
            pd.DataFrame(
                {
                    "set": list(by_set.groups),
                    "outcome": name,
                    "verdict": [verdict(d, agree) for _, d in by_set],
                    "difference": by_set.agg(lambda d: d.mean(skipna=False)).to_numpy(),
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def shares(table: pd.DataFrame, outcomes: list[str]) -> pd.DataFrame:
    """The share of parameter sets with each verdict, one row per outcome."""
    counts = pd.crosstab(table["outcome"], table["verdict"], normalize="index")
    return counts.reindex(index=outcomes, columns=list(VERDICTS), fill_value=0.0)


def discover(sets: pd.DataFrame, hits: np.ndarray) -> dict:
    """PRIM's box (EMA Workbench) for the parameter sets where `hits` (bool per set),
    found on half the sets and checked on the other half.

    PRIM peels the even-numbered sets; the box is read at the point of its trajectory
    with the greatest density among those that keep at least half of the hits
    (coverage >= 0.5). Each bound that restricts a parameter is then tested on the
    odd-numbered sets, which PRIM never saw: hits inside the bound against hits outside
    it, Fisher's exact test, one-sided, at `ALPHA` / the number of bounds. Only bounds
    that pass are named ("none stands out" when none does), so that PRIM's search
    cannot pass noise off as a finding. Returns the named bounds, the coverage and
    density on the held-out half of the box they make (NaN when none is named), and the
    base rate (the share of all sets that are hits), or a note when there are fewer than
    10 hits or nothing but hits.
    """
    with warnings.catch_warnings():  # EMA Workbench warns of parallel back-ends not used here
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim

    hits = np.asarray(hits, dtype=bool)
    base = float(hits.mean())
    if hits.sum() < 10 or hits.all():
        return {"box": "too few sets" if hits.sum() < 10 else "everywhere", "base_rate": base}
    x = sets.astype(float).reset_index(drop=True)
    train, test = np.arange(len(x)) % 2 == 0, np.arange(len(x)) % 2 == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        box = prim.Prim(x[train].reset_index(drop=True), hits[train], threshold=base,
                        peel_alpha=0.1).find_box()  # fmt: skip
        trajectory = box.peeling_trajectory
        point = int(trajectory[trajectory["coverage"] >= 0.5]["density"].idxmax())
        limits = box.box_lims[point]
    held, held_hits = x[test], hits[test]
    restricted = [
        c for c in x.columns
        if limits.loc[0, c] > x[train][c].min() or limits.loc[1, c] < x[train][c].max()
    ]  # fmt: skip
    inside_named = np.ones(len(held), dtype=bool)
    named = []
    for c in restricted:
        inside = held[c].between(limits.loc[0, c], limits.loc[1, c]).to_numpy()
        table = [[(inside & held_hits).sum(), (inside & ~held_hits).sum()],
                 [(~inside & held_hits).sum(), (~inside & ~held_hits).sum()]]  # fmt: skip
        p = fisher_exact(table, alternative="greater").pvalue
        if p < ALPHA / max(len(restricted), 1):
            named.append(f"{c} {limits.loc[0, c]:.3g}–{limits.loc[1, c]:.3g} (p {p:.1g})")
            inside_named &= inside
    if not named:  # no box to measure: coverage and density have no value
        return {"box": "none stands out", "coverage": np.nan, "density": np.nan, "base_rate": base}
    hits_in = (inside_named & held_hits).sum()
    return {
        "box": "; ".join(named),
        "coverage": float(hits_in / max(held_hits.sum(), 1)),
        "density": float(hits_in / inside_named.sum()) if inside_named.any() else np.nan,
        "base_rate": base,
    }


def drivers(sets: pd.DataFrame, difference: pd.Series, top: int = 3) -> str:
    """The `top` parameters whose rank correlation (Spearman) with the mean paired
    `difference` (one per set; NaN sets left out) is strongest among those that pass
    `ALPHA` / the number of parameters, as 'name (rho)'; "none" if none passes."""
    found = _passing(sets, difference)
    if found is None:
        return "too few sets"
    return "; ".join(f"{name} ({rho:+.2f})" for name, rho in found[:top]) or "none"


def _passing(sets: pd.DataFrame, difference: pd.Series) -> list[tuple[str, float]] | None:
    """(parameter, rho) of every parameter whose Spearman correlation with `difference`
    passes `ALPHA` / the number of parameters, strongest first; None under 20 sets."""
    usable = difference.dropna()
    if len(usable) < 20:  # scipy's p-value of a rank correlation is an approximation
        return None
    found = []
    with warnings.catch_warnings():  # a constant column has no correlation: skipped
        warnings.simplefilter("ignore")
        for parameter in sets.columns:
            rho, p = spearmanr(sets.loc[usable.index, parameter], usable)
            if np.isfinite(p) and p < ALPHA / sets.shape[1]:
                found.append((parameter, float(rho)))
    return sorted(found, key=lambda f: -abs(f[1]))


def by_quarter(
    sets: pd.DataFrame,
    mine: pd.DataFrame,
    ranges: dict[str, tuple[float, float]],
    top: int = 3,
) -> list[dict]:
    """The verdicts of one outcome (`mine`, indexed by set) in each quarter of the
    plausible range (`ranges`) of each of its `top` drivers (`_passing`, strongest
    first): one row per driver and quarter with the quarter's bounds, its number of sets
    and the count of each verdict of `VERDICTS` (so a row's counts add up to its sets).
    One row with driver "too few sets" or "none passes" when there is no driver."""
    found = _passing(sets, mine["difference"])
    if not found:
        return [{"driver": "too few sets" if found is None else "none passes"}]
    rows = []
    for driver, _ in found[:top]:
        low, high = ranges[driver]
        edges = np.linspace(low, high, 5)
        quarter = np.clip(np.searchsorted(edges, sets[driver], side="right") - 1, 0, 3)
        for q in range(4):
            counts = mine.loc[quarter == q, "verdict"].value_counts()
            rows.append(
                {"driver": driver, "quarter": f"{edges[q]:.3g}–{edges[q + 1]:.3g}"}
                | {"sets": int((quarter == q).sum())}
                | {v: int(counts.get(v, 0)) for v in VERDICTS}
            )
    return rows
