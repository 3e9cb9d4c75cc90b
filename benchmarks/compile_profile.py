"""What Numba compiles on a first `exsim run`, and for how long (issue 16, first run).

Runs `exsim run configs/exchange_network.toml` in this process with an empty Numba
cache (a fresh temporary `NUMBA_CACHE_DIR`, set before Numba is imported) and records
Numba's compile events (`numba.core.event`, kind "numba:compile"): for every compiled
function, its signatures, the CPU seconds of its compile with what it compiles inside
it (functions it calls that are not inlined are compiled within their caller's
compile) and without them. A function compiled for two argument types is flagged.

    python benchmarks/compile_profile.py            # the table, slowest first
    python benchmarks/compile_profile.py --json F   # also every record, to a file

Compile times move with the machine's load; give `uptime` with any figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _profile(config: Path) -> tuple[list[dict], float, float]:
    """Run `exsim run` on `config` with an empty cache; returns the compile records and
    the run's CPU and wall seconds."""
    from numba.core import event

    records: list[dict] = []
    stack: list[dict] = []

    class Listener(event.Listener):
        def on_start(self, ev):
            name = ev.data["dispatcher"].py_func.__qualname__
            module = ev.data["dispatcher"].py_func.__module__
            stack.append(
                {
                    "function": f"{module}.{name}",
                    "signature": str(ev.data["args"]),
                    "cpu": time.process_time(),
                    "wall": time.perf_counter(),
                    "inner": 0.0,
                }
            )

        def on_end(self, ev):
            rec = stack.pop()
            rec["cpu"] = time.process_time() - rec["cpu"]
            rec["wall"] = time.perf_counter() - rec["wall"]
            rec["self"] = rec["cpu"] - rec.pop("inner")
            if stack:
                stack[-1]["inner"] += rec["cpu"]
            rec["depth"] = len(stack)
            records.append(rec)

    from exsim.cli import main

    out = tempfile.mkdtemp()
    cpu, wall = time.process_time(), time.perf_counter()
    with event.install_listener("numba:compile", Listener()):
        status = main(["run", str(config), "--out", os.path.join(out, "r")])
    if status != 0:
        raise SystemExit(f"exsim run exited with {status}")
    return records, time.process_time() - cpu, time.perf_counter() - wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=ROOT / "configs/exchange_network.toml")
    parser.add_argument("--json", type=Path, help="write every compile record here")
    args = parser.parse_args()
    if "numba" in sys.modules:
        raise SystemExit("Numba must not be imported before the cache folder is set")
    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp()
    records, cpu, wall = _profile(args.config)
    by_function: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        by_function[rec["function"]].append(rec)
    top = sum(r["cpu"] for r in records if r["depth"] == 0)
    print(f"exsim run: {cpu:.1f} s CPU, {wall:.1f} s wall; compiling {top:.1f} s CPU")
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'function':58} {'sigs':>4} {'with inner':>10} {'self':>6}")
    rows = sorted(by_function.items(), key=lambda kv: -sum(r["cpu"] for r in kv[1]))
    for name, recs in rows:
        sigs = {r["signature"] for r in recs}
        flag = "  <- compiled for several types" if len(sigs) > 1 else ""
        print(
            f"{name.removeprefix('exsim.model.'):58} {len(sigs):>4} "
            f"{sum(r['cpu'] for r in recs):10.2f} {sum(r['self'] for r in recs):6.2f}{flag}"
        )
    if args.json:
        args.json.write_text(json.dumps(records, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
