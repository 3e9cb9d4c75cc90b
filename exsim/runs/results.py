"""Reading a sweep's results folder: `load_results` and its `SweepResults`.

What the folder holds, which runs count and what is damaged is worked out by
`exsim.runs.folder_scan` (`scan`). Damage (a part missing, cut short or changed since it
was written) is reported in one line (`ConfigError`); running the same sweep again
reruns the runs of a damaged batch.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ..errors import ConfigError
from .files import write_folder
from .folder_scan import MANIFEST, TABLES, Scan, first_line, read_manifest, read_table, scan

__all__ = ["SweepResults", "load_results"]


# --- the reader ---------------------------------------------------------------------------------


class SweepResults:
    """The results of a sweep, read from its folder (see `load_results`).

    The folder is looked at once, when the first table is read, so the tables agree on
    which runs they hold even while a sweep is still writing; call `load_results` again
    to see runs saved since. A damaged part (missing, cut short, changed since it was
    written) is a `ConfigError` naming it: run the same sweep again to rerun its runs.

    Attributes:
        out: the folder.
        manifest: the parsed manifest.json.
        runs: one row per recorded run (done or failed), in run order.
        timeseries: one row per done run and step.
        events: one row per done run, event and group.
    """

    def __init__(self, out: str | Path):
        self.out = Path(out)
        if not self.out.is_dir():
            what = "no such folder" if not self.out.exists() else "not a folder"
            raise ConfigError(f"{self.out}: {what}; give a sweep's results folder")
        manifest = read_manifest(self.out)
        if manifest is None:
            raise ConfigError(f"{self.out}: not a sweep folder (no {MANIFEST})")
        self.manifest = manifest
        self._found: Scan | None = None

    def __repr__(self) -> str:
        counts = self.manifest.get("counts", {})
        return (
            f"SweepResults({str(self.out)!r}: {counts.get('done', 0)} done, "
            f"{counts.get('failed', 0)} failed of {counts.get('total', '?')} runs)"
        )

    @cached_property
    def runs(self) -> pd.DataFrame:
        """One row per recorded run: id, seed, varied parameters, status, outcomes."""
        return self.table("runs")

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        """One row per done run and step."""
        return self.table("timeseries")

    @cached_property
    def events(self) -> pd.DataFrame:
        """One row per done run, event and group."""
        return self.table("events")

    @property
    def pending(self) -> list[str]:
        """Ids of the runs that have no record yet."""
        recorded = set(self.table("runs", columns=["run_id"])["run_id"])
        return [r["run_id"] for r in self.manifest.get("runs", []) if r["run_id"] not in recorded]

    def table(
        self, name: str, columns: list[str] | None = None, run_ids: Iterable[str] | None = None
    ) -> pd.DataFrame:
        """Read one table, optionally only some columns (``run_id`` is always included)
        and some runs: ``results.table("timeseries", ["step", "norm_endorsement"])``."""
        if name not in TABLES:
            raise ValueError(f"unknown table {name!r}; use one of {', '.join(TABLES)}")
        if columns is not None:
            columns = ["run_id", *[c for c in columns if c != "run_id"]]
        for attempt in range(20):
            try:
                table = read_table(name, self._checked(name), columns, run_ids)
                break
            except FileNotFoundError:  # a running sweep moved files meanwhile: look again
                self._found = None
                if attempt == 19:
                    raise
                time.sleep(0.05)
            except (pa.ArrowException, OSError) as err:
                raise ConfigError(
                    f"{self.out}: {name}: cannot be read ({first_line(err)}); the folder "
                    "is damaged: run the same sweep again to rerun what is missing"
                ) from None
        if table is None:
            names = columns or (
                self.manifest["columns"]["runs"] if name == "runs" else ["run_id", "step"]
            )
            return pd.DataFrame({c: pd.Series(dtype=object) for c in names})
        return table.to_pandas().reset_index(drop=True)

    def to_csv(self, folder: str | Path) -> list[Path]:
        """Write runs.csv, timeseries.csv and events.csv as the content of `folder`, for
        tools that do not read Parquet; NaN (month 0's event and project outcomes) is an empty cell.

        Every table is read (and checked) before anything is written, and the files are
        written whole (`exsim.runs.files.write_folder`): damage is a `ConfigError` and
        leaves `folder` as it was."""
        tables = {name: self.table(name) for name in TABLES}
        writers = {
            f"{name}.csv": lambda path, t=table: t.to_csv(path, index=False)
            for name, table in tables.items()
        }
        return write_folder(folder, writers)

    def _checked(self, name: str) -> Scan:
        """The folder's contents with table `name` checked; damage is a `ConfigError`.
        A mismatch with a manifest written meanwhile by a running sweep is looked at
        again with the new manifest before it counts."""
        for fresh in (False, True):
            if self._found is None or fresh:
                if fresh:
                    self.manifest = read_manifest(self.out) or self.manifest
                self._found = scan(self.out, self.manifest)
            self._found.check(name)
            if not self._found.damage:
                return self._found
        first = self._found.damage[0]
        more = len(self._found.damage) - 1
        raise ConfigError(
            f"{first.describe(self.out)}"
            + (f" (and {more} more damaged part{'s' * (more > 1)})" if more else "")
            + "; run the same sweep again to rerun the runs of a damaged batch"
        )


def load_results(out: str | Path) -> SweepResults:
    """Open the results folder of a sweep; its tables load as DataFrames on first use.

    Safe while the sweep is still running, or after it was killed: only runs that were
    saved completely are read, each once. Parts that are missing, cut short or changed
    since they were written are reported (`ConfigError`) rather than left out.

    Example:
        >>> results = load_results("results/demo")          # doctest: +SKIP
        >>> results.runs.groupby("event.suspension")["mean_speaking_equality"].mean()
        ...                                                     # doctest: +SKIP
    """
    return SweepResults(out)
