"""The exsim app: two designs of Exchange Network events side by side, in the browser.

Run it with ``exsim app`` (or ``solara run exsim/app/page.py``). "Design A" and "Design
B" run on the same seed and step together, month by month; the sidebar holds the run's
controls, the network both designs share, a run over several seeds and the downloads.
The main area shows each design's members as a network, the outcomes of both over time,
their difference, and what happened inside any event.

This module and `charts` are the only ones of exsim that import Solara.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field

import solara

from exsim.app.charts import DESIGN_COLOURS, LiveText, NetworkChart, TimeChart
from exsim.app.controls import (
    DESIGN_CONTROLS,
    FORMAT_WORDS,
    NETWORK_CONTROLS,
    Control,
    describe_design,
    starting_designs,
    starting_network,
)
from exsim.app.figures import ROLE_COLOURS, describe
from exsim.app.inside_view import InsideEvent
from exsim.app.pair import DESIGNS, DesignPair, read_seed
from exsim.app.seeds import SeveralSeeds, design_key, run_several

SPEEDS = (1, 2, 5, 10, 20)
"""Months per second while playing, to choose from."""
DEFAULT_SPEED = 10
SEVERAL_DEFAULT = 10

OUTCOMES = {
    "cross_role_uptake": ("Credibility given across roles (latest event)", (0.0, 1.0)),
    "challenges": ("Challenges to the norm voiced (latest event)", (0.0, None)),
    "norm_endorsement": ("Mean endorsement of the norm", (0.0, 1.0)),
    "credibility_gap": ("Credibility gap: research minus experiential", (None, None)),
    "belief_error": ("Error of beliefs against the truth", (0.0, None)),
    "dialogic_capacity": ("Dialogic capacity", (0.0, 1.0)),
}
"""The outcomes charted over time: title and y range (None: fitted to the data)."""

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


def Explains(text: str):
    """The line under a control that says what it does."""
    return solara.Text(text, classes=["exsim-explains"])


def ControlInput(control: Control, value, on_value, where: str = ""):
    """One control: its label and value, the input, the line explaining it. CSS classes
    name the parameter (``exsim-control-event_format``) and `where` it is."""
    with solara.Div(classes=[f"exsim-control-{control.name.replace('.', '_')}", where]):
        if control.name == "event.format":
            words = {model: word for word, model in FORMAT_WORDS.items()}
            solara.Select(
                control.label,
                values=list(FORMAT_WORDS),
                value=words[value],
                on_value=lambda w: on_value(FORMAT_WORDS[w]),
            )
        else:
            shown = f"{value:.2f}" if isinstance(value, float) else str(value)
            solara.Text(f"{control.label}: {shown}", classes=["exsim-label"])
            slider = solara.SliderInt if control.parameter.kind is int else solara.SliderFloat
            low, high = control.bounds
            slider("", value=value, min=low, max=high, step=control.step, on_value=on_value)
        Explains(control.explains)


# --- the sidebar ----------------------------------------------------------------------


@solara.component
def RunControls(session: Session):
    """Reset, play, step, the speed and the seed of both runs."""
    pair = session.pair

    def set_seed(text: str) -> None:
        seed_text.value = text
        seed, _ = read_seed(text)
        if seed is not None:
            session.do(lambda p: p.change(seed=seed))

    def reset() -> None:
        playing.value = False
        session.do(DesignPair.reset)

    with solara.Card("Run both designs"):
        LiveText(lambda: f"Month {pair.month} of {pair.months}", version, "exsim-month")
        with solara.Row(justify="space-between"):
            solara.Button("Reset", on_click=reset, color="primary")
            solara.Button(
                "Pause" if playing.value else "Play",
                on_click=lambda: playing.set(not playing.value),
                disabled=finished.value,
                color="primary",
            )
            solara.Button("Step", on_click=session.step, disabled=finished.value)
        Explains("Reset: back to month 0. Step: one month. Play: month after month.")
        if finished.value:
            Explains(f"The run is complete ({pair.months} months): press Reset.")
        solara.Select(
            "Months per second while playing",
            values=list(SPEEDS),
            value=speed.value,
            on_value=speed.set,
        )
        solara.InputText("Seed", value=seed_text.value, on_value=set_seed)
        _, note = read_seed(seed_text.value)
        Explains(
            f"{note} The runs keep seed {pair.seed}."
            if note
            else "A whole number: both designs run on it, so they meet the same luck."
        )


@solara.component
def NetworkControls(session: Session):
    """The network both designs share: whose knowledge counts, who is in it."""

    def set_value(name: str, value) -> None:
        network.value = {**network.value, name: value}
        shares = [v for k, v in network.value.items() if k.startswith("population.mix.")]
        if sum(shares) > 0:  # a mix with nobody in it waits for a share above 0
            session.do(lambda p: p.change(network=network.value))

    with solara.Card("The network (both designs)"):
        for title, (meaning, controls) in NETWORK_CONTROLS.items():
            with solara.Details(title, expand=False):
                Explains(meaning)
                for c in controls:
                    ControlInput(c, network.value[c.name], lambda v, n=c.name: set_value(n, v))
        if sum(v for k, v in network.value.items() if k.startswith("population.mix.")) <= 0:
            Explains("Every role's share is 0: raise one; the runs keep the last mix.")


@solara.component
def SeveralSeedsControls(session: Session):
    """Run both designs over several seeds in the background; say how it went."""
    request = solara.use_reactive(0)

    def work():
        if request.value == 0:
            return None
        with session.lock:
            snapshot = DesignPair(session.pair.designs, session.pair.network, session.pair.seed)
        several.value = run_several(snapshot, several_count.value)
        return several.value

    result = solara.use_thread(work, dependencies=[request.value])
    with solara.Card("Several seeds"):
        solara.SliderInt(
            f"Seeds: {several_count.value}",
            value=several_count.value,
            min=2,
            max=30,
            on_value=several_count.set,
        )
        running = request.value > 0 and result.state == solara.ResultState.RUNNING
        solara.Button(
            f"Run both designs on {several_count.value} seeds",
            on_click=lambda: request.set(request.value + 1),
            disabled=running,
        )
        Explains(
            "To the end of the run, in the background, on seeds derived from yours "
            "(as exsim compare does). The charts then show each design's mean with a 95% "
            "band, so you can see what is noise."
        )
        if running:
            solara.Text("Running…", classes=["exsim-several-running"])
        elif result.state == solara.ResultState.ERROR:
            solara.Error(f"The runs failed: {result.error}")
        SeveralStatus(session)


@solara.component
def SeveralStatus(session: Session):
    """Whether the several-seed result on screen belongs to the designs on screen."""
    redesigned.value  # noqa: B018 (subscribe)
    result = several.value
    if result is None:
        return
    if result.key != design_key(session.pair):
        Explains("The designs or the seed changed since the seeds were run: run them again.")
    else:
        solara.Text(f"Bands: {result.replicates} seeds from seed {result.seed}.")


@solara.component
def TakeAway(session: Session):
    """Downloads: the runs on screen (CSV) and each design as a config file."""
    with solara.Card("Take it away"):
        solara.FileDownload(
            lambda: session.pair.timeseries().to_csv(index=False),
            filename="exsim_runs.csv",
            label="Both runs, month by month (CSV)",
        )
        solara.FileDownload(
            lambda: session.pair.events_table().to_csv(index=False),
            filename="exsim_events.csv",
            label="Their events, group by group (CSV)",
        )
        for name in DESIGNS:
            slug = name.lower().replace(" ", "_")
            solara.FileDownload(
                lambda n=name: session.pair.config_toml(n),
                filename=f"{slug}.toml",
                label=f"{name} as a config file",
            )
        Explains("exsim run design_a.toml reruns Design A exactly, month for month.")
        result = several.value
        if result is not None and result.key == design_key(session.pair):
            solara.FileDownload(
                lambda: result.trajectories.to_csv(index=False),
                filename="exsim_several_seeds.csv",
                label="The several-seed runs (CSV)",
            )


# --- the main area ----------------------------------------------------------------------


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
        lambda: session.pair.models[name], version, css=f"exsim-network-{name[-1].lower()}"
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


def current_several(pair: DesignPair) -> SeveralSeeds | None:
    """The several-seed result, if it was run for the designs and seed on screen."""
    result = several.value
    return result if result is not None and result.key == design_key(pair) else None


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
        solara.Select(
            "Outcome",
            values=list(OUTCOMES),
            value=outcome,
            on_value=difference_outcome.set,
        )
        Explains(
            "Above 0: higher under Design B. Both run on one seed, so the difference is the "
            "designs' and one seed's luck; run several seeds to see a 95% band."
        )
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


@solara.component
def DifferenceNow(session: Session, outcome: str):
    """The difference at the month on screen and, after several seeds, their verdict."""
    redesigned.value  # noqa: B018 (subscribe: the verdict goes when the designs change)
    pair = session.pair

    def now() -> str:
        a, b = (pair.series(n, outcome) for n in DESIGNS)
        month = min(len(a), len(b)) - 1  # both, even while a step is under way
        return f"Month {month}: B - A = {b[month] - a[month]:+.3f}"

    LiveText(now, version, "exsim-diff")
    result = current_several(pair)
    if result is not None:
        SeveralTable(result)


def SeveralTable(result: SeveralSeeds):
    """The verdict of `exsim compare` on each outcome: means and B - A, 95% intervals."""
    rows = ["| outcome | Design A | Design B | B - A | verdict |", "| --- " * 5 + "|"]
    table = result.table
    for outcome in OUTCOMES:
        found = table[table["outcome"] == outcome]
        if found.empty:
            continue
        ra, rb = (found[found["design"] == n].iloc[0] for n in DESIGNS)
        verdict = "differs" if rb["resolved"] else "within noise"
        rows.append(
            f"| {outcome} | {ra['mean']:.3f} [{ra['mean_low']:.3f}, {ra['mean_high']:.3f}] "
            f"| {rb['mean']:.3f} [{rb['mean_low']:.3f}, {rb['mean_high']:.3f}] "
            f"| {rb['difference']:+.3f} [{rb['difference_low']:+.3f}, "
            f"{rb['difference_high']:+.3f}] | {verdict} |"
        )
    solara.Markdown(
        f"Over {result.replicates} seeds (event outcomes averaged over the months with an "
        "event, the others at the end), as `exsim compare` reports them:\n\n" + "\n".join(rows)
    )


CSS = """
.exsim-table table { border-collapse: collapse; font-size: 0.85em; margin: 8px 0 16px 0; }
.exsim-table td, .exsim-table th { padding: 2px 8px; }
.exsim-table caption { text-align: left; caption-side: top; color: #333; }
.exsim-explains { font-size: 0.8em; color: #555; display: block; margin-bottom: 6px; }
.exsim-label { font-size: 0.9em; }
.exsim-month { font-size: 1.4em; font-weight: 500; display: block; margin-bottom: 8px; }
.exsim-latest, .exsim-summary { font-size: 0.85em; display: block; }
"""


@solara.component
def Page():
    """The app: run controls, the shared network, several seeds and downloads in the
    sidebar; the two designs, their outcomes over time, their difference and the inside
    of any event in the main area."""
    session = solara.use_memo(new_session, [])

    async def play():
        # On the server's event loop, not a thread: the charts' messages then leave
        # without a hand-over between threads, the costliest part of a month on screen.
        while playing.value and not session.pair.finished:
            started = time.perf_counter()
            session.step()
            await asyncio.sleep(max(0.0, 1.0 / speed.value - (time.perf_counter() - started)))
        playing.value = False

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
