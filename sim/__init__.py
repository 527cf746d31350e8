"""Service Recovery Lab's model: a SimPy simulation of service failure and recovery, and its experiments."""
from .errors import ScenarioError, UserError
from .events import Event, EventKind
from .model import Customer, Model, run_once
from .scenario import Scenario, load_scenario, load_scenario_text, scenario_json_schema, text_in

__all__ = [
    "Customer",
    "Event",
    "EventKind",
    "Model",
    "Scenario",
    "ScenarioError",
    "UserError",
    "load_scenario",
    "load_scenario_text",
    "run_once",
    "scenario_json_schema",
    "text_in",
]
