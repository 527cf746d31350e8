"""Service Recovery Lab's model: a SimPy simulation of service failure and recovery, and its experiments."""
from .errors import ScenarioError, UserError
from .exercise.runtime import run_once
from .experiments.compare import Alternative, Comparison, compare, compare_alternatives
from .experiments.optimiser import StaffingResult, optimise_staffing
from .experiments.parallel import Runner, Variant
from .experiments.replications import Replications, replicate
from .experiments.sweep import Param, SweepResult, sweep
from .experiments.targets import Target
from .model.actions import Action
from .model.customer import Customer
from .model.events import Event, EventKind
from .model.recovery_cost import recovery_cost_factor
from .model.simulation import Model
from .outputs.trace import Trace, start_trace, trace_replications
from .scenario import Scenario, load_scenario, load_scenario_text, scenario_json_schema, text_in

__all__ = [
    "Action",
    "recovery_cost_factor",
    "Alternative",
    "Comparison",
    "Param",
    "Replications",
    "Runner",
    "StaffingResult",
    "SweepResult",
    "Target",
    "Trace",
    "Variant",
    "compare",
    "compare_alternatives",
    "optimise_staffing",
    "replicate",
    "start_trace",
    "sweep",
    "trace_replications",
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
