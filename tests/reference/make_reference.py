"""Write the stored reference outputs that `test_nested_model.py` checks bit for bit.

Run it only when the model's outputs are meant to change at the neutral settings of
every mechanism (never to make a failing nested-model test pass by accident):

    .venv/bin/python tests/reference/make_reference.py

The stored file was made at commit 78af082, before the mechanisms of the costs of
flattening hierarchy (issue 10) existed; the test runs the same designs with every
mechanism added since at its neutral setting. It runs each design in `DESIGNS` and
stores its time series, events table and agents table, as arrays with their column
names, in `nested.npz`.
"""

from pathlib import Path

import numpy as np

import exsim
from exsim.config import default_config

HERE = Path(__file__).parent

DESIGNS = {
    "default": {},
    "kept_plenary": {"event.suspension": 0.0, "event.format": "plenary"},
    "dialogue_with_leaders": {
        "event.format": "facilitated_dialogue",
        "event.superiors_present": True,
        "event.grouping": "by_project",
        "event.suspension": 0.4,
        "attendance.voluntary": False,
    },
    "large_mixed": {
        "population.size": 150,
        "status.noise": 0.2,
        "event.every": 2,
        "event.rounds": 3,
        "challenge.threshold": 0.2,
        "project.targets": 0.1,
        "credibility.calibration": 0.1,
    },
}
"""Designs of the reference: overlays on the default config (run.seed 2013)."""

STEPS = 48


def tables(overlay: dict) -> dict[str, np.ndarray]:
    """The three tables of one run of `overlay`, as arrays by name."""
    config = default_config().replace(**overlay)
    result = exsim.run(config, steps=STEPS)
    out = {}
    for name in ("timeseries", "events", "agents"):
        frame = getattr(result, name).select_dtypes("number")
        out[f"{name}/columns"] = np.array(frame.columns, dtype=str)
        out[f"{name}/values"] = frame.to_numpy(dtype=float)
    return out


def main() -> None:
    arrays = {}
    for design, overlay in DESIGNS.items():
        for key, value in tables(overlay).items():
            arrays[f"{design}/{key}"] = value
    np.savez_compressed(HERE / "nested.npz", **arrays)
    print(f"wrote {HERE / 'nested.npz'}: {len(DESIGNS)} designs, {STEPS} months")


if __name__ == "__main__":
    main()
