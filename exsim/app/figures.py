"""The app's two custom views as plain matplotlib: the members' network and who spoke.

Nothing here imports Solara or Mesa's visualization, so the same figures can be drawn in
a notebook or a script (``draw_network(ax, model)``) and tested without a browser. The
figures read only public model state: the population arrays, the tie matrix,
``model.last_speakers`` and the datacollector's record of months with an event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from ..model.vocabulary import ROLES

ROLE_COLOURS = {
    "patient": "#E69F00",
    "carer": "#CC79A7",
    "clinician": "#009E73",
    "researcher": "#0072B2",
    "manager": "#7F7F7F",
}
"""One colour per role (Okabe-Ito, readable with the common colour-vision deficiencies)."""

SPEAKER_COLOUR = "#000000"
CHALLENGER_COLOUR = "#D00000"
TIE_COLOUR = (0.35, 0.35, 0.35)
TIE_THRESHOLD = 0.02
"""Ties weaker than this are not drawn."""


@dataclass
class LastEvent:
    """Who came to the most recent event, who spoke and who challenged, per member."""

    month: int  # the month the event was held in
    groups: int  # number of groups
    attended: np.ndarray  # (n,) bool
    turns: np.ndarray  # (n,) turns taken
    challenges: np.ndarray  # (n,) challenges voiced
    top_speakers: np.ndarray  # member indices: who took most turns in their group


def last_event(model) -> LastEvent | None:
    """The most recent event of `model`, or None before the first event."""
    record = model.last_speakers
    if not record:
        return None
    seats, turns, challenges = record["seats"], record["turns"], record["challenges"]
    present = seats >= 0
    n = model.population.size
    attended = np.zeros(n, dtype=bool)
    attended[seats[present]] = True
    per_turns = np.zeros(n)
    per_turns[seats[present]] = turns[present]
    per_challenges = np.zeros(n)
    per_challenges[seats[present]] = challenges[present]
    masked = np.where(present, turns, -1.0)
    top_seat = masked.argmax(axis=1)
    rows = np.arange(len(seats))
    spoke = masked[rows, top_seat] > 0
    held = np.flatnonzero(np.asarray(model.datacollector.model_vars["event_held"]) > 0)
    return LastEvent(
        month=int(held[-1]) if len(held) else int(model.steps),
        groups=int(present.any(axis=1).sum()),
        attended=attended,
        turns=per_turns,
        challenges=per_challenges,
        top_speakers=seats[rows[spoke], top_seat[spoke]],
    )


def circle_layout(project: np.ndarray, status: np.ndarray) -> np.ndarray:
    """Positions (n, 2) on a circle: members seated by project team, leader first, with a
    gap between teams. Ties within a team then run along the rim and ties made across
    teams (at events) cross the circle; the picture stays put from month to month."""
    order = np.lexsort((-status, project))
    gaps = np.concatenate([[0], np.cumsum(np.diff(project[order]) != 0)])
    slot = np.arange(len(order)) + 1.5 * gaps
    angle = np.pi / 2 - 2 * np.pi * slot / (slot[-1] + 1.5 if len(slot) else 1)
    pos = np.empty((len(project), 2))
    pos[order] = np.column_stack([np.cos(angle), np.sin(angle)])
    return pos


def node_sizes(status: np.ndarray) -> np.ndarray:
    """Marker area for each member: larger for higher status."""
    return 25.0 + 275.0 * np.clip(status, 0.0, 1.0)


def draw_network(ax, model) -> None:
    """Draw the members as a network on `ax`.

    Members sit round a circle by project team. Colour: role. Size: status in project
    hierarchies. Lines: ties of mutuality, wider and darker the stronger. Faded: did not
    come to the latest event. Black ring: took the most turns in their group at the
    latest event. Red ring: challenged the norm there.
    """
    pop = model.population
    pos = circle_layout(pop.project, pop.status)
    ties = pop.ties.matrix()
    i, j = np.nonzero(np.triu(ties, 1) > TIE_THRESHOLD)
    if len(i):
        w = ties[i, j]
        colours = np.column_stack([np.tile(TIE_COLOUR, (len(w), 1)), 0.08 + 0.5 * w**2])
        ax.add_collection(
            LineCollection(
                np.stack([pos[i], pos[j]], axis=1),
                linewidths=0.3 + 2.0 * w,
                colors=colours,
                zorder=1,
            )
        )
    event = last_event(model)
    size = node_sizes(pop.status)
    colour = np.array([ROLE_COLOURS[ROLES[r]] for r in pop.role])
    came = event.attended if event is not None else np.ones(pop.size, dtype=bool)
    for mask, alpha in ((~came, 0.3), (came, 1.0)):
        ax.scatter(
            *pos[mask].T,
            s=size[mask],
            c=colour[mask],
            alpha=alpha,
            edgecolors="white",
            linewidths=0.8,
            zorder=2,
        )
    if event is not None:
        top = event.top_speakers
        ax.scatter(
            *pos[top].T,
            s=size[top] * 1.8,
            facecolors="none",
            zorder=3,
            edgecolors=SPEAKER_COLOUR,
            linewidths=1.8,
        )
        ch = np.flatnonzero(event.challenges > 0)
        ax.scatter(
            *pos[ch].T,
            s=size[ch] * 2.7,
            facecolors="none",
            zorder=3,
            edgecolors=CHALLENGER_COLOUR,
            linewidths=1.8,
        )
    for team in np.unique(pop.project):
        centre = pos[pop.project == team].mean(axis=0)
        norm = np.hypot(*centre)
        x, y = centre / norm * 1.2 if norm > 1e-9 else (0.0, 1.2)
        ax.text(x, y, f"team {team + 1}", ha="center", va="center", fontsize=7, color="0.45")
    ax.set_xlim(-1.3, 1.3)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    present = np.unique(pop.role)
    handles = [
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            mfc=ROLE_COLOURS[ROLES[r]],
            mec="white",
            ms=9,
            label=f"{ROLES[r]}s",
        )
        for r in present
    ]
    handles += [
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            mfc="white",
            mec=SPEAKER_COLOUR,
            mew=1.8,
            ms=9,
            label="spoke most in their group",
        ),
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            mfc="white",
            mec=CHALLENGER_COLOUR,
            mew=1.8,
            ms=9,
            label="challenged the norm",
        ),
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            mfc="#BBBBBB",
            mec="white",
            alpha=0.4,
            ms=8,
            label="did not come",
        ),
        Line2D([], [], color=TIE_COLOUR, lw=2, label="tie (wider = stronger)"),
    ]
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        ncol=1,
        fontsize=8,
        frameon=False,
    )
    when = f"latest event: month {event.month}" if event is not None else "no event yet"
    ax.set_title(f"Members by project team, month {model.steps} ({when})", fontsize=10, loc="left")


def speaking_by_role(model) -> dict[str, np.ndarray] | None:
    """Per role (in `ROLES` order) at the latest event: members present, turns taken and
    challenges voiced; None before the first event."""
    event = last_event(model)
    if event is None:
        return None
    role = model.population.role
    k = len(ROLES)
    return {
        "members": np.bincount(role[event.attended], minlength=k).astype(float),
        "turns": np.bincount(role, event.turns, minlength=k),
        "challenges": np.bincount(role, event.challenges, minlength=k),
    }


def draw_speaking(fig, model) -> None:
    """Draw who spoke how much at the latest event, by role, on `fig`: each role's share
    of the turns beside its share of the people in the room, and challenges voiced."""
    ax_turns, ax_ch = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.2, top=0.9, wspace=0.3)
    data = speaking_by_role(model)
    labels = [f"{r}s" for r in ROLES]
    x = np.arange(len(ROLES))
    colours = [ROLE_COLOURS[r] for r in ROLES]
    if data is None:
        for ax in (ax_turns, ax_ch):
            ax.text(
                0.5,
                0.5,
                "no event yet:\npress Step",
                ha="center",
                va="center",
                transform=ax.transAxes,
                color="0.4",
            )
            ax.set_xticks([])
            ax.set_yticks([])
        ax_turns.set_title("Share of turns at the latest event", fontsize=10)
        return
    room = data["members"] / max(data["members"].sum(), 1.0)
    turns = data["turns"] / max(data["turns"].sum(), 1.0)
    ax_turns.bar(x - 0.2, turns, 0.4, color=colours, label="share of turns")
    ax_turns.bar(
        x + 0.2,
        room,
        0.4,
        color=colours,
        alpha=0.35,
        hatch="//",
        edgecolor="white",
        label="share of people in the room",
    )
    ax_turns.set_xticks(x, labels, rotation=30, ha="right", fontsize=8)
    ax_turns.set_ylabel("share")
    ax_turns.set_ylim(0, max(0.5, float(max(turns.max(), room.max())) * 1.15))
    ax_turns.legend(fontsize=8, frameon=False, loc="upper left")
    ax_turns.set_title(
        f"Who spoke at the latest event ({int(data['turns'].sum())} turns)", fontsize=10
    )
    ax_ch.bar(x, data["challenges"], 0.6, color=colours)
    ax_ch.set_xticks(x, labels, rotation=30, ha="right", fontsize=8)
    ax_ch.set_ylabel("challenges voiced")
    ax_ch.set_ylim(0, max(1.0, float(data["challenges"].max()) * 1.15))
    ax_ch.yaxis.get_major_locator().set_params(integer=True)
    ax_ch.set_title("Who challenged the norm", fontsize=10)


def describe(model) -> list[str]:
    """A few short plain lines on where a run is: the month, the events so far and what
    happened at the latest one."""
    held = model.events_held
    lines = [f"Month {model.steps}: {held} event{'' if held == 1 else 's'} so far."]
    event = last_event(model)
    if event is None:
        every = model.params["event.every"]
        lines.append("No events in this design." if every == 0 else "No event yet.")
        return lines
    out = model.outcomes
    groups = f"{event.groups} group" + ("s" if event.groups != 1 else "")
    lines += [
        f"Latest event, month {event.month}:",
        f"{int(event.attended.sum())} came, in {groups};",
        f"{int(out['challenges'])} challenges to the norm,",
        f"{int(out['challenges_low_status'])} by lower-status members;",
        f"equality of turns {out['speaking_equality']:.2f}.",
    ]
    return lines
