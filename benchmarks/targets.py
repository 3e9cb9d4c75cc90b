"""The targets of issue 16, each measured the way the issue states it (`run.py` calls
these and prints them as a table; `python benchmarks/targets.py` runs only these).

- default run against the Mesa yardstick (`yardstick.py`), alternated in one process:
  the ratio of the medians, target at most 0.1;
- throughput: a 2,000-run sweep of the default network (4 points x 500 replicates)
  recording the final month only, on 2 workers, target under 10 s; 100,000 runs
  estimated from its rate (or measured once with --hundred-thousand), target 10 minutes;
- first run: `exsim run` of the default config in a fresh process with an empty Numba
  cache, target under 8 s, and when it first says something on standard error;
- warm run: the same command with the cache filled, median, target under 1 s;
- memory: a plenary of 20,000 members against a stated budget, by the model's own
  estimate (`exsim.model.memory`), with a small plenary measured beside its estimate;
  with --plenary-peak, a 20,000-member plenary run for 4 months (two events) in a fresh
  process, its measured peak (VmHWM) and time (about half an hour, 16 GiB of memory).

Scaling exponents come from `run.py`'s scaling measurements. Nothing here asserts.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "exchange_network.toml"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # for yardstick

PLENARY_MEMBERS = 20_000
MEMORY_BUDGET = 16 * 2**30
"""The stated budget for the 20,000-member plenary: 16 GiB, a well-equipped laptop."""


def exsim_command() -> list[str]:
    """The `exsim` entry point beside this Python (``python -m exsim`` if there is none)."""
    entry = Path(sys.executable).with_name("exsim")
    return [str(entry)] if entry.exists() else [sys.executable, "-m", "exsim"]


def versus_yardstick(repeats: int) -> dict:
    """Default runs and yardstick runs alternated in this process (one of each first,
    untimed): the medians and their ratio."""
    import yardstick

    from exsim.config import load_config
    from exsim.runs.single import release, simulate

    config = load_config(CONFIG)
    release(simulate(config))
    yardstick.run(steps=5)
    runs, sticks = [], []
    for k in range(repeats):
        start = time.perf_counter()
        release(simulate(config))
        runs.append(time.perf_counter() - start)
        sticks.append(yardstick.timed(seed=k))
    run, stick = statistics.median(runs), statistics.median(sticks)
    return {
        "repeats": repeats,
        "default_run_s": round(run, 4),
        "yardstick_s": round(stick, 4),
        "ratio": round(run / stick, 3),
        "target_ratio": 0.1,
    }


def timed_command(command: list[str], env: dict) -> tuple[float, float | None, str]:
    """Wall seconds of `command`, the seconds at which it first wrote to standard error
    (None if never) and what it wrote there."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    first: list[float] = []
    said: list[str] = []

    def read() -> None:
        for line in process.stderr:
            first.append(time.perf_counter() - start)
            said.append(line)

    reader = threading.Thread(target=read)
    reader.start()
    status = process.wait()
    reader.join()
    seconds = time.perf_counter() - start
    if status:
        raise RuntimeError(f"{' '.join(command)} failed ({status}): {''.join(said)}")
    return seconds, (first[0] if first else None), "".join(said).strip()


LIBRARIES = "import numpy, pandas, numba, matplotlib.figure, matplotlib.backends.backend_agg, mesa"
"""What a warm `exsim run` cannot do without: importing these alone, in a fresh process,
is the floor under its time."""


def exsim_run(repeats: int) -> dict:
    """`exsim run` of the default config: first with an empty Numba cache (compiling),
    then `repeats` times with it filled (after one untimed run); and `repeats` fresh
    processes that only import `LIBRARIES`."""
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, NUMBA_CACHE_DIR=str(Path(folder) / "numba"))
        command = [*exsim_command(), "run", str(CONFIG), "--out", str(Path(folder) / "out")]
        first, said_at, said = timed_command(command, env)
        timed_command(command, env)
        warm = [timed_command(command, env)[0] for _ in range(repeats)]
        imports = [timed_command([sys.executable, "-c", LIBRARIES], env)[0] for _ in range(repeats)]
    return {
        "first_run_s": round(first, 2),
        "first_said_at_s": None if said_at is None else round(said_at, 2),
        "first_said": said,
        "warm_runs_s": [round(t, 3) for t in warm],
        "warm_median_s": round(statistics.median(warm), 3),
        "imports_median_s": round(statistics.median(imports), 3),
        "target_first_s": 8.0,
        "target_warm_s": 1.0,
    }


def timed_sweep(spec: dict, workers: int):
    """Run `exsim.sweep(spec)` into a temporary folder on `workers` workers and remove it;
    return the sweep's report, its wall time in seconds (workers' start included) and
    the bytes it wrote."""
    import exsim

    folder = Path(tempfile.mkdtemp(prefix="exsim-bench-"))
    try:
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = exsim.sweep(spec, folder / "out", workers=workers, progress=False)
        seconds = time.perf_counter() - start
        size = sum(f.stat().st_size for f in (folder / "out").rglob("*") if f.is_file())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return report, seconds, size


def sweep_figures(report, seconds: float, runs: int, workers: int, digits: int) -> dict:
    """What a timed sweep of `runs` runs on `workers` workers reports: its backend,
    whether it completed, its wall time and runs per second (to `digits` decimals)."""
    return {
        "runs": runs,
        "workers": workers,
        "backend": report.backend,
        "complete": report.complete,
        "seconds": round(seconds, 2),
        "runs_per_second": round(runs / seconds, digits),
    }


def final_sweep(replicates: int, workers: int) -> dict:
    """`exsim.sweep` of 4 points (event.suspension 0, 1/3, 2/3, 1) x `replicates` default
    runs of 120 months recording the final month, on `workers` workers, wall time
    including the workers' start; and 100,000 runs at that rate."""
    spec = {
        "base": str(CONFIG),
        "replicates": replicates,
        "seed": 1,
        "steps": 120,
        "record": "final",
        "grid": {"event.suspension": [0.0, 1 / 3, 2 / 3, 1.0]},
    }
    report, seconds, size = timed_sweep(spec, workers)
    runs = 4 * replicates
    return sweep_figures(report, seconds, runs, workers, digits=1) | {
        "folder_mib": round(size / 2**20, 1),
        "hundred_thousand_estimate_s": round(100_000 * seconds / runs),
        "target_s": 10.0 if runs == 2000 else None,
        "target_hundred_thousand_s": 600,
    }


PEAK = """
import sys
import time
from exsim.config import load_config
from exsim.model import memory
from exsim.runs.single import simulate

def high_water():  # VmHWM: peak resident set of this process, bytes
    with open("/proc/self/status") as status:
        return 1024 * next(int(l.split()[1]) for l in status if l.startswith("VmHWM"))

def plenary(members, months):  # everyone attends: the room the estimate is made for
    return load_config(sys.argv[1]).replace(**{
        "population.size": members, "run.steps": months, "event.format": "plenary",
        "attendance.rate": 1.0})

saved = memory.STREAM_ABOVE, memory.DENSE_FROM
memory.STREAM_ABOVE = memory.DENSE_FROM = 0  # load every compiled function a plenary uses
simulate(plenary(60, 2))
memory.STREAM_ABOVE, memory.DENSE_FROM = saved
base = high_water()
config = plenary(int(sys.argv[2]), int(sys.argv[3]))
start = time.process_time()
simulate(config)
print(base, high_water(), memory.peak_bytes(dict(config.values)), time.process_time() - start)
"""


def fresh_process(script: str, *arguments) -> list[str]:
    """The words `script` prints, run in a fresh Python process with the config and
    `arguments` as its command-line arguments."""
    return subprocess.run(
        [sys.executable, "-c", script, str(CONFIG), *map(str, arguments)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()


def plenary_peak(members: int, months: int) -> tuple[int, int, int, float]:
    """A plenary of `members`, everyone attending, run for `months` in a fresh process:
    the peak resident set (VmHWM) once the compiled rules are loaded (after a small
    plenary) and at the end, the model's estimate (bytes) and the run's CPU seconds."""
    out = fresh_process(PEAK, members, months)
    return int(out[0]), int(out[1]), int(out[2]), float(out[3])


def plenary_memory(small: int = 1000, months: int = 6, full: bool = False) -> dict:
    """The model's estimate of a 20,000-member plenary against `MEMORY_BUDGET`, and a
    `small` plenary run for `months` in a fresh process: its measured peak beside its
    estimate (the estimate is an upper bound on the model's state); with `full`, the
    20,000-member plenary run for 4 months too (two events)."""
    from exsim.config import load_config
    from exsim.model import memory

    values = dict(load_config(CONFIG).values)
    values.update({"population.size": PLENARY_MEMBERS, "event.format": "plenary"})
    parts = memory.estimate(values)
    base, peak, estimate, _ = plenary_peak(small, months)
    found = {
        "members": PLENARY_MEMBERS,
        "estimate_gib": round(memory.peak_bytes(values) / 2**30, 1),
        "estimate_parts_gib": {k: round(v / 2**30, 1) for k, v in parts.items()},
        "budget_gib": MEMORY_BUDGET / 2**30,
        "small_members": small,
        "small_months": months,
        "small_peak_mib": round(peak / 2**20, 1),
        "small_growth_mib": round((peak - base) / 2**20, 1),
        "small_estimate_mib": round(estimate / 2**20, 1),
    }
    if full:
        _, peak, _, seconds = plenary_peak(PLENARY_MEMBERS, 4)
        found |= {"peak_gib": round(peak / 2**30, 2), "peak_cpu_s": round(seconds)}
    return found


def rows(results: dict) -> list[tuple[str, str, str]]:
    """(target, figure, met?) for each target measured in `results`."""
    out = []
    if "yardstick" in results:
        y = results["yardstick"]
        out.append(
            (
                "default run <= 0.1 x Mesa yardstick",
                f"{1e3 * y['default_run_s']:.1f} ms / {1e3 * y['yardstick_s']:.1f} ms = "
                f"{y['ratio']:.3f} (medians of {y['repeats']}, alternated)",
                _met(y["ratio"] <= y["target_ratio"]),
            )
        )
    if "final_sweep" in results:
        s = results["final_sweep"]
        out.append(
            (
                f"{s['runs']}-run sweep, record final, {s['workers']} workers < 10 s",
                f"{s['seconds']} s ({s['runs_per_second']} runs/s, {s['folder_mib']} MiB)",
                _met(s["seconds"] < 10) if s["target_s"] else "n/a (not 2,000 runs)",
            )
        )
        out.append(
            (
                "100,000 runs < 10 minutes",
                f"{s['hundred_thousand_estimate_s']} s, estimated at that rate",
                _met(s["hundred_thousand_estimate_s"] < s["target_hundred_thousand_s"]),
            )
        )
    if "hundred_thousand" in results:
        h = results["hundred_thousand"]
        out.append(
            (
                f"{h['runs']:,} runs measured, {h['workers']} workers",
                f"{h['seconds']} s ({h['runs_per_second']} runs/s, {h['folder_mib']} MiB)",
                _met(h["seconds"] < h["target_hundred_thousand_s"]),
            )
        )
    if "exsim_run" in results:
        r = results["exsim_run"]
        said = f"first line at {r['first_said_at_s']} s" if r["first_said"] else "silent"
        out.append(
            (
                "first exsim run < 8 s, not silent",
                f"{r['first_run_s']} s, {said}",
                _met(r["first_run_s"] < r["target_first_s"] and bool(r["first_said"])),
            )
        )
        out.append(
            (
                "warm exsim run < 1 s",
                f"median {r['warm_median_s']} s of {len(r['warm_runs_s'])}"
                + (
                    f"; importing its libraries alone {r['imports_median_s']} s"
                    if "imports_median_s" in r
                    else ""
                ),
                _met(r["warm_median_s"] < r["target_warm_s"]),
            )
        )
    if "scaling" in results:
        s = results["scaling"]
        worst = max(s["population_exponent"], s["years_exponent"])
        out.append(
            (
                "scaling exponents <= 1.1",
                f"members {s['population_exponent']}, months {s['years_exponent']}",
                _met(worst <= 1.1),
            )
        )
    if "plenary_memory" in results:
        m = results["plenary_memory"]
        out.append(
            (
                f"plenary of {m['members']:,} within {m['budget_gib']:.0f} GiB",
                f"estimate {m['estimate_gib']} GiB ({m['estimate_parts_gib']}); "
                f"{m['small_members']:,}-member plenary: {m['small_growth_mib']} MiB grown, "
                f"estimate {m['small_estimate_mib']} MiB"
                + (
                    f"; {m['members']:,}, 4 months: peak {m['peak_gib']} GiB resident, "
                    f"{m['peak_cpu_s']} s of CPU"
                    if "peak_gib" in m
                    else ""
                ),
                _met(
                    m["estimate_gib"] <= m["budget_gib"] and m.get("peak_gib", 0) <= m["budget_gib"]
                ),
            )
        )
    return out


def _met(ok: bool) -> str:
    return "yes" if ok else "no"


def table(results: dict) -> str:
    """The targets as a plain-text table."""
    found = rows(results)
    width = max(len(name) for name, _, _ in found)
    return "\n".join(f"{name:<{width}}  {met:<3}  {figure}" for name, figure, met in found)


def measure(
    quick: bool, sweep: bool = True, hundred_thousand: bool = False, peak: bool = False
) -> dict:
    """Every target of this module; `quick`: fewer repeats and a 200-run sweep; `peak`:
    the 20,000-member plenary run too."""
    results = {
        "yardstick": versus_yardstick(5 if quick else 15),
        "exsim_run": exsim_run(3 if quick else 9),
        "plenary_memory": plenary_memory(full=peak),
    }
    if sweep:
        results["final_sweep"] = final_sweep(50 if quick else 500, 2)
    if hundred_thousand:
        results["hundred_thousand"] = final_sweep(25_000, 2)
    return results


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="issue 16's targets only")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--hundred-thousand", action="store_true", help="measure it (once)")
    parser.add_argument(
        "--plenary-peak", action="store_true", help="run the 20,000-member plenary (16 GiB)"
    )
    args = parser.parse_args()
    load = os.getloadavg()[0]
    found = measure(args.quick, not args.skip_sweep, args.hundred_thousand, args.plenary_peak)
    print(table(found))
    print(f"load average before {load:.2f}, after {os.getloadavg()[0]:.2f}")
