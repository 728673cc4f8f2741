"""Centaure: an agent-based model of institutional change in social work.

>>> from sim import CentaureModel
>>> model = CentaureModel(scenario="npm", rng=42)
>>> model.step()
"""

from sim.agents import Funder, Manager, Organisation, User, Worker
from sim.model import CentaureModel
from sim.params import ParameterError, Params
from sim.scenarios import Scenario, ScenarioError

__version__ = "0.1.0"

__all__ = [
    "CentaureModel",
    "Funder",
    "Manager",
    "Organisation",
    "ParameterError",
    "Params",
    "Scenario",
    "ScenarioError",
    "User",
    "Worker",
    "__version__",
]
