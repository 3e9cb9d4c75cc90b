"""Whether suspending hierarchy costs accuracy can come out either way (ODD 7.3, 7.20).

The case is built to favour hierarchy: researchers high in status, patients and carers
low, strong deference and little knowledge outside one's own type; members are sent to
events, so that who comes does not depend on how events went (ODD 7.19). Two things
decide the sign of suspension's effect on belief error:

- the credibility deficit (`credibility.status_deficit`): at 1, status takes from a
  speaker below the listener what it gives one above, and silences lower-status members
  on their own aspects, so suspension lowers belief error; at 0, status only gives, a
  kept room holds more credibility in all, members learn more from each other, and
  suspension raises belief error, with or without status carrying information;
- status as a cue to competence (`status.competence`): where status tracks the quality
  of members' evidence, deferring to it is partly justified, and suspension costs more
  accuracy at either deficit.
"""

import functools

import numpy as np
import pytest
from scipy import stats

from exsim.model import ExchangeModel

FAVOURS_HIERARCHY = {
    "status_researcher": 0.95,
    "status_manager": 0.6,
    "status_clinician": 0.5,
    "status_patient": 0.1,
    "status_carer": 0.1,
    "credibility_status_deference": 2.0,
    "knowledge_secondary": 0.1,
    "attendance_voluntary": False,
}
SEEDS, MONTHS = 10, 60
AGREE = 9
"""A consistent sign, as in experiments/where_suspension_helps.py: 9 of 10 seeds agree
(the small positive effect at deficit 0 is checked by its t interval instead)."""


@functools.cache
def suspension_effect(deficit: float, competence: float) -> np.ndarray:
    """Suspended minus kept mean belief error over months 1 to `MONTHS`, per seed."""
    values = FAVOURS_HIERARCHY | {
        "credibility_status_deficit": deficit,
        "status_competence": competence,
    }
    effect = np.empty(SEEDS)
    for seed in range(SEEDS):
        error = {}
        for suspension in (0.0, 1.0):
            model = ExchangeModel(rng=seed, event_suspension=suspension, **values)
            for _ in range(MONTHS):
                model.step()
            series = model.datacollector.get_model_vars_dataframe()["belief_error"]
            error[suspension] = series.iloc[1:].mean()
        effect[seed] = error[1.0] - error[0.0]
    return effect


@pytest.mark.parametrize("competence", [0.0, 0.6])
def test_suspension_lowers_belief_error_where_status_silences_those_below(competence):
    effect = suspension_effect(1.0, competence)
    assert np.sum(effect < 0) >= AGREE, effect


@pytest.mark.parametrize("competence", [0.0, 0.6])
def test_suspension_raises_belief_error_where_status_only_gives_credibility(competence):
    effect = suspension_effect(0.0, competence)
    low, _ = stats.ttest_1samp(effect, 0.0).confidence_interval(0.95)
    assert low > 0, effect


def test_status_that_tracks_competence_makes_suspension_cost_accuracy():
    for deficit in (0.0, 1.0):
        added = suspension_effect(deficit, 0.6) - suspension_effect(deficit, 0.0)
        assert np.sum(added > 0) >= AGREE, (deficit, added)
