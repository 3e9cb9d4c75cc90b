"""The results folder of a sweep: Parquet tables written as runs finish, safe to kill.

Layout of the folder::

    manifest.json                      the sweep, its resolved base config, versions,
                                       sessions and the state of every run
    runs/part-000001.parquet           one row per run
    timeseries/part-000001.parquet     one row per run and step
    events/part-000001.parquet         one row per run, event and group
    pending/<run_id>.<table>.arrow     runs finished since the last part was written
    .lock                              held by the sweep writing to the folder

How a run is saved, so that a kill at any moment loses only the runs in flight:

1. When a run finishes, its time series and events are written to ``pending/``, then its
   row of the runs table (Arrow IPC files: cheap to write and read, so the parent process
   keeps up with many workers). Every file is written under a temporary name and renamed,
   so it is either complete or absent. The runs row is written last: it *commits* the run.
2. Every `batch_size` runs, the pending files are gathered into part ``k`` of each table,
   time series and events first, the runs part last (it commits the batch), each synced
   to disk before it is renamed; then the pending files are deleted.
3. A reader (`load_results`) takes only committed runs and batches and keeps one record
   per run: a done record over a failed one, else the latest. Files left by a kill
   (temporary files, uncommitted pending files, parts of an uncommitted batch, pending
   files already in a part) are ignored by readers and removed when the sweep resumes.

So a run is on disk exactly once or not at all, and a half-written file never has a
name that a reader opens.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import socket
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..errors import ConfigError
from ..model.outcomes import SESSION_OUTCOMES
from ..model.parameters import PARAMETERS
from .single import EVENT_OUTCOMES, MAIN_OUTCOMES
from .spec import Sweep

__all__ = [
    "SUMMARY_OUTCOMES",
    "TABLES",
    "SweepResults",
    "SweepStore",
    "load_results",
    "summarize",
]

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

PROJECT_OUTCOMES = tuple(f"project_{k}" for k in SESSION_OUTCOMES)
"""Outcomes of the monthly project meetings."""

SUMMARY_OUTCOMES = MAIN_OUTCOMES + PROJECT_OUTCOMES
"""Outcomes summarised in the runs table, each as ``final_<name>`` and ``mean_<name>``."""

SUMMARY_COLUMNS = ("events_held",) + tuple(
    f"{kind}_{name}" for name in SUMMARY_OUTCOMES for kind in ("final", "mean")
)
"""The outcome columns of the runs table."""

MANIFEST_EVERY = 30.0
"""Seconds between refreshes of manifest.json while a sweep runs."""


# --- one run's row ------------------------------------------------------------------------------


def summarize(timeseries) -> dict[str, float]:
    """Final and mean outcomes of a run, from its time series (a DataFrame, or a mapping
    of outcome name to the values at each step).

    ``final_<x>`` is the value after the last month. ``mean_<x>`` averages event outcomes
    (`EVENT_OUTCOMES`) over the months with an event held (all months if none was),
    project-meeting outcomes over months 1 on (none are held at step 0), and state
    outcomes over every step from 0. For the main outcomes these are the ``end`` and
    ``mean`` of `RunResult.summary`.
    """
    held = np.asarray(timeseries["event_held"], dtype=float) == 1
    out = {"events_held": float(np.asarray(timeseries["events_held"], dtype=float)[-1])}
    for name in SUMMARY_OUTCOMES:
        values = np.asarray(timeseries[name], dtype=float)
        if name in EVENT_OUTCOMES and held.any():
            values = values[held]
        elif name in PROJECT_OUTCOMES and len(values) > 1:
            values = values[1:]
        out[f"final_{name}"] = float(values[-1])
        out[f"mean_{name}"] = float(values.mean())
    return out


def run_tables(model, run_id: str) -> tuple[dict[str, float], pa.Table, pa.Table | None]:
    """A finished model's summary, time series and events (None if no event was held),
    read straight off its DataCollector: the same columns, types and values as
    `exsim.runs.single.timeseries` and `events_table`, without building DataFrames."""
    columns = model.datacollector.model_vars
    steps = len(next(iter(columns.values())))
    ids = pa.array([run_id] * steps, pa.string())
    timeseries = pa.table(
        {"run_id": ids, "step": pa.array(range(steps), pa.int64())}
        | {name: pa.array(values) for name, values in columns.items()}
    )
    events = None
    recorded = model.datacollector.tables["events"]
    rows = len(recorded["step"])
    if rows:
        events = pa.table(
            {"run_id": pa.array([run_id] * rows, pa.string())}
            | {
                name: pa.array(values).cast(pa.int64()) if name in EVENT_INTS else pa.array(values)
                for name, values in recorded.items()
            }
        )
    return summarize(columns), timeseries, events


EVENT_INTS = ("step", "event", "group", "size")
"""Event columns that `exsim.runs.single.events_table` makes integers."""


ARROW_TYPES = {bool: pa.bool_(), int: pa.int64(), float: pa.float64(), str: pa.string()}


def runs_schema(sweep: Sweep) -> pa.Schema:
    """The columns of a sweep's runs table: id, position, seed, the varied parameters,
    status, outcomes, error."""
    fields = [
        ("run_id", pa.string()),
        ("point", pa.int64()),
        ("replicate", pa.int64()),
        ("seed", pa.int64()),
    ]
    fields += [(name, ARROW_TYPES[PARAMETERS[name].kind]) for name in sweep.parameters]
    fields += [("status", pa.string())]
    fields += [(name, pa.float64()) for name in SUMMARY_COLUMNS]
    fields += [("error", pa.string()), ("traceback", pa.string())]
    return pa.schema(fields)


# --- files ------------------------------------------------------------------------------------


def _rename(source: Path, target: Path) -> None:
    """Move a finished file into place (the step that makes it visible to readers)."""
    os.replace(source, target)


def _remove(path: Path) -> None:
    """Delete a file that is no longer needed (gone already is fine)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def _sync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _atomic(path: Path, write, durable: bool) -> None:
    """Write `path` through a temporary file renamed into place (synced if `durable`)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(tmp)
        if durable:
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
        _rename(tmp, path)
        if durable:
            _sync_dir(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_parquet(path: Path, table: pa.Table) -> None:
    """Write a zstd-compressed Parquet file atomically and durably."""
    _atomic(path, lambda p: pq.write_table(table, p, compression="zstd"), durable=True)


def write_arrow(path: Path, table: pa.Table) -> None:
    """Write an Arrow IPC file atomically (a pending file: not synced, see `scan`)."""

    def write(p):
        with pa.OSFile(str(p), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)

    _atomic(path, write, durable=False)


def read_arrow(path: Path, columns: list[str] | None = None) -> pa.Table:
    """Read an Arrow IPC file (optionally some columns)."""
    with pa.OSFile(str(path), "rb") as source:
        table = pa.ipc.open_file(source).read_all()
    return table.select(columns) if columns is not None else table


def write_json(path: Path, data: Any) -> None:
    """Write a JSON file atomically and durably."""
    text = json.dumps(data, indent=1, allow_nan=False) + "\n"
    _atomic(path, lambda p: Path(p).write_text(text, encoding="utf-8"), durable=True)


def read_manifest(out: Path) -> dict | None:
    """The manifest of folder `out`, or None if it has none."""
    try:
        text = (out / MANIFEST).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{out / MANIFEST}: cannot be read ({type(err).__name__})") from None
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError:
        raise ConfigError(f"{out / MANIFEST}: not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ConfigError(f"{out / MANIFEST}: not an exsim sweep manifest ({FORMAT})")
    return manifest


class FolderLock:
    """An exclusive lock on a results folder, held while a sweep writes to it."""

    def __init__(self, out: Path):
        self.path = out / LOCK
        self.fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise `ConfigError` naming the process that holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            _lock(fd)
        except OSError:
            os.close(fd)
            holder = ""
            with contextlib.suppress(OSError):
                holder = self.path.read_text(encoding="utf-8").strip()
            raise ConfigError(
                f"{self.path.parent}: in use by another exsim sweep"
                f"{f' ({holder})' if holder else ''}; wait for it to finish or use another --out"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode())
        self.fd = fd

    def release(self) -> None:
        """Give the lock up."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


# --- what is on disk ----------------------------------------------------------------------


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


@dataclass
class Scan:
    """The committed contents of a results folder, and the files a resume may remove."""

    parts: dict[str, dict[int, Path]]
    records: dict[str, Record]
    stale: list[Path] = field(default_factory=list)
    max_part: int = 0
    superseded: set[int] = field(default_factory=set)
    runs_parts: dict[int, pa.Table] = field(default_factory=dict)

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


def scan(out: Path) -> Scan:
    """Read what a results folder holds: committed batches and committed pending runs.

    Pending files are listed before the parts, so that a batch written meanwhile by a
    running sweep is seen (`FileNotFoundError` on a pending file then means: retry).
    """
    pending_files: dict[str, dict[str, Path]] = defaultdict(dict)
    folder = out / PENDING
    names = sorted(os.listdir(folder)) if folder.is_dir() else []
    for name in names:
        match = PENDING_FILE.match(name)
        if match:
            pending_files[match["run"]][match["table"]] = folder / name
    parts: dict[str, dict[int, Path]] = {}
    for table in TABLES:
        folder = out / table
        found = {}
        for name in sorted(os.listdir(folder)) if folder.is_dir() else []:
            match = PART.match(name)
            if match:
                found[int(match[1])] = folder / name
        parts[table] = found
    result = Scan(parts, {}, max_part=max((k for t in parts.values() for k in t), default=0))
    candidates: dict[str, list[Record]] = defaultdict(list)
    for k, path in sorted(parts["runs"].items()):
        table = result.runs_parts[k] = pq.read_table(path)  # small: one row per run
        for run_id, status, error in zip(
            *(table[c].to_pylist() for c in ("run_id", "status", "error")), strict=True
        ):
            candidates[run_id].append(Record(status, error, part=k))
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


# --- the writer ---------------------------------------------------------------------------


def now() -> str:
    """The current time, UTC, ISO 8601."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


class SweepStore:
    """The results folder of one sweep, opened for writing by one process at a time.

    `open` locks the folder, refuses a folder that holds another sweep, cleans up after
    a killed session and writes the manifest; `commit` saves one finished run; `close`
    writes the last part and the manifest and unlocks the folder.
    """

    def __init__(self, out: str | Path, sweep: Sweep, batch_size: int = 100):
        if batch_size < 1:
            raise ValueError("batch_size must be 1 or more")
        self.out = Path(out)
        self.sweep = sweep
        self.batch_size = batch_size
        self.schema = runs_schema(sweep)
        self.state: dict[str, Record] = {}
        self.notes: list[str] = []
        self.session: dict[str, Any] = {}
        self._pending: list[str] = []
        self._superseded: set[int] = set()
        self._next_part = 1
        self._lock = FolderLock(self.out)
        self._manifest: dict[str, Any] = {}
        self._written = 0.0

    # --- opening --------------------------------------------------------------------------

    def open(self, session: dict[str, Any]) -> SweepStore:
        """Lock and check the folder, recover from a killed session, record `session`."""
        out = self.out
        if out.exists() and not out.is_dir():
            raise ConfigError(f"{out}: exists and is not a folder")
        out.mkdir(parents=True, exist_ok=True)
        self._lock.acquire()
        try:
            manifest = read_manifest(out)
            if manifest is None:
                others = [p.name for p in sorted(out.iterdir()) if not _ours_and_empty(p)]
                if others:
                    raise ConfigError(
                        f"{out}: not empty and holds no sweep (found {others[0]}); "
                        "use an empty or new folder for --out"
                    )
            else:
                self._check_same_sweep(manifest)
            for name in (*TABLES, PENDING):
                (out / name).mkdir(exist_ok=True)
            self._recover()
            self._start_session(manifest, session)
        except BaseException:
            self._lock.release()
            raise
        return self

    def _check_same_sweep(self, manifest: dict) -> None:
        if manifest["sweep"].get("hash") == self.sweep.hash:
            return
        old, new = manifest_identity(manifest), self.sweep.identity()
        new["common_seeds"] = self.sweep.common_seeds
        keys = ("seed", "replicates", "steps", "common_seeds", "grid", "sample")
        differ = [k for k in keys if old[k] != new[k]]
        shown = [f"{k} ({_short(old[k])} there, {_short(new[k])} here)" for k in differ]
        base_old, base_new = old["base_config"], new["base_config"]
        changed = [
            k for k in sorted(set(base_old) | set(base_new)) if base_old.get(k) != base_new.get(k)
        ]
        if changed:
            shown.append(
                "base config ("
                + ", ".join(
                    f"{k}: {_short(base_old.get(k))} there, {_short(base_new.get(k))} here"
                    for k in changed[:3]
                )
                + (", ..." if len(changed) > 3 else "")
                + ")"
            )
        raise ConfigError(
            f"{self.out}: holds another sweep (from {manifest['sweep'].get('file')}); it "
            f"differs in {'; '.join(shown) or 'its definition'}. Use another --out, or "
            f"delete {self.out} to start over"
        )

    def _recover(self) -> None:
        out = self.out
        for folder in (out, out / PENDING, *(out / t for t in TABLES)):
            for path in folder.iterdir():
                if path.name.startswith(".") and path.name.endswith(".tmp"):
                    _remove(path)
        found = scan(out)
        for path in found.stale:
            _remove(path)
        self._next_part = found.max_part + 1
        self._superseded = set(found.superseded)
        for run_id, record in found.records.items():
            if record.pending is not None and not _readable(record.pending.values()):
                for path in record.pending.values():
                    _remove(path)
                continue
            self.state[run_id] = record
            if record.pending is not None:
                self._pending.append(run_id)
        self.compact()
        self._prune()

    def _start_session(self, manifest: dict | None, session: dict[str, Any]) -> None:
        from .backends import environment

        versions = environment()
        previous = (manifest or {}).get("sessions", [])
        if previous:
            before = previous[-1].get("versions", {})
            changed = [
                f"{k} {before[k]} then, {v} now"
                for k, v in versions.items()
                if k in before and before[k] != v
            ]
            if changed:
                self.notes.append("resuming with other versions than before: " + ", ".join(changed))
        self.session = {
            "started": now(),
            "finished": None,
            "status": "running",
            "host": socket.gethostname(),
            "pid": os.getpid(),
            **session,
            "versions": versions,
            "ran": 0,
            "done": 0,
            "failed": 0,
        }
        self._manifest = manifest_document(self.sweep, self.schema, manifest)
        self._manifest["versions"] = versions
        self._manifest["sessions"] = [*previous, self.session]
        self.write_manifest()

    # --- writing --------------------------------------------------------------------------

    def status(self, run_id: str) -> str | None:
        """``"done"``, ``"failed"`` or None (not run yet) for run `run_id`."""
        record = self.state.get(run_id)
        return record.status if record else None

    def commit(self, outcome) -> None:
        """Save one finished run (an `exsim.runs.backends.Outcome`)."""
        run = outcome.run
        pending = self.out / PENDING
        files = {}
        if outcome.status == "done":
            files["timeseries"] = pending / f"{run.run_id}.timeseries.arrow"
            write_arrow(files["timeseries"], outcome.timeseries)
            if outcome.events is not None:
                files["events"] = pending / f"{run.run_id}.events.arrow"
                write_arrow(files["events"], outcome.events)
        row = {
            "run_id": run.run_id,
            "point": run.point,
            "replicate": run.replicate,
            "seed": run.seed,
            **run.values,
            "status": outcome.status,
            **outcome.summary,
            "error": outcome.error,
            "traceback": outcome.traceback,
        }
        files["runs"] = pending / f"{run.run_id}.runs.arrow"
        write_arrow(files["runs"], pa.Table.from_pylist([row], schema=self.schema))
        previous = self.state.get(run.run_id)
        if previous is not None and previous.part is not None:
            self._superseded.add(previous.part)
        self.state[run.run_id] = Record(outcome.status, outcome.error, pending=files)
        if run.run_id not in self._pending:
            self._pending.append(run.run_id)
        self.session["ran"] += 1
        self.session[outcome.status] += 1
        if len(self._pending) >= self.batch_size:
            self.compact()
        if time.monotonic() - self._written > MANIFEST_EVERY:
            self.write_manifest()

    def compact(self) -> None:
        """Gather the pending runs into the next part of each table (see the module doc)."""
        if not self._pending:
            return
        k, pending = self._next_part, self.out / PENDING
        for table in ("timeseries", "events", "runs"):
            files = [pending / f"{r}.{table}.arrow" for r in self._pending]
            files = [f for f in files if f.exists()]
            if files:
                whole = pa.concat_tables([read_arrow(f) for f in files])
                write_parquet(self.out / table / f"part-{k:06d}.parquet", whole)
        for run_id in self._pending:
            for table in ("timeseries", "events", "runs"):
                _remove(pending / f"{run_id}.{table}.arrow")
            record = self.state[run_id]
            self.state[run_id] = Record(record.status, record.error, part=k)
        self._pending = []
        self._next_part = k + 1

    def _prune(self) -> None:
        """Rewrite runs parts that hold records superseded by later ones (a failed run
        that succeeded when the sweep was run again), so each run has one row on disk."""
        for k in sorted(self._superseded):
            path = self.out / "runs" / f"part-{k:06d}.parquet"
            table = pq.read_table(path)
            keep = [self.state[r].part == k for r in table["run_id"].to_pylist()]
            if not all(keep):
                write_parquet(path, table.filter(pa.array(keep)))
        self._superseded = set()

    def write_manifest(self) -> None:
        """Write manifest.json with the current state of every run."""
        counts = {"total": len(self.sweep), "done": 0, "failed": 0, "pending": 0}
        runs = []
        for run in self.sweep.runs():
            record = self.state.get(run.run_id)
            status = record.status if record else "pending"
            counts[status] += 1
            entry = {"run_id": run.run_id, "seed": run.seed, "status": status}
            if record is not None and record.error:
                entry["error"] = record.error
            runs.append(entry)
        self._manifest["counts"] = counts
        self._manifest["runs"] = runs
        write_json(self.out / MANIFEST, self._manifest)
        self._written = time.monotonic()

    def close(self, status: str = "finished") -> None:
        """Write what is pending, the manifest (session `status`), and unlock."""
        try:
            if status != "interrupted":
                self.compact()
                self._prune()
            self.session["finished"] = now()
            self.session["status"] = status
            self.write_manifest()
        finally:
            self._lock.release()

    def counts(self) -> dict[str, int]:
        """Runs done and failed so far, over all sessions."""
        statuses = [r.status for r in self.state.values()]
        return {"done": statuses.count("done"), "failed": statuses.count("failed")}


def _ours_and_empty(path: Path) -> bool:
    """The lock, or a folder of the layout left empty (by a sweep killed at its start)."""
    if path.name == LOCK:
        return True
    return path.name in (*TABLES, PENDING) and path.is_dir() and not any(path.iterdir())


def _readable(paths: Iterable[Path]) -> bool:
    try:
        for path in paths:
            read_arrow(path)
    except (pa.ArrowException, OSError):
        return False
    return True


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def manifest_document(sweep: Sweep, schema: pa.Schema, previous: dict | None) -> dict:
    """The manifest's description of `sweep` (the file and its text as first given)."""
    first = (previous or {}).get("sweep", {})
    identity = sweep.identity()
    return {
        "format": FORMAT,
        "sweep": {
            "file": first.get("file", sweep.source),
            "text": first.get("text", sweep.text),
            "hash": sweep.hash,
            "seed": sweep.seed,
            "replicates": sweep.replicates,
            "steps": sweep.steps,
            "grid": identity["grid"],
            "sample": identity["sample"],
            "parameters": list(sweep.parameters),
            "points": len(sweep.points),
            "runs": len(sweep),
            "common_seeds": sweep.common_seeds,
            "seeds": sweep.seed_scheme,
        },
        "base_config": {
            "file": sweep.base_file,
            "hash": sweep.base_hash,
            "values": identity["base_config"],
        },
        "columns": {"runs": schema.names},
    }


def manifest_identity(manifest: dict) -> dict:
    """The sweep identity recorded in a manifest (compare with `Sweep.identity`)."""
    sweep = manifest["sweep"]
    return {
        "base_config": manifest["base_config"]["values"],
        "seed": sweep["seed"],
        "replicates": sweep["replicates"],
        "steps": sweep["steps"],
        "grid": sweep["grid"],
        "sample": sweep["sample"],
        "common_seeds": sweep.get("common_seeds", False),
    }


# --- the reader ---------------------------------------------------------------------------


class SweepResults:
    """The results of a sweep, read from its folder (see `load_results`).

    The folder is looked at once, when the first table is read, so the tables agree on
    which runs they hold even while a sweep is still writing; call `load_results` again
    to see runs saved since.

    Attributes:
        out: the folder.
        manifest: the parsed manifest.json.
        runs: one row per recorded run (done or failed), in run order.
        timeseries: one row per done run and step.
        events: one row per done run, event and group.
    """

    def __init__(self, out: str | Path):
        self.out = Path(out)
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
                if self._found is None:
                    self._found = scan(self.out)
                table = read_table(name, self._found, columns, run_ids)
                break
            except FileNotFoundError:  # a running sweep moved files meanwhile: look again
                self._found = None
                if attempt == 19:
                    raise
                time.sleep(0.05)
        if table is None:
            names = columns or (
                self.manifest["columns"]["runs"] if name == "runs" else ["run_id", "step"]
            )
            return pd.DataFrame({c: pd.Series(dtype=object) for c in names})
        return table.to_pandas().reset_index(drop=True)


def load_results(out: str | Path) -> SweepResults:
    """Open the results folder of a sweep; its tables load as DataFrames on first use.

    Safe while the sweep is still running, or after it was killed: only runs that were
    saved completely are read, each once.

    Example:
        >>> results = load_results("results/demo")          # doctest: +SKIP
        >>> results.runs.groupby("event.suspension")["mean_speaking_equality"].mean()
        ...                                                     # doctest: +SKIP
    """
    return SweepResults(out)
