"""A line on standard error when something the user waits for turns out to be slow."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator

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
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


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
