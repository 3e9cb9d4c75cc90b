"""What a sweep's results folder holds: the manifest, the committed parts and pending
runs, and what is damaged.

The folder's layout is defined here (`MANIFEST`, `TABLES`, `PENDING`, `LOCK`,
`part_name`); `exsim.runs.store` writes it (its docstring draws it), and the reader,
`exsim.runs.results`, reads through `scan` and `read_table`. A scan takes only committed
runs and batches and keeps one record per run: a done record over a failed one, else the
latest. Before it trusts a part it checks it: the manifest records each part's size and
SHA-256, a batch whose runs finished must have its time series (and its events, if any
were held), and every part must be readable. Anything else is damage (`Damage`).
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import ConfigError
from .files import digest, read_arrow

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
            result.damage.append(Damage("runs", k, f"cannot be read ({first_line(err)})"))
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
        return f"cannot be read ({first_line(err)})"
    return None


def first_line(err: BaseException) -> str:
    """An error's message on one line of at most 120 characters, for a damage report."""
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
