"""`exsim export DIR --csv`: a sweep's tables as CSV; bad folders are one line, exit 2,
and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import exsim
from exsim.cli import main


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    (folder / "sweep.toml").write_text(
        'replicates = 2\nsteps = 3\n[grid]\n"event.suspension" = [0.0, 1.0]\n', "utf-8"
    )
    exsim.sweep(folder / "sweep.toml", folder / "out", progress=False)
    return folder / "out"


def export(capsys, *args) -> tuple[int, str, str]:
    code = main(["export", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_export_writes_every_table_as_csv(swept, tmp_path, capsys):
    code, out, _ = export(capsys, swept, "--csv", "--out", tmp_path / "csv")
    assert code == 0 and out.count("wrote ") == 3
    results = exsim.load_results(swept)
    runs = pd.read_csv(tmp_path / "csv" / "runs.csv")
    assert len(runs) == 4 and list(runs.columns) == list(results.runs.columns)
    series = pd.read_csv(tmp_path / "csv" / "timeseries.csv")
    assert len(series) == 4 * 4  # 4 runs, months 0 to 3
    month0 = series[series["step"] == 0]
    assert month0["speaking_equality"].isna().all()  # an empty cell, not 0
    assert month0["norm_endorsement"].notna().all()
    pd.testing.assert_frame_equal(
        series, results.timeseries.reset_index(drop=True), check_dtype=False
    )


def test_export_defaults_to_a_csv_folder_inside_the_results(swept, capsys):
    assert export(capsys, swept, "--csv")[0] == 0
    assert sorted(p.name for p in (swept / "csv").iterdir()) == [
        "events.csv",
        "runs.csv",
        "timeseries.csv",
    ]


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda d: d / "missing", "missing: no such folder; give a sweep's results folder"),
        (lambda d: (d / "foreign").mkdir() or d / "foreign", "not a sweep folder"),
    ],
)
def test_export_of_a_missing_or_foreign_folder_is_one_line(tmp_path, capsys, make, expected):
    folder = make(tmp_path)
    code, out, err = export(capsys, folder, "--csv", "--out", tmp_path / "csv")
    assert code == 2 and expected in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "csv").exists() and out == ""


def test_export_needs_a_format(swept, tmp_path, capsys):
    code, _, err = export(capsys, swept, "--out", tmp_path / "csv")
    assert code == 2 and "choose a format: --csv" in err
    assert not (tmp_path / "csv").exists()


def test_export_of_a_damaged_folder_writes_nothing(swept, tmp_path, capsys):
    import shutil

    damaged = tmp_path / "damaged"
    shutil.copytree(swept, damaged)
    part = next((damaged / "timeseries").glob("*.parquet"))
    part.write_bytes(part.read_bytes()[:-10])
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "runs.csv").write_text("earlier", "utf-8")
    code, _, err = export(capsys, damaged, "--csv", "--out", tmp_path / "csv")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "damaged" in err
    assert [p.name for p in (tmp_path / "csv").iterdir()] == ["runs.csv"]
    assert (tmp_path / "csv" / "runs.csv").read_text("utf-8") == "earlier"
