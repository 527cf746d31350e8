"""The whole scenario: one schema for everything a scenario file may hold, with cross-field checks."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, PrivateAttr, model_validator

from .base import CROSS_CHECK_SEPARATOR, StrictModel
from .behaviour import Behaviour, Quality
from .exercise import Exercise
from .failures import Failures
from .meta import Meta
from .operation import Operation, Segment, StaffRole
from .policies import Policy
from .recovery import Recovery
from .word_of_mouth import WordOfMouth

MAX_ARRIVALS_PER_RUN = 10_000_000  # about a quarter of an hour of one core per replication (benchmarks/throughput.py)


class Scenario(StrictModel):
    """A service operation and, optionally, the training exercise built on it."""

    meta: Meta
    operation: Operation = Field(default_factory=Operation)
    segments: dict[str, Segment] = Field(min_length=1)
    staff: dict[str, StaffRole] = Field(min_length=1)
    failures: Failures | None = Field(None, description="omit to switch service failures off")
    quality: Quality = Field(default_factory=Quality)
    behaviour: Behaviour = Field(default_factory=Behaviour)
    recovery: Recovery = Field(default_factory=Recovery)
    word_of_mouth: WordOfMouth = Field(default_factory=WordOfMouth)
    policies: dict[str, Policy] = Field(default_factory=dict)
    exercise: Exercise | None = Field(None, description="the training game built on this operation")

    _source: Path | None = PrivateAttr(None)

    @property
    def source(self) -> Path | None:
        """The file this scenario was loaded from, if any."""
        return self._source

    @property
    def name(self) -> str:
        """Short name of the scenario: its file name without extension."""
        return self._source.stem if self._source else "scenario"

    @model_validator(mode="after")
    def _consistent(self) -> "Scenario":
        problems: list[str] = []
        day = self.operation.duration_min
        hours = self.operation.hours_per_day
        for name, role in self.staff.items():
            for i, shift in enumerate(role.shifts):
                if shift.end_min > day:
                    problems.append(
                        f"staff.{name}.shifts.{i}.end_min: the shift ends at minute {shift.end_min:g}, after closing "
                        f"(operation.duration_min = {day:g}); shifts must lie inside opening hours"
                    )
        for name, segment in self.segments.items():
            if segment.service.role not in self.staff:
                problems.append(
                    f"segments.{name}.service.role: unknown role '{segment.service.role}'; "
                    f"allowed: {', '.join(sorted(self.staff))}"
                )
            rates = segment.hourly_rates(hours)
            if isinstance(segment.arrivals_per_hour, list) and len(rates) != hours:
                problems.append(
                    f"segments.{name}.arrivals_per_hour: {len(rates)} hourly rates given but the operation "
                    f"is open {hours} hour(s) a day; give one rate per opening hour, or a single number"
                )
            role = self.staff.get(segment.service.role)
            if role is not None and any(rate > 0 for rate in rates) and role.max_count == 0:
                problems.append(
                    f"staff.{segment.service.role}.count: 0 staff, but segment '{name}' sends customers "
                    f"to this role; give the role at least 1 staff member"
                )
        problems.extend(self._size_problems())
        problems.extend(self._recovery_problems())
        if self.exercise is not None:
            problems.extend(self.exercise.problems_against(self))
        if problems:
            raise ValueError(CROSS_CHECK_SEPARATOR.join(problems))
        return self

    def _size_problems(self) -> list[str]:
        """A replication must stay within reach: a bound on the customers expected over the whole run."""
        day, days = self.operation.duration_min, self.operation.days
        expected = days * sum(segment.expected_arrivals(day) for segment in self.segments.values())
        if expected <= MAX_ARRIVALS_PER_RUN:
            return []
        return [f"segments: about {expected:,.3g} customers would arrive in one replication (arrivals_per_hour x "
                f"opening hours x operation.days); at most {MAX_ARRIVALS_PER_RUN:,} can be simulated per replication, "
                f"so lower the rates, operation.duration_min or operation.days"]

    def _recovery_problems(self) -> list[str]:
        """Names used across sections (roles, segments, actions) must exist."""
        problems: list[str] = []
        actions = self.recovery.actions
        allowed_actions = ", ".join(sorted(actions)) or "none defined"
        for i, name in enumerate(self.recovery.default_actions):
            if name not in actions:
                problems.append(f"recovery.default_actions.{i}: unknown action '{name}'; allowed: {allowed_actions}")
        role = self.recovery.supervisor_role
        if role is not None and role not in self.staff:
            problems.append(f"recovery.supervisor_role: unknown role '{role}'; allowed: {', '.join(sorted(self.staff))}")
        for policy_name, policy in self.policies.items():
            for i, name in enumerate(policy.actions or []):
                if name not in actions:
                    problems.append(f"policies.{policy_name}.actions.{i}: unknown action '{name}'; allowed: {allowed_actions}")
        if self.failures is not None:
            for i, disruption in enumerate(self.failures.disruptions):
                if disruption.segment is not None and disruption.segment not in self.segments:
                    problems.append(
                        f"failures.disruptions.{i}.segment: unknown segment '{disruption.segment}'; "
                        f"allowed: {', '.join(sorted(self.segments))}"
                    )
                if disruption.at_min >= self.operation.horizon_min:
                    problems.append(
                        f"failures.disruptions.{i}.at_min: {disruption.at_min:g} is after the end of the run "
                        f"({self.operation.horizon_min:g} min)"
                    )
        return problems
