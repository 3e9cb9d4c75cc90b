"""The compiled session call (`session.hold_packed`) by itself: per-call CPU of the
month's project meetings and of the events' sessions, replayed on the arguments a
default run hands it, and the cost of a call that holds no group.

One default run is made with `hold_packed` wrapped, keeping every call's arguments and
a copy of every array in them. Each kept call is then replayed `--repeats` times with
its arrays put back as they were before the call (outside the timing), so each replay
does the same work as in the run. With `--rev REV`, the `hold_packed` of an earlier
revision (taken out of git as in `before_after.py`) is replayed on the same calls,
alternating with this checkout's, so that a slow spell of the machine slows both.
CPU time (`time.process_time`) of a batch of replays, divided by their number.

    python benchmarks/session_calls.py                  # this checkout
    python benchmarks/session_calls.py --rev main       # and main, side by side
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import before_after  # noqa: E402


def _arrays(value, found):
    """Every NumPy array inside `value` (nested tuples), in order."""
    if isinstance(value, np.ndarray):
        found.append(value)
    elif isinstance(value, tuple):
        for item in value:
            _arrays(item, found)
    return found


def kept_calls():
    """The arguments of every `hold_packed` call of one default run, with a copy of
    their arrays as they were before the call."""
    from exsim.config import default_config
    from exsim.model import dialogue, meeting
    from exsim.runs.single import simulate

    calls, original = [], meeting.hold_packed

    def keeping(*args):
        calls.append((args, [a.copy() for a in _arrays(args, [])]))
        return original(*args)

    meeting.hold_packed = dialogue.hold_packed = keeping
    try:
        simulate(default_config())
    finally:
        meeting.hold_packed = dialogue.hold_packed = original
    return calls


def _kind(args) -> str:
    seats = args[1]
    return "project meeting" if seats.shape == (6, 9) else "event"


def replay(hold, calls, repeats: int) -> dict[str, list[float]]:
    """CPU seconds per call of `hold` on each kind of kept call (one figure a call)."""
    per_kind: dict[str, list[float]] = {}
    for args, saved in calls:
        live = _arrays(args, [])
        spent = 0.0
        for _ in range(repeats):
            for array, copy in zip(live, saved, strict=True):
                np.copyto(array, copy)
            start = time.process_time()
            hold(*args)
            spent += time.process_time() - start
        per_kind.setdefault(_kind(args), []).append(spent / repeats)
    return per_kind


def empty_call(hold, args, repeats: int) -> float:
    """CPU seconds of a call on `args` with no group seated (the arguments' unboxing and
    the call's fixed work)."""
    members, seats, legitimacy, truth, rules, numbers, counts, ties = args
    none = seats[:0]
    counts = tuple(c[:0] for c in counts)
    start = time.process_time()
    for _ in range(repeats):
        hold(members, none, legitimacy, truth, rules, numbers, counts, ties)
    return (time.process_time() - start) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="also replay the hold_packed of this revision")
    parser.add_argument("--repeats", type=int, default=20, help="replays of each call")
    args = parser.parse_args()

    from exsim.model.session import hold_packed

    calls = kept_calls()
    holds = {"now": hold_packed}
    with tempfile.TemporaryDirectory() as tmp:
        if args.rev:
            before_after.load_before(args.rev, Path(tmp))
            from exsim_before.model.session import hold_packed as before  # noqa: PLC0415

            holds = {f"before ({args.rev})": before, "now": hold_packed}
        for hold in holds.values():
            replay(hold, calls[:3], 1)  # compile (or load the cache)
        figures = {name: {} for name in holds}
        empty = {name: [] for name in holds}
        for _ in range(3):  # alternate, so a slow spell slows both
            for name, hold in holds.items():
                for kind, times in replay(hold, calls, args.repeats).items():
                    figures[name].setdefault(kind, []).extend(times)
                empty[name].append(empty_call(hold, calls[0][0], 2000))
    print(f"{len(calls)} calls of one default run, {args.repeats} replays each, 3 passes")
    for name in holds:
        for kind, times in sorted(figures[name].items()):
            print(
                f"{name:>16}: {kind:<15} median {statistics.median(times) * 1e6:7.1f} us"
                f" a call, {sum(times) / 3 * 1e3:6.2f} ms a run ({len(times) // 3} calls)"
            )
        print(f"{name:>16}: no group        {min(empty[name]) * 1e6:7.1f} us a call (best)")


if __name__ == "__main__":
    main()
