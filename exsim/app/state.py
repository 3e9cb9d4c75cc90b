"""The state of one browser tab of the app: the two runs and what the page shows.

Solara keeps one value of each reactive variable per browser tab (per kernel), so two
students never share runs.
"""

from __future__ import annotations

import threading
import time
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
pictures = solara.reactive(0)
"""Bumped when the network pictures are to be redrawn: with every change of the runs,
except while playing, when at most `PICTURES_PER_SECOND` times a second (a picture costs
the browser more than all the charts over time together; benchmarks/README.md)."""
PICTURES_PER_SECOND = 1.0
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
    pictures_drawn: float = 0.0  # time.monotonic() of the last network pictures

    def do(self, action, redesign: bool = True, frame: bool = False) -> None:
        """Change the runs with `action(pair)`, then tell the views (`redesign`: more
        than a new month; `frame`: a frame of playing, see `pictures`)."""
        with self.lock:
            action(self.pair)
        version.value += 1
        if not frame or time.monotonic() - self.pictures_drawn >= 1 / PICTURES_PER_SECOND:
            self.draw_pictures()
        if redesign:
            redesigned.value += 1
        if finished.value != self.pair.finished:
            finished.value = self.pair.finished

    def draw_pictures(self) -> None:
        """Redraw the network pictures now."""
        self.pictures_drawn = time.monotonic()
        pictures.value += 1

    def step(self, months: int = 1, frame: bool = False) -> None:
        """`months` months of both designs, shown once (`frame`: while playing)."""
        self.do(lambda pair: pair.step(months), redesign=False, frame=frame)


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
