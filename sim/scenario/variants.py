"""Variants of a loaded scenario: the same scenario with some key paths changed, validated like a file.

Sweeps, staffing searches and comparisons build many variants of one scenario; each one is checked
by the same schema as a scenario file, so a bad value is reported with its key path.
"""
from __future__ import annotations

from typing import Any, Mapping

from pydantic import ValidationError

from ..errors import ScenarioError
from .error_messages import describe_validation_error
from .loading import apply_overrides, scenario_data
from .root import Scenario
from .yaml_source import YamlDocument


def scenario_variant(base: Scenario, overrides: Mapping[str, Any], flag: str = "--set") -> Scenario:
    """``base`` with each dotted key path in ``overrides`` set to its value; raises ScenarioError naming ``flag``."""
    if not overrides:
        return base
    source = str(base.source) if base.source else base.name
    try:
        data = apply_overrides(scenario_data(base), overrides, source)
    except ScenarioError as exc:
        # the loader words key-path problems for --set; name the flag the user actually typed
        raise ScenarioError(source, [p.replace("--set ", f"{flag} ", 1) for p in exc.problems]) from None
    try:
        variant = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = describe_validation_error(exc, Scenario, YamlDocument(data, None, source))
        settings = ", ".join(f"{key}={value!r}" for key, value in overrides.items())
        raise ScenarioError(source, [f"with {flag} {settings}: {p}" for p in problems]) from None
    variant._source = base.source
    return variant


def fixed_shift_warnings(base: Scenario, keys) -> list[str]:
    """Warnings for settings of ``staff.ROLE.count`` that a shift with an absolute ``count`` overrides in part of the day."""
    warnings = []
    for key in keys:
        parts = key.split(".")
        if len(parts) != 3 or parts[0] != "staff" or parts[2] != "count" or parts[1] not in base.staff:
            continue
        for shift in base.staff[parts[1]].fixed_shifts():
            warnings.append(
                f"warning: {key} does not reach minutes {shift.start_min:g}-{shift.end_min:g}, where a shift sets "
                f"{shift.count} staff; write that shift with `extra:` (staff on top of the count) to move it with the count"
            )
    return warnings
