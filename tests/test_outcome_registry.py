"""The outcome registry is the one list of outcomes: the model records exactly it."""

from __future__ import annotations

from exsim.analysis.labels import axis_label
from exsim.model import ExchangeModel
from exsim.model.registry import KINDS, OUTCOMES, label, names, unit


def test_the_model_records_the_registry_in_its_order():
    model = ExchangeModel(rng=3, run_steps=2)
    model.step()
    assert set(model.outcomes) == set(OUTCOMES)
    assert list(model.datacollector.model_vars) == list(OUTCOMES)


def test_every_outcome_has_a_label_a_unit_and_a_known_kind():
    for name, outcome in OUTCOMES.items():
        assert outcome.name == name
        assert outcome.label and outcome.unit and outcome.meaning, name
        assert outcome.kind in KINDS, name
    assert set(names("event")) | set(names("project")) | set(names("state")) == set(OUTCOMES)


def test_per_role_and_summary_names_have_labels_and_units():
    assert label("challenges_patient") == "Challenges voiced: patients"
    assert unit("final_challenges_patient") == unit("challenges") == "challenges"
    assert label("mean_challenges") == "Challenges voiced, mean over the months with an event"
    assert axis_label("final_norm_endorsement") == "Norm endorsement, final (0 to 1)"


def test_an_outcome_the_registry_does_not_hold_is_its_name_in_words():
    assert axis_label("mean_voice") == "Voice, mean over the run"
    assert unit("voice") == ""
