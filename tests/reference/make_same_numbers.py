"""Write the stored outputs that `test_same_numbers.py` checks bit for bit: the designs
of ``configs/`` and random parameter draws, each run with its tables' SHA-256 digests.

Run it only when the model's outputs are meant to change (never to make a failing test
pass by accident):

    .venv/bin/python tests/reference/make_same_numbers.py

Made before the speed work of issue 16 (on the merge of main at 6a466a5), so that every
later change to how a run is computed must give the same numbers for the same seed.
Each run stores the SHA-256 of its time series, events and agents tables (float64 bytes,
columns in order, row by row) for the bit-for-bit check on the NumPy and Python it was
made with, and the tables' column sums and the time series' last row, checked to 1e-9
on other versions.
"""

import hashlib
from pathlib import Path

import numpy as np

import exsim
from exsim.config import default_config, load_config
from exsim.model.parameters import NEUTRAL, PARAMETERS

HERE = Path(__file__).parent
CONFIGS = Path(__file__).parents[2] / "configs"
DRAWS, DRAW_STEPS, DRAW_SEED = 20, 48, 16
TABLES = ("timeseries", "events", "agents")
ADDED_SINCE = {"credibility.status_deficit": NEUTRAL["credibility.status_deficit"]}
"""Parameters added after the reference was made, held at the neutral setting that
gives the reference's rules, and left out of the draws so that the draws stay those
the reference was made with."""


def designs() -> dict[str, object]:
    """The default network and every design of ``configs/designs``, by file stem."""
    found = {"exchange_network": load_config(CONFIGS / "exchange_network.toml")}
    for path in sorted((CONFIGS / "designs").glob("*.toml")):
        found[path.stem] = load_config(path)
    return found


def draws() -> dict[str, object]:
    """`DRAWS` configs, each with every parameter that has a plausible range drawn
    uniformly from it, the design choices drawn from their choices and a seed drawn,
    run for `DRAW_STEPS` months."""
    rng = np.random.default_rng(DRAW_SEED)
    found = {}
    while len(found) < DRAWS:
        overlay = {}
        for name, p in PARAMETERS.items():
            if p.plausible is not None and name not in ADDED_SINCE:
                low, high = p.plausible
                value = rng.uniform(low, high)
                overlay[name] = int(round(value)) if p.kind is int else float(value)
        overlay["event.format"] = str(rng.choice(PARAMETERS["event.format"].choices))
        overlay["event.grouping"] = str(rng.choice(PARAMETERS["event.grouping"].choices))
        overlay["event.superiors_present"] = bool(rng.random() < 0.5)
        if overlay["event.grouping"] == "by_project":
            overlay["event.superiors_present"] = True
        overlay["attendance.voluntary"] = bool(rng.random() < 0.7)
        overlay["talk.sampling"] = bool(rng.random() < 0.5)
        overlay["event.suspension"] = float(rng.random())
        overlay["event.knowledge_space"] = float(rng.random())
        overlay["run.seed"] = int(rng.integers(0, 2**63 - 1))
        overlay["run.steps"] = DRAW_STEPS
        overlay.update(ADDED_SINCE)
        found[f"draw{len(found):02d}"] = default_config().replace(**overlay)
    return found


def runs() -> dict[str, object]:
    """Every config of the reference, by name."""
    return designs() | draws()


def tables(config) -> dict[str, np.ndarray]:
    """The three tables of one run of `config`, numeric columns as float64."""
    result = exsim.run(config)
    out = {}
    for name in TABLES:
        frame = getattr(result, name).select_dtypes(["number", "bool"])
        out[f"{name}/columns"] = np.array(frame.columns, dtype=str)
        out[f"{name}/values"] = frame.to_numpy(dtype=float)
    return out


def digest(values: np.ndarray) -> str:
    """SHA-256 of a table's float64 values, row by row."""
    return hashlib.sha256(np.ascontiguousarray(values, dtype=np.float64).tobytes()).hexdigest()


def main() -> None:
    arrays = {}
    for name, config in runs().items():
        for key, value in tables(config).items():
            if key.endswith("/values"):
                table = key.split("/")[0]
                arrays[f"{name}/{table}/sha256"] = np.array(digest(value))
                arrays[f"{name}/{table}/sums"] = np.nansum(value, axis=0)
                if table == "timeseries":
                    arrays[f"{name}/{table}/last"] = value[-1]
            else:
                arrays[f"{name}/{key}"] = value
    np.savez_compressed(HERE / "same_numbers.npz", **arrays)
    print(f"wrote {HERE / 'same_numbers.npz'}: {len(runs())} runs")


if __name__ == "__main__":
    main()
