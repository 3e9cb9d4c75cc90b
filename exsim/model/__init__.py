"""The Exchange Network model: participants, projects, events and their outcomes.

`ExchangeModel` and `Participant` are imported on first use (they bring Mesa and the
compiled rules), so reading and checking a config (`exsim.model.parameters`) does not
pay for them.
"""

from importlib import import_module

from .parameters import PARAMETERS, defaults

_LAZY = {"ExchangeModel": ".model", "Participant": ".agents"}

__all__ = ["PARAMETERS", "ExchangeModel", "Participant", "defaults"]


def __getattr__(name: str):
    """Import `ExchangeModel` and `Participant` on first use."""
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
