"""What a sweep's manifest.json says about the sweep: its definition, its base config, the
columns of its runs table, what is recorded, the sessions that ran it (host, versions,
source revision) and, when a folder is reused, how another sweep differs from it. The
writer (`exsim.runs.store`) adds the state of every run and the parts of each table."""

from __future__ import annotations

import datetime
import json
import os
import socket
from typing import Any

import pyarrow as pa

from ..outcome_modules import module_source, source_digest
from .folder_scan import FORMAT
from .spec import Sweep
from .versions import environment, source_revision

__all__ = [
    "manifest_document",
    "manifest_identity",
    "now",
    "outcome_file_changes",
    "session_document",
    "sweep_differences",
]


def now() -> str:
    """The current time, UTC, ISO 8601."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


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
        "record": sweep.record,
        "outcomes": {name: ref for name, ref, _ in sweep.base.outcomes},
        "outcome_files": outcome_files(sweep),
    }


def outcome_files(sweep: Sweep) -> dict[str, dict[str, str]]:
    """The file of each outcome module `sweep`'s config adds and its SHA-256 (only the
    module's own file: what it imports is not covered), so that a resume with an edited
    module is refused (`outcome_file_changes`)."""
    files = {}
    for name, ref, folder in sweep.base.outcomes:
        path = module_source(ref, folder)
        if path is not None:
            files[name] = {"file": str(path), "sha256": source_digest(path)}
    return files


def outcome_file_changes(manifest: dict, sweep: Sweep) -> str:
    """Which outcome module of `sweep` is not the file the sweep in `manifest` began
    with, in words (for the error that refuses to resume); empty if none changed."""
    before, now_ = manifest.get("outcome_files", {}), outcome_files(sweep)
    for name, then in before.items():
        if now_.get(name, {}).get("sha256") != then.get("sha256"):
            return (
                f"outcomes.{name}: its module {then.get('file')} is not the file the sweep "
                "began with (edited or gone: its SHA-256 differs)"
            )
    return ""


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


def sweep_differences(manifest: dict, sweep: Sweep) -> str:
    """How `sweep` differs from the one recorded in `manifest`, in words (for the error
    that refuses a folder holding another sweep); empty if no key differs."""
    old, new = manifest_identity(manifest), sweep.identity()
    new["common_seeds"] = sweep.common_seeds
    keys = ("seed", "replicates", "steps", "common_seeds", "grid", "sample")
    differ = [k for k in keys if old[k] != new[k]]
    shown = [f"{k} ({short(old[k])} there, {short(new[k])} here)" for k in differ]
    record = manifest.get("record", "all")
    if record != sweep.record:  # what is recorded: a resume cannot mix the two
        shown.append(f"record ({short(record)} there, {short(sweep.record)} here)")
    base_old, base_new = old["base_config"], new["base_config"]
    changed = [
        k for k in sorted(set(base_old) | set(base_new)) if base_old.get(k) != base_new.get(k)
    ]
    if changed:
        shown.append(
            "base config ("
            + ", ".join(
                f"{k}: {short(base_old.get(k))} there, {short(base_new.get(k))} here"
                for k in changed[:3]
            )
            + (", ..." if len(changed) > 3 else "")
            + ")"
        )
    return "; ".join(shown)


def session_document(previous: list, session: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The manifest's entry for a session starting now (with `session`'s own keys), and a
    note if the package versions differ from the previous session's (else "")."""
    versions = environment()
    note = ""
    if previous and isinstance(previous[-1], dict):
        before = previous[-1].get("versions", {})
        changed = [
            f"{k} {before[k]} then, {v} now"
            for k, v in versions.items()
            if k in before and before[k] != v
        ]
        if changed:
            note = "resuming with other versions than before: " + ", ".join(changed)
    document = {
        "started": now(),
        "finished": None,
        "status": "running",
        "host": socket.gethostname(),
        "pid": os.getpid(),
        **session,
        "versions": versions,
        "revision": source_revision(),
        "ran": 0,
        "done": 0,
        "failed": 0,
    }
    return document, note


def short(value: Any) -> str:
    """`value` as JSON, cut to 40 characters."""
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."
