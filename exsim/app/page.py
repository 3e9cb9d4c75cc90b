"""The exsim app: two designs of Exchange Network events side by side, in the browser.

Run it with ``exsim app`` (or ``solara run exsim/app/page.py``). "Design A" and "Design
B" run on the same seed and step together, month by month; the sidebar holds the run's
controls, the network both designs share, a run over several seeds and the downloads.
The main area shows each design's members as a network, the outcomes of both over time,
their difference, and what happened inside any event.

The modules that import Solara are this one, `sidebar`, `state`, `charts` and
`inside_view`; `pair`, `inside`, `seeds` and `controls` hold the logic without it.
"""

from __future__ import annotations

import asyncio
import time

import pandas as pd
import solara

from exsim.app.charts import DESIGN_COLOURS, LiveText, NetworkChart, TimeChart
from exsim.app.controls import DESIGN_CONTROLS, describe_design
from exsim.app.figures import ROLE_COLOURS, describe
from exsim.app.inside_view import InsideEvent
from exsim.app.pair import DESIGNS
from exsim.app.seeds import SeveralSeeds
from exsim.app.sidebar import (
    ControlInput,
    Explains,
    NetworkControls,
    RunControls,
    SeveralSeedsControls,
    TakeAway,
)
from exsim.app.state import (
    Session,
    current_several,
    designs,
    difference_outcome,
    new_session,
    pictures,
    playing,
    redesigned,
    several,
    speed,
    version,
)
from exsim.model.registry import OUTCOMES as REGISTRY
from exsim.model.registry import SELECTIONS, label


def chart(name: str) -> tuple[str, tuple[float | None, float | None]]:
    """The title and y range of an outcome charted over time, from the registry: its
    label and unit (an event outcome says it is of the latest event), and its bounds
    (None where it has none; a signed outcome is fitted to the data, so that small
    changes of sign show)."""
    known = REGISTRY[name]
    when = ", latest event" if known.kind == "event" else ""
    title = f"{known.label}{when} ({known.unit})"
    if known.low is not None and known.low < 0:
        return title, (None, None)
    return title, (known.low, known.high)


OUTCOMES = {name: chart(name) for name in SELECTIONS["app"]}
"""The outcomes charted over time: title and y range (None: fitted to the data)."""


@solara.component
def DesignControls(session: Session, name: str):
    """One design's name, a few words on it and its event-design controls."""
    values = designs.value[name]

    def set_value(key: str, value) -> None:
        designs.value = {**designs.value, name: {**designs.value[name], key: value}}
        session.do(lambda p: p.change(designs={name: designs.value[name]}))

    solara.HTML("h2", name, style={"color": DESIGN_COLOURS[name], "margin": "0"})
    solara.Text(describe_design(values), classes=["exsim-summary"])
    with solara.ColumnsResponsive(12, large=6):
        for c in DESIGN_CONTROLS:
            ControlInput(c, values[c.name], lambda v, k=c.name: set_value(k, v), css_of(name))


def css_of(name: str) -> str:
    """The CSS class of a design's card (``exsim-design-a``)."""
    return f"exsim-{name.lower().replace(' ', '-')}"


@solara.component
def DesignView(session: Session, name: str):
    """The network picture and a few lines on the latest event of one design."""
    NetworkChart(
        lambda: session.pair.models[name], pictures, css=f"exsim-network-{name[-1].lower()}"
    )
    LatestEvent(session, name)


def LatestEvent(session: Session, name: str):
    """A few lines on where a design's run is and on its latest event."""
    LiveText(lambda: " ".join(describe(session.pair.models[name])), version, "exsim-latest")


def Legend():
    """What the network pictures show."""
    roles = " ".join(
        f'<span style="color:{c}">&#9679;</span> {r}s' for r, c in ROLE_COLOURS.items()
    )
    with solara.Card():
        solara.HTML(
            "span",
            f"The networks: {roles}. Size: status in project hierarchies. Faded: did not "
            "come to the latest event. Black ring: spoke most in their group there; red "
            "ring: challenged the norm. Lines: ties of mutuality, wider for stronger. "
            "Members sit by project team.",
            classes=["exsim-explains"],
        )


@solara.component
def OverTime(session: Session):
    """Each charted outcome over the months, Design A and Design B in one chart."""
    pair = session.pair

    def reader(outcome: str):
        def read():
            result = current_several(pair)
            bands = {n: result.bands[(n, outcome)] for n in DESIGNS} if result else None
            return {n: pair.series(n, outcome) for n in DESIGNS}, bands

        return read

    with solara.Card("Over time"):
        BandsNote(session)
        with solara.ColumnsResponsive(4, large=4, medium=6, small=12):
            for outcome, (title, y_range) in OUTCOMES.items():
                TimeChart(
                    title,
                    reader(outcome),
                    version,
                    pair.months,
                    y_range=y_range,
                    css=f"exsim-chart-{outcome}",
                )


@solara.component
def BandsNote(session: Session):
    """Which line is which design, and whether bands from several seeds are shown."""
    redesigned.value  # noqa: B018 (subscribe: a changed design makes the bands stale)
    key = " ".join(
        f'<span style="color:{DESIGN_COLOURS[n]}">&#9473;&#9473; {n}</span>' for n in DESIGNS
    )
    bands = " (bands: 95% over seeds)" if current_several(session.pair) else ""
    solara.HTML("div", key + bands)


@solara.component
def Difference(session: Session):
    """Design B minus Design A over the months, for one outcome."""
    pair, outcome = session.pair, difference_outcome.value
    several.value  # noqa: B018 (subscribe: bands)

    def read():
        a, b = (pair.series(n, outcome) for n in DESIGNS)
        n = min(len(a), len(b))
        result = current_several(pair)
        bands = {"B - A": result.differences[outcome]} if result else None
        return {"B - A": b[:n] - a[:n]}, bands

    with solara.Card("Difference: Design B minus Design A"):
        titles = {title: name for name, (title, _) in OUTCOMES.items()}
        with solara.Div(classes=["exsim-difference-outcome"]):
            solara.Select(
                "Outcome",
                values=list(titles),
                value=OUTCOMES[outcome][0],
                on_value=lambda title: difference_outcome.set(titles[title]),
            )
        Explains(difference_words(current_several(pair)))
        TimeChart(
            f"{OUTCOMES[outcome][0]}: B - A",
            read,
            version,
            pair.months,
            zero_line=True,
            css="exsim-chart-difference",
            names=("B - A",),
        )
        DifferenceNow(session, outcome)


def difference_words(result: SeveralSeeds | None) -> str:
    """What the difference chart shows: one seed's luck, or a band over seeds."""
    if result is None:
        return (
            "Above 0: higher under Design B. Both run on one seed, so the difference is the "
            "designs' and one seed's luck; run several seeds to see a 95% band."
        )
    return (
        f"Above 0: higher under Design B. The line is this seed's run; the band, the 95% "
        f"interval of the mean difference over {result.replicates} seeds."
    )


@solara.component
def DifferenceNow(session: Session, outcome: str):
    """The difference at the month on screen and, after several seeds, their verdict."""
    redesigned.value  # noqa: B018 (subscribe: the verdict goes when the designs change)
    pair = session.pair

    label = REGISTRY[outcome].label

    def now() -> str:
        return pair.difference_now(outcome, label)

    LiveText(now, version, "exsim-diff")
    result = current_several(pair)
    if result is not None:
        SeveralTable(result)


def several_rows(result: SeveralSeeds) -> pd.DataFrame:
    """The verdict of `exsim compare` on each charted outcome, labelled as the registry
    labels it: an event outcome averaged over the months with an event, any other at the
    end of the run (``final_``). Means and B - A with their 95% intervals."""
    table, rows = result.table, []
    for outcome in OUTCOMES:
        name = outcome if REGISTRY[outcome].kind == "event" else f"final_{outcome}"
        found = table[table["outcome"] == name]
        if found.empty:
            continue
        ra, rb = (found[found["design"] == n].iloc[0] for n in DESIGNS)
        rows.append(
            {
                "outcome": label(name),
                "Design A": f"{ra['mean']:.3f} [{ra['mean_low']:.3f}, {ra['mean_high']:.3f}]",
                "Design B": f"{rb['mean']:.3f} [{rb['mean_low']:.3f}, {rb['mean_high']:.3f}]",
                "B - A": f"{rb['difference']:+.3f} [{rb['difference_low']:+.3f}, "
                f"{rb['difference_high']:+.3f}]",
                "verdict": "differs" if rb["resolved"] else "within noise",
            }
        )
    return pd.DataFrame(rows)


def SeveralTable(result: SeveralSeeds):
    """The verdict of `exsim compare` on each charted outcome, as a table."""
    caption = (
        f"Over {result.replicates} seeds, as exsim compare reports them (event outcomes "
        "averaged over the months with an event, the others at the end of the run):"
    )
    styler = several_rows(result).style.hide(axis="index").set_caption(caption)
    solara.HTML("div", styler.to_html(), classes=["exsim-table", "exsim-several-table"])


CSS = """
.exsim-table table { border-collapse: collapse; font-size: 0.85em; margin: 8px 0 16px 0; }
.exsim-table td, .exsim-table th { padding: 2px 8px; }
.exsim-table caption { text-align: left; caption-side: top; color: #333; }
.exsim-explains { font-size: 0.8em; color: #555; display: block; margin-bottom: 6px; }
.exsim-label { font-size: 0.9em; }
.exsim-month { font-size: 1.4em; font-weight: 500; display: block; margin-bottom: 8px; }
.exsim-latest, .exsim-summary { font-size: 0.85em; display: block; }
.exsim-chart-title { font-size: 0.9em; font-weight: 500; display: block; min-height: 2.6em; }
.exsim-chart { overflow: hidden; }
.exsim-chart .jp-OutputArea-output, .exsim-network .jp-OutputArea-output { overflow: hidden; }
/* The sidebar keeps the width the main area leaves it (Solara pads the main area by 400
   px): its buttons wrap rather than widen it over Design A. */
.v-navigation-drawer { width: 400px !important; }
.v-navigation-drawer .v-btn { max-width: 100%; height: auto !important; min-height: 36px; }
.v-navigation-drawer .v-btn__content { white-space: normal; flex-shrink: 1; }
"""


FRAMES_PER_SECOND = 3
"""Most times a second the page is redrawn while playing: at a faster pace each frame
moves on by more than a month. A browser that must redraw every month falls behind the
runs (benchmarks/README.md)."""


@solara.component
def Page():
    """The app: run controls, the shared network, several seeds and downloads in the
    sidebar; the two designs, their outcomes over time, their difference and the inside
    of any event in the main area."""
    session = solara.use_memo(new_session, [])

    async def play():
        # Keeps the chosen pace: each frame steps the months due since Play was pressed
        # (at least one) and draws once, so a slow redraw shows fewer frames, each a
        # month or more on, rather than slowing the run (benchmarks/app_playback.py).
        pace, start, first = None, 0.0, 0
        while playing.value and not session.pair.finished:
            if speed.value != pace:  # a new speed restarts the clock
                pace, start, first = speed.value, time.perf_counter(), session.pair.month
            due = first + int((time.perf_counter() - start) * pace) + 1
            drawn = time.perf_counter()
            session.step(max(1, due - session.pair.month), frame=True)
            next_month = start + (session.pair.month - first) / pace
            next_frame = max(next_month, drawn + 1.0 / FRAMES_PER_SECOND)
            await asyncio.sleep(max(0.0, next_frame - time.perf_counter()))
        playing.value = False
        session.draw_pictures()  # the month on screen, whenever playing stopped

    solara.lab.use_task(play, dependencies=[playing.value], prefer_threaded=False)
    solara.Title("exsim · two event designs side by side")
    solara.Style(CSS)
    with solara.AppBarTitle():
        solara.Text("exsim · two designs of Exchange Network events, side by side")
    with solara.Sidebar():
        RunControls(session)
        NetworkControls(session)
        SeveralSeedsControls(session)
        TakeAway(session)
    with solara.Column():
        with solara.Columns([1, 1]):
            for name in DESIGNS:
                with solara.Card(classes=[css_of(name)]):
                    DesignControls(session, name)
                    DesignView(session, name)
        Legend()
        OverTime(session)
        Difference(session)
        InsideEvent(session, version, playing)
