"""Both designs over several seeds, so a student sees what is noise. No Solara here.

The runs are `exsim compare`'s: Design A is the baseline, every design runs on the same
seeds derived from the app's seed (``exsim compare A.toml B.toml --replicates N --seed
SEED`` gives the same table). Month by month, each design's mean gets a 95% t-interval
over seeds, and so does the paired difference B - A (common random numbers: the noise the
two runs share drops out). Where all seeds agree exactly, the interval is that value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..analysis.compare import TRAJECTORY_OUTCOMES, compare
from .pair import DESIGNS, DesignPair

LEVEL = 0.95


@dataclass(frozen=True)
class Band:
    """A mean over seeds, month by month, with its 95% interval."""

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True)
class SeveralSeeds:
    """Both designs run to the end on `replicates` seeds derived from `seed`."""

    seed: int
    replicates: int
    key: tuple  # the designs it was run for (see `design_key`)
    bands: dict[tuple[str, str], Band]  # (design, outcome) -> band over months
    differences: dict[str, Band]  # outcome -> paired difference B - A over months
    table: pd.DataFrame  # exsim compare's table, role "all"
    trajectories: pd.DataFrame  # every run, month by month


def design_key(pair: DesignPair) -> tuple:
    """What a several-seed result depends on: both complete configs but their seed."""
    return tuple(
        tuple(sorted((k, v) for k, v in pair.config(n).values.items() if k != "run.seed"))
        for n in DESIGNS
    ) + (pair.seed,)


def band(values: np.ndarray) -> Band:
    """Mean and 95% t-interval of `values` (seeds, months) for every month."""
    values = np.asarray(values, dtype=float)
    mean = values.mean(axis=0)
    spread = values.std(axis=0, ddof=1)
    half = stats.t.ppf(0.5 + LEVEL / 2, df=len(values) - 1) * spread / np.sqrt(len(values))
    return Band(mean, mean - half, mean + half)


def run_several(pair: DesignPair, replicates: int = 10) -> SeveralSeeds:
    """Run both designs of `pair` on `replicates` seeds to the end of the run."""
    configs = [pair.config(name) for name in DESIGNS]
    result = compare(configs, replicates=replicates, seed=pair.seed, names=list(DESIGNS))
    traj = result.trajectories
    grids = {
        name: {
            outcome: traj[traj["design"] == name].pivot(
                index="seed", columns="step", values=outcome
            )
            for outcome in TRAJECTORY_OUTCOMES
        }
        for name in DESIGNS
    }
    bands = {
        (name, outcome): band(grids[name][outcome].to_numpy())
        for name in DESIGNS
        for outcome in TRAJECTORY_OUTCOMES
    }
    a, b = DESIGNS
    differences = {
        outcome: band(
            grids[b][outcome].to_numpy() - grids[a][outcome].loc[grids[b][outcome].index].to_numpy()
        )
        for outcome in TRAJECTORY_OUTCOMES
    }
    table = result.table[result.table["role"] == "all"].reset_index(drop=True)
    return SeveralSeeds(pair.seed, replicates, design_key(pair), bands, differences, table, traj)
