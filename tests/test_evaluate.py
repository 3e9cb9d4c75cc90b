"""exsim.evaluate: one run's summary outcomes, the numbers of a sweep's runs table, and
what EMA Workbench drives."""

import warnings

import numpy as np
import pytest

import exsim
from exsim.runs.evaluate import outcome_kinds, parse_outcome, summarize_outcome
from exsim.runs.store import SUMMARY_OUTCOMES

SMALL = {"population.size": 16}


def test_evaluate_gives_the_row_of_a_sweeps_runs_table(tmp_path):
    spec = {
        "seed": 4,
        "replicates": 2,
        "steps": 8,
        "grid": {"event.suspension": [0.0, 1.0], "population.size": [16]},
    }
    report = exsim.sweep(spec, tmp_path / "s", progress=False)
    runs = report.results().runs
    assert report.complete and len(runs) == 4
    for row in runs.itertuples():
        parameters = {"event.suspension": row[runs.columns.get_loc("event.suspension") + 1]}
        out = exsim.evaluate({**parameters, **SMALL}, seed=row.seed, steps=8)
        assert set(out) == {"events_held"} | {
            f"{k}_{name}" for name in SUMMARY_OUTCOMES for k in ("final", "mean")
        }
        for name, value in out.items():
            assert getattr(row, name) == value, name  # exactly the same numbers


def test_any_outcome_by_name_mean_or_final_and_per_role():
    out = exsim.evaluate(
        {"event_suspension": 0.0, **SMALL},  # keyword names work as well as dotted ones
        seed="3",
        steps=9,
        outcomes=["challenges", "final_norm_endorsement", "challenges_patient"],
    )
    assert list(out) == ["challenges", "final_norm_endorsement", "challenges_patient"]
    full = exsim.evaluate({"event.suspension": 0.0, **SMALL}, seed=3, steps=9)
    assert out["challenges"] == full["mean_challenges"]
    assert out["final_norm_endorsement"] == full["final_norm_endorsement"]
    model = exsim.ExchangeModel(rng=3, event_suspension=0.0, population_size=16, run_steps=9)
    for _ in range(9):
        model.step()
    ts = model.datacollector.get_model_vars_dataframe()
    held = ts[ts["event_held"] == 1]
    assert out["challenges_patient"] == pytest.approx(held["challenges_patient"].mean())


def test_the_generic_summary_is_the_runs_tables_for_its_outcomes():
    model = exsim.ExchangeModel(rng=5, population_size=16)
    for _ in range(7):
        model.step()
    from exsim.runs.store import summarize

    columns = model.datacollector.model_vars
    table = summarize(columns)
    for name in SUMMARY_OUTCOMES:
        for kind in ("mean", "final"):
            assert summarize_outcome(columns, f"{kind}_{name}") == table[f"{kind}_{name}"]
    assert set(outcome_kinds()) <= set(columns)  # every named outcome is recorded


def test_unknown_outcomes_and_parameters_are_refused():
    with pytest.raises(ValueError, match="did you mean mean_challenges"):
        parse_outcome("mean_challengs")
    with pytest.raises(ValueError, match="unknown outcome"):
        exsim.evaluate(SMALL, seed=1, steps=2, outcomes=["happiness"])
    with pytest.raises(TypeError, match="did you mean event_suspension"):
        exsim.evaluate({"event_suspensoin": 0.0}, seed=1, steps=2)
    with pytest.raises(ValueError, match="seed 'one'"):
        exsim.evaluate(SMALL, seed="one", steps=2)


def exchange(seed, **parameters):
    """The function EMA Workbench calls: uncertainties, levers and constants by keyword
    name, the seed from the replication."""
    return exsim.evaluate(parameters, seed, steps=12, outcomes=["challenges", "belief_error"])


def test_ema_workbench_drives_evaluate_over_10_scenarios():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ipyparallel is not installed: a warning on import
        ema = pytest.importorskip("ema_workbench")
    model = ema.ReplicatorModel("exchange", function=exchange)
    model.uncertainties = [ema.RealParameter("attendance_rate", 0.1, 0.8)]
    model.levers = [ema.RealParameter("event_suspension", 0.0, 1.0)]
    model.constants = [ema.Constant("population_size", 16)]
    model.replications = [{"seed": 1}, {"seed": 2}]
    model.outcomes = [ema.ArrayOutcome("challenges"), ema.ArrayOutcome("belief_error")]
    experiments, outcomes = ema.perform_experiments(model, scenarios=10, policies=1)
    assert len(experiments) == 10
    assert outcomes["challenges"].shape == outcomes["belief_error"].shape == (10, 2)
    assert np.isfinite(outcomes["belief_error"]).all()
    assert experiments["attendance_rate"].nunique() == 10
    # the replications are the two seeds; each value is exsim.evaluate's
    first = experiments.iloc[0]
    for r, seed in enumerate((1, 2)):
        out = exchange(
            seed,
            attendance_rate=first["attendance_rate"],
            event_suspension=first["event_suspension"],
            population_size=16,
        )
        assert outcomes["belief_error"][0, r] == out["belief_error"]
    assert not np.array_equal(outcomes["belief_error"][:, 0], outcomes["belief_error"][:, 1])


def test_salib_drives_evaluate_directly_as_in_the_docs():
    salib = pytest.importorskip("SALib")
    names = ["event_suspension", "event_facilitation", "dummy"]
    problem = salib.ProblemSpec({"names": names, "bounds": [[0.0, 1.0]] * 3})

    def challenges(X):
        return np.array(
            [
                exsim.evaluate(
                    {names[0]: x[0], names[1]: x[1], **SMALL},
                    seed=7,
                    steps=6,
                    outcomes=["challenges"],
                )["challenges"]
                for x in X
            ]
        )

    problem.sample_sobol(16, calc_second_order=False).evaluate(challenges)
    indices = problem.analyze_sobol(calc_second_order=False).to_df()[0]
    assert len(problem.results) == 16 * 5
    # on one seed the dummy changes nothing: its total index is exactly 0
    assert indices.loc["dummy", "ST"] == 0.0
    assert indices.loc["event_facilitation", "ST"] > 0.0
