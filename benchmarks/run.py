"""exsim's benchmarks on this machine: run time, kernel throughput, scaling, memory,
start-up, the plain-Mesa baseline and sweep throughput.

    python benchmarks/run.py             # everything, as in benchmarks/README.md (~5 min)
    python benchmarks/run.py --quick     # fewer repeats, a 100-run sweep (~1 min)
    python benchmarks/run.py --skip-sweep --skip-plain
    python benchmarks/run.py --hundred-thousand   # also 100,000 runs, measured (~10+ min)

Prints a table and writes every figure, with the machine it was measured on, to
benchmarks/results.json (or --json PATH). Wall times are medians over repeats after a
warm-up; the machine's load average is recorded before and after, because anything else
running on it slows every figure down. Not a test: nothing here asserts anything.

What is measured:

- default run: `exsim.runs.single.simulate` of configs/exchange_network.toml (54
  members, ten years), the way `exsim run` and the sweeps run it;
- event kernel: listener updates (one listener weighing one utterance, counted by the
  kernel: `Tally.listener_updates`) per second of event sessions (`hold_session` called
  by `ExchangeModel.hold_event`), over whole runs, at 54 and 5,400 members;
- plain Mesa: the same event rules written as Python loops over agents and listeners
  (benchmarks/plain_mesa.py), against the kernel on the same population, seating and
  setting, in listener updates per second;
- scaling: run time at 54, 540 and 5,400 members (same attendance share and group sizes)
  and over 10, 20 and 40 simulated years, with the fitted exponent of time against size;
- peak memory (maximum resident set size) of the largest case, in a fresh process;
- start-up: ``python -m exsim --help`` and the ``exsim`` entry point;
- sweep: a sweep of `runs` default runs (1,000; 100 with --quick) with 2 workers;
- the targets of issue 16 (`targets.py`): default run against the Mesa yardstick, the
  first `exsim run` (empty Numba cache) and warm ones, a 2,000-run sweep recording the
  final month and 100,000 runs at its rate, a 20,000-member plenary's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "configs" / "exchange_network.toml"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # for plain_mesa and targets

import targets  # noqa: E402

# --- the machine -------------------------------------------------------------------------


def machine() -> dict:
    """What the figures were measured on."""
    import mesa

    import exsim

    cpu = platform.processor() or platform.machine()
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        cpu = next(
            line.split(":", 1)[1].strip() for line in lscpu.splitlines() if "Model name" in line
        )
    except (OSError, subprocess.CalledProcessError, StopIteration):
        pass
    memory = None
    if hasattr(os, "sysconf") and "SC_PHYS_PAGES" in os.sysconf_names:
        memory = round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": mesa.__version__,
        "exsim": exsim.__version__,
        "load_average_before": round(os.getloadavg()[0], 2),
    }


# --- runs ------------------------------------------------------------------------------


def default_config(**changes):
    """configs/exchange_network.toml, with dotted-name `changes`."""
    from exsim.config import load_config

    config = load_config(CONFIG)
    return config.replace(**changes) if changes else config


def time_runs(config, repeats: int) -> list[float]:
    """Wall times of `repeats` runs of `config` after one warm-up run (seconds)."""
    from exsim.runs.single import release, simulate

    times = []
    for k in range(repeats + 1):
        start = time.perf_counter()
        model = simulate(config)
        seconds = time.perf_counter() - start
        release(model)
        if k:
            times.append(seconds)
    return times


def summary(times: list[float]) -> dict:
    """Median, minimum and every time, rounded to 0.1 ms."""
    return {
        "median_s": round(statistics.median(times), 4),
        "min_s": round(min(times), 4),
        "times_s": [round(t, 4) for t in times],
    }


def fitted_exponent(x: list[float], y: list[float]) -> float:
    """The slope of log(y) against log(x), least squares."""
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


# --- the event kernel ----------------------------------------------------------------------


@contextmanager
def timed_event_sessions():
    """Time the `measured_session` calls that `ExchangeModel.hold_event` makes (the
    draws, the compiled session, its outcomes), over any runs in the block; yields a
    list that gets (seconds, listener updates) of each."""
    import exsim.model.model as module

    sessions: list[tuple[float, int]] = []
    measured = module.measured_session

    def timed(*args, **kwargs):
        start = time.perf_counter()
        result = measured(*args, **kwargs)
        sessions.append((time.perf_counter() - start, result[3]))
        return result

    module.measured_session = timed
    try:
        yield sessions
    finally:
        module.measured_session = measured


def event_kernel(size: int, months: int, runs: int) -> dict:
    """Listener updates per second of the event sessions of `runs` runs of `months`:
    all of them, and all but each run's first (which, in a big population, pays for the
    first touch of fresh memory)."""
    from exsim.runs.single import release, simulate

    config = default_config(**{"population.size": size, "run.steps": months})
    release(simulate(config))  # warm-up
    firsts = []
    with timed_event_sessions() as sessions:
        for seed in range(runs):
            firsts.append(len(sessions))
            model = simulate(config.replace(**{"run.seed": seed}))
            assert sum(u for _, u in sessions[firsts[-1] :]) == model.event_listener_updates
            release(model)
    later = [s for k, s in enumerate(sessions) if k not in firsts]
    seconds, updates = (sum(column) for column in zip(*sessions, strict=True))
    later_seconds, later_updates = (sum(column) for column in zip(*later, strict=True))
    return {
        "members": size,
        "months": months,
        "runs": runs,
        "event_sessions": len(sessions),
        "listener_updates": updates,
        "event_session_seconds": round(seconds, 4),
        "updates_per_second": round(updates / seconds),
        "first_session_ms": round(1e3 * statistics.median(sessions[k][0] for k in firsts), 1),
        "updates_per_second_after_first": round(later_updates / later_seconds),
    }


def event_inputs(size: int, seed: int = 1):
    """A population after six months, and an event's seating and setting for it."""
    from exsim.model import ExchangeModel
    from exsim.model.events import choose_attendees, event_setting, form_groups

    model = ExchangeModel(population_size=size, rng=seed)
    for _ in range(6):
        model.step()
    pop, p = model.population, model.params
    rng = np.random.default_rng(seed)
    seats = form_groups(pop, choose_attendees(pop, p, rng), p, rng)
    return model, seats, event_setting(p)


def plain_versus_kernel(size: int, sessions: int, plain_sessions: int) -> dict:
    """The kernel and the plain-Mesa loops on the same population, seating and setting:
    listener updates per second of each, and their ratio; also the ratio of the fastest
    session of each, which a busy machine moves less (a short session is either not
    interrupted at all or slowed many times over)."""
    from plain_mesa import PlainNetwork

    from exsim.model.dialogue import hold_session

    model, seats, setting = event_inputs(size)
    pop, p = model.population, model.params
    networks = [PlainNetwork(pop, p, model.legitimacy, seed=s) for s in range(plain_sessions + 1)]
    rng = np.random.default_rng(0)
    networks[0].hold_session(seats, setting)  # warm-up, both
    hold_session(pop, seats, setting, p, model.legitimacy, rng)
    # alternate the two, so that a slow spell of the machine slows both alike
    plain_updates, plain_times, kernel_updates, kernel_times = 0, [], 0, []
    for network in networks[1:]:
        start = time.perf_counter()
        tally = network.hold_session(seats, setting)
        plain_times.append(time.perf_counter() - start)
        plain_updates += tally.listener_updates
        for _ in range(sessions // plain_sessions):
            start = time.perf_counter()
            tally = hold_session(pop, seats, setting, p, model.legitimacy, rng)
            kernel_times.append(time.perf_counter() - start)
            kernel_updates += tally.listener_updates
    sessions = sessions // plain_sessions * plain_sessions
    plain_seconds, kernel_seconds = sum(plain_times), sum(kernel_times)
    kernel_rate, plain_rate = kernel_updates / kernel_seconds, plain_updates / plain_seconds
    return {
        "members": size,
        "groups": int(seats.shape[0]),
        "attendees": int((seats >= 0).sum()),
        "updates_per_session": kernel_updates // sessions,
        "kernel_updates_per_second": round(kernel_rate),
        "kernel_ms_per_session": round(1e3 * kernel_seconds / sessions, 3),
        "plain_updates_per_second": round(plain_rate),
        "plain_ms_per_session": round(1e3 * plain_seconds / plain_sessions, 3),
        "ratio": round(kernel_rate / plain_rate, 2),
        "kernel_best_ms": round(1e3 * min(kernel_times), 3),
        "plain_best_ms": round(1e3 * min(plain_times), 3),
        "ratio_of_best": round(min(plain_times) / min(kernel_times), 2),
    }


# --- memory, start-up, sweep ------------------------------------------------------------------


PEAK_MEMORY = """
import sys
from exsim.config import load_config
from exsim.runs.single import simulate

def high_water_kib():  # VmHWM: peak resident set of this process (ru_maxrss is inherited)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))

base = high_water_kib()
size, steps = int(sys.argv[2]), int(sys.argv[3])
config = load_config(sys.argv[1]).replace(**{"population.size": size, "run.steps": steps})
model = simulate(config)
ties = model.population.ties
print(base, high_water_kib(), ties.count, ties._table.nbytes + ties._scaled.nbytes)
"""


def peak_memory(size: int, months: int) -> dict:
    """Peak resident set size of a fresh process that runs the case (Linux VmHWM)."""
    out = targets.fresh_process(PEAK_MEMORY, size, months)
    after_imports, peak = (int(v) / 1024 for v in out[:2])
    return {
        "members": size,
        "months": months,
        "peak_rss_mib": round(peak, 1),
        "after_imports_mib": round(after_imports, 1),
        "tie_pairs": int(out[2]),
        "tie_store_mib": round(int(out[3]) / 2**20, 1),
    }


def startup(repeats: int) -> dict:
    """Median wall time of ``--help``, through ``python -m exsim`` and the entry point."""
    commands = {"python -m exsim --help": [sys.executable, "-m", "exsim", "--help"]}
    entry = Path(sys.executable).with_name("exsim")
    if entry.exists():
        commands["exsim --help"] = [str(entry), "--help"]
    out = {}
    for name, command in commands.items():
        times = []
        for _ in range(repeats + 1):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        out[name] = summary(times[1:])
    return out


def sweep(runs: int, workers: int) -> dict:
    """Wall time of `exsim.sweep` over `runs` default runs (ten years each)."""
    spec = {"base": str(CONFIG), "replicates": runs, "seed": 1, "steps": 120}
    report, seconds, _ = targets.timed_sweep(spec, workers)
    return targets.sweep_figures(report, seconds, runs, workers, digits=2)


# --- the report ----------------------------------------------------------------------------


def measure(args) -> dict:
    """Every benchmark, as chosen by the command-line `args`."""
    quick = args.quick
    results: dict = {"machine": machine(), "mode": "quick" if quick else "full"}
    print(
        f"measuring on {results['machine']['cpu']} ({results['machine']['cores']} cores), "
        f"load average {results['machine']['load_average_before']}",
        flush=True,
    )

    times = time_runs(default_config(), 5 if quick else 20)
    results["default_run"] = summary(times)
    print(f"default run: median {1e3 * statistics.median(times):.1f} ms", flush=True)

    results["event_kernel"] = [
        event_kernel(54, 120, 3 if quick else 10),
        event_kernel(5400, 24 if quick else 60, 1),
    ]
    print("event kernel:", [r["updates_per_second"] for r in results["event_kernel"]], flush=True)

    if not args.skip_plain:
        results["plain_mesa"] = [
            plain_versus_kernel(54, 200, 20 if quick else 100),
            plain_versus_kernel(5400, 10 if quick else 30, 2 if quick else 5),
        ]
        print("plain / kernel:", [r["ratio"] for r in results["plain_mesa"]], flush=True)

    sizes = {54: 5 if quick else 10, 540: 3 if quick else 5, 5400: 1 if quick else 3}
    by_size = {
        n: statistics.median(time_runs(default_config(**{"population.size": n}), k))
        for n, k in sizes.items()
    }
    years = {10: 120, 20: 240, 40: 480}
    by_years = {
        y: statistics.median(time_runs(default_config(**{"run.steps": m}), 3 if quick else 5))
        for y, m in years.items()
    }
    results["scaling"] = {
        "population_s": {str(n): round(t, 4) for n, t in by_size.items()},
        "population_exponent": round(fitted_exponent(list(by_size), list(by_size.values())), 3),
        "years_s": {str(y): round(t, 4) for y, t in by_years.items()},
        "years_exponent": round(fitted_exponent(list(by_years), list(by_years.values())), 3),
    }
    print("scaling:", results["scaling"], flush=True)

    results["peak_memory"] = peak_memory(5400, 120)
    results["startup"] = startup(5 if quick else 15)
    if not args.skip_sweep:
        results["sweep"] = sweep(100 if quick else 1000, 2)
    results["targets"] = targets.measure(quick, not args.skip_sweep, args.hundred_thousand)
    results["targets"]["scaling"] = results["scaling"]
    results["machine"]["load_average_after"] = round(os.getloadavg()[0], 2)
    return results


def table(results: dict) -> str:
    """The figures as a plain-text table, as quoted in benchmarks/README.md."""
    rows = []
    run = results["default_run"]
    rows.append(
        (
            "default run (54 members, 120 months)",
            f"median {1e3 * run['median_s']:.1f} ms (min {1e3 * run['min_s']:.1f} ms, "
            f"{len(run['times_s'])} runs)",
        )
    )
    for r in results["event_kernel"]:
        rows.append(
            (
                f"event kernel, {r['members']} members, in runs",
                f"{r['updates_per_second'] / 1e6:.2f} M listener updates/s "
                f"({r['listener_updates']} in {r['event_session_seconds']} s, "
                f"{r['event_sessions']} events); {r['updates_per_second_after_first'] / 1e6:.2f}"
                f" M/s without each run's first ({r['first_session_ms']} ms)",
            )
        )
    for r in results.get("plain_mesa", []):
        rows.append(
            (
                f"plain Mesa, {r['members']} members (same inputs)",
                f"{r['plain_updates_per_second'] / 1e6:.3f} M/s vs kernel "
                f"{r['kernel_updates_per_second'] / 1e6:.3f} M/s: kernel x{r['ratio']} "
                f"(fastest session of each: x{r['ratio_of_best']})",
            )
        )
    s = results["scaling"]
    rows.append(
        (
            "scaling, members 54 / 540 / 5,400",
            " / ".join(f"{v:.3f} s" for v in s["population_s"].values())
            + f", exponent {s['population_exponent']}",
        )
    )
    rows.append(
        (
            "scaling, years 10 / 20 / 40",
            " / ".join(f"{v:.3f} s" for v in s["years_s"].values())
            + f", exponent {s['years_exponent']}",
        )
    )
    m = results["peak_memory"]
    rows.append(
        (
            "peak memory, 5,400 members, 120 months",
            f"{m['peak_rss_mib']} MiB RSS ({m['after_imports_mib']} MiB after imports; "
            f"{m['tie_pairs']} tie pairs in {m['tie_store_mib']} MiB)",
        )
    )
    for name, t in results["startup"].items():
        rows.append((f"start-up: {name}", f"median {1e3 * t['median_s']:.0f} ms"))
    if "sweep" in results:
        w = results["sweep"]
        rows.append(
            (
                f"sweep of {w['runs']} default runs, {w['workers']} workers",
                f"{w['seconds']} s ({w['runs_per_second']} runs/s)",
            )
        )
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, 100-run sweep")
    parser.add_argument("--skip-sweep", action="store_true", help="do not time the sweep")
    parser.add_argument("--skip-plain", action="store_true", help="no plain-Mesa baseline")
    parser.add_argument(
        "--hundred-thousand", action="store_true", help="also run 100,000 runs (once)"
    )
    parser.add_argument("--json", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args()
    results = measure(args)
    print()
    print(table(results))
    print("\ntargets of issue 16 (target, met?, figure):")
    print(targets.table(results["targets"]))
    print(
        f"\nload average before {results['machine']['load_average_before']}, "
        f"after {results['machine']['load_average_after']}"
    )
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
