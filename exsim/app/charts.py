"""The app's charts, drawn in the browser by bqplot: only the numbers travel, so the
charts keep up with a run played at many months a second.

`TimeChart` shows one outcome of both designs over the months, `NetworkChart` the members
of one design as a network. Each builds its bqplot widgets once and, whenever the runs
change (the reactive value `changes`), writes the new numbers into them: no component is
rendered again for a new month, which is what makes playing fast.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import bqplot
import ipywidgets
import numpy as np
import solara
from matplotlib.ticker import MaxNLocator

from ..model.vocabulary import ROLES
from .figures import ROLE_COLOURS, circle_layout, last_event, node_sizes

DESIGN_COLOURS = {"Design A": "#0072B2", "Design B": "#D55E00"}
"""One colour per design (Okabe-Ito blue and vermillion)."""

DIFFERENCE_COLOUR = "#444444"
MARGIN = {"top": 12, "bottom": 38, "left": 52, "right": 16}
TIE_CLASSES = ((0.02, 0.2, 0.8, 0.25), (0.2, 0.5, 1.6, 0.4), (0.5, 1.01, 2.6, 0.6))
"""Ties drawn in three classes: (from, below, line width, opacity); weaker ones not."""
NODE_AREA = 170
"""Marker area (square pixels) of a member of the highest status."""


def fitted_range(series: dict, bands: dict | None, fixed: tuple) -> tuple[float, float]:
    """The y range of a chart: `fixed` where given, else the data's (bands included),
    widened to round numbers so that it changes seldom as a run goes on (each change
    redraws the chart). Set here rather than left to the browser, which fits the lines
    but not always the axis when the data change."""
    values = [np.asarray(v, dtype=float) for v in series.values()]
    for band in (bands or {}).values():
        if band is not None:
            values += [band.low, band.high]
    data = np.concatenate(values) if values else np.zeros(1)
    data = data[np.isfinite(data)]
    low = float(data.min()) if fixed[0] is None and len(data) else fixed[0] or 0.0
    high = float(data.max()) if fixed[1] is None and len(data) else fixed[1] or 1.0
    if high - low < 1e-9:
        low, high = (low - 0.5, high + 0.5) if fixed[0] is None else (low, low + 1.0)
    ticks = MaxNLocator(nbins=5).tick_values(low, high)  # round bounds: few rescalings
    return (
        float(ticks[0]) if fixed[0] is None else low,
        float(ticks[-1]) if fixed[1] is None else high,
    )


def round_ticks(low: float, high: float, most: int = 5) -> np.ndarray:
    """At most about `most` round tick values within [low, high] (0 among them when the
    range holds it)."""
    ticks = MaxNLocator(nbins=most, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
    span = 1e-9 * max(1.0, high - low)
    return ticks[(ticks >= low - span) & (ticks <= high + span)]


def _same(old, new) -> bool:
    if isinstance(old, np.ndarray) or isinstance(new, np.ndarray):
        old, new = np.asarray(old), np.asarray(new)
        if old.dtype.kind in "fc" and new.dtype.kind in "fc":
            return old.shape == new.shape and np.array_equal(old, new, equal_nan=True)
        return old.shape == new.shape and np.array_equal(old, new)
    return old == new


def _set(widget, **values) -> None:
    """Set the traits of `widget` that change, in one message (none if none change)."""
    changed = {k: v for k, v in values.items() if not _same(getattr(widget, k), v)}
    if changed:
        with widget.hold_sync():
            for key, value in changed.items():
                setattr(widget, key, value)


def _follow(changes, update: Callable[[], None], dependencies: list) -> None:
    """Call `update` now and whenever `changes` changes (a Solara reactive value)."""
    update()

    def subscribe():
        return changes.subscribe(lambda *_: update())

    solara.use_effect(subscribe, dependencies)


class TimeWidgets:
    """The bqplot widgets of one chart of an outcome over the months."""

    def __init__(self, names: list[str], months: int, zero_line: bool):
        self.names = names
        self.x = bqplot.LinearScale(min=0.0, max=float(months), allow_padding=False)
        self.y = bqplot.LinearScale(min=0.0, max=1.0, allow_padding=False)
        scales = {"x": self.x, "y": self.y}
        colours = [DESIGN_COLOURS.get(n, DIFFERENCE_COLOUR) for n in names]
        self.bands = [
            bqplot.Lines(
                scales=scales,
                fill="between",
                fill_colors=[c],
                fill_opacities=[0.18],
                colors=[c],
                opacities=[0.0, 0.0],
                visible=False,  # until there is a band: a mark with no data logs errors
            )
            for c in colours
        ]
        marks = list(self.bands)
        if zero_line:
            marks.append(
                bqplot.Lines(
                    x=[0.0, float(months)],
                    y=[0.0, 0.0],
                    scales=scales,
                    colors=["#999999"],
                    line_style="dashed",
                )
            )
        # One mark per line, hidden while it has no value to draw (an event outcome
        # before the first event): a line of NaN only has no path, which logs errors.
        self.lines = [
            bqplot.Lines(scales=scales, colors=[c], stroke_width=2.0, visible=False)
            for c in colours
        ]
        self.y_axis = bqplot.Axis(scale=self.y, orientation="vertical", tick_values=[0, 1])
        self.figure = bqplot.Figure(
            marks=[*marks, *self.lines],
            axes=[
                bqplot.Axis(scale=self.x, label="month", tick_values=round_ticks(0, months, 6)),
                self.y_axis,
            ],
            fig_margin=MARGIN,
            animation_duration=0,
            layout=ipywidgets.Layout(width="100%", height="210px", overflow="hidden"),
        )

    def show(self, series: dict, bands: dict | None, y_range: tuple) -> None:
        """Draw `series` (name -> values by month) and `bands` (name -> `Band`)."""
        n = min(len(v) for v in series.values())
        x = np.arange(n, dtype=float) if n > 1 else np.zeros(2)
        ys = np.vstack([series[k][:n] if n > 1 else np.repeat(series[k][:1], 2) for k in series])
        low, high = fitted_range(series, bands, y_range)
        _set(self.y, min=low, max=high)
        _set(self.y_axis, tick_values=round_ticks(low, high))
        for mark, y in zip(self.lines, ys, strict=True):
            if np.isfinite(y).any():
                _set(mark, x=x, y=y, visible=True)
            else:
                _set(mark, visible=False)
        for mark, name in zip(self.bands, self.names, strict=True):
            band = (bands or {}).get(name)
            if band is None:
                _set(mark, visible=False)
            else:
                _set(
                    mark,
                    x=np.arange(len(band.mean), dtype=float),
                    y=np.vstack([band.low, band.high]),
                    visible=True,
                )


@solara.component
def TimeChart(
    title: str,
    read: Callable[[], tuple[dict, dict | None]],
    changes,
    months: int,
    y_range: tuple[float | None, float | None] = (None, None),
    zero_line: bool = False,
    css: str = "",
    names: tuple[str, ...] = tuple(DESIGN_COLOURS),
):
    """One outcome over the months: `read()` gives the series (a line per name, coloured
    by it) and the 95% bands of several seeds (or None); x runs from 0 to `months`."""
    widgets = solara.use_memo(lambda: TimeWidgets(list(names), months, zero_line), [months, names])
    _follow(changes, lambda: widgets.show(*read(), y_range), [widgets, read])
    with solara.Div(classes=["exsim-chart", css]):
        solara.Text(title, classes=["exsim-chart-title"])  # wraps, unlike a figure's title
        solara.display(widgets.figure)


def tie_lines(pos: np.ndarray, ties: np.ndarray, low: float, high: float):
    """Segments of the ties in [low, high) as one x and one y array, NaN between
    segments (a line with gaps draws them all as one path)."""
    i, j = np.nonzero((np.triu(ties, 1) >= low) & (np.triu(ties, 1) < high))
    x = np.full(3 * len(i), np.nan)
    y = np.full(3 * len(i), np.nan)
    x[0::3], x[1::3] = pos[i, 0], pos[j, 0]
    y[0::3], y[1::3] = pos[i, 1], pos[j, 1]
    return x, y


class NetworkWidgets:
    """The bqplot widgets of one design's network picture."""

    def __init__(self):
        scale = {
            "x": bqplot.LinearScale(min=-1.15, max=1.15),
            "y": bqplot.LinearScale(min=-1.15, max=1.15),
        }

        def sized():  # one size scale per mark: each sets its range from its default_size
            return {**scale, "size": bqplot.LinearScale(min=0.0, max=1.0)}

        self.ties = [
            bqplot.Lines(
                scales=scale, colors=["#555555"], stroke_width=w, opacities=[o], visible=False
            )
            for _, _, w, o in TIE_CLASSES
        ]
        self.members = bqplot.Scatter(scales=sized(), default_size=NODE_AREA, stroke="white")
        self.rings = [
            bqplot.Scatter(
                scales=sized(),
                default_size=int(NODE_AREA * grow),
                colors=[colour],
                stroke=colour,
                fill=False,
                stroke_width=2.0,
            )
            for colour, grow in (("black", 2.0), ("#D00000", 3.2))
        ]
        self.figure = bqplot.Figure(
            marks=[*self.ties, self.members, *self.rings],
            axes=[],
            fig_margin={"top": 5, "bottom": 5, "left": 5, "right": 5},
            animation_duration=0,
            min_aspect_ratio=1.0,
            max_aspect_ratio=1.0,
            layout=ipywidgets.Layout(width="300px", height="300px", margin="0 auto"),
        )

    def show(self, model) -> None:
        """Draw the members of `model`, its ties and its latest event."""
        pop = model.population
        pos = circle_layout(pop.project, pop.status)
        ties = pop.ties.matrix()
        for mark, (low, high, _, _) in zip(self.ties, TIE_CLASSES, strict=True):
            x, y = tie_lines(pos, ties, low, high)
            _set(mark, **({"x": x, "y": y, "visible": True} if len(x) else {"visible": False}))
        event = last_event(model)
        came = event.attended if event is not None else np.ones(pop.size, dtype=bool)
        sizes = node_sizes(pop.status) / node_sizes(np.ones(1))[0]  # 0 to 1 of the largest
        _set(
            self.members,
            x=pos[:, 0],
            y=pos[:, 1],
            size=sizes,
            colors=[ROLE_COLOURS[ROLES[r]] for r in pop.role],
            opacities=[1.0 if c else 0.3 for c in came],
        )
        who = (
            (event.top_speakers, np.flatnonzero(event.challenges > 0))
            if event is not None
            else (np.zeros(0, dtype=int),) * 2
        )
        for ring, members in zip(self.rings, who, strict=True):
            _set(ring, x=pos[members, 0], y=pos[members, 1], size=sizes[members])


@solara.component
def NetworkChart(read: Callable, changes, css: str = ""):
    """The members of one design (`read()` gives its model) round a circle by project
    team: colour is role, size status; faded members did not come to the latest event; a
    black ring marks who spoke most in their group there, a red ring who challenged the
    norm; lines are ties. Redrawn whenever `changes` changes."""
    widgets = solara.use_memo(NetworkWidgets, [])
    _follow(changes, lambda: widgets.show(read()), [widgets, read])
    with solara.Div(classes=["exsim-network", css]):
        solara.display(widgets.figure)


@solara.component
def LiveText(read: Callable[[], str], changes, css: str = ""):
    """A line of text that `read()` gives, rewritten whenever `changes` changes."""

    def make():
        widget = ipywidgets.HTML()
        widget.add_class(css)
        return widget

    widget = solara.use_memo(make, [])
    _follow(changes, lambda: _set(widget, value=html.escape(read())), [widget, read])
    solara.display(widget)
