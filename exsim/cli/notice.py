"""A line on standard error when something the user waits for turns out to be slow."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator

COMPILING = (
    "exsim: loading the model's compiled rules (the first run after an install or an "
    "upgrade compiles them: a minute or two)..."
)
"""Said when `exsim.model.warmup.warm_up` takes over two seconds: compiling after an
install, or loading the cache on a busy machine."""


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


def warm_up() -> None:
    """Load the model's compiled rules, saying so when that means compiling them."""
    from ..model.warmup import warm_up as load  # imported first: only compiling is slow

    with said_if_slow(COMPILING, after=2.0):
        load()
