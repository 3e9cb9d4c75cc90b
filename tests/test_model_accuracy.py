"""Whether suspending hierarchy costs accuracy can come out either way (ODD 7.3, 7.20).

The case is built to favour hierarchy: researchers high in status, patients and carers
low, status tracking competence at the top of its plausible range, strong deference and
little knowledge outside one's own type; members are sent to events, so that who comes
does not depend on how events went (with voluntary, responsive attendance more come to
suspended events, and more dialogue lowers belief error whatever the rules of
credibility). Whether hierarchy then helps accuracy turns on the credibility deficit
(`credibility.status_deficit`). With status lowering the credibility of those below as
much as it raises that of those above, the deficit silences what lower-status members
know of their own aspects, and suspension lowers belief error; where status only raises
credibility, deferring to the better-informed is what hierarchy adds, and suspension
raises belief error.
"""

import numpy as np

from exsim.model import ExchangeModel

FAVOURS_HIERARCHY = {
    "status_researcher": 0.95,
    "status_manager": 0.6,
    "status_clinician": 0.5,
    "status_patient": 0.1,
    "status_carer": 0.1,
    "status_competence": 0.6,
    "credibility_status_deference": 2.0,
    "knowledge_secondary": 0.1,
    "attendance_voluntary": False,
}
SEEDS, MONTHS = 10, 60
AGREE = 9
"""The verdict rule of experiments/where_suspension_helps.py: 9 of 10 seeds agree."""


def suspension_effect(**values) -> np.ndarray:
    """Suspended minus kept mean belief error over months 1 to `MONTHS`, per seed."""
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


def test_suspension_lowers_belief_error_where_status_silences_those_below():
    effect = suspension_effect(**FAVOURS_HIERARCHY, credibility_status_deficit=1.0)
    assert np.sum(effect < 0) >= AGREE, effect


def test_suspension_raises_belief_error_where_status_only_raises_credibility():
    effect = suspension_effect(**FAVOURS_HIERARCHY, credibility_status_deficit=0.0)
    assert np.sum(effect > 0) >= AGREE, effect
