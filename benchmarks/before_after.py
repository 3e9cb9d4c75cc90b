"""The default run of this checkout against the default run of an earlier revision,
timed side by side in one process.

The model at revision REV is taken out of git (`git archive`) into a temporary folder as
the package ``exsim_before`` (its modules import each other relatively, so it runs
beside the current ``exsim``). Runs of the two alternate, so a slow spell of the machine
slows both; the first run of each compiles its kernel and is not timed.

    python benchmarks/before_after.py --rev 78af082            # 20 runs of each
    python benchmarks/before_after.py --rev 78af082 --neutral  # also this checkout at
                                                                # parameters.NEUTRAL
    python benchmarks/before_after.py --rev 78af082 --cpu      # CPU time, not wall
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_before(rev: str, into: Path):
    """Import the `exsim` package of revision `rev` as ``exsim_before``."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev, "exsim"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    (into / "exsim").rename(into / "exsim_before")
    sys.path.insert(0, str(into))
    return importlib.import_module("exsim_before.runs.single"), importlib.import_module(
        "exsim_before.config"
    )


def timed(simulate, config, clock=time.perf_counter) -> float:
    start = clock()
    simulate(config)
    return clock() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="78af082", help="earlier revision (default 78af082)")
    parser.add_argument("--repeats", type=int, default=20, help="timed runs of each")
    parser.add_argument("--neutral", action="store_true", help="also time parameters.NEUTRAL")
    parser.add_argument(
        "--cpu", action="store_true", help="time CPU (process_time), not wall (on a shared machine)"
    )
    args = parser.parse_args()

    from exsim.config import default_config
    from exsim.model.parameters import NEUTRAL
    from exsim.runs.single import simulate

    with tempfile.TemporaryDirectory() as tmp:
        before_single, before_config = load_before(args.rev, Path(tmp))
        arms = {
            f"before ({args.rev})": (before_single.simulate, before_config.default_config()),
            "now, defaults": (simulate, default_config()),
        }
        if args.neutral:
            arms["now, neutral"] = (simulate, default_config().replace(**NEUTRAL))
        for run, config in arms.values():
            run(config)  # compile (or load the cache) and warm up
        times = {name: [] for name in arms}
        for _ in range(args.repeats):
            for name, (run, config) in arms.items():
                clock = time.process_time if args.cpu else time.perf_counter
                times[name].append(timed(run, config, clock))
    medians = {name: statistics.median(t) for name, t in times.items()}
    base = medians[f"before ({args.rev})"]
    for name, median in medians.items():
        print(f"{name:>22}: median {median * 1e3:7.1f} ms  ({median / base:.2f}x before)")
    print(json.dumps({"rev": args.rev, "repeats": args.repeats, "median_s": medians}))


if __name__ == "__main__":
    main()
