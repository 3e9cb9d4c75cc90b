"""With ``project.rounds = 0`` no project meeting is held: the project outcomes have no
value (NaN, empty in CSV), never 0, in the time series, the run summaries, a sweep's
runs table, a comparison and its figures."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import exsim
from exsim.analysis import plots, sweep_plots
from exsim.analysis.compare import compare
from exsim.analysis.plots import missing_note
from exsim.analysis.sensitivity import undefined
from exsim.cli import main
from exsim.model import ExchangeModel
from exsim.model.registry import names

PROJECT = list(names("project"))


def test_no_project_meeting_means_no_project_outcome():
    model = ExchangeModel(rng=3, project_rounds=0, event_every=1)
    for _ in range(3):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame[PROJECT].isna().all().all()  # not 0: no meeting was held
    summary = model.project_meeting  # the one place that says so, read by the collector
    assert summary and all(np.isnan(v) for v in summary.values())
    rest = frame.iloc[1:].drop(columns=PROJECT)
    assert np.isfinite(rest.to_numpy(dtype=float)).all()  # an event every month


def test_with_project_meetings_the_project_outcomes_are_numbers():
    model = ExchangeModel(rng=3, project_rounds=1)
    model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame[PROJECT].iloc[1].notna().all()


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("no_projects")
    (folder / "sweep.toml").write_text(
        'replicates = 2\nsteps = 3\n[grid]\n"project.rounds" = [0, 1]\n', encoding="utf-8"
    )
    exsim.sweep(folder / "sweep.toml", folder / "out", progress=False)
    return folder / "out"


def test_the_runs_table_and_its_csv_hold_no_project_summary(swept):
    results = exsim.load_results(swept)
    runs = results.runs.set_index("run_id")
    columns = [f"{k}_{n}" for n in PROJECT for k in ("final", "mean") if f"{k}_{n}" in runs]
    assert columns  # the runs table summarises project outcomes
    none, some = runs[runs["project.rounds"] == 0], runs[runs["project.rounds"] == 1]
    assert (none["status"] == "done").all() and len(none) == 2
    assert none[columns].isna().all().all()
    assert some[columns].notna().all().all()
    results.to_csv(swept / "csv")
    csv = pd.read_csv(swept / "csv" / "runs.csv", keep_default_na=False)
    cells = csv.loc[csv["project.rounds"] == 0, "final_project_challenges"]
    assert (cells == "").all()


def test_sweep_figures_say_which_values_have_none(swept, monkeypatch):
    drawn = _keep_figures(monkeypatch)
    code = main(["plot", str(swept), "--outcomes", "project_challenges", "--out", str(swept / "f")])
    assert code == 0
    assert sorted(p.name for p in (swept / "f").glob("*.png")) == [
        "mean_project_challenges_by_project.rounds.png",
        "timeseries_project_challenges_by_project.rounds.png",
    ]
    for name in ("mean", "timeseries"):
        (ax,) = drawn[f"{name}_project_challenges_by_project.rounds.png"].axes[:1]
        title = " ".join(ax.get_title().split())
        assert f"{plots.NO_VALUE} for project.rounds = 0" in title
    (ax,) = drawn["mean_project_challenges_by_project.rounds.png"].axes
    low, high = ax.get_xlim()
    assert low < 0 < 1 < high  # the level with no value keeps its place on the axis
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1"]
    assert missing_note([]) == ""


@pytest.fixture(scope="module")
def designs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("designs")
    (folder / "kept.toml").write_text("[project]\nrounds = 1\n", encoding="utf-8")
    (folder / "none.toml").write_text("[project]\nrounds = 0\n", encoding="utf-8")
    return folder


def test_a_comparison_says_there_is_no_value_to_compare(designs, tmp_path, monkeypatch):
    comparison = compare(
        [designs / "kept.toml", designs / "none.toml"],
        replicates=2,
        steps=3,
        names=["kept", "none"],
        outcomes=["project_challenges", "challenges"],
    )
    drawn = _keep_figures(monkeypatch)
    comparison.write(tmp_path / "cmp")
    table = pd.read_csv(tmp_path / "cmp" / "comparison.csv").set_index(["outcome", "design"])
    row = table.loc[("project_challenges", "none")]
    assert np.isnan(row["mean"]) and np.isnan(row["difference"]) and not row["resolved"]
    assert np.isfinite(table.loc[("project_challenges", "kept"), "mean"])
    assert np.isfinite(table.loc[("challenges", "none"), "mean"])
    assert row["replicates"] == 0  # no run of "none" has a value to count
    assert table.loc[("project_challenges", "kept"), "replicates"] == 2
    text = (tmp_path / "cmp" / "comparison.md").read_text(encoding="utf-8")
    line = next(t for t in text.splitlines() if t.startswith("| project_challenges | none"))
    assert "no value to compare" in line and "project meeting" in line
    forest = drawn["forest.png"]
    rows = [ax.get_title(loc="left") for ax in forest.axes[::2]]
    assert len(rows) == 2 and "Challenges" in rows[1]  # the NaN row is kept, not dropped
    assert "n = 2 replicates per design" in forest._suptitle.get_text()
    notes = [t.get_text() for t in forest.axes[0].texts]
    assert notes == ["no value (NaN: no event or project meeting held, or the role absent)"]
    assert len(forest.axes[2].texts) == 0  # challenges has a value for "none"


def _keep_figures(monkeypatch) -> dict[str, object]:
    """The figures the plotting modules save, by file name (each still saved and closed)."""
    drawn, save = {}, plots.save

    def keep(fig, path):
        drawn[Path(path).name] = fig
        return save(fig, path)

    monkeypatch.setattr(plots, "save", keep)
    monkeypatch.setattr(sweep_plots, "save", keep)
    return drawn


def test_a_comparison_with_no_value_at_all_is_written_whole(designs, tmp_path):
    out = tmp_path / "cmp"
    argv = ["compare", str(designs / "kept.toml"), str(designs / "none.toml")]
    argv += ["--replicates", "2", "--steps", "2", "--outcomes", "project_challenges"]
    assert main([*argv, "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} >= {"comparison.csv", "forest.png", "forest.svg"}


def test_a_failing_figure_leaves_no_half_written_comparison(designs, tmp_path, monkeypatch):
    comparison = compare(
        [designs / "kept.toml", designs / "none.toml"], replicates=2, steps=2, names=["a", "b"]
    )

    def broken(*args, **kwargs):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(plots, "trajectory_plot", broken)
    with pytest.raises(RuntimeError, match="figure failed"):
        comparison.write(tmp_path / "cmp")
    assert list(tmp_path.iterdir()) == []  # neither the folder nor a hidden one beside it


def test_sensitivity_refuses_indices_of_values_that_are_not_numbers():
    values = pd.Series([np.nan, np.nan, 1.0, 2.0])
    reason = undefined(values, pd.Series([0, 0, 1, 1]))
    assert reason is not None and "NaN" in reason


def test_a_run_figure_says_no_project_meeting_was_held(monkeypatch, tmp_path):
    """A tester's finding: the project panels of ``outcomes.png`` were empty, on a made-up
    -0.04..0.04 axis, with no word; now they say why, and keep the month ticks."""
    from exsim.analysis import plots

    series = exsim.run(exsim.default_config().replace(**{"project.rounds": 0}), 2, 4).timeseries
    drawn = []
    monkeypatch.setattr(plots, "save", lambda fig, path: drawn.append(fig) or path)
    plots.plot_outcomes(series, tmp_path / "o.png")
    from exsim.model.registry import OUTCOMES

    kinds = [OUTCOMES[name].kind for name in plots.RUN_FIGURE]
    panels = list(zip(drawn[0].axes, kinds, strict=False))
    assert "project" in kinds
    for ax, kind in panels:
        if kind == "project":
            assert [t.get_text() for t in ax.texts] == [
                "no project meeting held (project.rounds = 0)"
            ]
            assert list(ax.get_yticks()) == [] and len(ax.get_xticks()) > 1
        else:
            assert not ax.texts


def test_before_the_first_event_the_last_event_has_no_value():
    """A session not held has no value (NaN), never 0, wherever the model keeps it."""
    model = ExchangeModel(rng=1, population_size=20, event_every=0)  # no event is ever held
    assert all(math.isnan(v) for v in model.last_event.values())
    model.step()
    assert model.events_held == 0
    assert all(math.isnan(v) for v in model.last_event.values())
