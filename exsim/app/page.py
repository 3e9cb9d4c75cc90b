"""The exsim app: a Mesa `SolaraViz` page for trying out designs of Exchange Network events.

Run it with ``exsim app`` (or ``solara run exsim/app/page.py``). The sidebar holds Mesa's
run controls (Reset, play, Step) and, below them, the design of the network in three
groups: the events, whose knowledge counts (the legitimacy hierarchy of the
organisational norm) and who is in the network. A changed design applies from the next
*Reset*, as Mesa's own parameters do. The main area shows the members as a network, who
spoke at the latest event, and the outcomes over time.

This is the only module of exsim that imports Solara or Mesa's visualization.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import solara
from matplotlib.figure import Figure

from exsim.app.figures import ROLE_COLOURS, describe, draw_network, draw_speaking
from exsim.model import ExchangeModel
from exsim.model.parameters import KEYWORDS, PARAMETERS
from exsim.model.vocabulary import FORMATS, ROLES

with warnings.catch_warnings():
    # Mesa 3.3's ComponentsView trips Solara's rules-of-hooks check (fixed in later Mesa).
    warnings.filterwarnings("ignore", message=".*found despite early return", category=UserWarning)
    from mesa.visualization import SolaraViz, make_plot_component
    from mesa.visualization.utils import update_counter

FORMAT_WORDS = {
    "action-learning sets": "action_learning",
    "open plenary": "plenary",
    "facilitated dialogue": "facilitated_dialogue",
}
"""The event formats as the app names them, and the model's word for each."""
assert set(FORMAT_WORDS.values()) == set(FORMATS)


@dataclass(frozen=True)
class Control:
    """One control of the design: the model keyword it sets and how it is shown."""

    keyword: str  # ExchangeModel keyword argument
    label: str
    step: float = 0.05
    low: float | None = None  # None: the parameter table's range
    high: float | None = None

    @property
    def parameter(self):
        """The model parameter this control sets."""
        return KEYWORDS[self.keyword]


GROUPS: dict[str, tuple[str, list[Control]]] = {
    "Event design": (
        "How the network's events are run.",
        [
            Control("event_suspension", "Project hierarchy suspended (0 kept, 1 suspended)"),
            Control("event_format", "Format"),
            Control("event_facilitation", "Facilitation (0 none, 1 strong)"),
            Control("event_group_size", "People per group (not in a plenary)", 1, high=30),
            Control("event_every", "Months between events (0: none)", 1, high=24),
        ],
    ),
    "Whose knowledge counts": (
        "How legitimate each kind of knowledge is under the organisational norm.",
        [
            Control("legitimacy_research", "Research knowledge"),
            Control("legitimacy_clinical", "Clinical knowledge"),
            Control("legitimacy_organisational", "Organisational knowledge (managers)"),
            Control("legitimacy_experiential", "Experiential knowledge (patients, carers)"),
        ],
    ),
    "Who is in the network": (
        "How many members, and the relative share of each role.",
        [Control("population_size", "Members", 1, low=5, high=200)]
        + [Control(f"population_mix_{r}", f"Share of {r}s", 0.01) for r in ROLES],
    ),
}
"""The design controls, grouped as the sidebar shows them."""

CONTROLS = {c.keyword: c for _, controls in GROUPS.values() for c in controls}


def default_design() -> dict[str, Any]:
    """Every design control at the model's default (the real Exchange Network)."""
    design = {k: c.parameter.default for k, c in CONTROLS.items()}
    words = {model: word for word, model in FORMAT_WORDS.items()}
    design["event_format"] = words[design["event_format"]]
    return design


design = solara.reactive(default_design())
"""The design in the sidebar. Solara keeps one value per browser session."""


class AppModel(ExchangeModel):
    """`ExchangeModel` as the app builds it: from the sidebar's design and the seed.

    Mesa's *Reset* calls ``AppModel(**parameters)`` with the values of its own inputs
    (here the seed); the rest comes from the session's `design`. The format arrives in
    plain words and the seed as text: both are turned into the model's values. A seed
    that is not a whole number, or a mix with nobody in it, falls back to the default
    and says so in `app_notes`.
    """

    def __init__(self, rng: Any = None, **kwargs: Any):
        """Build the network from the design and Mesa's inputs (model keyword names)."""
        # Mesa >= 3.4's Reset also passes a `scenario`; the seed control sets the run's
        # randomness instead, so it is not used.
        kwargs.pop("scenario", None)
        values = {**design.value, **kwargs}
        self.app_design = dict(values)
        self.app_notes: list[str] = []
        if values.get("event_format") in FORMAT_WORDS:
            values["event_format"] = FORMAT_WORDS[values["event_format"]]
        seed = values.pop("run_seed", None)
        if seed is not None:
            text = str(seed).strip()
            if text.isdigit():
                values["run_seed"] = int(text)
            else:
                default = values["run_seed"] = PARAMETERS["run.seed"].default
                self.app_notes.append(f"Seed {text!r} is not a whole number: used {default}.")
        mix = [f"population_mix_{r}" for r in ROLES]
        if all(float(values.get(k, 1.0)) <= 0 for k in mix):
            for k in mix:
                values.pop(k, None)
            self.app_notes.append("Every role's share was 0: used the default mix.")
        super().__init__(rng=rng, **values)

    def step(self) -> None:
        """One month; at `run.steps` the model stops running (Mesa's play and Step
        buttons too) and the app says so once."""
        super().step()
        if not self.running and not any("complete" in note for note in self.app_notes):
            self.app_notes.append(f"The run is complete ({self.steps} months): press Reset.")


SEED = {
    "run_seed": {
        "type": "InputText",
        "value": str(PARAMETERS["run.seed"].default),
        "label": "Random seed (a whole number)",
    }
}
"""Mesa's own model-parameter input: the seed of the run."""


def initial_model() -> AppModel:
    """The model the app opens with: the session's design and the default seed."""
    return AppModel(run_seed=SEED["run_seed"]["value"])


# --- the sidebar: the design, grouped -------------------------------------------------


def _set(keyword: str, value: Any) -> None:
    design.value = {**design.value, keyword: value}


def _shown(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


@solara.component
def ControlInput(control: Control, in_run: Any = None):
    """One design control: its label and value above a full-width input, and a note when
    the value differs from the run on screen (`in_run`)."""
    value = design.value[control.keyword]
    with solara.Div(classes=[f"exsim-control-{control.keyword}"]):
        if control.keyword == "event_format":
            solara.Select(
                control.label,
                values=list(FORMAT_WORDS),
                value=value,
                on_value=lambda v: _set("event_format", v),
            )
        else:
            p = control.parameter
            solara.Text(f"{control.label}: {_shown(value)}", style={"font-size": "0.9em"})
            slider = solara.SliderInt if p.kind is int else solara.SliderFloat
            slider(
                "",
                value=value,
                min=p.low if control.low is None else control.low,
                max=p.high if control.high is None else control.high,
                step=control.step,
                on_value=lambda v: _set(control.keyword, v),
                thumb_label=False,
            )
        if in_run is not None and value != in_run:
            solara.Text(
                f"(the run shows {_shown(in_run)}: press Reset to apply)",
                style={"font-size": "0.8em", "color": "#B45F00"},
            )


@solara.component
def DesignControls(model: solara.Reactive[ExchangeModel]):
    """The design of the network, in three labelled groups, in the sidebar."""
    in_run = getattr(model.value, "app_design", {})
    with solara.Sidebar(), solara.Column():
        for title, (meaning, controls) in GROUPS.items():
            with solara.Card(title, subtitle=meaning):
                for control in controls:
                    ControlInput(control, in_run.get(control.keyword))
        solara.Button(
            "Back to the real network's design",
            text=True,
            on_click=lambda: design.set(default_design()),
        )


@solara.component
def _Below(model: solara.Reactive[ExchangeModel]):
    # One level deeper than SolaraViz, so that Solara puts these sidebar cards after
    # Mesa's run controls (sidebar content is ordered by depth).
    DesignControls(model)


# --- the views ------------------------------------------------------------------------


@solara.component
def NetworkView(model: ExchangeModel):
    """The members as a network, with a few lines on the latest event beside it."""
    update_counter.get()
    fig = Figure(figsize=(6.6, 3.7))
    ax = fig.add_axes((0.0, 0.0, 0.56, 0.9))
    draw_network(ax, model)
    lines = describe(model) + getattr(model, "app_notes", [])
    fig.text(0.6, 0.02, "\n".join(lines), fontsize=8, va="bottom", ha="left")
    solara.FigureMatplotlib(fig, format="png")


@solara.component
def SpeakingView(model: ExchangeModel):
    """Who spoke how much, by role, at the latest event, and who challenged the norm."""
    update_counter.get()
    fig = Figure(figsize=(6.6, 3.5))
    draw_speaking(fig, model)
    solara.FigureMatplotlib(fig, format="png")


def _titled(title: str, words: dict[str, str], ylabel: str):
    """A `post_process` for Mesa's plot component: size, title, plain legend, label."""

    def post_process(ax) -> None:
        ax.figure.set_size_inches(6.6, 3.5)
        months, values = [0], [0.0]
        for line in ax.get_lines():
            line.set_label(words.get(line.get_label(), line.get_label()))
            months += list(line.get_xdata())
            values += list(line.get_ydata())
        # From month 0 and from 0, so the first months do not fill the plot with noise.
        ax.set_xlim(0, max(12, max(months)))
        low, high = min(values), max(values)
        ax.set_ylim(low * 1.1, high * 1.1 if high > 0 else 1.0)
        ax.legend(loc="best", fontsize=8, frameon=False)
        ax.set_title(title, fontsize=10)
        ax.set_ylabel(ylabel)

    return post_process


COLOURS = {
    "speaking_equality": "#0072B2",
    "cross_role_uptake": "#E69F00",
    "challenges": "#D00000",
    "challenges_low_status": "#E69F00",
    "norm_endorsement": "#555555",
    "credibility_gap": "#CC79A7",
    "belief_error": "#009E73",
    "experiential_error": ROLE_COLOURS["patient"],
}
"""Line colours of the outcomes over time."""

THEMES = [
    (
        "Dialogue at the latest event",
        {
            "speaking_equality": "equality of turns (1 - Gini)",
            "cross_role_uptake": "credibility given across roles",
        },
        "0 to 1",
    ),
    (
        "Challenges to the norm at the latest event",
        {
            "challenges": "challenges voiced",
            "challenges_low_status": "voiced by lower-status members",
        },
        "challenges",
    ),
    (
        "Whose knowledge counts",
        {
            "norm_endorsement": "mean endorsement of the norm",
            "credibility_gap": "credibility gap: research minus experiential",
        },
        "mean over members",
    ),
    (
        "Learning: how far beliefs are from the truth",
        {
            "belief_error": "mean error, all aspects",
            "experiential_error": "mean error on the patient-experience aspect",
        },
        "error",
    ),
]
"""The outcomes over time: one plot per theme, with the words its legend uses."""


def outcome_plots() -> list:
    """Mesa plot components for the outcomes over time, one per theme (x axis: month)."""
    return [
        make_plot_component(
            {k: COLOURS[k] for k in words}, post_process=_titled(title, words, ylabel)
        )
        for title, words, ylabel in THEMES
    ]


def components() -> list:
    """Every view of the page, in the order they are laid out (two per row)."""
    return [NetworkView, SpeakingView, *outcome_plots()]


@solara.component
def Page():
    """The app: one model per browser session, controls in the sidebar, views beside."""
    model = solara.use_reactive(solara.use_memo(initial_model, []))
    views = solara.use_memo(components, [])
    SolaraViz(
        model,
        components=views,
        model_params=SEED,
        name="exsim · Exchange Network events",
        play_interval=150,
    )
    _Below(model)
