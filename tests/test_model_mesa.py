"""ExchangeModel as a Mesa model: keyword parameters, errors, DataCollector, batch_run."""

import inspect
import multiprocessing
import pickle

import mesa
import numpy as np
import pandas as pd
import pytest

from exsim.model import PARAMETERS, ExchangeModel, Participant, defaults
from exsim.model.registry import OUTCOMES
from exsim.model.vocabulary import ROLES


def test_default_model_is_the_exchange_network():
    model = ExchangeModel()
    # the default network on a fresh seed (as a Mesa model without rng), which it records
    assert model.params == defaults() | {"run.seed": model.seed.entropy}
    assert model.population.size == 54 == len(model.agents)
    assert all(isinstance(a, Participant) for a in model.agents)
    assert ExchangeModel(run_seed=PARAMETERS["run.seed"].default).seed.entropy == 2013
    assert model.legitimacy.tolist() == [0.3, 0.8, 1.0, 0.6]


def test_keyword_and_dotted_parameters_set_the_model():
    model = ExchangeModel(event_suspension=0.25, population_size=12, event_format="plenary")
    assert model.params["event.suspension"] == 0.25
    assert model.params["event.format"] == "plenary"
    assert model.population.size == 12
    dotted = ExchangeModel(**{"event.suspension": 0.25, "population.size": 12})
    assert dotted.params["event.suspension"] == 0.25 and dotted.population.size == 12
    # integers are accepted for numbers, and whole numbers for integers
    coerced = ExchangeModel(event_suspension=1, population_size=12.0)
    assert coerced.params["event.suspension"] == 1.0
    assert coerced.params["population.size"] == 12 and isinstance(
        coerced.params["population.size"], int
    )


def test_unknown_keyword_is_a_type_error_that_suggests_the_name():
    with pytest.raises(TypeError, match="did you mean event_suspension"):
        ExchangeModel(event_supension=0.0)
    with pytest.raises(TypeError, match="unknown parameter 'colour'"):
        ExchangeModel(colour="red")


@pytest.mark.parametrize(
    "keyword, value, name",
    [
        ("event_suspension", 1.5, "event.suspension"),
        ("population_size", 1, "population.size"),
        ("event_format", "lecture", "event.format"),
        ("attendance_voluntary", "yes", "attendance.voluntary"),
        ("population_size", 10.5, "population.size"),
        ("uptake_rate", float("nan"), "uptake.rate"),
        ("challenge_threshold", -3.0, "challenge.threshold"),
    ],
)
def test_bad_value_is_a_value_error_naming_the_parameter(keyword, value, name):
    with pytest.raises(ValueError, match=name.replace(".", r"\.")):
        ExchangeModel(**{keyword: value})


def test_inconsistent_parameters_are_refused():
    with pytest.raises(ValueError, match="superiors_present"):
        ExchangeModel(event_grouping="by_project")
    ExchangeModel(event_grouping="by_project", event_superiors_present=True)
    with pytest.raises(ValueError, match="population.mix"):
        ExchangeModel(**{f"population_mix_{r}": 0.0 for r in ROLES})


def test_datacollector_records_step_zero_and_every_month():
    model = ExchangeModel(rng=1, population_size=20)
    for _ in range(5):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 6 and model.steps == 5
    assert frame.loc[0, "events_held"] == 0 and np.isnan(frame.loc[0, "challenges"])
    assert frame["event_held"].tolist() == [0, 1, 0, 0, 1, 0]
    assert set(model.outcomes) == set(frame.columns)
    assert frame.iloc[-1].to_dict() == pytest.approx(model.outcomes)
    events = model.datacollector.get_table_dataframe("events")
    assert set(events["step"]) == {1, 4} and set(events["event"]) == {1, 2}
    # reporters are named functions, so they pickle (for parallel runs)
    pickle.dumps(model.datacollector.model_reporters)


def test_model_state_changes_over_a_year():
    model = ExchangeModel(rng=2)
    start = model.outcomes.copy()
    for _ in range(12):
        model.step()
    assert model.outcomes["events_held"] == 4
    assert model.outcomes["dialogic_capacity"] != start["dialogic_capacity"]
    assert model.outcomes["cross_role_ties"] > start["cross_role_ties"] == 0.0
    assert model.outcomes["belief_error"] < start["belief_error"]


@pytest.fixture
def restore_start_method():
    # Mesa >= 3.4's batch_run forces the "spawn" start method for the whole process
    method = multiprocessing.get_start_method(allow_none=True)
    yield
    multiprocessing.set_start_method(method, force=True)


def test_mesa_batch_run_over_a_small_grid(restore_start_method):
    grid = {"population_size": 16, "event_suspension": [0.0, 1.0], "run_seed": [3, 4]}
    # Mesa >= 3.4 seeds runs through rng (iterations is deprecated there); before, iterations
    new_api = "rng" in inspect.signature(mesa.batch_run).parameters
    seeding = {"rng": [None]} if new_api else {"iterations": 1}
    results = mesa.batch_run(
        ExchangeModel,
        parameters=grid,
        number_processes=1,
        max_steps=4,
        display_progress=False,
        **seeding,
    )
    frame = pd.DataFrame(results)
    assert len(frame) == 4
    assert sorted(zip(frame["event_suspension"], frame["run_seed"], strict=True)) == [
        (0.0, 3),
        (0.0, 4),
        (1.0, 3),
        (1.0, 4),
    ]
    assert frame["Step"].min() >= 3
    for _, row in frame.iterrows():
        # each row is what stepping the same model by hand gives at that step
        model = ExchangeModel(
            population_size=16, event_suspension=row["event_suspension"], run_seed=row["run_seed"]
        )
        for _ in range(int(row["Step"])):
            model.step()
        for name, value in model.outcomes.items():
            assert row[name] == pytest.approx(value, nan_ok=True), name  # NaN: role absent
    defined = [n for n in model.outcomes if n not in OUTCOMES or not OUTCOMES[n].undefined_when]
    assert np.all(np.isfinite(frame[defined].to_numpy(dtype=float)))  # the rest: NaN if absent
