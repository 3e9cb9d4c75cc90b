"""exsim: simulate co-productive learning in the Exchange Network."""

__version__ = "0.1.0"

from .model import ExchangeModel, Participant  # noqa: E402

__all__ = ["ExchangeModel", "Participant", "__version__"]
