"""Load the model's compiled rules before they are needed.

The session rules are compiled by Numba on their first call and cached on disk. After an
install (or after another Numba version has rewritten the cache) that first call takes
tens of seconds; `warm_up` makes it happen at a moment the caller chooses, so that a
command can say what it is doing and a server is not blocked mid-request.
"""

from __future__ import annotations

from .model import ExchangeModel


def warm_up() -> None:
    """Compile (or load from the cache) every compiled rule a default run calls.

    One month of a default model: it holds an event and the projects' meetings, which
    call every compiled function of the model. Takes well under a second with a warm
    cache. Raises nothing of its own.
    """
    ExchangeModel(rng=0).step()
