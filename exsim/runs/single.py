"""One run of the model: from a config and a seed to tables of outcomes, and to files."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import Config, default_config
from ..errors import ConfigError, OutcomeError
from ..model import ExchangeModel
from ..model.registry import HEADLINE, OUTCOMES, summarize
from ..model.vocabulary import KNOWLEDGE_TYPES

OUTPUT_FILES = ("timeseries.csv", "events.csv", "agents.csv", "config.toml", "outcomes.png")
"""What `RunResult.write` puts in its folder (``outcomes.png`` when given a figure)."""


@dataclass
class RunResult:
    """The outcome of one run.

    Attributes:
        config: the resolved config (its ``run.seed`` and ``run.steps`` are the ones used).
        timeseries: one row per step (step 0 is the initial state).
        events: one row per event and group.
        agents: final state, one row per participant.
    """

    config: Config
    timeseries: pd.DataFrame
    events: pd.DataFrame
    agents: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """The headline outcomes (`exsim.model.registry.HEADLINE`), then those the config
        adds: at the start, at the end, and averaged over the run as the runs table
        averages them (an added outcome as a state outcome).

        Event outcomes start at the first event's value (month 1 if none was held).
        """
        ts = self.timeseries
        held = ts["event_held"].to_numpy() == 1
        rows = {}
        for name in (*HEADLINE, *self.config.added()):
            kind = OUTCOMES[name].kind if name in OUTCOMES else "state"
            start = ts[name][held] if kind == "event" and held.any() else ts[name]
            start = start.iloc[1:] if kind != "state" and not held.any() else start
            rows[name] = {
                "start": start.iloc[0],
                "end": ts[name].iloc[-1],
                "mean": summarize(ts[name], "mean", kind, held, name),
            }
        return pd.DataFrame(rows).T

    def __repr__(self) -> str:
        ts = self.timeseries
        return (
            f"<RunResult {self.config.source}, seed {self.config['run.seed']}: "
            f"{len(ts) - 1} months, {int(ts['events_held'].iloc[-1])} events, "
            f"{len(self.events)} event groups, {len(self.agents)} members; "
            "see .summary(), .timeseries, .events, .agents>"
        )

    def write(self, out: str | Path, figure: Callable | None = None) -> list[Path]:
        """Write the tables and the resolved config into folder `out`, and the figure
        ``outcomes.png`` if `figure` is given: a function of the time series and a path
        that draws it there (`exsim.analysis.plots.plot_outcomes`, as `exsim run` passes;
        the runs layer draws nothing itself).

        The files are written beside `out` and put in its place in one step, so `out`
        always holds the files of one run, the earlier or this one, never a mix, and a
        write killed halfway leaves nothing that the next write does not remove (see
        `exsim.runs.files.write_folder`).
        """
        from .files import write_folder

        writers = {
            "timeseries.csv": lambda p: self.timeseries.to_csv(p, index=False),
            "events.csv": lambda p: self.events.to_csv(p, index=False),
            "agents.csv": lambda p: self.agents.to_csv(p, index=False),
            "config.toml": lambda p: Path(p).write_text(self.config.to_toml(), encoding="utf-8"),
        }
        if figure is not None:
            writers["outcomes.png"] = lambda p: figure(self.timeseries, p)
        return write_folder(out, writers)


def atomic_write(path: Path, write) -> Path:
    """Call ``write(tmp_path)`` and move the result to `path` only if it succeeded."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def run(
    config: Config | None = None, seed: int | None = None, steps: int | None = None
) -> RunResult:
    """Run the model once.

    Args:
        config: a `Config` (see `exsim.load_config`); the default Exchange Network if None.
        seed: overrides ``run.seed``.
        steps: overrides ``run.steps`` (months).

    Example:
        >>> result = run(seed=1, steps=6)
        >>> len(result.timeseries)
        7
    """
    config = config or default_config()
    changes = {k: v for k, v in (("run.seed", seed), ("run.steps", steps)) if v is not None}
    if changes:
        config = config.replace(**changes)
    model = simulate(config)
    result = RunResult(config, timeseries(model), events_table(model), agents_table(model))
    release(model)
    return result


def simulate(config: Config) -> ExchangeModel:
    """Build the model from a complete `config` and run it for ``run.steps`` months.

    The one place a run is executed: `run` and the sweeps (which read the outputs off
    the model without building DataFrames) both call it.
    """
    model = ExchangeModel(**config.model_kwargs(), outcomes=config.model_outcomes())
    try:
        for _ in range(config["run.steps"]):
            model.step()
    except OutcomeError as err:  # one line naming the file and the key
        raise ConfigError(f"{config.source}: outcomes.{err.outcome}: {err.detail}") from None
    return model


def release(model: ExchangeModel) -> None:
    """Let a finished model be freed. Mesa releases without the fix of mesa issue 3179
    (3.3 has the bug, 3.5 not) keep every model alive in a class-level dict,
    ``mesa.Agent._ids``: a loop that runs thousands of models would grow by each one."""
    import mesa

    ids = vars(mesa.Agent).get("_ids")
    if isinstance(ids, dict):
        ids.pop(model, None)


def timeseries(model: ExchangeModel) -> pd.DataFrame:
    """The model's per-step outcomes, with a leading ``step`` column."""
    frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    frame.insert(0, "step", np.arange(len(frame)))
    return frame


def events_table(model: ExchangeModel) -> pd.DataFrame:
    """One row per event and group (empty, with its columns, if no event was held)."""
    frame = model.datacollector.get_table_dataframe("events")
    int_columns = [c for c in frame.columns if c in ("step", "event", "group", "size")]
    return frame.astype({c: int for c in int_columns})


def agents_table(model: ExchangeModel) -> pd.DataFrame:
    """Final state of every participant, one row each."""
    pop = model.population
    weights = pop.credibility_weights(model.legitimacy)
    frame = pd.DataFrame(
        {
            "id": [a.unique_id for a in model.participants],
            "role": [a.role for a in model.participants],
            "knowledge_type": [a.knowledge_type for a in model.participants],
            "project": pop.project,
            "is_leader": pop.leader == np.arange(pop.size),
            "status": pop.status,
            "voice": pop.voice,
            "dialogic_capacity": pop.dialogic,
            "norm_endorsement": pop.endorsement,
            "tie_strength": pop.ties.member_strength(),
        }
    )
    error = np.abs(pop.beliefs - pop.problem.truth[None, :])
    for a, kind in enumerate(KNOWLEDGE_TYPES):
        frame[f"belief_{kind}"] = pop.beliefs[:, a]
        frame[f"error_{kind}"] = error[:, a]
        frame[f"credibility_{kind}"] = weights[:, a]
    return frame
