"""Schema of service failures: per-encounter chances by Bitner category, severity, and scheduled disruptions."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import Minutes, NonNegative, Probability, StrictModel, Text

Category = Literal["delivery_system", "customer_needs", "employee_action"]
"""Bitner, Booms & Tetreault (1990): service-delivery-system failures; responses to customer needs and
requests; unprompted and unsolicited employee actions."""

Severity = Literal["minor", "major", "critical"]
SEVERITIES: tuple[Severity, ...] = ("minor", "major", "critical")
CATEGORIES: tuple[Category, ...] = ("delivery_system", "customer_needs", "employee_action")


class SeverityMix(StrictModel):
    """How failures split by severity; the shares must add up to 1."""

    # calibrated so complainers resolved quickly keep 90 %+ and slowly about 60 % (DOMAIN.md)
    minor: Probability = 0.87
    major: Probability = 0.10
    critical: Probability = 0.03

    @model_validator(mode="after")
    def _sums_to_one(self) -> "SeverityMix":
        total = self.minor + self.major + self.critical
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"the shares add up to {total:g}; make minor + major + critical = 1")
        return self


class CategoryChances(StrictModel):
    """Chance that one service encounter fails, by Bitner category (before load and skill effects)."""

    delivery_system: Probability = 0.03
    customer_needs: Probability = 0.01
    employee_action: Probability = 0.01


class Cause(StrictModel):
    """How customers attribute a failure (Folkes 1984): could the firm control it, will it recur?"""

    controllable: bool = True
    stable: bool = False


class CategoryCauses(StrictModel):
    """The cause customers see behind each generic Bitner category (named failure types give their own).

    The firm controls all three. A failure of the delivery system or of a response to a request is its
    process, likely to recur (the problems of the TARP studies); an employee's slip is a one-off.
    """

    delivery_system: Cause = Field(default_factory=lambda: Cause(stable=True))
    customer_needs: Cause = Field(default_factory=lambda: Cause(stable=True))
    employee_action: Cause = Field(default_factory=Cause)


class FailureType(StrictModel):
    """A named failure (wrong medication, lost lab results, a rude clerk) with its own chance and counters."""

    label: Text | None = None
    category: Category = Field(description="its Bitner category")
    chance: Probability = Field(description="chance that one service at its stations fails this way (before load and skill)")
    severity_mix: SeverityMix | None = Field(None, description="default: failures.severity_mix")
    stations: list[str] = Field(default_factory=list, description="stations where it can happen (empty: every station)")
    cause: Cause = Field(default_factory=Cause)


class Disruption(StrictModel):
    """A scheduled event that fails a whole cohort at once: a storm delays a flight, a system goes down."""

    id: str
    label: Text | None = None
    at_min: Minutes = Field(description="when it strikes, minutes from opening of day 1")
    segment: str | None = Field(None, description="the segment it hits; omit for every segment")
    category: Category = "delivery_system"
    severity: Severity = "major"
    cause: Literal["internal", "external"] = Field(
        "external", description="internal: the firm controls it (a system outage); external: it does not (a storm)"
    )
    stable: bool = Field(False, description="customers expect it to happen again (a recurring outage), not a one-off")
    delay_min: Minutes = Field(0.0, description="how long it holds up the service of every customer it hits")
    holds: bool = Field(
        True, description="the delay holds the customers it hits: nobody is served before it is over; "
        "false: it is only felt as extra waiting, after service (a flight that leaves late after the meal)",
    )
    window_min: Minutes = Field(0.0, description="it also hits customers arriving up to this long afterwards")


class Failures(StrictModel):
    """When and how service fails. Omit the whole section to switch failures off."""

    categories: CategoryChances = Field(default_factory=CategoryChances)
    severity_mix: SeverityMix = Field(default_factory=SeverityMix)
    load_effect: NonNegative = Field(
        1.0, description="at full utilisation the chance of failure is multiplied by 1 + load_effect (rushed staff)"
    )
    load_threshold: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        0.7, description="utilisation above which rushing starts to raise the chance of failure"
    )
    skill_effect: NonNegative = Field(
        1.0, description="the chance of failure is multiplied by 1 + skill_effect x (1 - staff skill)"
    )
    detection: Probability = Field(
        0.0, description="share of failures caught by fail-safe checks before the customer feels them"
    )
    causes: CategoryCauses = Field(default_factory=CategoryCauses)
    types: dict[str, FailureType] = Field(
        default_factory=dict,
        description="named failure types, each with its own chance, severity, stations, cause and counters; "
        "when given they replace the three generic categories",
    )
    disruptions: list[Disruption] = Field(default_factory=list)
    learning_per_complaint: Probability = Field(
        0.05, description="with root-cause analysis, each tracked complaint cuts its category's failure chance by this share the next day"
    )
    learning_floor: Probability = Field(
        0.25, description="root-cause analysis cannot cut a category's failure chance below this share of its start"
    )
