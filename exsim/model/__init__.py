"""The Exchange Network model: participants, projects, events and their outcomes."""

from .agents import Participant
from .model import ExchangeModel
from .parameters import PARAMETERS, defaults

__all__ = ["PARAMETERS", "ExchangeModel", "Participant", "defaults"]
