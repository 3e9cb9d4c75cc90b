"""exsim.run and RunResult: the Python API of one run."""

from pathlib import Path

import numpy as np
import pytest

import exsim
from exsim.model.parameters import PARAMETERS
from exsim.model.registry import HEADLINE as MAIN_OUTCOMES

ROOT = Path(__file__).resolve().parents[1]


def test_run_returns_the_three_tables():
    result = exsim.run(seed=2, steps=9)
    assert len(result.timeseries) == 10
    assert set(MAIN_OUTCOMES) <= set(result.timeseries.columns)
    assert len(result.agents) == 54
    assert set(result.agents["role"]) == {"patient", "carer", "clinician", "researcher", "manager"}
    assert result.events["step"].isin([1, 4, 7]).all()
    assert result.config["run.seed"] == 2 and result.config["run.steps"] == 9


def test_run_is_deterministic_for_its_seed_and_differs_across_seeds():
    a, b, c = exsim.run(seed=8, steps=12), exsim.run(seed=8, steps=12), exsim.run(seed=9, steps=12)
    assert a.timeseries.equals(b.timeseries)
    assert a.events.equals(b.events)
    assert a.agents.equals(b.agents)
    assert not a.timeseries.equals(c.timeseries)


def test_run_matches_stepping_the_model_by_hand():
    config = exsim.load_config(ROOT / "configs" / "designs" / "hierarchy_kept.toml")
    result = exsim.run(config, seed=4, steps=6)
    model = exsim.ExchangeModel(**config.replace(**{"run.seed": 4}).model_kwargs())
    for _ in range(6):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert np.allclose(frame["belief_error"], result.timeseries["belief_error"])


def test_summary_has_start_end_mean_for_headline_outcomes():
    summary = exsim.run(seed=1, steps=12).summary()
    assert list(summary.index) == list(MAIN_OUTCOMES)
    assert list(summary.columns) == ["start", "end", "mean"]
    assert np.isfinite(summary.to_numpy()).all()


def test_failed_write_keeps_earlier_files(tmp_path):
    from exsim.analysis.plots import plot_outcomes

    result = exsim.run(seed=1, steps=3)
    result.write(tmp_path, figure=plot_outcomes)
    before = (tmp_path / "outcomes.png").read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        exsim.run(seed=2, steps=3).write(tmp_path, figure=broken)
    assert (tmp_path / "outcomes.png").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_every_parameter_has_a_meaning_and_a_default_within_range():
    for p in PARAMETERS.values():
        assert p.meaning
        assert p.check(p.default) == p.default


def test_runs_in_a_loop_do_not_keep_their_models_alive():
    """Mesa 3.3 keeps every model in mesa.Agent._ids (mesa issue 3179); run() frees it."""
    import mesa

    exsim.run(seed=1, steps=1)
    ids = vars(mesa.Agent).get("_ids")
    before = len(ids) if isinstance(ids, dict) else 0
    for seed in range(5):
        exsim.run(seed=seed, steps=1)
    after = len(ids) if isinstance(ids, dict) else 0
    assert after <= before
