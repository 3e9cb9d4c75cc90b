"""How a sweep's ``[sample]`` draws its points: parameter ranges, the sampling methods
(random, Latin hypercube, and SALib's Sobol and Morris designs) and the checked table.

Points are drawn in the unit cube from a generator seeded by the sweep's root seed
(``SeedSequence(seed, spawn_key=(1,))``), then mapped onto each parameter's range."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ConfigError
from ..model.parameters import PARAMETERS, suggest
from .checks import checked, flatten_table, known, whole

__all__ = ["SAMPLE_METHODS", "Range", "Sample", "parse_sample", "unit_sample"]

SAMPLE_METHODS = ("latin_hypercube", "random", "sobol", "morris")
"""How `[sample]` draws its points."""

SAMPLE_OPTIONS = ("method", "n", "second_order", "levels", "dummy")

SAMPLE_STREAM = 1
"""First element of the spawn key of a sweep's sampling (run seeds use 0)."""


@dataclass(frozen=True)
class Range:
    """Where a sampled parameter may go: ``[low, high]`` for numbers, else a list of values."""

    name: str
    low: float | int | None = None
    high: float | int | None = None
    choices: tuple[Any, ...] | None = None

    def value(self, u: float) -> Any:
        """Map a point of the unit interval to a value of the parameter."""
        if self.choices is not None:
            return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]
        if PARAMETERS[self.name].kind is int:
            return min(self.low + int(u * (self.high - self.low + 1)), self.high)
        return float(self.low + u * (self.high - self.low))

    def describe(self) -> list[Any]:
        """The range as written in a sweep file."""
        return list(self.choices) if self.choices is not None else [self.low, self.high]


@dataclass(frozen=True)
class Sample:
    """The `[sample]` table: a method, a number of points and a range per parameter."""

    method: str
    n: int
    ranges: tuple[Range, ...]
    second_order: bool = True
    levels: int = 4
    dummy: bool = False

    def points(self, seed: int) -> list[dict[str, Any]]:
        """The sample's points (dotted name to value), drawn reproducibly from `seed`."""
        return self.draw(seed)[0]

    def draw(self, seed: int) -> tuple[list[dict[str, Any]], list[float] | None]:
        """The sample's points, and the dummy parameter's value at each (in [0, 1]; None
        without a dummy). The dummy is one more dimension of the sample, sampled like
        the others; the model never reads it."""
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SAMPLE_STREAM,)))
        dims = len(self.ranges) + self.dummy
        unit = unit_sample(self.method, self.n, dims, rng, self.second_order, self.levels)
        points = [
            {r.name: r.value(float(u)) for r, u in zip(self.ranges, row, strict=False)}
            for row in unit
        ]
        return points, ([float(u) for u in unit[:, -1]] if self.dummy else None)

    @property
    def size(self) -> int:
        """How many points `points` draws: `n`, or SALib's multiple of it."""
        dims = len(self.ranges)
        if self.method == "sobol":
            return self.n * (2 * dims + 2 if self.second_order else dims + 2)
        if self.method == "morris":
            return self.n * (dims + 1)
        return self.n

    def describe(self) -> dict[str, Any]:
        """The sample as a plain mapping (for the manifest and the sweep's hash)."""
        out: dict[str, Any] = {"method": self.method, "n": self.n}
        if self.method == "sobol":
            out["second_order"] = self.second_order
        if self.method == "morris":
            out["levels"] = self.levels
        if self.dummy:
            out["dummy"] = True
        out["ranges"] = [[r.name, r.describe()] for r in self.ranges]
        return out


def unit_sample(
    method: str,
    n: int,
    dims: int,
    rng: np.random.Generator,
    second_order: bool = True,
    levels: int = 4,
) -> np.ndarray:
    """Points in the unit cube, an array (points, dims).

    ``random``: independent uniform draws. ``latin_hypercube``: each dimension cut into `n`
    equal strata, one point in each, strata paired at random. ``sobol``: Saltelli's
    scheme from SALib, ``n * (2 * dims + 2)`` points (``n * (dims + 2)`` without second
    order), in the order ``SALib.analyze.sobol`` expects.
    """
    if method == "random":
        return rng.random((n, dims))
    if method == "latin_hypercube":
        strata = rng.permuted(np.tile(np.arange(n), (dims, 1)), axis=1).T
        return (strata + rng.random((n, dims))) / n
    if method in ("sobol", "morris"):
        sampler = _salib_sampler(method=method)
        problem = {
            "num_vars": dims,
            "names": [f"x{i}" for i in range(dims)],
            "bounds": [[0.0, 1.0]] * dims,
        }
        seed = int(rng.integers(0, 2**31))
        if method == "sobol":
            options = {"calc_second_order": second_order}
        else:
            options = {"num_levels": levels}
        return np.asarray(sampler.sample(problem, n, seed=seed, **options))
    raise ValueError(f"unknown sampling method {method!r}")


def _salib_sampler(where: str = "sample", method: str = "sobol"):
    """SALib's sampler for `method` ("sobol" or "morris"), or a one-line error."""
    try:
        from SALib.sample import morris, sobol
    except ImportError:
        raise ConfigError(
            f"{where}: method {method!r} needs SALib; install it (pip install -e '.[sensitivity]') "
            "or use 'latin_hypercube'"
        ) from None
    return {"sobol": sobol, "morris": morris}[method]


def parse_sample(table: Any, where: str) -> Sample:
    """The ``[sample]`` table of a sweep file, checked."""
    flat = flatten_table(table, where)
    method = flat.pop("method", None)
    if method is None:
        raise ConfigError(
            f"{where}: method: missing; use one of " + ", ".join(repr(m) for m in SAMPLE_METHODS)
        )
    if method not in SAMPLE_METHODS:
        raise ConfigError(
            f"{where}: method: {method!r} is not a sampling method"
            f"{suggest(str(method), list(SAMPLE_METHODS))}; use one of "
            + ", ".join(repr(m) for m in SAMPLE_METHODS)
        )
    if "n" not in flat:
        raise ConfigError(f"{where}: n: missing; give the number of points, e.g. n = 64")
    n = whole(flat.pop("n"), f"{where}: n", 1)
    second_order = flat.pop("second_order", True)
    if not isinstance(second_order, bool) or (method != "sobol" and "second_order" in table):
        raise ConfigError(f"{where}: second_order: true or false, and only with method 'sobol'")
    levels = flat.pop("levels", 4)
    if method != "morris" and "levels" in table:
        raise ConfigError(f"{where}: levels: only with method 'morris'")
    levels = whole(levels, f"{where}: levels", 2)
    dummy = flat.pop("dummy", False)
    if not isinstance(dummy, bool):
        raise ConfigError(f"{where}: dummy: {dummy!r}; use true or false")
    if not flat:
        raise ConfigError(f'{where}: no ranges; add e.g. "event.facilitation" = [0.0, 1.0]')
    ranges = tuple(_range(name, value, where) for name, value in flat.items())
    if method in ("sobol", "morris"):
        _salib_sampler(where, method)
    return Sample(method, n, ranges, second_order, levels, dummy)


def _range(name: str, value: Any, where: str) -> Range:
    known(name, where, SAMPLE_OPTIONS)
    p = PARAMETERS[name]
    if not isinstance(value, list):
        raise ConfigError(
            f"{where}: {name}: bad range {value!r}; give [low, high]"
            if p.kind in (int, float)
            else f"{where}: {name}: give a list of values to draw from"
        )
    if p.kind in (int, float):
        if len(value) != 2:
            raise ConfigError(f"{where}: {name}: bad range {value!r}; give [low, high]")
        low, high = (checked(name, v, f"{where}: {name}: bad range") for v in value)
        if not low < high:
            raise ConfigError(f"{where}: {name}: bad range {value!r}; low must be below high")
        return Range(name, low, high)
    choices = tuple(checked(name, v, where) for v in value)
    if len(set(choices)) < 2 or len(set(choices)) < len(choices):
        raise ConfigError(f"{where}: {name}: give two or more different values to draw from")
    return Range(name, choices=choices)
