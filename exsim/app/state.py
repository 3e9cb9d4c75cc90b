"""The state of one browser tab of the app: the two runs and what the page shows.

Solara keeps one value of each reactive variable per browser tab (per kernel), so two
students never share runs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import solara

from exsim.app.controls import starting_designs, starting_network
from exsim.app.pair import DesignPair
from exsim.app.seeds import SeveralSeeds, design_key

SPEEDS = (1, 2, 5, 10, 20)
"""Months per second while playing, to choose from."""
DEFAULT_SPEED = 10
SEVERAL_DEFAULT = 10

designs = solara.reactive(starting_designs())
network = solara.reactive(starting_network())
seed_text = solara.reactive("")
playing = solara.reactive(False)
speed = solara.reactive(DEFAULT_SPEED)
version = solara.reactive(0)
"""Bumped whenever the runs change (a month, a reset, a changed design). Only the charts
and lines of text built once (`charts`) follow it, so a new month renders no component."""
redesigned = solara.reactive(0)
"""Bumped when the designs, the network or the seed change, or the runs are reset."""
finished = solara.reactive(False)
"""Whether the runs on screen have reached their last month."""
several = solara.reactive(None)
several_count = solara.reactive(SEVERAL_DEFAULT)
difference_outcome = solara.reactive("challenges")


@dataclass
class Session:
    """One browser tab's runs, and a lock so that playing and clicking never overlap."""

    pair: DesignPair
    lock: threading.Lock = field(default_factory=threading.Lock)

    def do(self, action, redesign: bool = True) -> None:
        """Change the runs with `action(pair)`, then tell the views (`redesign`: more
        than a new month)."""
        with self.lock:
            action(self.pair)
        version.value += 1
        if redesign:
            redesigned.value += 1
        if finished.value != self.pair.finished:
            finished.value = self.pair.finished

    def step(self) -> None:
        """One month of both designs."""
        self.do(DesignPair.step, redesign=False)


def new_session() -> Session:
    """The runs a new tab opens with: the two starting designs on the default seed."""
    pair = DesignPair(designs.value, network.value)
    if not seed_text.value:
        seed_text.value = str(pair.seed)
    return Session(pair)


# --- small pieces ---------------------------------------------------------------------


def current_several(pair: DesignPair) -> SeveralSeeds | None:
    """The several-seed result, if it was run for the designs and seed on screen."""
    result = several.value
    return result if result is not None and result.key == design_key(pair) else None
