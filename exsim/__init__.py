"""exsim: simulate co-productive learning in the Exchange Network.

The public API is imported lazily, so ``exsim --help`` does not pay for Mesa, pandas or
matplotlib::

    import exsim
    config = exsim.load_config("configs/exchange_network.toml")
    result = exsim.run(config, seed=1)
    model = exsim.ExchangeModel(event_suspension=0.0)
    outcomes = exsim.evaluate({"event.suspension": 0.0}, seed=1)   # one run's summary
"""

from importlib import import_module

__version__ = "0.1.0"

_API = {
    "ExchangeModel": "exsim.model",
    "Participant": "exsim.model",
    "PARAMETERS": "exsim.model",
    "Config": "exsim.config",
    "ConfigError": "exsim.errors",
    "load_config": "exsim.config",
    "default_config": "exsim.config",
    "run": "exsim.runs",
    "evaluate": "exsim.runs.evaluate",
    "RunResult": "exsim.runs",
    "sweep": "exsim.runs.sweep",
    "load_results": "exsim.runs.store",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    """Import public names on first use."""
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'exsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
