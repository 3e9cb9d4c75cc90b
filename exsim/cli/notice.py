"""A line on standard error when something the user waits for turns out to be slow."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator

COMPILING = (
    "exsim: compiling the model's rules (once after an install or an upgrade; a minute or two)..."
)
"""Said while `exsim.model.warmup.warm_up` compiles instead of loading from the cache."""


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
    from ..model.warmup import warm_up as load

    with said_if_slow(COMPILING):
        load()
