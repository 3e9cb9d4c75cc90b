"""The project meeting kept from month to month (exsim/model/meeting.py) gives the same
run however the model is copied or its arrays replaced (a reviewer's findings)."""

import copy
import pickle

import numpy as np

from exsim.model import ExchangeModel


def stepped(model: ExchangeModel, months: int) -> ExchangeModel:
    for _ in range(months):
        model.step()
    return model


def series(model: ExchangeModel):
    return model.datacollector.get_model_vars_dataframe().to_numpy(dtype=float)


def test_a_copied_model_runs_on_as_the_original():
    original = stepped(ExchangeModel(rng=5), 3)
    for copied in (copy.deepcopy(original), pickle.loads(pickle.dumps(original))):
        np.testing.assert_array_equal(
            series(stepped(copied, 3)), series(stepped(ExchangeModel(rng=5), 6))
        )
    stepped(original, 3)
    np.testing.assert_array_equal(series(original), series(stepped(ExchangeModel(rng=5), 6)))


def test_a_replaced_population_array_is_the_one_the_meetings_use():
    """Replacing arrays by equal copies mid-run changes nothing; a meeting that kept the
    old arrays would write into them while events read the new ones."""
    model = stepped(ExchangeModel(rng=8), 4)
    pop = model.population
    for name in ("beliefs", "endorsement", "dialogic", "calibrated", "status", "action"):
        setattr(pop, name, getattr(pop, name).copy())
    np.testing.assert_array_equal(
        series(stepped(model, 6)), series(stepped(ExchangeModel(rng=8), 10))
    )


def test_last_project_tally_is_the_month_s_and_kept_copies_stay():
    model = ExchangeModel(rng=2)
    assert model.last_project_tally is None
    kept = [stepped(model, 1).last_project_tally for _ in range(3)]
    assert not np.array_equal(kept[0].heard, kept[2].heard)
    assert kept[2].heard.sum() == model.last_project_tally.heard.sum() > 0
    assert model.last_project_tally.heard is not model.last_project_tally.heard
