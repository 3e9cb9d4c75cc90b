"""`exsim plot` on any outcome: per-role outcomes, mean and final values of state outcomes,
named as in a sensitivity file, with one-line errors for unknown names."""

import numpy as np
import pandas as pd
import pytest

import exsim
from exsim.analysis.outcomes import outcome_label, split_role, with_outcomes
from exsim.cli import main

CHOSEN = "challenges_patient,mean_norm_endorsement,final_norm_endorsement"


@pytest.fixture(scope="module")
def sweep_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("plots") / "sweep"
    grid = {"event.suspension": [0.0, 1.0], "population.size": [20]}
    exsim.sweep({"seed": 3, "replicates": 2, "steps": 6, "grid": grid}, out, progress=False)
    return out


def last_run_evaluated(folder, names):
    """The sweep's runs table with `names`, its last row, and that run evaluated in full
    (`exsim.evaluate`, the same parameters and seed, 6 months)."""
    results = exsim.load_results(folder)
    runs = with_outcomes(results.runs, results, names)
    row = runs.iloc[-1]
    expected = exsim.evaluate(
        {"event.suspension": row["event.suspension"], "population.size": 20},
        int(row["seed"]),
        steps=6,
        outcomes=names,
    )
    return runs, row, expected


def test_any_outcome_is_summarised_as_evaluate_does(sweep_dir):
    names = ["challenges_patient", "final_norm_endorsement", "final_events_held"]
    runs, row, expected = last_run_evaluated(sweep_dir, names)
    assert row["mean_challenges_patient"] == pytest.approx(expected["challenges_patient"])
    assert row["final_norm_endorsement"] == pytest.approx(expected["final_norm_endorsement"])
    assert (runs["final_events_held"] == runs["events_held"]).all()


def test_plot_command_draws_chosen_outcomes(sweep_dir, tmp_path, capsys):
    assert main(["plot", str(sweep_dir), "--outcomes", CHOSEN, "--out", str(tmp_path)]) == 0
    names = {p.name for p in tmp_path.iterdir()}
    for column in ("mean_challenges_patient", "mean_norm_endorsement", "final_norm_endorsement"):
        assert f"{column}_by_event.suspension.png" in names
    assert "timeseries_challenges_patient_by_event.suspension.svg" in names
    assert "timeseries_norm_endorsement_by_event.suspension.png" in names
    assert "wrote 10 figures" in capsys.readouterr().out


def test_plot_keeps_the_repeatable_spelling(sweep_dir, tmp_path):
    args = ["plot", str(sweep_dir), "--out", str(tmp_path), "--outcome", "belief_error_carer"]
    assert main([*args, "--outcome", "final_challenges"]) == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert {"mean_belief_error_carer_by_event.suspension.png"} <= names
    assert {"final_challenges_by_event.suspension.png"} <= names


@pytest.mark.parametrize(
    "names, expected",
    [
        ("challenges,norm_endorsment", "norm_endorsment: unknown outcome (did you mean"),
        ("final_mean_challenges", "final_mean_challenges: unknown outcome"),
        (",", "--outcomes: name at least one outcome"),
    ],
)
def test_plot_unknown_outcome_is_one_line(sweep_dir, tmp_path, capsys, names, expected):
    out = tmp_path / "figures"
    assert main(["plot", str(sweep_dir), "--outcomes", names, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "--outcomes list shows the valid names" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_plot_lists_the_outcomes(capsys):
    assert main(["plot", "no-such-dir", "--outcomes", "list"]) == 0
    out = capsys.readouterr().out
    assert "speaking_ratio_manager" in out and "project_challenges" in out


def test_labels_say_how_an_outcome_is_summarised():
    assert outcome_label("final_norm_endorsement") == "norm endorsement, at the end"
    assert outcome_label("norm_endorsement") == "norm endorsement, mean over the run"
    assert outcome_label("mean_challenges_patient") == (
        "challenges patient, mean over the months with an event"
    )
    assert split_role("final_belief_error_carer") == ("final_belief_error", "carer")
    assert split_role("challenges_low_status") == ("challenges_low_status", "all")


def test_one_recorded_month_draws_a_point_with_its_interval_per_group(monkeypatch, tmp_path):
    """`record = "final"` keeps one month a run: a line through one month draws nothing
    (a reviewer's finding: an empty figure), so each group is a point with its interval."""
    from exsim.analysis import sweep_plots

    out = tmp_path / "sweep"
    grid = {"event.suspension": [0.0, 1.0], "population.size": [20]}
    spec = {"seed": 3, "replicates": 3, "steps": 4, "record": "final", "grid": grid}
    results = exsim.sweep(spec, out, progress=False).results()
    drawn = []
    monkeypatch.setattr(sweep_plots, "save", lambda fig, path: drawn.append(fig) or path)
    series = results.table("timeseries")
    sweep_plots.timeseries_by_group(
        series, results.runs, "norm_endorsement", "event.suspension", tmp_path / "t.png"
    )
    ax = drawn[0].axes[0]
    assert len(ax.containers) == 2  # one error bar per value of event.suspension
    for bar in ax.containers:
        assert np.isfinite(bar.lines[0].get_ydata()).all() and bar.lines[0].get_marker() == "o"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1"]


def test_a_band_over_fewer_runs_at_some_months_says_so(monkeypatch, tmp_path):
    """The band at a month averages the runs with a value there; when some runs have
    none (an event not held in every run), the legend says how few it can be."""
    from exsim.analysis import sweep_plots

    runs = pd.DataFrame({"run_id": [0, 1, 2, 3], "event.suspension": [0.0, 0.0, 1.0, 1.0]})
    rows = [(r, m, float(r + m)) for r in range(4) for m in range(1, 6)]
    series = pd.DataFrame(rows, columns=["run_id", "step", "challenges"])
    drawn = []
    monkeypatch.setattr(sweep_plots, "save", lambda fig, path: drawn.append(fig) or path)

    def legend_title(series):
        sweep_plots.timeseries_by_group(
            series, runs, "challenges", "event.suspension", tmp_path / "t.png"
        )
        return drawn[-1].axes[0].get_legend().get_title().get_text()

    assert "fewer at some months" not in legend_title(series)
    series.loc[(series["run_id"] == 1) & (series["step"] == 3), "challenges"] = np.nan
    assert "fewer at some months (as few as 1)" in legend_title(series)


@pytest.fixture(scope="module")
def final_only(tmp_path_factory):
    """A sweep that kept only the final month of each run (``record = "final"``)."""
    out = tmp_path_factory.mktemp("plots_final") / "sweep"
    grid = {"event.suspension": [0.0, 1.0], "population.size": [20]}
    spec = {"seed": 3, "replicates": 2, "steps": 6, "record": "final", "grid": grid}
    exsim.sweep(spec, out, progress=False)
    return out


@pytest.mark.parametrize("name", ["challenges_patient", "final_challenges_patient"])
def test_plot_refuses_a_summary_the_recorded_months_cannot_give(final_only, tmp_path, capsys, name):
    """A tester's finding: with ``record = "final"`` the mean over the months with an event
    of an outcome the runs table lacks was averaged over the one recorded month (6.5
    drawn, 7.875 true). Refused in one line naming the outcome and the record setting."""
    out = tmp_path / "figures"
    assert main(["plot", str(final_only), "--outcomes", name, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert f"_{name.removeprefix('final_')}" in err and "record = 'final'" in err
    assert not out.exists()


def test_plot_with_some_months_recorded_uses_the_runs_table_and_final_states(final_only, tmp_path):
    """What the runs table holds (mean over the run of a headline outcome) and the final
    value of a state outcome (the last month, always recorded) are drawn, and agree with
    a run evaluated in full."""
    names = ["challenges", "final_belief_error_carer"]
    _, row, expected = last_run_evaluated(final_only, names)
    assert row["mean_challenges"] == pytest.approx(expected["challenges"])
    assert row["final_belief_error_carer"] == pytest.approx(expected["final_belief_error_carer"])
    out = tmp_path / "figures"
    assert main(["plot", str(final_only), "--outcomes", ",".join(names), "--out", str(out)]) == 0
