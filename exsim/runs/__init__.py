"""Running the model: one run (`single`), and sweeps of many runs.

A sweep has three layers: `spec` (what to run: the sweep file, its runs and their
seeds), `backends` (where: serial, a process pool, Dask) and `store` (where the results
go: a folder of Parquet tables that survives being killed); `sweep` ties them together.
The sweep names are imported on first use, so ``exsim.run`` does not load pyarrow.
"""

from importlib import import_module

from .single import RunResult, run

__all__ = ["RunResult", "Sweep", "SweepResults", "load_results", "load_sweep", "run"]

_LAZY = {
    "Sweep": "exsim.runs.spec",
    "load_sweep": "exsim.runs.spec",
    "SweepResults": "exsim.runs.store",
    "load_results": "exsim.runs.store",
}


def __getattr__(name: str):
    """Import the sweep names on first use."""
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'exsim.runs' has no attribute {name!r}")
