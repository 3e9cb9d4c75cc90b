"""The results folder: commits, parts, crashes at every step, resume, refusal, memory."""

from __future__ import annotations

import json
import pickle
import tracemalloc
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import exsim
from exsim.errors import ConfigError
from exsim.runs import files, store
from exsim.runs.single import RunResult, events_table, timeseries
from exsim.runs.spec import load_sweep
from exsim.runs.store import SweepStore, load_results, summarize
from exsim.runs.tasks import Task, execute, failed

ROOT = Path(__file__).resolve().parents[1]
BASE = (ROOT / "configs" / "exchange_network.toml").as_posix()
STEPS = 2

SWEEP = f"""base = '{BASE}'
replicates = 2
seed = 99
steps = {STEPS}
[grid]
"event.suspension" = [0.0, 0.5, 1.0]
"""


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "sweep.toml"
    path.write_text(SWEEP, encoding="utf-8")
    return load_sweep(path)


@pytest.fixture(scope="module")
def outcomes(plan):
    """Every run's outcome, computed once; run p1-r0 also as a failure."""
    done = {r.run_id: execute(Task(r, plan.config(r))) for r in plan.runs()}
    assert all(o.status == "done" for o in done.values())
    bad = failed(Task(plan.get("p1-r0"), plan.config("p1-r0")), RuntimeError("boom"), "tb")
    return done, bad


@pytest.fixture(scope="module")
def reference(plan, outcomes, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "out"
    s = SweepStore(out, plan, batch_size=4).open({})
    for outcome in outcomes[0].values():
        s.commit(outcome)
    s.close()
    r = load_results(out)
    return r.runs, r.timeseries, r.events


def tables(out):
    r = load_results(out)
    return r.runs, r.timeseries, r.events


def assert_once_each(out, steps=STEPS):
    runs, ts, events = tables(out)
    assert runs["run_id"].is_unique
    done = set(runs.loc[runs["status"] == "done", "run_id"])
    assert set(ts["run_id"]) == done
    assert (ts.groupby("run_id").size() == steps + 1).all()
    assert not events.duplicated(["run_id", "step", "group"]).any()
    return runs


def assert_clean(out):
    assert list((out / "pending").iterdir()) == []
    leftovers = [p for p in out.rglob(".*") if p.name != ".lock"]
    assert leftovers == []
    for table in ("runs", "timeseries"):  # each run once, even for tools that read parts as is
        ids = pq.read_table(out / table, columns=["run_id"])["run_id"]
        assert len(ids) == len(set(ids.to_pylist())) * (1 if table == "runs" else STEPS + 1)


def test_commit_compact_and_read_back(plan, outcomes, reference, tmp_path):
    runs, ts, events = reference
    assert list(runs["run_id"]) == [r.run_id for r in plan.runs()]
    assert (runs["status"] == "done").all()
    assert runs["seed"].tolist() == [r.seed for r in plan.runs()]
    assert runs["event.suspension"].tolist() == [0.0, 0.0, 0.5, 0.5, 1.0, 1.0]
    assert list(runs.columns[:6]) == [
        "run_id",
        "point",
        "replicate",
        "seed",
        "event.suspension",
        "status",
    ]
    for name in store.SUMMARY_OUTCOMES:
        assert f"final_{name}" in runs and f"mean_{name}" in runs
    assert len(ts) == len(runs) * (STEPS + 1)
    assert list(ts.columns[:2]) == ["run_id", "step"]
    first = outcomes[0]["p0-r0"]
    assert (
        ts[ts["run_id"] == "p0-r0"]
        .drop(columns="run_id")
        .reset_index(drop=True)
        .equals(first.timeseries.drop(["run_id"]).to_pandas())
    )
    assert events["run_id"].isin(runs["run_id"]).all() and len(events) > 0


def test_an_outcome_from_a_worker_commits_the_same_tables(plan, outcomes, reference, tmp_path):
    """An outcome pickled (as a worker sends it) carries its tables as Arrow IPC files:
    read back they equal the tables with their fields' descriptions, the bytes are
    written as the pending files, and the folder reads back as from outcomes in hand."""
    sent = {k: pickle.loads(pickle.dumps(o)) for k, o in outcomes[0].items()}
    for run_id, outcome in sent.items():
        kept = outcomes[0][run_id]
        for table, mine in zip(("timeseries", "events"), kept.tables(), strict=True):
            for theirs in (
                getattr(outcome, table),
                files.read_arrow(_written(outcome.files[table], tmp_path)),
            ):
                assert theirs.schema.equals(mine.schema, check_metadata=True)
                assert theirs.to_pandas().equals(mine.to_pandas())  # NaN where NaN
        assert outcome.summary == kept.summary and outcome.run == kept.run
    failure = pickle.loads(pickle.dumps(outcomes[1]))
    assert failure.tables() == (None, None) and failure.error == outcomes[1].error
    out = tmp_path / "out"
    s = SweepStore(out, plan, batch_size=4).open({})
    for outcome in sent.values():
        s.commit(outcome)
    s.close()
    r = load_results(out)
    for mine, theirs in zip(reference, (r.runs, r.timeseries, r.events), strict=True):
        pd.testing.assert_frame_equal(mine, theirs)


def _written(data, folder: Path) -> Path:
    path = folder / "table.arrow"
    path.write_bytes(data)
    return path


def test_summary_matches_the_single_run_summary(plan):
    config = plan.config("p2-r1").replace(**{"run.steps": 9})
    result = exsim.run(config)
    summary = summarize(result.timeseries)
    table = RunResult.summary(result)
    for name in exsim.model.registry.HEADLINE:
        assert summary[f"final_{name}"] == table.loc[name, "end"]
        assert summary[f"mean_{name}"] == table.loc[name, "mean"]
    ts = result.timeseries
    assert summary["mean_project_challenges"] == ts["project_challenges"].iloc[1:].mean()
    assert summary["events_held"] == ts["events_held"].iloc[-1] > 0


def test_tables_read_off_the_model_are_those_of_a_single_run(plan):
    model = exsim.runs.single.simulate(plan.config("p2-r0").replace(**{"run.steps": 7}))
    summary, ts, events = exsim.runs.tables.run_tables(model, "p2-r0")
    assert ts.column_names[:2] == ["run_id", "step"] and set(ts["run_id"].to_pylist()) == {"p2-r0"}
    pd.testing.assert_frame_equal(ts.drop(["run_id"]).to_pandas(), timeseries(model))
    pd.testing.assert_frame_equal(events.drop(["run_id"]).to_pandas(), events_table(model))
    assert summary == summarize(timeseries(model))


class Crash(Exception):
    """Stands for the process dying just before a file is renamed or deleted."""


def crash_at(monkeypatch, at):
    count = [0]
    rename, remove = files._rename, files._remove

    def step():
        count[0] += 1
        if count[0] == at:
            raise Crash

    monkeypatch.setattr(files, "_rename", lambda a, b: (step(), rename(a, b)))
    monkeypatch.setattr(files, "_remove", lambda p: (step(), remove(p)))
    return count


FIRST = ("p0-r0", "p0-r1", "p1-r0")


def two_sessions(out, plan, outcomes, committed):
    """Session 1 saves three runs, p1-r0 as failed; session 2 retries p1-r0."""
    done, bad = outcomes
    s = SweepStore(out, plan, batch_size=2)
    s.open({})
    try:
        for run_id in FIRST:
            s.commit(bad if run_id == "p1-r0" else done[run_id])
            committed[run_id] = "failed" if run_id == "p1-r0" else "done"
        s.close()
    finally:
        s._lock.release()
    s = SweepStore(out, plan, batch_size=2)
    s.open({})
    try:
        assert [r for r in FIRST if s.status(r) != "done"] == ["p1-r0"]
        s.commit(done["p1-r0"])
        committed["p1-r0"] = "done"
        s.close()
    finally:
        s._lock.release()


def test_a_crash_at_any_file_operation_loses_at_most_the_run_in_hand(
    plan, outcomes, reference, tmp_path, monkeypatch
):
    total = crash_at(monkeypatch, at=0)
    two_sessions(tmp_path / "count", plan, outcomes, {})
    operations = total[0]
    assert operations > 25
    for at in range(1, operations + 1):
        out = tmp_path / f"crash{at}"
        committed: dict[str, str] = {}
        crash_at(monkeypatch, at)
        with pytest.raises(Crash):
            two_sessions(out, plan, outcomes, committed)
        monkeypatch.undo()
        # What a reader sees after the crash: each run at most once, nothing committed lost.
        if not (out / "manifest.json").exists():  # killed before the sweep began
            assert committed == {}
            seen = {}
        else:
            runs = assert_once_each(out)
            seen = dict(zip(runs["run_id"], runs["status"], strict=True))
        for run_id, status in committed.items():
            assert run_id in seen, (at, run_id)
            assert seen[run_id] == status or (status, seen[run_id]) == ("failed", "done")
        # Resume: run what is missing; the result is the uninterrupted one.
        s = SweepStore(out, plan, batch_size=2).open({})
        for run_id, outcome in outcomes[0].items():
            if s.status(run_id) != "done":
                s.commit(outcome)
        s.close()
        for got, want in zip(tables(out), reference, strict=True):
            pd.testing.assert_frame_equal(got, want)
        assert_clean(out)


def test_readers_ignore_leftovers_and_resume_removes_them(plan, outcomes, reference, tmp_path):
    out = tmp_path / "out"
    s = SweepStore(out, plan, batch_size=3).open({})
    runs = list(outcomes[0].values())
    for outcome in runs[:3]:  # one part
        s.commit(outcome)
    for outcome in runs[3:5]:  # two pending
        s.commit(outcome)
    s._lock.release()  # the process dies here
    pending = out / "pending"
    # an uncommitted run: time series written, runs row not
    files.write_arrow(pending / "p2-r1.timeseries.arrow", runs[5].timeseries)
    # a copy of a run already in part 1 (a compaction cut short)
    files.write_arrow(pending / "p0-r0.timeseries.arrow", runs[0].timeseries)
    files.write_arrow(
        pending / "p0-r0.runs.arrow",
        files.read_arrow(pending / "p1-r1.runs.arrow").set_column(0, "run_id", pa.array(["p0-r0"])),
    )
    # a half-written temporary file and a part of an uncommitted batch
    (pending / ".p2-r1.runs.arrow.123.tmp").write_bytes(b"ARROW1 half")
    (out / "timeseries" / "part-000009.parquet").write_bytes(
        (out / "timeseries" / "part-000001.parquet").read_bytes()
    )
    got = assert_once_each(out)
    assert list(got["run_id"]) == [o.run.run_id for o in runs[:5]]
    s = SweepStore(out, plan, batch_size=3).open({})
    assert s.status("p2-r1") is None and s.status("p1-r1") == "done"
    s.commit(runs[5])
    s.close()
    for got, want in zip(tables(out), reference, strict=True):
        pd.testing.assert_frame_equal(got, want)
    assert_clean(out)
    assert not (out / "timeseries" / "part-000009.parquet").exists()


def test_a_damaged_pending_file_means_the_run_is_run_again(plan, outcomes, tmp_path):
    out = tmp_path / "out"
    s = SweepStore(out, plan).open({})
    s.commit(outcomes[0]["p0-r0"])
    s.commit(outcomes[0]["p0-r1"])
    s._lock.release()
    (out / "pending" / "p0-r1.runs.arrow").write_bytes(b"not arrow at all")
    assert list(load_results(out).runs["run_id"]) == ["p0-r0"]
    s = SweepStore(out, plan).open({})
    assert s.status("p0-r0") == "done" and s.status("p0-r1") is None
    s.close()
    assert not (out / "pending" / "p0-r1.timeseries.arrow").exists()


def test_a_folder_holding_another_sweep_is_refused(plan, outcomes, tmp_path):
    out = tmp_path / "out"
    SweepStore(out, plan).open({}).close()
    other = tmp_path / "other.toml"
    other.write_text(SWEEP.replace("seed = 99", "seed = 98"), encoding="utf-8")
    with pytest.raises(
        ConfigError,
        match=r"holds another sweep .* differs in seed \(99 there, "
        r"98 here\)",
    ) as caught:
        SweepStore(out, load_sweep(other)).open({})
    assert "\n" not in str(caught.value)
    other.write_text(SWEEP.replace("[grid]", "[grid]\n'event.facilitation' = [0.1]"), "utf-8")
    with pytest.raises(ConfigError, match=r"differs in grid"):
        SweepStore(out, load_sweep(other)).open({})
    base = tmp_path / "base.toml"
    base.write_text(f"base = '{BASE}'\n[event]\nrounds = 5\n", encoding="utf-8")
    other.write_text(SWEEP.replace(f"base = '{BASE}'", "base = 'base.toml'"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"base config \(event\.rounds: 4 there, 5 here\)"):
        SweepStore(out, load_sweep(other)).open({})
    # the same sweep written differently is the same sweep
    other.write_text("# comment\n" + SWEEP, encoding="utf-8")
    SweepStore(out, load_sweep(other)).open({}).close()


def test_a_folder_in_use_or_not_a_sweep_is_refused(plan, tmp_path):
    out = tmp_path / "out"
    first = SweepStore(out, plan).open({})
    with pytest.raises(ConfigError, match=r"in use by another exsim sweep \(pid \d+"):
        SweepStore(out, plan).open({})
    first.close()
    SweepStore(out, plan).open({}).close()
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not empty and holds no sweep \(found notes\.txt\)"):
        SweepStore(stranger, plan).open({})
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"exists and is not a folder"):
        SweepStore(tmp_path / "file", plan).open({})
    with pytest.raises(ConfigError, match=r"not a sweep folder"):
        load_results(stranger)


def test_manifest_records_sweep_base_versions_and_states(plan, outcomes, tmp_path):
    out = tmp_path / "out"
    s = SweepStore(out, plan).open({"backend": "serial"})
    s.commit(outcomes[1])
    s.commit(outcomes[0]["p0-r0"])
    s.close()
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert m["sweep"]["text"] == SWEEP and m["sweep"]["hash"] == plan.hash
    assert m["base_config"]["hash"] == plan.base_hash
    assert m["base_config"]["values"]["event.facilitation"] == 0.6
    shaping = {"exsim", "mesa", "numpy", "numba", "scipy", "pandas", "pyarrow", "python"}
    assert shaping <= set(m["versions"]) <= shaping | {"salib"}
    assert m["sessions"][0]["revision"] is None or len(m["sessions"][0]["revision"]) >= 40
    assert m["sessions"][0]["backend"] == "serial" and m["sessions"][0]["status"] == "finished"
    states = {r["run_id"]: r for r in m["runs"]}
    assert len(states) == len(plan)
    assert states["p0-r0"]["status"] == "done"
    assert states["p1-r0"] == {
        "run_id": "p1-r0",
        "seed": plan.get("p1-r0").seed,
        "status": "failed",
        "error": "RuntimeError: boom",
    }
    assert states["p2-r1"]["status"] == "pending"
    assert m["counts"] == {"total": 6, "done": 1, "failed": 1, "pending": 4}
    results = load_results(out)
    assert results.pending == ["p0-r1", "p1-r1", "p2-r0", "p2-r1"]
    failed_row = results.runs.set_index("run_id").loc["p1-r0"]
    assert failed_row["error"] == "RuntimeError: boom" and pd.isna(failed_row["final_belief_error"])
    assert results.table("timeseries", ["belief_error"]).columns.tolist() == [
        "run_id",
        "belief_error",
    ]


class FakeModel:
    """Stands in for a finished model: only its DataCollector is read."""


def test_memory_stays_flat_over_many_runs(tmp_path, monkeypatch):
    """Runs are written and forgotten: memory after 64 runs is that after 16."""
    template = exsim.runs.single.simulate(exsim.default_config().replace(**{"run.steps": 80}))
    collected = template.datacollector

    def fake_simulate(config):
        series = {k: list(v) for k, v in collected.model_vars.items()}
        steps = len(series["belief_error"])
        series["belief_error"] = [config["run.seed"] % 1000 / 1000.0] * steps
        events = {k: list(v) for k, v in collected.tables["events"].items()}
        model = FakeModel()  # hashable, like a model
        model.datacollector = SimpleNamespace(model_vars=series, tables={"events": events})
        return model

    monkeypatch.setattr("exsim.runs.single.simulate", fake_simulate)
    path = tmp_path / "many.toml"
    path.write_text(f"base = '{BASE}'\nreplicates = 64\n", encoding="utf-8")
    memory = []
    commit = SweepStore.commit

    def measured(self, outcome):
        commit(self, outcome)
        del outcome
        memory.append((tracemalloc.get_traced_memory()[0], pa.total_allocated_bytes()))

    monkeypatch.setattr(SweepStore, "commit", measured)
    tracemalloc.start()
    try:
        report = exsim.sweep(path, tmp_path / "out", progress=False, batch_size=20)
    finally:
        tracemalloc.stop()
    assert report.done == 64, report.failures[:1]
    per_run = exsim.runs.tables.run_tables(template, "p0")[1].nbytes
    assert per_run > 30_000
    (py16, arrow16), (py64, arrow64) = memory[15], memory[-1]
    assert py64 - py16 < 48 * per_run / 10  # holding the series would be 48 * per_run
    assert arrow64 - arrow16 < per_run
    assert len(load_results(tmp_path / "out").timeseries) == 64 * 81
