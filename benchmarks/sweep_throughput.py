"""Sweep throughput: exsim's sweep with 1 and 2 workers, against mesa.batch_run.

    python benchmarks/sweep_throughput.py                # 2 x 2 grid x 25 replicates
    python benchmarks/sweep_throughput.py --replicates 50 --repeats 3

Runs the same grid (event.suspension x event.format on the default config, 120 months)
four ways and prints runs per second:

- exsim, 1 worker (the serial backend) and 2 workers (the process backend), each
  writing every run's time series and events to Parquet as it finishes;
- ``mesa.batch_run`` with 1 and 2 processes on the same model, grid, replicates (seeded)
  and number of steps, keeping only each run's final step in memory (its default).

"end to end" is runs / wall time, including starting the worker processes; "steady" is
the rate between the first and the last finished run (what a long sweep approaches).
Parallel efficiency = rate with 2 workers / (2 x rate with 1). Numbers depend on what
else the machine is doing: the script prints the load average before and after, and
with --repeats N it measures N rounds of all four and reports the best time of each.
Not a test: nothing here asserts anything.
"""

from __future__ import annotations

import argparse
import inspect
import os
import platform
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import mesa

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "configs" / "exchange_network.toml"
SUSPENSION = [0.0, 1.0]
FORMATS = ["action_learning", "plenary"]


def sweep_file(folder: Path, replicates: int, steps: int) -> Path:
    path = folder / "throughput.toml"
    path.write_text(
        f"base = '{BASE.as_posix()}'\nreplicates = {replicates}\nseed = 1\nsteps = {steps}\n"
        f'[grid]\n"event.suspension" = {SUSPENSION}\n"event.format" = {FORMATS}\n',
        encoding="utf-8",
    )
    return path


def time_exsim(path: Path, workers: int, folder: Path) -> tuple[float, float, int]:
    """Wall time, steady-state time (first to last finished run), runs."""
    import exsim
    from exsim.runs.store import SweepStore

    out = folder / f"exsim-{workers}-{time.monotonic_ns()}"
    finished: list[float] = []
    commit = SweepStore.commit

    def timed(self, outcome):
        commit(self, outcome)
        finished.append(time.perf_counter())

    SweepStore.commit = timed
    try:
        start = time.perf_counter()
        report = exsim.sweep(path, out, workers=workers, progress=False)
        wall = time.perf_counter() - start
    finally:
        SweepStore.commit = commit
        shutil.rmtree(out, ignore_errors=True)
    assert report.complete, report
    return wall, finished[-1] - finished[0], report.ran


class StepProbe(mesa.Model):
    """A model that only counts its steps, to learn how many steps batch_run runs."""

    def __init__(self, rng=None):
        super().__init__(rng=rng)
        self.datacollector = mesa.DataCollector(model_reporters={"steps": "steps"})

    def step(self):
        self.datacollector.collect(self)


def batch_run_max_steps(steps: int) -> int:
    """The ``max_steps`` that makes batch_run run `steps` steps (Mesa 3.3 runs one more)."""
    rows = mesa.batch_run(StepProbe, {}, max_steps=5, display_progress=False, **_one_seed())
    return steps - (rows[-1]["steps"] - 5)


def _one_seed() -> dict:
    return {"rng": [1]} if "rng" in inspect.signature(mesa.batch_run).parameters else {}


def time_batch_run(replicates: int, steps: int, processes: int) -> tuple[float, int]:
    from exsim.model import ExchangeModel
    from exsim.runs.spec import load_sweep

    plan = load_sweep(ROOT / "configs" / "sweeps" / "demo.toml")  # only for its seed scheme
    seeds = [plan.planned(0, r).seed for r in range(replicates)]
    parameters = {"event_suspension": SUSPENSION, "event_format": FORMATS}
    if "rng" in inspect.signature(mesa.batch_run).parameters:
        options = {"rng": seeds}
    else:  # Mesa 3.3: seeds as one more grid dimension
        options = {"iterations": 1}
        parameters["rng"] = seeds
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rows = mesa.batch_run(
            ExchangeModel,
            parameters,
            number_processes=processes,
            max_steps=batch_run_max_steps(steps),
            display_progress=False,
            **options,
        )
    return time.perf_counter() - start, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replicates", type=int, default=25, help="per grid point (default 25)")
    parser.add_argument("--steps", type=int, default=120, help="months per run (default 120)")
    parser.add_argument("--repeats", type=int, default=1, help="take the best of N (default 1)")
    parser.add_argument("--skip-mesa", action="store_true", help="do not time mesa.batch_run")
    args = parser.parse_args()

    import exsim

    runs = len(SUSPENSION) * len(FORMATS) * args.replicates
    print(
        f"exsim {exsim.__version__}, Mesa {mesa.__version__}, Python "
        f"{platform.python_version()}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.2f}"
    )
    print(
        f"grid: event.suspension {SUSPENSION} x event.format {FORMATS} x "
        f"{args.replicates} replicates = {runs} runs of {args.steps} months\n"
    )
    folder = Path(tempfile.mkdtemp(prefix="exsim-bench-"))
    try:
        path = sweep_file(folder, args.replicates, args.steps)
        kinds = ["exsim 1", "exsim 2"] + ([] if args.skip_mesa else ["mesa 1", "mesa 2"])
        walls: dict[str, list[float]] = {k: [] for k in kinds}
        steadies: dict[str, list[float]] = {k: [] for k in kinds[:2]}
        for _ in range(args.repeats):  # rounds, so that a busy spell hits every kind alike
            for kind in kinds:
                tool, n = kind.split()
                if tool == "exsim":
                    wall, steady, ran = time_exsim(path, int(n), folder)
                    assert ran == runs
                    steadies[kind].append(steady)
                else:
                    wall, rows = time_batch_run(args.replicates, args.steps, int(n))
                    assert rows == runs, (rows, runs)
                walls[kind].append(wall)
        rate = {k: runs / min(v) for k, v in walls.items()}
        steady_rate = {k: (runs - 1) / min(v) for k, v in steadies.items()}
        for kind in kinds:
            tool, n = kind.split()
            name = "exsim sweep" if tool == "exsim" else "mesa.batch_run"
            units = ("worker", "workers") if tool == "exsim" else ("process", "processes")
            unit = units[n != "1"]
            line = (
                f"{name}, {n} {unit}: {rate[kind]:6.2f} runs/s end to end "
                f"(best {min(walls[kind]):5.1f} s of {len(walls[kind])})"
            )
            if kind in steady_rate:
                line += f", {steady_rate[kind]:6.2f} runs/s steady"
            print(line)
        print()
        for label, rates in (("end to end", rate), ("steady", steady_rate)):
            speedup = rates["exsim 2"] / rates["exsim 1"]
            print(
                f"exsim 1 -> 2 workers, {label}: {speedup:.2f}x, parallel efficiency "
                f"{speedup / 2:.0%}"
            )
        if not args.skip_mesa:
            for n in ("1", "2"):
                print(
                    f"exsim / mesa.batch_run, {n} worker{'s' * (n != '1')}: "
                    f"{rate[f'exsim {n}'] / rate[f'mesa {n}']:.2f}x"
                )
        print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
