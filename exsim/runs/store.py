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
import os
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import ConfigError
from . import files
from .files import (
    FolderLock,
    _sync_dir,
    check_output_folder,
    digest,
    read_arrow,
    write_arrow,
    write_json,
    write_parquet,
)
from .folder_scan import (
    LOCK,
    MANIFEST,
    PENDING,
    TABLES,
    Record,
    part_name,
    read_manifest,
    scan,
)
from .manifest import (
    manifest_document,
    now,
    outcome_file_changes,
    session_document,
    sweep_differences,
)
from .results import SweepResults, load_results
from .spec import Sweep
from .tables import SUMMARY_OUTCOMES, runs_schema, summarize

__all__ = [
    "SUMMARY_OUTCOMES",
    "TABLES",
    "SweepResults",
    "SweepStore",
    "load_results",
    "summarize",
]

MANIFEST_EVERY = 30.0
"""Seconds between refreshes of manifest.json while a sweep runs."""


# --- the writer ---------------------------------------------------------------------------


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
        self._held: dict[str, dict[str, pa.Table]] = {}  # the pending runs' tables
        self._superseded: set[int] = set()
        self._next_part = 1
        self._lock = FolderLock(self.out, LOCK)
        self._manifest: dict[str, Any] = {}
        self._parts: dict[str, dict[str, Any]] = {t: {} for t in TABLES}
        self._written = 0.0

    # --- opening --------------------------------------------------------------------------

    def check(self) -> dict | None:
        """Refuse a folder that cannot take this sweep (one that is a file, holds other
        files, another sweep or a damaged manifest) without creating or changing
        anything; return its manifest, None for a new or empty folder."""
        out = self.out
        check_output_folder(out, "out")
        if not out.exists():
            return None
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
        return manifest

    def finished_runs(self) -> set[str]:
        """Ids of the runs already done in the folder, read without changing anything
        (after `check`); `open` may find fewer, should it find damage."""
        if not self.out.is_dir():
            return set()
        found = scan(self.out, read_manifest(self.out))
        return {r for r, record in found.records.items() if record.status == "done"}

    def open(self, session: dict[str, Any]) -> SweepStore:
        """Check and lock the folder, recover from a killed session (removing what it
        left, and the batches that are damaged, so their runs run again), and record
        `session` in the manifest. A refusal leaves the folder as it was."""
        self.check()
        created = files.make_folder(self.out)
        try:
            self._lock.acquire()
            manifest = self.check()  # again, now that the folder is ours
            for name in (*TABLES, PENDING):
                if not (self.out / name).is_dir():
                    (self.out / name).mkdir()
                    created.append(self.out / name)
            self._begin_session(manifest, session)
            self._recover()
            self.write_manifest()
        except BaseException:
            if not (self.out / MANIFEST).exists():
                self._lock.release(remove=True)
                for path in reversed(created):
                    with contextlib.suppress(OSError):
                        path.rmdir()
            self._lock.release()
            raise
        return self

    def _check_same_sweep(self, manifest: dict) -> None:
        if manifest["sweep"].get("hash") == self.sweep.hash:
            if changed := outcome_file_changes(manifest, self.sweep):
                raise ConfigError(
                    f"{self.out}: {changed}; restore it, or use another --out, or delete "
                    f"{self.out} to start over"
                )
            return
        raise ConfigError(
            f"{self.out}: holds another sweep (from {manifest['sweep'].get('file')}); it "
            f"differs in {sweep_differences(manifest, self.sweep) or 'its definition'}. Use "
            f"another --out, or delete {self.out} to start over"
        )

    def _recover(self) -> None:
        out = self.out
        for folder in (out, out / PENDING, *(out / t for t in TABLES)):
            for path in folder.iterdir():
                if path.name.startswith(".") and path.name.endswith(".tmp"):
                    files._remove(path)
        found = self._repair(scan(out, {"parts": self._parts}))
        for path in found.stale:
            files._remove(path)
        for table, parts in found.parts.items():  # parts written since the last manifest
            for k, path in parts.items():
                if k in found.runs_parts and path.name not in self._parts[table]:
                    self._parts[table][path.name] = digest(path)
        self._next_part = found.max_part + 1
        self._superseded = set(found.superseded)
        for run_id, record in found.records.items():
            if record.pending is not None and not files.readable(record.pending.values()):
                for path in record.pending.values():
                    files._remove(path)
                continue
            self.state[run_id] = record
            if record.pending is not None:
                self._pending.append(run_id)
        self.compact()
        self._prune()

    def _repair(self, found):
        """Remove every batch with a damaged part (its runs run again); the folder's
        contents after that."""
        for table in ("timeseries", "events"):
            found.check(table)
        if not found.damage:
            return found
        batches = sorted({d.part for d in found.damage})
        runs = sum(len(found.batches().get(k, ())) for k in batches)
        self.notes.append(
            f"{found.damage[0].describe(self.out)}"
            + (f" (and {len(found.damage) - 1} more)" if len(found.damage) > 1 else "")
            + f": removed {len(batches)} damaged batch{'es' * (len(batches) > 1)}"
            + (f"; its {runs} runs run again" if runs else "; its runs run again")
        )
        for k in batches:
            for table in TABLES:
                files._remove(self.out / table / part_name(k))
                self._parts[table].pop(part_name(k), None)
        return scan(self.out, {"parts": self._parts})

    def _begin_session(self, manifest: dict | None, session: dict[str, Any]) -> None:
        previous = (manifest or {}).get("sessions", [])
        self.session, note = session_document(previous, session)
        self.notes += [note] if note else []
        listed = (manifest or {}).get("parts", {})
        self._parts = {t: {k: dict(v) for k, v in listed.get(t, {}).items()} for t in TABLES}
        for entries in self._parts.values():
            for entry in entries.values():
                entry.pop("or", None)
        self._manifest = manifest_document(self.sweep, self.schema, manifest)
        self._manifest["versions"] = self.session["versions"]
        self._manifest["sessions"] = [*previous, self.session]

    # --- writing --------------------------------------------------------------------------

    def status(self, run_id: str) -> str | None:
        """``"done"``, ``"failed"`` or None (not run yet) for run `run_id`."""
        record = self.state.get(run_id)
        return record.status if record else None

    def commit(self, outcome) -> None:
        """Save one finished run (an `exsim.runs.backends.Outcome`)."""
        run = outcome.run
        pending = self.out / PENDING
        written, held = {}, {}
        if outcome.status == "done":
            for table, data in zip(("timeseries", "events"), outcome.tables(), strict=True):
                if data is not None:
                    written[table] = pending / f"{run.run_id}.{table}.arrow"
                    write_arrow(written[table], data, outcome.files.get(table))
                    held[table] = data
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
        written["runs"] = pending / f"{run.run_id}.runs.arrow"
        held["runs"] = pa.Table.from_pylist([row], schema=self.schema)
        write_arrow(written["runs"], held["runs"])
        self._held[run.run_id] = held  # what `compact` gathers, without reading it back
        previous = self.state.get(run.run_id)
        if previous is not None and previous.part is not None:
            self._superseded.add(previous.part)
        self.state[run.run_id] = Record(outcome.status, outcome.error, pending=written)
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
            found = [self._pending_table(r, table) for r in self._pending]
            found = [t for t in found if t is not None]
            if found:
                whole = pa.concat_tables(found)
                name = part_name(k)
                self._parts[table][name] = write_parquet(self.out / table / name, whole)
        for run_id in self._pending:
            for table in ("timeseries", "events", "runs"):
                files._remove(pending / f"{run_id}.{table}.arrow")
            record = self.state[run_id]
            self.state[run_id] = Record(record.status, record.error, part=k)
        self._pending, self._held = [], {}
        self._next_part = k + 1

    def _pending_table(self, run_id: str, table: str) -> pa.Table | None:
        """Run `run_id`'s pending `table` (None if it has none): as committed in this
        session, else read from its pending file (left by an earlier session)."""
        held = self._held.get(run_id)
        if held is not None:
            return held.get(table)
        path = self.out / PENDING / f"{run_id}.{table}.arrow"
        return read_arrow(path) if path.exists() else None

    def _prune(self) -> None:
        """Rewrite runs parts that hold records superseded by later ones (a failed run
        that succeeded when the sweep was run again), so each run has one row on disk.

        The manifest lists the new part's checksum beside the old one before the new
        part replaces the old, so it matches the part on disk whenever the process dies.
        """
        for k in sorted(self._superseded):
            path = self.out / "runs" / part_name(k)
            table = pq.read_table(path)
            keep = [self.state[r].part == k for r in table["run_id"].to_pylist()]
            if all(keep):
                continue
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            try:
                pq.write_table(table.filter(pa.array(keep)), tmp, compression="zstd")
                with open(tmp, "rb+") as f:
                    os.fsync(f.fileno())
                new = digest(tmp)
                old = self._parts["runs"].get(path.name)
                self._parts["runs"][path.name] = {**new, **({"or": old} if old else {})}
                self.write_manifest()
                files._rename(tmp, path)
                _sync_dir(path.parent)
                self._parts["runs"][path.name] = new
            finally:
                files._remove(tmp)
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
        self._manifest["parts"] = self._parts
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
