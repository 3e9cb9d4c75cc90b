"""What a sweep asks for: a TOML sweep file, validated, and the list of runs it defines.

A sweep file names a base config, the parameters to vary and how often to repeat each
combination::

    base = "../exchange_network.toml"     # a model config, relative to this file
    replicates = 20                        # runs of each point, each with its own seed
    seed = 12345                           # root seed of the whole sweep
    steps = 120                            # optional override of run.steps
    common_seeds = false                   # true: replicate r of every point, one seed
    [grid]                                 # full factorial over these values
    "event.suspension" = [0.0, 0.5, 1.0]
    "event.format" = ["action_learning", "plenary"]
    [sample]                               # optional, instead of or besides a grid
    method = "latin_hypercube"             # or "random"; "sobol" where SALib is installed
    n = 256
    "event.facilitation" = [0.0, 1.0]      # a range [low, high]; a list of values for text

A *point* is one combination of the varied parameters: the grid's combinations, each
crossed with every sample point. Point ``i`` is run ``replicates`` times; run
``(i, r)`` has the id ``p<i>-r<r>`` (zero-padded, so ids sort in run order) and the seed
``SeedSequence(seed, spawn_key=(0, i, r)).generate_state(1, uint64)`` cut to 63 bits. A
run's seed therefore depends only on the root seed and its position, never on which
backend or worker ran it, and ``exsim.run(sweep.config(run))`` repeats it exactly.

With ``common_seeds = true`` (common random numbers) every point runs on the seeds of
point 0: replicate ``r`` of every point has the same seed, so that the points differ
only in their parameters. A sample with a dummy parameter (``dummy = true``, which
sensitivity analyses use as their noise floor) takes the dummy as the stand-in for
luck: with common seeds, points with the same value of the dummy share their seeds and
points with different values do not (see `Sweep.seed_group`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..config import Config, default_config, load_config, read_text, read_toml
from ..errors import ConfigError
from ..model.parameters import suggest, validate
from .checks import (
    MAX_RUNS,
    check_run_count,
    checked,
    count_text,
    flatten_table,
    known,
    record_option,
    whole,
)
from .sampling import Sample, parse_sample

__all__ = ["PlannedRun", "Sweep", "describe_runs", "load_sweep", "run_seed"]

TOP_LEVEL = ("base", "replicates", "seed", "steps", "common_seeds", "record", "grid", "sample")
SEED_BITS = 63
"""Run seeds are below 2**63, the upper bound of ``run.seed``; so is a sweep's seed."""

RUN_STREAM = 0
"""First element of the spawn key of run seeds, ``(0, point, replicate)`` (sampling uses 1)."""


@dataclass(frozen=True)
class PlannedRun:
    """One run of a sweep: its id, position, seed and the values of the varied parameters."""

    run_id: str
    point: int
    replicate: int
    seed: int
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: base config, varied parameters, replicates and root seed.

    Build one with `load_sweep` (from a file) or `Sweep.from_mapping` (from a dict with
    the file's keys). `runs()` lists the runs; `config(run)` is the full config of one.
    """

    base: Config
    seed: int
    replicates: int
    steps: int | None
    grid: tuple[tuple[str, tuple[Any, ...]], ...]
    sample: Sample | None
    points: tuple[Mapping[str, Any], ...]
    source: str = "<mapping>"
    text: str = ""
    base_file: str | None = None
    common_seeds: bool = False
    dummy: tuple[float, ...] | None = None
    record: str | int = "all"
    """Months whose outcomes the time series keeps: ``"all"``, ``"final"``, or N (every
    N months and the final one); see `recorded_steps`."""
    _ids: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False, compare=False)
    _groups: list[tuple[int, ...]] = field(default_factory=list, repr=False, compare=False)

    # --- building -------------------------------------------------------------------------

    @classmethod
    def from_mapping(
        cls,
        data: Mapping[str, Any],
        where: str = "<mapping>",
        root: str | Path = ".",
        text: str = "",
        max_runs: int | None = MAX_RUNS,
    ) -> Sweep:
        """Validate the keys of a sweep file given as a mapping.

        Args:
            data: the sweep's keys (``base``, ``replicates``, ``seed``, ``grid`` ...).
            where: names the sweep in error messages.
            root: the folder that a relative ``base`` path is read from.
            text: the sweep file's text, kept in the results' manifest.
            max_runs: refuse a sweep of more runs than this (None: no limit), before
                any point is drawn.

        Raises:
            ConfigError: one line naming the sweep, the key and what is allowed.
        """
        data = dict(data)
        for key in data:
            if key not in TOP_LEVEL:
                raise ConfigError(
                    f"{where}: {key}: unknown key{suggest(key, list(TOP_LEVEL))}; "
                    f"use {', '.join(TOP_LEVEL)}"
                )
        base_file = data.get("base")
        if base_file is None:
            base = default_config()
        elif isinstance(base_file, str):
            if not (Path(root) / base_file).exists():
                raise ConfigError(
                    f"{where}: base: {base_file!r} names no file ({Path(root) / base_file} "
                    "does not exist)"
                )
            base = load_config(Path(root) / base_file)
        else:
            raise ConfigError(f"{where}: base: must be a path string relative to this file")
        replicates = whole(data.get("replicates", 1), f"{where}: replicates", 1)
        seed = whole(data.get("seed", base["run.seed"]), f"{where}: seed", 0, 2**SEED_BITS - 1)
        steps = data.get("steps")
        if steps is not None:
            steps = checked("run.steps", steps, f"{where}: steps")
            base = base.with_values(validate({**base.values, "run.steps": steps}), base.source)
        common_seeds = data.get("common_seeds", False)
        if not isinstance(common_seeds, bool):
            raise ConfigError(f"{where}: common_seeds: {common_seeds!r}; use true or false")
        record = record_option(data.get("record", "all"), f"{where}: record")
        grid = _grid(data["grid"], f"{where}: grid") if "grid" in data else ()
        sample = parse_sample(data["sample"], f"{where}: sample") if "sample" in data else None
        names = [name for name, _ in grid] + [r.name for r in (sample.ranges if sample else ())]
        for name in names:
            table = "grid" if name in dict(grid) else "sample"
            if names.count(name) > 1:
                raise ConfigError(
                    f"{where}: {name}: varied both in grid and in sample; vary it in one of them"
                )
            if name == "run.seed":
                raise ConfigError(
                    f"{where}: {table}: run.seed: each run's seed comes from the "
                    "sweep's seed; vary replicates instead"
                )
            if name == "run.steps" and steps is not None:
                raise ConfigError(
                    f"{where}: {table}: run.steps: also set by steps; use one of them"
                )
        count = 1
        for _, values in grid:
            count *= len(values)
        count *= sample.size if sample else 1
        how = (
            f"{count_text(count)} point{'s' * (count != 1)} x "
            f"{count_text(replicates)} replicate{'s' * (replicates != 1)}"
        )
        check_run_count(count * replicates, max_runs, where, how)
        points, dummy = _points(grid, sample, seed)
        for i, values in enumerate(points):
            try:
                validate({**base.values, **values})
            except ValueError as err:
                point = ", ".join(f"{k}={v!r}" for k, v in values.items())
                raise ConfigError(f"{where}: point {i} ({point}): {err}") from None
        return cls(
            base,
            seed,
            replicates,
            steps,
            grid,
            sample,
            tuple(points),
            where,
            text,
            base_file,
            common_seeds,
            None if dummy is None else tuple(dummy),
            record,
        )

    # --- the runs -------------------------------------------------------------------------

    @property
    def parameters(self) -> tuple[str, ...]:
        """The varied parameters (dotted names): the grid's, then the sample's."""
        names = [name for name, _ in self.grid]
        return tuple(names + [r.name for r in (self.sample.ranges if self.sample else ())])

    def __len__(self) -> int:
        """The number of runs."""
        return len(self.points) * self.replicates

    def runs(self) -> Iterator[PlannedRun]:
        """Every run, point by point, replicates within a point (the order of the ids)."""
        for point in range(len(self.points)):
            for replicate in range(self.replicates):
                yield self.planned(point, replicate)

    def planned(self, point: int, replicate: int) -> PlannedRun:
        """The run at `point` and `replicate`."""
        return PlannedRun(
            self.run_id(point, replicate),
            point,
            replicate,
            run_seed(self.seed, self.seed_group(point), replicate),
            self.points[point],
        )

    def seed_group(self, point: int) -> int:
        """The point whose seeds point `point` runs on (the ``point`` of its seeds'
        spawn key): itself; with common seeds, point 0; with common seeds and a dummy,
        the rank of its dummy value among the dummy's distinct values in order of first
        appearance, so that points with the same dummy value share seeds."""
        if not self.common_seeds:
            return point
        if self.dummy is None:
            return 0
        if not self._groups:
            ranks = {v: k for k, v in enumerate(dict.fromkeys(self.dummy))}
            self._groups.append(tuple(ranks[v] for v in self.dummy))
        return self._groups[0][point]

    @property
    def seed_scheme(self) -> str:
        """How a run's seed is derived, in words (recorded in the manifest)."""
        group = "point"
        if self.common_seeds:
            group = "0" if self.dummy is None else "rank of the dummy's value"
        return (
            f"SeedSequence(seed, spawn_key=(0, {group}, replicate))"
            ".generate_state(1, uint64) & (2**63 - 1)"
        )

    def run_id(self, point: int, replicate: int) -> str:
        """The id of run (`point`, `replicate`), e.g. ``p007-r03``."""
        wp = len(str(max(len(self.points) - 1, 0)))
        wr = len(str(max(self.replicates - 1, 0)))
        return f"p{point:0{wp}d}-r{replicate:0{wr}d}"

    def get(self, run_id: str) -> PlannedRun:
        """The run with id `run_id`; `KeyError` if the sweep has none."""
        if not self._ids:
            self._ids.update(
                {
                    self.run_id(p, r): (p, r)
                    for p in range(len(self.points))
                    for r in range(self.replicates)
                }
            )
        if run_id not in self._ids:
            raise KeyError(
                f"{self.source}: no run {run_id!r}; ids run from "
                f"{self.run_id(0, 0)} to {self.run_id(len(self.points) - 1, self.replicates - 1)}"
            )
        return self.planned(*self._ids[run_id])

    def config(self, run: PlannedRun | str) -> Config:
        """The complete config of a run (its ``run.seed`` is the run's seed).

        ``exsim.run(sweep.config(run))`` repeats the run exactly; so does
        ``exsim run`` on the TOML of ``config.to_toml()``.
        """
        run = self.get(run) if isinstance(run, str) else run
        values = validate({**self.base.values, **run.values, "run.seed": run.seed})
        changes = tuple(f"{k}={v!r}" for k, v in run.values.items()) + (f"run.seed={run.seed}",)
        return self.base.with_values(values, f"{self.source} run {run.run_id}", changes)

    # --- identity -------------------------------------------------------------------------

    def identity(self) -> dict[str, Any]:
        """Everything that decides the runs and their results, as plain data."""
        identity = {
            "base_config": dict(self.base.values),
            "seed": self.seed,
            "replicates": self.replicates,
            "steps": self.steps,
            "grid": [[name, list(values)] for name, values in self.grid],
            "sample": self.sample.describe() if self.sample else None,
        }
        if self.common_seeds:  # only when set, so that earlier sweeps keep their hash
            identity["common_seeds"] = True
        if self.base.outcomes:  # likewise
            identity["outcomes"] = {name: ref for name, ref, _ in self.base.outcomes}
        if self.record != "all":  # likewise
            identity["record"] = self.record
        return identity

    @property
    def hash(self) -> str:
        """A fingerprint of `identity()`: two sweeps with the same hash run the same runs."""
        return fingerprint(self.identity())

    @property
    def base_hash(self) -> str:
        """A fingerprint of the resolved base config."""
        return fingerprint(dict(self.base.values))


def fingerprint(data: Any) -> str:
    """``sha256:<hex>`` of the canonical JSON of `data`."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_seed(root: int, point: int, replicate: int) -> int:
    """The seed of run (`point`, `replicate`) of a sweep with root seed `root`."""
    state = np.random.SeedSequence(root, spawn_key=(RUN_STREAM, point, replicate))
    return int(state.generate_state(1, np.uint64)[0]) & (2**SEED_BITS - 1)


def load_sweep(path: str | Path, max_runs: int | None = MAX_RUNS) -> Sweep:
    """Load and validate a sweep file.

    Raises:
        ConfigError: one line naming the file, the key and what is allowed: an unknown
            parameter, an empty grid, a bad range, an unknown method, a missing file.

    Example:
        >>> sweep = load_sweep("configs/sweeps/demo.toml")
        >>> next(sweep.runs()).run_id
        'p0-r0'
    """
    path = Path(path)
    text = read_text(path)
    data = read_toml(path)
    return Sweep.from_mapping(data, str(path), path.parent, text, max_runs)


def _grid(table: Any, where: str) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    flat = flatten_table(table, where)
    if not flat:
        raise ConfigError(
            f"{where}: is empty; list at least one parameter and its values, "
            'e.g. "event.suspension" = [0.0, 1.0]'
        )
    grid = []
    for name, values in flat.items():
        known(name, where)
        if not isinstance(values, list):
            raise ConfigError(f"{where}: {name}: give a list of values, e.g. [{values!r}]")
        if not values:
            raise ConfigError(f"{where}: {name}: empty list; give at least one value")
        good = [checked(name, v, where) for v in values]
        if len(set(good)) < len(good):
            raise ConfigError(f"{where}: {name}: a value is listed twice in {values!r}")
        grid.append((name, tuple(good)))
    return tuple(grid)


def _points(grid, sample: Sample | None, seed: int):
    """The points (grid cells crossed with sample points) and the dummy at each (or None)."""
    cells = [
        dict(zip([n for n, _ in grid], combo, strict=True))
        for combo in itertools.product(*(values for _, values in grid))
    ]
    if sample is None:
        return cells, None
    drawn, dummy = sample.draw(seed)
    points = [{**cell, **point} for cell in cells for point in drawn]
    return points, (None if dummy is None else [d for _ in cells for d in dummy])


def describe_runs(sweep: Sweep) -> str:
    """A one-line description: ``180 runs: 9 points x 20 replicates of 2 parameters``."""
    return (
        f"{len(sweep)} runs: {len(sweep.points)} point{'s' * (len(sweep.points) != 1)} x "
        f"{sweep.replicates} replicate{'s' * (sweep.replicates != 1)}"
        + (f" over {', '.join(sweep.parameters)}" if sweep.parameters else "")
        + ("; common seeds" if sweep.common_seeds else "")
    )
