"""The app's look inside an event: choose a design, an event and a group; see the
groups, who spoke how often, whose words moved whom (between members and between
roles), and who challenged the norm and who was moved by a challenge."""

from __future__ import annotations

import pandas as pd
import solara

from .inside import (
    challenge_uptake,
    event_groups,
    group_members,
    member_uptake,
    moved_range,
    no_event_words,
    role_uptake,
    shade_range,
)
from .pair import DESIGNS

inside_design = solara.reactive(DESIGNS[0])
inside_month = solara.reactive(0)  # 0: the latest event
inside_group = solara.reactive(1)


def _html(styler) -> None:
    solara.HTML("div", styler.to_html(), classes=["exsim-table"])


def _heat(frame: pd.DataFrame, caption: str, high: float | None = None):
    low, top = shade_range(frame)
    return (
        frame.style.background_gradient(
            cmap="Blues", axis=None, vmin=low, vmax=top if high is None else high
        )
        .highlight_null(color="#EEEEEE")
        .format("{:.2f}", na_rep="–")
        .set_caption(caption)
    )


@solara.component
def InsideEvent(session, version: solara.Reactive, playing: solara.Reactive):
    """Inside one event of one design (`session.pair`), shown while paused: tables are
    not redrawn month by month."""
    with solara.Card("Inside an event", classes=["exsim-inside"]):
        if playing.value:
            solara.Text("Pause to look inside an event.")
            return
        version.value  # noqa: B018 (subscribe)
        pair = session.pair
        records = pair.events[inside_design.value]
        months = [r.month for r in records]
        with solara.Row():
            solara.ToggleButtonsSingle(
                value=inside_design.value, values=list(DESIGNS), on_value=inside_design.set
            )
            if records:
                chosen = inside_month.value if inside_month.value in months else months[-1]
                solara.Select(
                    "Event held in month",
                    values=months,
                    value=chosen,
                    on_value=inside_month.set,
                )
        if not records:
            solara.Text(no_event_words(inside_design.value, pair.designs[inside_design.value]))
            return
        record = records[months.index(chosen)]
        model = pair.models[inside_design.value]
        groups = event_groups(record, model)
        group = min(inside_group.value, len(groups))
        solara.Text(
            f"{len(groups)} groups, {int((record.seats >= 0).sum())} members: "
            f"{groups['turns'].sum()} turns, {groups['challenges voiced'].sum()} challenges "
            f"to the norm voiced, {groups['challenges taken up'].sum()} take-ups (a "
            "take-up is one listener taking up one challenger's challenges: one challenge "
            "can be taken up by several listeners).",
        )
        _html(groups.style.hide(axis="index").set_caption("The groups"))
        _html(
            _heat(
                role_uptake(record, model),
                "Whose words moved whom, by role: the mean credibility listeners (rows) "
                "gave a turn they heard from speakers (columns); – never heard.",
                high=1.0,  # credibility runs from 0 to 1
            )
        )
        solara.Select("Group", values=list(groups["group"]), value=group, on_value=inside_group.set)
        members = group_members(record, model, group - 1)
        _html(
            members.style.hide(axis="index")
            .bar(subset=["share of turns"], color="#9ecae1", vmin=0, vmax=1)
            .bar(
                subset=["moved by challenges"],
                color=["#F4A6A6", "#9ecae1"],  # light: the number stays readable on it
                align="zero",
                vmin=moved_range(members)[0],
                vmax=moved_range(members)[1],
            )
            .format(
                {
                    "status": "{:.2f}",
                    "share of turns": "{:.0%}",
                    "endorsement before": "{:.3f}",
                    "endorsement after": "{:.3f}",
                    "moved by challenges": "{:+.3f}",
                },
                na_rep="–",
            )
            .set_caption(
                f"Group {group}: who spoke how often, who challenged the norm and who took "
                "a challenge up, and whose endorsement of it moved (at an event it moves "
                "when a member takes up a challenge or, feeling threatened, hardens "
                "against the challenges heard)."
            )
        )
        taken = challenge_uptake(record, model, group - 1)
        if taken.empty:
            solara.Text(f"Group {group}: no challenge to the norm was taken up.")
        else:
            _html(
                taken.style.background_gradient(
                    cmap="Reds", axis=None, vmin=0.0, vmax=shade_range(taken)[1]
                ).set_caption(
                    f"Group {group}: who took up whose challenge. Each cell: how many of "
                    "the challenger's (column) challenges the member (row) took up."
                )
            )
        _html(
            _heat(
                member_uptake(record, model, group - 1),
                f"Group {group}: whose words moved whom. Each cell: the credibility the "
                "listener (row) gave the speaker (column), summed over the turns heard.",
            )
        )
