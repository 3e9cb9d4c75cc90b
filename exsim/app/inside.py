"""Inside one event: its groups, who spoke how often, whose words moved whom, who
challenged the norm and who was moved by a challenge. Plain tables, no Solara.

Every table reads an `EventRecord` (what the session's tally recorded) and the members'
fixed traits from the model that held the event. Members are named by their Mesa
``unique_id`` and role, as in ``agents.csv``. A ratio with nothing to count (a pair of
roles that never heard each other) is NaN, shown as a dash, never 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..model import ExchangeModel
from ..model.vocabulary import ROLES
from .pair import EventRecord


def member_label(model: ExchangeModel, index: int) -> str:
    """A member as the tables name them: their id and role (``"12 patient"``)."""
    return f"{model.participants[index].unique_id} {ROLES[model.population.role[index]]}"


def _roles_in(model: ExchangeModel, members: np.ndarray) -> str:
    counts = np.bincount(model.population.role[members], minlength=len(ROLES))
    named = zip(ROLES, counts, strict=True)
    return ", ".join(f"{c} {r}{'s' if c > 1 else ''}" for r, c in named if c)


def event_groups(record: EventRecord, model: ExchangeModel) -> pd.DataFrame:
    """One row per group of the event: who sat in it, turns, challenges, take-ups."""
    rows = []
    for g, seats in enumerate(record.seats):
        present = seats >= 0
        rows.append(
            {
                "group": g + 1,
                "members": _roles_in(model, seats[present]),
                "turns": int(record.turns[g, present].sum()),
                "challenges voiced": int(record.challenges[g, present].sum()),
                "challenges taken up": int(record.taken_up[g]),
            }
        )
    return pd.DataFrame(rows)


def group_members(record: EventRecord, model: ExchangeModel, group: int) -> pd.DataFrame:
    """One row per member of `group` (0-based): role, status, turns and their share,
    challenges voiced and taken up, and norm endorsement before and after the event (at
    an event, endorsement moves when a member takes up someone's challenge or, feeling
    threatened, hardens against the challenges heard: ODD 7.6, 7.16)."""
    seats = record.seats[group]
    present = np.flatnonzero(seats >= 0)
    members = seats[present]
    turns = record.turns[group, present]
    total = turns.sum()
    before = record.endorsement_before[members]
    after = record.endorsement_after[members]
    return pd.DataFrame(
        {
            "member": [member_label(model, i) for i in members],
            "status": model.population.status[members],
            "turns": turns.astype(int),
            "share of turns": turns / total if total > 0 else np.full(len(turns), np.nan),
            "challenges voiced": record.challenges[group, present].astype(int),
            "challenges taken up": record.took_up[group][present].sum(axis=1).astype(int),
            "endorsement before": before,
            "endorsement after": after,
            "moved by challenges": after - before,
        }
    )


def member_uptake(record: EventRecord, model: ExchangeModel, group: int) -> pd.DataFrame:
    """Whose words moved whom in `group`: rows are listeners, columns speakers, each cell
    the credibility the listener gave the speaker, summed over the speaker's turns they
    heard (more turns and more credibility both count)."""
    seats = record.seats[group]
    present = np.flatnonzero(seats >= 0)
    labels = [member_label(model, i) for i in seats[present]]
    matrix = record.uptake[group][np.ix_(present, present)].copy()
    np.fill_diagonal(matrix, np.nan)  # nobody listens to themselves
    frame = pd.DataFrame(matrix, index=labels, columns=labels)
    frame.index.name = "listener \\ speaker"
    return frame


def challenge_uptake(record: EventRecord, model: ExchangeModel, group: int) -> pd.DataFrame:
    """Who took up whose challenge in `group` (0-based): rows are the members who took
    one up, columns the challengers, each cell how many of the column's challenges the
    row took up. Empty (no rows, no columns) when no challenge was taken up."""
    seats = record.seats[group]
    present = np.flatnonzero(seats >= 0)
    counts = record.took_up[group][np.ix_(present, present)]
    takers = np.flatnonzero(counts.sum(axis=1) > 0)
    challengers = np.flatnonzero(counts.sum(axis=0) > 0)
    frame = pd.DataFrame(
        counts[np.ix_(takers, challengers)].astype(int),
        index=[member_label(model, seats[present[i]]) for i in takers],
        columns=[member_label(model, seats[present[j]]) for j in challengers],
    )
    frame.index.name = "took up \\ challenger"
    return frame


def role_uptake(record: EventRecord, model: ExchangeModel) -> pd.DataFrame:
    """Across the whole event, by role: the mean credibility listeners of each role
    (rows) gave a turn they heard from speakers of each role (columns); NaN where no
    listener of that role heard a speaker of that one."""
    k = len(ROLES)
    given, heard = np.zeros((k, k)), np.zeros((k, k))
    role = model.population.role
    for g, seats in enumerate(record.seats):
        present = np.flatnonzero(seats >= 0)
        r = role[seats[present]]
        pairs = np.ix_(present, present)
        np.add.at(given, (r[:, None], r[None, :]), record.uptake[g][pairs])
        np.add.at(heard, (r[:, None], r[None, :]), record.heard[g][pairs])
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(heard > 0, given / heard, np.nan)
    names = [f"{r}s" for r in ROLES]
    frame = pd.DataFrame(mean, index=names, columns=names)
    frame.index.name = "listeners \\ speakers"
    return frame


def shade_range(frame: pd.DataFrame, low: float = 0.0) -> tuple[float, float]:
    """The range a table's shading spans: from `low` to its largest value, never an
    empty range (an empty one makes pandas divide by zero when every value is equal)."""
    values = frame.to_numpy(dtype=float)
    finite = values[np.isfinite(values)]
    high = float(finite.max()) if len(finite) else low
    return low, max(high, low + 1e-9)


def moved_range(members: pd.DataFrame) -> tuple[float, float]:
    """The symmetric range of the bars of "moved by challenges" (never empty)."""
    moved = members["moved by challenges"].to_numpy(dtype=float)
    finite = np.abs(moved[np.isfinite(moved)])
    reach = max(float(finite.max()) if len(finite) else 0.0, 1e-9)
    return -reach, reach


def no_event_words(name: str, design: dict) -> str:
    """Why design `name` has no event to look inside yet, or never will."""
    if int(design["event.every"]) == 0:
        return (
            f"{name} holds no events: its months between events are 0. Set them above 0 "
            "to hold some."
        )
    return f"{name} has held no event yet: press Step."
