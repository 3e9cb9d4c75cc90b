"""Reading a sweep's results folder: the manifest, what is committed, what is damaged.

The folder's layout and how it is written are in `exsim.runs.store`. A reader takes only
committed runs and batches and keeps one record per run: a done record over a failed
one, else the latest. Before it trusts a part it checks it: the manifest records each
part's size and SHA-256, a batch whose runs finished must have its time series (and its
events, if any were held), and every part must be readable. Anything else is damage,
reported in one line (`ConfigError`); running the same sweep again reruns the runs of a
damaged batch.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import ConfigError
from .files import digest, read_arrow, write_folder

__all__ = ["TABLES", "Damage", "SweepResults", "load_results", "read_manifest", "scan"]

FORMAT = "exsim-sweep/1"
"""The folder format, recorded in the manifest."""

TABLES = ("runs", "timeseries", "events")
"""The tables of a sweep, each a folder of Parquet parts."""

MANIFEST = "manifest.json"
PENDING = "pending"
LOCK = ".lock"
PART = re.compile(r"^part-(\d+)\.parquet$")
PENDING_FILE = re.compile(r"^(?P<run>[^.]+)\.(?P<table>runs|timeseries|events)\.arrow$")
SORT_KEYS = {
    "runs": ["run_id"],
    "timeseries": ["run_id", "step"],
    "events": ["run_id", "step", "group"],
}

REQUIRED = {
    "sweep": dict,
    "sweep.hash": str,
    "sweep.seed": int,
    "sweep.replicates": int,
    "sweep.steps": (int, type(None)),
    "sweep.grid": list,
    "sweep.sample": (dict, type(None)),
    "base_config": dict,
    "base_config.values": dict,
    "columns": dict,
    "columns.runs": list,
}
"""What a manifest must hold for a reader or a resume, and of which type."""


def part_name(k: int) -> str:
    """The file name of part `k`."""
    return f"part-{k:06d}.parquet"


# --- the manifest -------------------------------------------------------------------------------


def read_manifest(out: Path) -> dict | None:
    """The manifest of folder `out` (checked), or None if it has none."""
    path = out / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot be read ({type(err).__name__})") from None
    try:
        manifest = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise ConfigError(f"{path}: not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ConfigError(f"{path}: not an exsim sweep manifest ({FORMAT})")
    for key, kind in REQUIRED.items():
        node: Any = manifest
        for name in key.split("."):
            node = node.get(name, KeyError) if isinstance(node, dict) else KeyError
        if node is KeyError:
            raise ConfigError(f"{path}: {key}: missing; the manifest is damaged")
        if not isinstance(node, kind) or isinstance(node, bool):
            raise ConfigError(f"{path}: {key}: has the wrong type; the manifest is damaged")
    parts = manifest.get("parts", {})
    if not isinstance(parts, dict) or not all(
        isinstance(v, dict) and all(isinstance(e, dict) for e in v.values()) for v in parts.values()
    ):
        raise ConfigError(f"{path}: parts: has the wrong shape; the manifest is damaged")
    return manifest


# --- what is on disk ----------------------------------------------------------------------------


@dataclass
class Record:
    """Where the chosen record of one run is: part ``part`` or the pending files."""

    status: str
    error: str | None
    part: int | None = None
    pending: dict[str, Path] | None = None

    @property
    def rank(self) -> tuple[bool, bool, int]:
        """Done beats failed; among equals, later beats earlier (pending is latest)."""
        return (self.status == "done", self.pending is not None, self.part or 0)


@dataclass(frozen=True)
class Damage:
    """A part of a committed batch that is missing, unreadable or not what the manifest
    says it is."""

    table: str
    part: int
    reason: str

    def describe(self, out: Path) -> str:
        """One line naming the file and what is wrong with it."""
        return f"{out / self.table / part_name(self.part)} {self.reason}"


@dataclass
class Scan:
    """The committed contents of a results folder, what is damaged, and the files a
    resume may remove."""

    parts: dict[str, dict[int, Path]]
    records: dict[str, Record]
    listed: dict[str, dict[str, Any]] = field(default_factory=dict)
    damage: list[Damage] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)
    max_part: int = 0
    superseded: set[int] = field(default_factory=set)
    runs_parts: dict[int, pa.Table] = field(default_factory=dict)
    checked: set[str] = field(default_factory=set)

    def sources(self, table: str, run_ids: Iterable[str] | None = None):
        """Parts (number to run ids) and pending files holding the chosen rows of `table`."""
        wanted = None if run_ids is None else set(run_ids)
        by_part: dict[int, list[str]] = defaultdict(list)
        pending: list[Path] = []
        for run_id, record in self.records.items():
            if wanted is not None and run_id not in wanted:
                continue
            if table != "runs" and record.status != "done":
                continue
            if record.pending is not None:
                if table in record.pending:
                    pending.append(record.pending[table])
            elif record.part in self.parts[table]:
                by_part[record.part].append(run_id)
        return dict(sorted(by_part.items())), pending

    def check(self, table: str) -> None:
        """Check every part of `table` that belongs to a committed batch against the
        manifest (size and SHA-256), or, for a part written since the manifest was, that
        it can be read; what fails is added to `damage`."""
        if table in self.checked:
            return
        self.checked.add(table)
        for k, path in self.parts[table].items():
            if k not in self.runs_parts and table != "runs":
                continue  # not committed: a reader ignores it, a resume removes it
            reason = _check_part(path, self.listed.get(table, {}).get(path.name))
            if reason:
                self.damage.append(Damage(table, k, reason))

    def batches(self) -> dict[int, list[str]]:
        """Run ids in each committed runs part."""
        return {k: t["run_id"].to_pylist() for k, t in self.runs_parts.items()}


def list_parts(out: Path) -> dict[str, dict[int, Path]]:
    """Every part file of each table, by part number."""
    parts: dict[str, dict[int, Path]] = {}
    for table in TABLES:
        folder = out / table
        found = {}
        for name in sorted(os.listdir(folder)) if folder.is_dir() else []:
            match = PART.match(name)
            if match:
                found[int(match[1])] = folder / name
        parts[table] = found
    return parts


def scan(out: Path, manifest: dict | None = None) -> Scan:
    """Read what a results folder holds: committed batches and committed pending runs,
    and what is damaged (see `Scan.check` for the tables other than runs).

    Pending files are listed before the parts, so that a batch written meanwhile by a
    running sweep is seen (`FileNotFoundError` on a pending file then means: retry).
    """
    pending_files: dict[str, dict[str, Path]] = defaultdict(dict)
    folder = out / PENDING
    for name in sorted(os.listdir(folder)) if folder.is_dir() else []:
        match = PENDING_FILE.match(name)
        if match:
            pending_files[match["run"]][match["table"]] = folder / name
    parts = list_parts(out)
    listed = (manifest or {}).get("parts", {})
    result = Scan(
        parts, {}, listed, max_part=max((k for t in parts.values() for k in t), default=0)
    )
    for table in TABLES:
        for name in listed.get(table, {}):
            match = PART.match(name)
            if match and int(match[1]) not in parts[table]:
                result.damage.append(Damage(table, int(match[1]), "is missing"))
    candidates = _part_records(result)
    for table in ("timeseries", "events"):  # parts of a batch whose runs part is missing
        result.stale += [p for k, p in parts[table].items() if k not in parts["runs"]]
    done_in_parts = {r for r, cands in candidates.items() if any(c.status == "done" for c in cands)}
    for run_id, files in pending_files.items():
        record = _pending_record(run_id, files, done_in_parts)
        if record is None:
            result.stale += files.values()
        else:
            candidates[run_id].append(record)
    result.records = {r: max(cands, key=lambda c: c.rank) for r, cands in candidates.items()}
    result.superseded = {
        c.part
        for r, cands in candidates.items()
        for c in cands
        if c.part is not None and c is not result.records[r]
    }
    return result


RUNS_COLUMNS = ("run_id", "status", "error", "events_held")


def _part_records(result: Scan) -> dict[str, list[Record]]:
    """The records in the runs parts (checked), and the damage they reveal: a batch with
    finished runs but no time series part, or with events held but no events part."""
    candidates: dict[str, list[Record]] = defaultdict(list)
    result.check("runs")
    broken = {d.part for d in result.damage if d.table == "runs"}
    for k, path in sorted(result.parts["runs"].items()):
        if k in broken:
            continue
        try:
            table = pq.read_table(path)  # small: one row per run
            columns = [table[c].to_pylist() for c in RUNS_COLUMNS]
        except (pa.ArrowException, OSError, KeyError) as err:
            result.damage.append(Damage("runs", k, f"cannot be read ({_first_line(err)})"))
            continue
        result.runs_parts[k] = table
        for run_id, status, error, _ in zip(*columns, strict=True):
            candidates[run_id].append(Record(status, error, part=k))
        done = [
            held for status, held in zip(columns[1], columns[3], strict=True) if status == "done"
        ]
        if done and k not in result.parts["timeseries"]:
            result.damage.append(
                Damage("timeseries", k, f"is missing ({len(done)} finished runs have none)")
            )
        if any(held and held > 0 for held in done) and k not in result.parts["events"]:
            result.damage.append(Damage("events", k, "is missing (runs of its batch held events)"))
    return candidates


def _check_part(path: Path, entry: dict | None) -> str | None:
    """What is wrong with a part file (None if nothing): against its manifest `entry`,
    or, without one, whether its Parquet footer can be read."""
    try:
        if entry is None:
            pq.read_metadata(path)
            return None
        accepted = [e for e in (entry, entry.get("or")) if isinstance(e, dict)]
        size = path.stat().st_size
        if all(size != e.get("bytes") for e in accepted):
            return f"is {size} bytes, not the {entry.get('bytes')} of manifest.json (cut short?)"
        if all(digest(path)["sha256"] != e.get("sha256") for e in accepted):
            return "does not match its SHA-256 in manifest.json (changed or damaged)"
    except FileNotFoundError:
        return "is missing"
    except (pa.ArrowException, OSError) as err:
        return f"cannot be read ({_first_line(err)})"
    return None


def _first_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _pending_record(run_id: str, files: dict[str, Path], done_in_parts: set[str]):
    if "runs" not in files or run_id in done_in_parts:
        return None  # not committed, or already in a part (a batch was cut short)
    try:
        table = read_arrow(files["runs"], columns=["status", "error"])
    except FileNotFoundError:
        raise
    except (pa.ArrowException, OSError):
        return None  # damaged (only a crash of the machine can do that): run it again
    status, error = table["status"][0].as_py(), table["error"][0].as_py()
    if status == "done" and "timeseries" not in files:
        return None
    return Record(status, error, pending=dict(files))


def read_table(
    table: str,
    found: Scan,
    columns: list[str] | None = None,
    run_ids: Iterable[str] | None = None,
) -> pa.Table | None:
    """The chosen rows of `table` (None if there are none), sorted by run and step."""
    by_part, pending = found.sources(table, run_ids)
    pieces = []
    for k, ids in by_part.items():
        if table == "runs":
            part = found.runs_parts[k]
            part = part.select(columns) if columns is not None else part
        else:
            part = pq.read_table(found.parts[table][k], columns=columns)
        pieces.append(part.filter(pc.is_in(part["run_id"], pa.array(ids, pa.string()))))
    pieces += [read_arrow(path, columns=columns) for path in pending]
    pieces = [p for p in pieces if p.num_rows]
    if not pieces:
        return None
    whole = pa.concat_tables(pieces, promote_options="default")
    keys = [k for k in SORT_KEYS[table] if k in whole.column_names]
    return whole.sort_by([(k, "ascending") for k in keys]) if keys else whole


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
                    f"{self.out}: {name}: cannot be read ({_first_line(err)}); the folder "
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
        tools that do not read Parquet; NaN (month 0's session outcomes) is an empty cell.

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
