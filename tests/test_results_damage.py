"""Damaged results folders: parts cut short, deleted or changed, and manifests missing
keys, are named in one line on load; running the sweep again reruns what is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import exsim
from exsim.errors import ConfigError
from exsim.runs.files import digest

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "configs" / "exchange_network.toml").as_posix()
SWEEP = f"""base = '{BASE}'
replicates = 2
seed = 5
steps = 4
[grid]
"event.suspension" = [0.0, 1.0]
"""


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished sweep of 4 runs in two batches, and its tables."""
    root = tmp_path_factory.mktemp("damage")
    spec = root / "s.toml"
    spec.write_text(SWEEP)
    out = root / "out"
    exsim.sweep(spec, out, progress=False, batch_size=2)
    r = exsim.load_results(out)
    return spec, out, (r.runs, r.timeseries, r.events)


@pytest.fixture
def copy(finished, tmp_path):
    import shutil

    spec, out, tables = finished
    target = tmp_path / "out"
    shutil.copytree(out, target)
    return spec, target, tables


def part(out: Path, table: str, k: int = 1) -> Path:
    return out / table / f"part-{k:06d}.parquet"


def test_the_manifest_records_each_part_with_its_size_and_checksum(finished):
    _, out, _ = finished
    listed = json.loads((out / "manifest.json").read_text())["parts"]
    for table in ("runs", "timeseries", "events"):
        on_disk = sorted(p.name for p in (out / table).glob("part-*.parquet"))
        assert sorted(listed[table]) == on_disk == ["part-000001.parquet", "part-000002.parquet"]
        for name, entry in listed[table].items():
            assert entry == digest(out / table / name)


def cut_short(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


DAMAGE = {
    "timeseries cut short": (lambda out: cut_short(part(out, "timeseries")), "timeseries", "bytes"),
    "timeseries deleted": (lambda out: part(out, "timeseries").unlink(), "timeseries", "missing"),
    "events changed": (lambda out: flip_a_byte(part(out, "events", 2)), "events", "SHA-256"),
    "runs cut short": (lambda out: cut_short(part(out, "runs")), "runs", "bytes"),
    "runs deleted": (lambda out: part(out, "runs", 2).unlink(), "runs", "missing"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_damage_is_named_on_load_and_repaired_by_a_resume(copy, case):
    spec, out, reference = copy
    damage, table, words = DAMAGE[case]
    damage(out)
    results = exsim.load_results(out)
    with pytest.raises(ConfigError) as caught:
        _ = results.runs, results.timeseries, results.events
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    assert (
        f"{table}/part-" in message and words in message and "run the same sweep again" in message
    )
    report = exsim.sweep(spec, out, progress=False, batch_size=2)
    assert report.complete and report.ran == 2  # the damaged batch's two runs, no more
    assert any("damaged" in note for note in report.notes)
    again = exsim.load_results(out)
    for got, want in zip((again.runs, again.timeseries, again.events), reference, strict=True):
        pd.testing.assert_frame_equal(got, want)


def test_a_deleted_part_written_after_the_last_manifest_is_still_noticed(copy):
    """A batch written after the manifest was last saved (the sweep was then killed) is
    not listed; a missing time series part is found from the runs part alone."""
    spec, out, reference = copy
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["parts"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    part(out, "timeseries", 2).unlink()
    with pytest.raises(ConfigError, match="timeseries/part-000002.parquet is missing"):
        _ = exsim.load_results(out).timeseries
    assert exsim.sweep(spec, out, progress=False, batch_size=2).ran == 2
    pd.testing.assert_frame_equal(exsim.load_results(out).timeseries, reference[1])


@pytest.mark.parametrize("key", ["sweep", "base_config", "columns", "sweep.hash", "sweep.seed"])
def test_a_manifest_missing_keys_is_one_line(copy, key):
    spec, out, _ = copy
    manifest = json.loads((out / "manifest.json").read_text())
    node = manifest
    *parents, leaf = key.split(".")
    for name in parents:
        node = node[name]
    del node[leaf]
    (out / "manifest.json").write_text(json.dumps(manifest))
    for action in (lambda: exsim.load_results(out), lambda: exsim.sweep(spec, out, progress=False)):
        with pytest.raises(ConfigError, match=f"manifest.json: {key}: missing"):
            action()


def test_load_results_of_a_file_or_nothing_is_one_line(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(ConfigError, match="not a folder"):
        exsim.load_results(tmp_path / "f")
    with pytest.raises(ConfigError, match="no such folder"):
        exsim.load_results(tmp_path / "nothing")
