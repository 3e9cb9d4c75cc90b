"""The app's sidebar: the controls of both runs, the network they share, a run over
several seeds and the downloads; and the small pieces every control is made of."""

from __future__ import annotations

import solara

from exsim.app.charts import LiveText
from exsim.app.controls import FORMAT_WORDS, NETWORK_CONTROLS, Control
from exsim.app.pair import DESIGNS, DesignPair, read_seed
from exsim.app.seeds import run_several
from exsim.app.state import (
    SPEEDS,
    Session,
    current_several,
    finished,
    network,
    playing,
    redesigned,
    seed_text,
    several,
    several_count,
    speed,
    version,
)


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
            solara.Button("Step", on_click=lambda: session.step(), disabled=finished.value)
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
    if current_several(session.pair) is None:
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
        Explains(
            "exsim run design_a.toml reruns Design A exactly, month for month. The events "
            "CSV is what exsim run writes: its groups are numbered from 0 (the app's group "
            "1 is group 0 there) and each event by its month (step)."
        )
        redesigned.value  # noqa: B018 (subscribe: the several-seed runs go stale)
        result = current_several(session.pair)
        if result is not None:
            solara.FileDownload(
                lambda: result.trajectories.to_csv(index=False),
                filename="exsim_several_seeds.csv",
                label="The several-seed runs (CSV)",
            )


# --- the main area ----------------------------------------------------------------------
