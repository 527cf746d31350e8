"""A policy resolved against its scenario: the response settings the model actually uses."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

from ..errors import UserError
from ..scenario import Scenario
from ..scenario.policies import OperationSettings, Policy


@dataclass(frozen=True)
class Response:
    """How staff respond to failures in one run: the scenario's recovery section with the policy on top."""

    name: str
    empowerment: str
    actions: tuple[str, ...]
    proactive_share: float
    prevention: float
    back_office_delay_min: float
    channels: int
    root_cause_analysis: bool
    choices: dict[str, str] = field(default_factory=dict)


def resolve_policy(scenario: Scenario, policy: str | Policy | None) -> Response:
    """The response for ``policy`` (a name in ``scenario.policies``, a Policy, or None for the defaults)."""
    recovery = scenario.recovery
    if isinstance(policy, str):
        if policy not in scenario.policies:
            known = ", ".join(sorted(scenario.policies)) or "none (add a `policies:` section)"
            raise UserError(f"unknown policy '{policy}' for scenario {scenario.name}; known policies: {known}")
        name, spec = policy, scenario.policies[policy]
    else:
        name, spec = ("default" if policy is None else "custom"), policy or Policy()
    detection = scenario.failures.detection if scenario.failures else 0.0
    return Response(
        name=name,
        empowerment=spec.empowerment or recovery.empowerment,
        actions=tuple(spec.actions if spec.actions is not None else recovery.default_actions),
        proactive_share=spec.proactive_share if spec.proactive_share is not None else recovery.proactive_share,
        prevention=spec.prevention if spec.prevention is not None else detection,
        back_office_delay_min=(
            spec.back_office_delay_min if spec.back_office_delay_min is not None else recovery.back_office_delay_min
        ),
        channels=spec.channels or scenario.behaviour.channels,
        root_cause_analysis=(
            spec.root_cause_analysis if spec.root_cause_analysis is not None else recovery.root_cause_analysis
        ),
        choices=dict(spec.choices),
    )


SETTINGS = tuple(OperationSettings.model_fields)
"""The operation settings a policy or an exercise choice may set (fields of both Response and OperationSettings)."""


def settings_of(spec: OperationSettings) -> dict[str, object]:
    """The operation settings ``spec`` sets (its unset fields left out), as Response values."""
    values = {name: getattr(spec, name) for name in SETTINGS if getattr(spec, name) is not None}
    if "actions" in values:
        values["actions"] = tuple(values["actions"])
    return values


def with_settings(scenario: Scenario, response: Response, settings: Mapping[str, object]) -> Response:
    """``response`` with some operation settings changed (an exercise choice taking effect mid-run)."""
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise UserError(f"unknown operation setting(s) {', '.join(unknown)}; allowed: {', '.join(SETTINGS)}")
    known = scenario.recovery.actions
    missing = [a for a in settings.get("actions", ()) if a not in known]
    if missing:
        raise UserError(f"unknown recovery action(s) {', '.join(missing)}; allowed: {', '.join(known)}")
    return replace(response, **{name: tuple(v) if name == "actions" else v for name, v in settings.items()})
