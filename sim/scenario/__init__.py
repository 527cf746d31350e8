"""Scenario files: the schema, and loading with clear errors."""
from .base import LocalizedText, Text, text_in
from .distributions import distribution_mean
from .loading import apply_overrides, deep_merge, load_scenario, load_scenario_text, parse_override_value
from .root import Scenario
from .yaml_source import read_text as read_scenario_text


def scenario_json_schema() -> dict:
    """The JSON Schema of scenario files, for editors and for ``run_sim.py schema``."""
    schema = Scenario.model_json_schema()
    schema["title"] = "Service Recovery Lab scenario"
    # read by the loader before validation: the file this one builds on
    schema["properties"] = {
        "extends": {"type": "string", "description": "another scenario file (relative to this one) whose values this file overrides"},
        **schema["properties"],
    }
    return schema


__all__ = [
    "LocalizedText",
    "Scenario",
    "Text",
    "apply_overrides",
    "deep_merge",
    "distribution_mean",
    "load_scenario",
    "load_scenario_text",
    "parse_override_value",
    "read_scenario_text",
    "scenario_json_schema",
    "text_in",
]
