"""Figures: units on every axis, bands that never go below zero for counts and skip NaN
months, d on one common axis, n on the figure, integer event ticks; and the CLI's
messages for newcomers."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exsim.analysis import plots, sweep_plots
from exsim.analysis.labels import axis_label, label, outcome_range, unit
from exsim.analysis.statistics import bootstrap_band, effect_size_interval
from exsim.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def figures(monkeypatch):
    """The figures a plotting function draws, kept open (plt.close is held back)."""
    kept, close = [], plots.plt.close
    monkeypatch.setattr(plots.plt, "close", kept.append)
    yield kept
    for fig in kept:
        close(fig)


def test_band_of_counts_never_below_zero_and_skips_nan():
    rng = np.random.default_rng(3)
    counts = rng.poisson(0.3, size=(5, 40)).astype(float)  # mostly zeros
    counts[:, 0] = np.nan  # an event outcome before the first event
    mean, low, high = bootstrap_band(counts, seed=1)
    assert np.isnan(mean[0]) and np.isnan(low[0]) and np.isnan(high[0])
    assert (low[1:] >= 0).all()
    assert (low[1:] <= mean[1:]).all() and (mean[1:] <= high[1:]).all()
    # the normal band this replaces would have gone below zero here
    sem = counts[:, 1:].std(axis=0, ddof=1) / np.sqrt(5)
    assert (counts[:, 1:].mean(axis=0) - 1.96 * sem < 0).any()


def test_sweep_interval_of_counts_never_below_zero():
    mean, low, high = sweep_plots.interval(pd.Series([0.0, 0.0, 4.0, np.nan]))
    assert low >= 0 and low <= mean <= high


def test_effect_size_interval_contains_d_and_is_nan_without_spread():
    rng = np.random.default_rng(0)
    base = rng.normal(0, 1, 12)
    ci = effect_size_interval(base + 1.0 + rng.normal(0, 0.5, 12), base, seed=2)
    assert ci.low < ci.estimate < ci.high
    flat = effect_size_interval(np.ones(5), np.zeros(5))
    assert flat.estimate == np.inf and np.isnan(flat.low) and np.isnan(flat.high)


def test_axis_label_has_unit():
    assert axis_label("challenges") == "Challenges voiced (challenges)"
    assert (
        axis_label("final_norm_endorsement_patient") == "Norm endorsement: patients, final (0 to 1)"
    )
    assert outcome_range("mean_speaking_equality") == (0.0, 1.0)


def _table() -> pd.DataFrame:
    rows = []
    for outcome, scale in (("challenges", 20.0), ("final_norm_endorsement", 0.01)):
        for k, design in enumerate(("base", "one", "two", "three", "four")):
            row = {"outcome": outcome, "role": "all", "design": design, "replicates": 7}
            row.update(mean=1.0, mean_low=0.9, mean_high=1.1)
            if k:
                d = 0.5 * k
                row.update(
                    difference=scale * d,
                    difference_low=scale * (d - 0.4),
                    difference_high=scale * (d + 0.4),
                    effect_size=d,
                    effect_size_low=d - 0.3,
                    effect_size_high=d + 0.3,
                )
            rows.append(row)
    return pd.DataFrame(rows)


def test_forest_plot_puts_d_on_one_axis_beside_raw_differences(tmp_path, figures):
    plots.forest_plot(_table(), tmp_path / "forest.png")
    (fig,) = figures
    axes = np.array(fig.axes).reshape(-1, 2)
    raw, std = axes[:, 0], axes[:, 1]
    assert len({ax.get_xlim() for ax in std}) == 1  # one common axis for d
    assert raw[0].get_xlim() != raw[1].get_xlim()  # raw differences in their own units
    assert "Cohen's d" in std[-1].get_xlabel()
    assert "n = 7 replicates" in fig._suptitle.get_text()
    assert "(challenges)" in raw[0].get_title(loc="left")


def test_forest_plot_marks_intervals_cut_at_the_axis_edge(tmp_path, figures):
    table = _table()
    wild = (table["outcome"] == "challenges") & (table["design"] == "one")
    table.loc[wild, ["effect_size_low", "effect_size_high"]] = [-30.0, 40.0]  # few replicates
    plots.forest_plot(table, tmp_path / "forest.png")
    (fig,) = figures
    std = np.array(fig.axes).reshape(-1, 2)[:, 1]
    low, high = std[0].get_xlim()
    assert low > -30.0 and high < 40.0  # the wild interval does not set the axis
    heads = [line.get_marker() for ax in std for line in ax.lines if line.get_marker() in "<>"]
    assert sorted(heads) == ["<", ">"]
    assert "2 interval end(s) cut at the axis edge" in std[0].get_title(loc="left")
    plots.forest_plot(_table(), tmp_path / "plain.png")
    assert figures[1].axes[1].get_title(loc="left") == "standardised effect (d)"


def test_forest_plot_tick_labels_do_not_overlap(tmp_path, figures):
    plots.forest_plot(_table(), tmp_path / "forest.png")
    (fig,) = figures
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes[::2]:
        boxes = [t.get_window_extent(renderer) for t in ax.get_yticklabels() if t.get_text()]
        for a, b in zip(boxes, boxes[1:], strict=False):
            assert not a.overlaps(b)


def test_trajectory_band_skips_nan_month_and_stays_above_zero(tmp_path, figures):
    rng = np.random.default_rng(5)
    frames = []
    for design in ("kept", "suspended"):
        for seed in range(4):
            challenges = rng.poisson(0.2, 13).astype(float)
            challenges[0] = np.nan
            frames.append(
                pd.DataFrame(
                    {"design": design, "seed": seed, "step": range(13), "challenges": challenges}
                )
            )
    plots.trajectory_plot(pd.concat(frames), ["challenges"], tmp_path / "t.png")
    (fig,) = figures
    ax = fig.axes[0]
    assert ax.get_ylabel() == plots.wrapped(axis_label("challenges"), 40)
    for band in ax.collections:
        vertices = np.concatenate([p.vertices for p in band.get_paths()])
        assert vertices[:, 1].min() >= 0
        assert vertices[:, 0].min() >= 1  # nothing drawn at month 0
    assert "bootstrap" in ax.get_legend().get_title().get_text()
    assert "n = 4 seeds" in ax.get_legend().get_title().get_text()
    assert "fewer at some months" not in ax.get_legend().get_title().get_text()


def test_trajectory_legend_says_the_fewest_seeds_with_a_value(tmp_path, figures):
    """A seed's NaN month (a role absent from that event) is left out of the band there:
    the legend says how few seeds remain, not only "n = 4 seeds"."""
    frames = []
    for design in ("kept", "suspended"):
        for seed in range(4):
            ratio = np.linspace(0.8, 1.2, 6) + seed / 10
            if design == "suspended" and seed < 3:
                ratio[2] = np.nan  # only one seed has a value at month 2
            frames.append(
                pd.DataFrame(
                    {
                        "design": design,
                        "seed": seed,
                        "step": range(6),
                        "speaking_ratio_carer": ratio,
                    }
                )
            )
    plots.trajectory_plot(pd.concat(frames), ["speaking_ratio_carer"], tmp_path / "t.png")
    (fig,) = figures
    title = fig.axes[0].get_legend().get_title().get_text().replace("\n", " ")
    assert "n = 4 seeds per design" in title
    assert "fewer at some months (as few as 1)" in title


def test_outcomes_figure_labels_every_axis_from_the_registry(tmp_path, figures):
    """outcomes.png: one panel per outcome of the registry's selection (and one a config
    added), titled with its label and with its unit on the y-axis, read from the registry
    (a reviewer's finding: the figure kept its own list and its own labels)."""
    steps = np.arange(13)
    ts = pd.DataFrame({"step": steps, "event_held": (steps % 3 == 1).astype(float)})
    for name in (*plots.RUN_FIGURE, "my_voice"):
        ts[name] = np.linspace(0.1, 0.9, 13)
    ts.loc[0, ["speaking_equality", "challenges"]] = np.nan
    plots.plot_outcomes(ts, tmp_path / "o.png")
    (fig,) = figures
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in shown] == [label(n) for n in (*plots.RUN_FIGURE, "my_voice")]
    for ax, name in zip(shown, plots.RUN_FIGURE, strict=False):
        assert ax.get_ylabel().replace("\n", " ") == unit(name)
    assert shown[0].get_lines()[0].get_xdata().min() == 1  # month 0: no session, not drawn


def _grid_runs() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    rows = [
        {
            "event.suspension": s,
            "event.facilitation": f,
            "final_norm_endorsement": v,
            "mean_challenges": c,
        }
        for s in (0.0, 1.0)
        for f in (0.0, 0.5)
        for v, c in zip(rng.uniform(0.4, 0.45, 4), rng.poisson(2, 4), strict=True)
    ]
    return pd.DataFrame(rows)


def test_heatmap_colour_scale_spans_the_outcome_and_cells_show_intervals(tmp_path, figures):
    runs = _grid_runs()
    sweep_plots.heatmap(
        runs, "final_norm_endorsement", "event.suspension", "event.facilitation", tmp_path / "h.png"
    )
    (fig,) = figures
    image = fig.axes[0].images[0]
    assert image.get_clim() == (0.0, 1.0)  # not the 0.40-0.45 of the means
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert len(texts) == 4 and all("[" in t and "n = 4" in t for t in texts)
    assert sweep_plots.colour_range(runs["mean_challenges"], "mean_challenges")[0] == 0.0


def test_sweep_figure_shows_n(tmp_path, figures):
    sweep_plots.outcome_by_parameter(
        _grid_runs(), "mean_challenges", "event.suspension", tmp_path / "p.png"
    )
    (fig,) = figures
    assert "n = 8 replicates" in fig.axes[0].get_title()
    assert "(challenges)" in fig.axes[0].get_ylabel().replace("\n", " ")


def test_j_curve_event_axis_has_integer_ticks(tmp_path, figures):
    sys.path.insert(0, str(ROOT / "experiments"))
    try:
        import j_curve
    finally:
        sys.path.remove(str(ROOT / "experiments"))
    curves = pd.DataFrame(
        [
            {"design": d, "seed": s, "event": e, "productivity": 0.5, "friction": 0.1 * e}
            for d in ("a", "b")
            for s in range(3)
            for e in range(1, 6)
        ]
    )
    j_curve.plot(curves, tmp_path)
    (fig,) = figures
    for ax in fig.axes:
        ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
        assert ticks and all(float(t).is_integer() for t in ticks)
        assert ax.get_ylabel()


# --- the command line, as a newcomer meets it ---------------------------------------------


def test_help_says_95_percent_once(capsys):
    for command in ("compare", "plot"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = capsys.readouterr().out
        assert "95%" in text and "95%%" not in text


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (
            ["run", "configs/sweeps/demo.toml"],
            "this is a sweep file, not a model config; run it with exsim sweep",
        ),
        (
            ["sweep", "configs/exchange_network.toml", "--out", "OUT"],
            "this is a model config, not a sweep file; run it with exsim run",
        ),
        (["sensitivity", "configs/sweeps/demo.toml", "--out", "OUT"], "run it with exsim sweep"),
        (
            [
                "compare",
                "configs/designs/hierarchy_kept.toml",
                "configs/sensitivity/design_morris.toml",
            ],
            "run it with exsim sensitivity",
        ),
        (["compare", "configs/designs/hierarchy_kept.toml"], "give at least two designs"),
    ],
)
def test_a_file_for_another_command_says_which(argv, says, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    argv = [str(tmp_path / "out") if a == "OUT" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert says in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_missing_base_file_is_named_as_the_base_key(tmp_path, capsys):
    config = tmp_path / "design.toml"
    config.write_text('base = "nowhere.toml"\n')
    sweep = tmp_path / "sweep.toml"
    sweep.write_text('base = "nowhere.toml"\nreplicates = 2\n[grid]\n"event.rounds" = [1, 2]\n')
    assert main(["run", str(config), "--out", str(tmp_path / "r")]) == 2
    assert f"{config}: base: 'nowhere.toml' names no file" in capsys.readouterr().err
    assert main(["sweep", str(sweep), "--out", str(tmp_path / "s")]) == 2
    assert f"{sweep}: base: 'nowhere.toml' names no file" in capsys.readouterr().err


def test_compare_lists_outcomes_without_designs(capsys):
    assert main(["compare", "--outcomes", "list"]) == 0
    assert "final_NAME" in capsys.readouterr().out


def test_sensitivity_takes_workers_auto(tmp_path, capsys):
    # the spec is missing: the error is about the file, not about --workers auto
    assert (
        main(
            [
                "sensitivity",
                str(tmp_path / "no.toml"),
                "--out",
                str(tmp_path / "o"),
                "--workers",
                "auto",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "no.toml: no such file" in err and "--workers" not in err


def test_closed_output_pipe_stops_quietly(monkeypatch, capsys):
    silenced = []
    monkeypatch.setattr("exsim.cli._silence_stdout", lambda: silenced.append(True))

    def closed_pipe(*_):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("exsim.analysis.outcomes.outcome_listing", closed_pipe)
    assert main(["compare", "--outcomes", "list"]) == 141
    assert silenced and capsys.readouterr().err == ""


def test_app_hides_the_cookie_warning_on_this_machine_only():
    from exsim.cli import app_command

    assert app_command._loopback("127.0.0.1") and app_command._loopback("localhost")
    assert not app_command._loopback("0.0.0.0")
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        app_command.quiet_cookie_warning()
        warnings.warn(
            "Cookies with samesite=none require https, but ...", UserWarning, stacklevel=1
        )
        warnings.warn("something else", UserWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["something else"]
