"""The app's charts, drawn in the browser by bqplot (only the numbers travel, so the
charts keep up with a run played at many months a second).

`TimeChart` shows one outcome of both designs over the months, `NetworkChart` the members
of one design as a network. Both are Solara components built from bqplot widgets.
"""

from __future__ import annotations

import bqplot
import numpy as np
import solara

from ..model.vocabulary import ROLES
from .figures import ROLE_COLOURS, circle_layout, last_event, node_sizes

DESIGN_COLOURS = {"Design A": "#0072B2", "Design B": "#D55E00"}
"""One colour per design (Okabe-Ito blue and vermillion)."""

DIFFERENCE_COLOUR = "#444444"
MARGIN = {"top": 30, "bottom": 38, "left": 52, "right": 12}
TIE_CLASSES = ((0.02, 0.2, 0.8, 0.25), (0.2, 0.5, 1.6, 0.4), (0.5, 1.01, 2.6, 0.6))
"""Ties drawn in three classes: (from, below, line width, opacity); weaker ones not."""
NODE_AREA = 170
"""Marker area (square pixels) of a member of the highest status."""


def _element(widget, **kwargs):
    """A bqplot widget as a Solara element (updated in place from render to render)."""
    return widget.element(**kwargs)


def _band_marks(x, bands, colours, scales) -> list:
    marks = []
    for colour, band in zip(colours, bands, strict=True):
        if band is not None:
            marks.append(
                _element(
                    bqplot.Lines,
                    x=x,
                    y=np.vstack([band.low[: len(x)], band.high[: len(x)]]),  # (2, n): n > 1
                    scales=scales,
                    fill="between",
                    fill_colors=[colour],
                    fill_opacities=[0.18],
                    colors=[colour],
                    opacities=[0.0, 0.0],
                )
            )
    return marks


@solara.component
def TimeChart(
    title: str,
    series: dict[str, np.ndarray],
    months: int,
    bands: dict | None = None,
    y_range: tuple[float | None, float | None] = (None, None),
    zero_line: bool = False,
    css: str = "",
):
    """One outcome over the months: a line per entry of `series` (colour by its name),
    a shaded 95% band per entry of `bands` (several seeds), x from 0 to `months`."""
    x_scale = _element(bqplot.LinearScale, min=0.0, max=float(months))
    low, high = y_range
    y_scale = _element(
        bqplot.LinearScale,
        **({} if low is None else {"min": float(low)}),
        **({} if high is None else {"max": float(high)}),
    )
    scales = {"x": x_scale, "y": y_scale}
    names = list(series)
    colours = [DESIGN_COLOURS.get(n, DIFFERENCE_COLOUR) for n in names]
    n = min(len(v) for v in series.values())
    x = np.arange(max(n, 2), dtype=float) if n > 1 else np.zeros(2)
    lines = np.vstack([series[k][:n] if n > 1 else np.repeat(series[k][:1], 2) for k in names])
    marks = _band_marks(x, [(bands or {}).get(k) for k in names], colours, scales)
    if zero_line:
        marks.append(
            _element(
                bqplot.Lines,
                x=np.array([0.0, months]),
                y=np.zeros(2),
                scales=scales,
                colors=["#999999"],
                line_style="dashed",
            )
        )
    marks.append(
        _element(
            bqplot.Lines,
            x=x,
            y=lines[0] if len(names) == 1 else lines,  # bqplot squeezes a (1, n) array
            scales=scales,
            colors=colours,
            stroke_width=2.0,
        )
    )
    axes = [
        _element(bqplot.Axis, scale=x_scale, label="month", num_ticks=6),
        _element(bqplot.Axis, scale=y_scale, orientation="vertical", num_ticks=5),
    ]
    with solara.Div(classes=["exsim-chart", css]):
        _element(
            bqplot.Figure,
            marks=marks,
            axes=axes,
            title=title,
            fig_margin=MARGIN,
            animation_duration=0,
            title_style={"font-size": "14px"},
            layout={"width": "100%", "height": "230px"},
        )


def tie_lines(pos: np.ndarray, ties: np.ndarray, low: float, high: float):
    """Segments of the ties in [low, high) as one x and one y array, NaN between
    segments (a line with gaps draws them all as one path)."""
    i, j = np.nonzero((np.triu(ties, 1) >= low) & (np.triu(ties, 1) < high))
    x = np.full(3 * len(i), np.nan)
    y = np.full(3 * len(i), np.nan)
    x[0::3], x[1::3] = pos[i, 0], pos[j, 0]
    y[0::3], y[1::3] = pos[i, 1], pos[j, 1]
    return x, y


@solara.component
def NetworkChart(model, version: int, css: str = ""):
    """The members of one design round a circle by project team: colour is role, size
    status; faded members did not come to the latest event; a black ring marks who spoke
    most in their group there, a red ring who challenged the norm; lines are ties.
    `version` changes whenever the model does (the model itself is the same object)."""
    pop = model.population
    pos = solara.use_memo(lambda: circle_layout(pop.project, pop.status), [pop])
    scale = {
        "x": _element(bqplot.LinearScale, min=-1.15, max=1.15),
        "y": _element(bqplot.LinearScale, min=-1.15, max=1.15),
    }
    ties = pop.ties.matrix()
    marks = []
    for low, high, width, opacity in TIE_CLASSES:
        x, y = tie_lines(pos, ties, low, high)
        marks.append(
            _element(
                bqplot.Lines,
                x=x,
                y=y,
                scales=scale,
                colors=["#555555"],
                stroke_width=width,
                opacities=[opacity],
            )
        )
    event = last_event(model)
    came = event.attended if event is not None else np.ones(pop.size, dtype=bool)
    sizes = node_sizes(pop.status) / node_sizes(np.ones(1))[0]  # 0 to 1 of the largest

    def with_size():  # one size scale per mark: each sets its range from its default_size
        return {**scale, "size": _element(bqplot.LinearScale, min=0.0, max=1.0)}

    marks.append(
        _element(
            bqplot.Scatter,
            x=pos[:, 0],
            y=pos[:, 1],
            size=sizes,
            scales=with_size(),
            default_size=NODE_AREA,
            colors=[ROLE_COLOURS[ROLES[r]] for r in pop.role],
            opacities=[1.0 if c else 0.3 for c in came],
            stroke="white",
        )
    )
    if event is not None:
        for who, colour, grow in (
            (event.top_speakers, "black", 2.0),
            (np.flatnonzero(event.challenges > 0), "#D00000", 3.2),
        ):
            marks.append(
                _element(
                    bqplot.Scatter,
                    x=pos[who, 0],
                    y=pos[who, 1],
                    size=sizes[who],
                    scales=with_size(),
                    default_size=int(NODE_AREA * grow),
                    colors=[colour],
                    stroke=colour,
                    fill=False,
                    stroke_width=2.0,
                )
            )
    with solara.Div(classes=["exsim-network", css]):
        _element(
            bqplot.Figure,
            marks=marks,
            axes=[],
            fig_margin={"top": 5, "bottom": 5, "left": 5, "right": 5},
            animation_duration=0,
            min_aspect_ratio=1.0,
            max_aspect_ratio=1.0,
            layout={"width": "100%", "height": "300px"},
        )
