"""A line on standard error when something the user waits for turns out to be slow."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator

from ..errors import SettingError
from ..limits import address_limit

COMPILING = (
    "exsim: loading the libraries and the model's compiled rules (the first run after an "
    "install or an upgrade compiles them: a minute or two)..."
)
"""Said when starting to run the model takes over two seconds: compiling after an
install, or importing and loading the cache on a busy machine."""

SLOW_START = 2.0
"""Seconds of start-up after which `COMPILING` is said."""


@contextlib.contextmanager
def said_if_slow(message: str, after: float = 1.0) -> Iterator[None]:
    """Print `message` to standard error if the block is still running after `after`
    seconds (and nothing if it ends sooner)."""
    timer = threading.Timer(after, lambda: print(message, file=sys.stderr, flush=True))
    timer.daemon = True
    try:
        timer.start()
    except RuntimeError:  # "can't start new thread": no room left for its stack
        raise SettingError(no_room()) from None
    try:
        yield
    finally:
        timer.cancel()


ROOM_NEEDED = 900_000
"""The address space, in KiB as ``ulimit -v`` takes it, that a warm default `exsim run`
has been seen to start and finish in (it fails at 800000 inside OpenBLAS and at 700000 to
start a thread: benchmarks/README.md, issue 16, session 8). README.md quotes this figure
(a test checks)."""


def check_room() -> None:
    """Refuse, before the libraries load, a memory limit (``ulimit -v``) under
    `ROOM_NEEDED`: under it they fail as they load, each in its own words (a traceback,
    OpenBLAS's line, exit status 1), and can leave a run's unfinished folder behind.

    Raises:
        SettingError: the limit is set and smaller than `ROOM_NEEDED` KiB.
    """
    soft = address_limit()
    if soft is not None and soft < ROOM_NEEDED * 1024:
        raise SettingError(
            f"this process's memory limit (ulimit -v) is {soft // 1024} KiB; exsim needs "
            f"ulimit -v {ROOM_NEEDED} or more to load its libraries: raise the limit, or lift it"
        )


def no_room() -> str:
    """Why exsim could not start a thread: the process's memory limit, if it has one."""
    soft = address_limit()
    if soft is None:
        return "could not start a thread (the system refused one); free some memory or processes"
    return (
        f"could not start a thread; this process's memory limit (ulimit -v) is "
        f"{soft // 1024} KiB; a default run starts under ulimit -v {ROOM_NEEDED}: raise "
        "the limit to that or more, or lift it"
    )


def starting() -> contextlib.AbstractContextManager[None]:
    """The start-up of a command that runs the model (its imports, reading its input,
    `warm_up`), announced with `COMPILING` if it lasts over `SLOW_START` seconds: a first
    run is never silent while it compiles, however long the imports before it took."""
    return said_if_slow(COMPILING, after=SLOW_START)


def warm_up() -> None:
    """Import the model and load its compiled rules, saying so when that is slow."""
    with starting():
        from ..model.warmup import warm_up as load

        load()
