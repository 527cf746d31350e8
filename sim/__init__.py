"""Service Recovery Lab's model: a SimPy simulation of service failure and recovery, and its experiments."""
from .errors import ScenarioError, UserError
from .events import Event, EventKind
from .actions import Action
from .customer import Customer
from .model import Model, run_once
from .recovery_cost import recovery_cost_factor
from .compare import Alternative, Comparison, compare, compare_alternatives
from .optimiser import StaffingResult, optimise_staffing
from .parallel import Runner, Variant
from .replications import Replications, replicate
from .sweep import Param, SweepResult, sweep
from .targets import Target
from .trace import Trace, start_trace, trace_replications
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
