"""Files and folders: atomic writes, checksums, the folder lock, run folders written
whole, and the check that an output folder can be written before any work is done.

A file is written under a temporary name and renamed into place, so it is either
complete or absent; a reader never opens a half-written file. A run's folder is written
beside the old one and exchanged with it in one step (`write_folder`), so it holds the
files of one run, the old or the new.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "FolderLock",
    "check_output_folder",
    "digest",
    "read_arrow",
    "write_arrow",
    "write_folder",
    "write_json",
    "write_parquet",
]

CHUNK = 2**20


# --- single files -------------------------------------------------------------------------------


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


def digest(path: Path) -> dict[str, Any]:
    """Size and SHA-256 of a file, as recorded in a sweep's manifest."""
    sha = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return {"bytes": size, "sha256": sha.hexdigest()}


def write_parquet(path: Path, table: pa.Table) -> dict[str, Any]:
    """Write a zstd-compressed Parquet file atomically and durably; return its `digest`."""
    import pyarrow.parquet as pq

    found: dict[str, Any] = {}

    def write(p):
        pq.write_table(table, p, compression="zstd")
        found.update(digest(p))

    _atomic(path, write, durable=True)
    return found


def write_arrow(path: Path, table: pa.Table, encoded: Any = None) -> None:
    """Write an Arrow IPC file atomically (a pending file: not synced): `table`, or
    `encoded`, the bytes of that table's IPC file when they are at hand."""
    import pyarrow as pa

    def write(p):
        if encoded is not None:
            Path(p).write_bytes(encoded)
            return
        with pa.OSFile(str(p), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)

    _atomic(path, write, durable=False)


def read_arrow(path: Path, columns: list[str] | None = None) -> pa.Table:
    """Read an Arrow IPC file (optionally some columns)."""
    import pyarrow as pa

    with pa.OSFile(str(path), "rb") as source:
        table = pa.ipc.open_file(source).read_all()
    return table.select(columns) if columns is not None else table


def write_json(path: Path, data: Any) -> None:
    """Write a JSON file atomically and durably."""
    text = json.dumps(data, indent=1, allow_nan=False) + "\n"
    _atomic(path, lambda p: Path(p).write_text(text, encoding="utf-8"), durable=True)


# --- where output may go --------------------------------------------------------------------------


def check_output_folder(out: str | Path, what: str = "--out") -> Path:
    """Refuse, with a one-line `ConfigError` naming `what`, an output folder that exists
    as a file, lies under a file, or cannot be created or written. Creates nothing (a
    probe folder is made and removed at once); call it before any work is done."""
    if str(out) == "":
        raise ConfigError(f"{what}: give a folder")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{what}: {out} exists and is not a folder")
    nearest = out
    while not nearest.exists() and nearest.parent != nearest:
        nearest = nearest.parent
    if not nearest.is_dir():
        raise ConfigError(f"{what}: {out}: {nearest} is a file, not a folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".exsim-probe-", dir=nearest))
    except OSError as err:
        raise ConfigError(
            f"{what}: {out}: cannot be written ({err.strerror or type(err).__name__})"
        ) from None
    return out


# --- a run's folder, written whole --------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_OURS = re.compile(r"^\.(?P<name>.+)\.exsim-(?P<kind>new|old)-(?P<pid>\d+)-\w+$")


def write_folder(out: str | Path, writers: dict[str, Callable[[Path], Any]]) -> list[Path]:
    """Write the files named by `writers` (file name to a function that writes that
    file at the path it is given) as the content of folder `out`.

    The files are written into a new hidden folder beside `out`, which is then exchanged
    with `out` in one step (Linux ``renameat2``; elsewhere two renames), so at any moment
    `out` holds the files of one write, all of the old or all of the new; a write killed
    halfway leaves a hidden folder that the next write into `out` removes. A folder that
    holds other files too (or is a link, or the working folder) is written file by file.
    """
    out = Path(out)
    _clean_leftovers(out)
    if out.exists() and not _only_ours(out, writers):
        return _write_in_place(out, writers)
    out.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(prefix=f".{out.name}.exsim-new-{os.getpid()}-", dir=out.parent))
    try:
        for name, write in writers.items():
            write(new / name)
            with open(new / name, "rb+") as f:
                os.fsync(f.fileno())
        _sync_dir(new)
        os.chmod(new, 0o777 & ~_umask())
        if not out.exists():
            os.rename(new, out)
        elif not _exchange(new, out):
            old = new.with_name(new.name.replace("-new-", "-old-"))
            os.rename(out, old)
            os.rename(new, out)
            new = old
        _sync_dir(out.parent)
    finally:
        shutil.rmtree(new, ignore_errors=True)
    return [out / name for name in writers]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _only_ours(out: Path, writers) -> bool:
    if out.is_symlink() or not out.is_dir():
        return False
    with contextlib.suppress(OSError):
        here = Path.cwd().resolve()
        if out.resolve() in (here, *here.parents):
            return False
    return all(p.name in writers and p.is_file() for p in out.iterdir())


def _exchange(a: Path, b: Path) -> bool:
    """Swap folders `a` and `b` in one step; False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    done = renameat2(
        _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), ctypes.c_uint(_RENAME_EXCHANGE)
    )
    return done == 0


def _clean_leftovers(out: Path) -> None:
    """Remove hidden folders left beside `out` by writes that were killed; an old folder
    whose swap was cut short (so `out` is missing) goes back in place."""
    parent = out.parent if out.parent != Path("") else Path(".")
    with contextlib.suppress(OSError):
        for path in parent.iterdir():
            match = _OURS.match(path.name)
            if not match or match["name"] != out.name or _alive(int(match["pid"])):
                continue
            if match["kind"] == "old" and not out.exists():
                os.rename(path, out)
            else:
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _write_in_place(out: Path, writers) -> list[Path]:
    """Write every file under a hidden name (holding this process's id), then, once all
    are written, rename each into place, so a failing writer leaves no new file; hidden
    files of ours left by a killed process are removed first."""
    for path in out.glob(".*.exsim-*"):
        match = _IN_PLACE.match(path.name)
        if match and match["name"] in writers and not _alive(int(match["pid"])):
            with contextlib.suppress(OSError):
                path.unlink()
    hidden = {}
    try:
        for name, write in writers.items():
            fd, tmp = tempfile.mkstemp(
                dir=out, prefix=f".{name}.exsim-{os.getpid()}-", suffix=Path(name).suffix
            )
            os.close(fd)
            hidden[name] = tmp
            write(Path(tmp))
            os.chmod(tmp, 0o666 & ~_umask())
        for name, tmp in hidden.items():
            os.replace(tmp, out / name)
    finally:
        for tmp in hidden.values():
            with contextlib.suppress(FileNotFoundError):
                os.remove(tmp)
    return [out / name for name in writers]


_IN_PLACE = re.compile(r"^\.(?P<name>.+)\.exsim-(?P<pid>\d+)-\w+(\.\w+)?$")


# --- the lock of a sweep's folder -----------------------------------------------------------------


class FolderLock:
    """An exclusive lock on a results folder, held while a sweep writes to it. The lock
    file is removed again if this lock created it and the folder was given up unused."""

    def __init__(self, out: Path, name: str = ".lock"):
        self.path = out / name
        self.fd: int | None = None
        self.created = False

    def acquire(self) -> None:
        """Take the lock or raise `ConfigError` naming the process that holds it."""
        self.created = not self.path.exists()
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

    def release(self, remove: bool = False) -> None:
        """Give the lock up; with `remove`, delete the lock file if this lock made it."""
        if self.fd is not None:
            if remove and self.created:
                _remove(self.path)
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


def make_folder(out: Path) -> list[Path]:
    """Create folder `out` and its missing parents; return those created, outermost first."""
    missing = []
    folder = out
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    out.mkdir(parents=True, exist_ok=True)
    return list(reversed(missing))


def readable(paths: Iterable[Path]) -> bool:
    """Whether every Arrow IPC file of `paths` can be read whole."""
    import pyarrow as pa

    try:
        for path in paths:
            read_arrow(path)
    except (pa.ArrowException, OSError):
        return False
    return True
