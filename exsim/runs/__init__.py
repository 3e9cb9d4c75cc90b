"""Running the model: one run, and (later) many."""

from .single import RunResult, run

__all__ = ["RunResult", "run"]
