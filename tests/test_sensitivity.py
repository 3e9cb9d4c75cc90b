"""Sensitivity analysis: SALib wiring checked on functions with known indices, the noise
floor and the flags, undefined indices, failed runs, and the command end to end."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("SALib")

from exsim.analysis.sensitivity import (  # noqa: E402
    DUMMY,
    IncompleteRuns,
    analyse,
    load_sensitivity,
    noise_share,
    sensitivity,
)
from exsim.analysis.sensitivity_report import flag, markdown  # noqa: E402
from exsim.cli import main  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "configs" / "exchange_network.toml"
TWO = '"event.suspension" = [0.0, 1.0]\n"event.facilitation" = [0.0, 1.0]\n'


def spec_file(tmp_path, method="sobol", n=256, extra="", replicates=1, parameters=TWO):
    path = tmp_path / "spec.toml"
    path.write_text(
        f'base = "{BASE}"\nmethod = "{method}"\nn = {n}\nreplicates = {replicates}\nseed = 5\n'
        f'steps = 6\noutcomes = ["challenges"]\n{extra}[parameters]\n{parameters}'
    )
    return path


def toy_runs(spec, f, noise=0.0):
    """A runs table whose outcome is a known function of the sampled parameters (plus
    independent noise of standard deviation `noise` in each replicate)."""
    points = pd.DataFrame(list(spec.sweep.points)).assign(point=np.arange(len(spec.sweep.points)))
    runs = points.loc[points.index.repeat(spec.sweep.replicates)].reset_index(drop=True)
    runs["replicate"] = runs.groupby("point").cumcount()
    rng = np.random.default_rng(0)
    y = f(runs["event.suspension"].to_numpy(), runs["event.facilitation"].to_numpy())
    return runs.assign(
        run_id=[f"p{p}-r{r}" for p, r in zip(runs["point"], runs["replicate"], strict=True)],
        seed=1,
        status="done",
        error="",
        mean_challenges=y + noise * rng.standard_normal(len(runs)),
    )


def test_sobol_recovers_the_indices_of_a_linear_function(tmp_path):
    # y = 4 x1 + x2 with x uniform on [0, 1]: S1 = 16/17 and 1/17, no interaction (ST = S1)
    spec = load_sensitivity(spec_file(tmp_path))
    indices = analyse(spec, toy_runs(spec, lambda a, b: 4 * a + b)).indices
    indices = indices.set_index("parameter")
    assert indices.loc["event.suspension", "S1"] == pytest.approx(16 / 17, abs=0.06)
    assert indices.loc["event.facilitation", "S1"] == pytest.approx(1 / 17, abs=0.03)
    assert indices.loc["event.suspension", "ST"] == pytest.approx(16 / 17, abs=0.06)
    # the dummy is never read: exactly no effect, and it is the noise floor
    assert indices.loc[DUMMY, ["S1", "ST"]].tolist() == [0.0, 0.0]
    assert indices.loc[DUMMY, "flags"] == "noise floor"
    assert indices.loc["event.suspension", "flags"] == ""


def test_sobol_sees_an_interaction(tmp_path):
    # y = x1 * x2: total indices exceed first-order ones
    spec = load_sensitivity(spec_file(tmp_path))
    indices = analyse(spec, toy_runs(spec, lambda a, b: (a - 0.5) * (b - 0.5))).indices
    real = indices[indices["parameter"] != DUMMY]
    assert (real["ST"] > real["S1"] + 0.5).all()


def test_morris_ranks_parameters_by_their_effect(tmp_path):
    spec = load_sensitivity(spec_file(tmp_path, "morris", n=20))
    indices = analyse(spec, toy_runs(spec, lambda a, b: 3 * a + 0.2 * b)).indices
    indices = indices.set_index("parameter")
    assert indices.loc["event.suspension", "mu_star"] == pytest.approx(3.0, rel=0.05)
    assert indices.loc["event.facilitation", "mu_star"] == pytest.approx(0.2, rel=0.05)
    assert indices.loc[DUMMY, "mu_star"] == 0.0


def test_noise_share_is_the_replicate_variance_over_the_point_variance(tmp_path):
    spec = load_sensitivity(spec_file(tmp_path, n=64, replicates=4))
    runs = toy_runs(spec, lambda a, b: a, noise=0.2)
    share = noise_share(runs["mean_challenges"], runs["point"])
    assert share["replicate_variance"] == pytest.approx(0.04, rel=0.15)
    means_var = runs.groupby("point")["mean_challenges"].mean().var()
    assert share["noise_share"] == pytest.approx(0.04 / 4 / means_var, rel=0.15)
    # noise the dummy does not see is still reported beside the indices
    analysis = analyse(spec, runs)
    assert analysis.indices["noise_share"].iloc[0] == share["noise_share"]
    assert "noise share" in markdown(analysis)


def test_noise_share_is_nan_not_all_noise_when_a_point_has_no_value():
    nan = np.nan
    values = pd.Series([nan, nan, 1.0, 2.0, 5.0, 6.0])
    share = noise_share(values, pd.Series([0, 0, 1, 1, 2, 2]))
    assert all(np.isnan(v) for v in share.values())  # was 1.0, "all seed noise"


def test_an_outcome_with_no_value_in_some_runs_says_its_noise_share_is_undefined(tmp_path):
    spec = load_sensitivity(spec_file(tmp_path, n=16, replicates=2))
    runs = toy_runs(spec, lambda a, b: a + b, noise=0.1)
    runs.loc[runs["point"] == 0, "mean_challenges"] = np.nan  # e.g. no project meeting held
    analysis = analyse(spec, runs)
    assert analysis.indices["noise_share"].isna().all()
    assert np.isnan(analysis.noise["noise_share"].iloc[0])
    assert "its indices and noise share are undefined (NaN)" in analysis.notes[0]
    assert "| challenges | nan |" in markdown(analysis)


def test_a_constant_outcome_gives_nan_and_a_note_not_zero(tmp_path):
    spec = load_sensitivity(spec_file(tmp_path, n=16, replicates=2))
    analysis = analyse(spec, toy_runs(spec, lambda a, b: 0.0 * a))
    assert analysis.indices[["S1", "S1_conf", "ST", "ST_conf"]].isna().all().all()
    assert set(analysis.indices["flags"]) == {"undefined", "noise floor"}
    assert analysis.notes == [
        "challenges: constant over the sample (0 at every point): its indices and noise share "
        "are undefined (NaN)"
    ]
    text = markdown(analysis)
    assert "nan ± nan" in text and "0.000 ± 0.000" not in text


def test_failed_runs_stop_the_analysis_unless_asked(tmp_path):
    spec = load_sensitivity(spec_file(tmp_path, n=16, replicates=2))
    runs = toy_runs(spec, lambda a, b: a + b)
    runs.loc[[3, 10], ["status", "error"]] = ["failed", "ValueError: no convergence"]
    with pytest.raises(IncompleteRuns, match="2 of 160 runs failed") as caught:
        analyse(spec, runs)
    assert caught.value.failures == [
        ("p1-r1", 1, "ValueError: no convergence"),
        ("p5-r0", 1, "ValueError: no convergence"),
    ]
    allowed = analyse(spec, runs, allow_failed=True)
    assert "2 failed runs were left out" in allowed.notes[0]
    assert "p5-r0 (seed 1): ValueError: no convergence" in markdown(allowed)
    # a point with no finished run cannot be analysed, even when asked
    runs.loc[[2, 3], ["status", "error"]] = ["failed", "ValueError: no convergence"]
    with pytest.raises(IncompleteRuns, match="1 of 80 points have no finished run"):
        analyse(spec, runs, allow_failed=True)


def test_missing_points_are_reported(tmp_path):
    spec = load_sensitivity(spec_file(tmp_path, n=16))
    runs = toy_runs(spec, lambda a, b: a).iloc[:-3]
    with pytest.raises(IncompleteRuns, match="points have no finished run; run it again"):
        analyse(spec, runs)


def test_flags_name_what_cannot_be_trusted():
    rows = [
        ("fine", 0.60, 0.10, 0.70, 0.10),
        ("negative", -0.20, 0.10, 0.30, 0.05),
        ("above one", 1.30, 0.10, 1.50, 0.20),
        ("wide", 0.10, 0.30, 0.40, 0.05),
        ("at the floor", 0.10, 0.02, 0.12, 0.01),
        (DUMMY, 0.05, 0.06, 0.10, 0.05),
    ]
    indices = pd.DataFrame(rows, columns=["parameter", "S1", "S1_conf", "ST", "ST_conf"])
    indices = indices.assign(outcome="y", method="sobol")
    flags = dict(zip(indices["parameter"], flag(indices), strict=True))
    assert flags == {
        "fine": "",
        "negative": "S1<0; S1 outside [0,1]; S1 noise",
        "above one": "S1 outside [0,1]; ST outside [0,1]",
        "wide": "S1 wide; S1 noise",
        "at the floor": "S1 noise; ST noise",
        DUMMY: "noise floor",
    }


def floor_spec(tmp_path, common_seeds):
    # event.until over 500-1000 in an 18-month run: every event happens before it, so it
    # provably has no effect; event.every (months between events) has a large one
    base = tmp_path / "small.toml"
    base.write_text(f'base = "{BASE}"\n[population]\nsize = 16\n')
    path = tmp_path / "floor.toml"
    path.write_text(
        f'base = "small.toml"\nmethod = "sobol"\nn = 16\nreplicates = 2\nseed = 3\n'
        f"steps = 18\ncommon_seeds = {str(common_seeds).lower()}\n"
        'outcomes = ["cross_role_ties", "dialogic_capacity"]\n'
        '[parameters]\n"event.until" = [500, 1000]\n"event.every" = [1, 6]\n'
    )
    return path


@pytest.mark.parametrize("common_seeds", [True, False])
def test_a_no_effect_parameter_sits_within_the_noise_floor(tmp_path, common_seeds):
    analysis = sensitivity(floor_spec(tmp_path, common_seeds), tmp_path / "o", progress=False)
    indices = analysis.indices.set_index(["outcome", "parameter"])
    for outcome in ("cross_role_ties", "dialogic_capacity"):
        dummy = indices.loc[(outcome, DUMMY)]
        none, known = indices.loc[(outcome, "event.until")], indices.loc[(outcome, "event.every")]
        for index in ("S1", "ST"):
            floor = dummy[index] + dummy[f"{index}_conf"]
            assert none[index] <= floor
            assert f"{index} noise" in none["flags"]
        # the known effect's whole interval for ST lies above the floor
        assert known["ST"] - known["ST_conf"] > dummy["ST"] + dummy["ST_conf"]
        assert "ST" not in known["flags"]
    if common_seeds:  # on common seeds a parameter the model never uses changes nothing
        assert (indices.xs("event.until", level="parameter")[["S1", "ST"]] == 0).all().all()
    written = pd.read_csv(tmp_path / "o" / "indices.csv")
    assert len(written) == 6 and "noise floor" in set(written["flags"])


def run_cli(args):
    return subprocess.run(
        [sys.executable, "-m", "exsim", *args], capture_output=True, text=True, cwd=ROOT
    )


def test_sensitivity_command_end_to_end_with_any_outcome(tmp_path):
    outcomes = 'outcomes = ["challenges_patient", "final_norm_endorsement", "belief_error"]\n'
    spec = spec_file(tmp_path, "morris", n=10, replicates=2)
    spec.write_text(spec.read_text().replace('outcomes = ["challenges"]\n', outcomes))
    done = run_cli(["sensitivity", str(spec), "--out", str(tmp_path / "o"), "--quiet"])
    assert done.returncode == 0, done.stderr
    indices = pd.read_csv(tmp_path / "o" / "indices.csv")
    assert set(indices["parameter"]) == {"event.suspension", "event.facilitation", DUMMY}
    assert set(indices["outcome"]) == {
        "challenges_patient",
        "final_norm_endorsement",
        "belief_error",
    }
    assert {"mu_star", "mu_star_conf", "noise_share", "flags"} <= set(indices.columns)
    assert (tmp_path / "o" / "indices.png").stat().st_size > 0
    assert (tmp_path / "o" / "runs" / "manifest.json").exists()
    assert "parameter rows flagged" in done.stdout and "| dummy |" in done.stdout


def test_failed_runs_exit_1_with_their_errors_and_no_indices(tmp_path, capsys, monkeypatch):
    import exsim.runs.single as single

    real = single.simulate

    def flaky(config):
        if config["event.suspension"] > 0.5:
            raise ValueError("no convergence")
        return real(config)

    monkeypatch.setattr(single, "simulate", flaky)
    spec, out = spec_file(tmp_path, "morris", n=10), tmp_path / "o"
    assert main(["sensitivity", str(spec), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "runs failed; no indices computed (--allow-failed" in err
    assert "failed: ValueError: no convergence" in err
    assert not (out / "indices.csv").exists() and not (out / "indices.md").exists()


@pytest.mark.parametrize(
    "change, expected",
    [
        (('method = "morris"', 'method = "fast"'), "method: 'fast' is not known"),
        (('"event.facilitation" = [0.0, 1.0]\n', ""), "at least two parameters"),
        (('[0.0, 1.0]\n"event.facilitation"', '[1.0, 0.0]\n"event.facilitation"'), "low < high"),
        (('outcomes = ["challenges"]', 'outcomes = ["challenge"]'), "did you mean challenges"),
        (('outcomes = ["challenges"]', 'outcomes = ["final_chalenges"]'), "unknown outcome"),
        (('"event.suspension"', '"event.suspensoin"'), "unknown parameter"),
        (("n = 10", "n = 1"), "n: 1 is too small for morris; use 10 or more"),
        (('outcomes = ["challenges"]', "outcomes = [5]"), "5: name an outcome in text"),
        (("n = 10", 'n = 1\nmethod = "sobol"'), "n: 1 is too small for sobol; use 16 or more"),
        (("steps = 6", "steps = 6\ncommon_seeds = 1"), "common_seeds: 1; use true or false"),
    ],
)
def test_bad_specs_are_one_line_errors(tmp_path, capsys, change, expected):
    path = spec_file(tmp_path, "morris", n=10)
    text = path.read_text()
    if change[1].endswith('method = "sobol"'):
        text = text.replace('method = "morris"\n', "")
    path.write_text(text.replace(*change))
    assert main(["sensitivity", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert expected in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_bar_chart_cuts_mu_star_at_zero_and_says_when_an_outcome_has_no_indices(
    tmp_path, monkeypatch
):
    from exsim.analysis import sensitivity_report

    rows = []
    for outcome, scale in (("challenges", 1.0), ("project_challenges", float("nan"))):
        for parameter, mu in (("event.suspension", 0.5), (DUMMY, 0.1)):
            rows.append(
                {"outcome": outcome, "parameter": parameter, "method": "morris"}
                | {"mu_star": mu * scale, "mu_star_conf": 0.8 * scale, "sigma": mu * scale}
            )
    drawn = []
    monkeypatch.setattr(sensitivity_report.plt, "close", drawn.append)
    sensitivity_report.bar_chart(pd.DataFrame(rows), tmp_path / "indices.png")
    first, empty = drawn[0].axes[:2]
    lows = [seg[0][0] for line in first.collections for seg in line.get_segments()]
    assert min(lows) == 0.0  # mu* 0.1 with a half-width of 0.8 is cut at 0, not at -0.7
    assert any("undefined" in t.get_text() for t in empty.texts)
    assert not [t for t in empty.texts if "NaN" in t.get_text()] and not empty.get_xticks().size
    assert first.get_legend() is not None
