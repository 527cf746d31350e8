"""The whole scenario: one schema for everything a scenario file may hold, with cross-field checks."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, field_validator, model_validator

from .arrivals import ArrivalProfile, TotalArrivals, add_blocks
from .base import CROSS_CHECK_SEPARATOR, StrictModel
from .behaviour import Behaviour, Quality
from .exercise import Exercise
from .failures import Failures
from .meta import Meta
from .journeys import SelfService
from .operation import Operation, Outage, Segment, StaffRole
from .policies import Policy
from .recovery import Recovery
from .word_of_mouth import WordOfMouth

MAX_ARRIVALS_PER_RUN = 10_000_000  # about a quarter of an hour of one core per replication (benchmarks/throughput.py)


def _also_off(schema: dict[str, Any]) -> None:
    """Editors accept ``failures: off`` too (read as no failures by the validator below)."""
    schema.setdefault("anyOf", []).append({"enum": ["off", False]})


class Scenario(StrictModel):
    """A service operation and, optionally, the training exercise built on it."""

    meta: Meta
    operation: Operation = Field(default_factory=Operation)
    segments: dict[str, Segment] = Field(min_length=1)
    staff: dict[str, StaffRole] = Field(min_length=1)
    self_service: dict[str, SelfService] = Field(
        default_factory=dict, description="stations without staff (tables, kiosks, beds) that journeys may use"
    )
    arrivals: TotalArrivals | None = Field(
        None, description="all arrivals of the operation with a segment mix, instead of per-segment arrivals"
    )
    outages: list[Outage] = Field(default_factory=list, description="windows in which a station loses capacity or slows down")
    failures: Failures | None = Field(None, json_schema_extra=_also_off, description=(
        "service failures: `off` (or omit the section) for the pure queue; `{}` switches them on with every default"
    ))
    quality: Quality = Field(default_factory=Quality)
    behaviour: Behaviour = Field(default_factory=Behaviour)
    recovery: Recovery = Field(default_factory=Recovery)
    word_of_mouth: WordOfMouth = Field(default_factory=WordOfMouth)
    policies: dict[str, Policy] = Field(default_factory=dict)
    exercise: Exercise | None = Field(None, description="the training game built on this operation")

    _source: Path | None = PrivateAttr(None)

    @field_validator("failures", mode="before")
    @classmethod
    def _off(cls, value: Any) -> Any:
        """``failures: off`` (YAML reads a bare off as false) and ``null`` both mean no failures."""
        return None if value is False or (isinstance(value, str) and value.strip().lower() == "off") else value

    @property
    def source(self) -> Path | None:
        """The file this scenario was loaded from, if any."""
        return self._source

    @property
    def name(self) -> str:
        """Short name of the scenario: its file name without extension."""
        return self._source.stem if self._source else "scenario"

    @property
    def notes(self) -> list[str]:
        """Keys of an older format that still load but no longer act, each with what to do instead."""
        return [
            f"behaviour.retention.{key} is no longer used: retention after a complaint now follows from how the "
            f"recovery is judged (recovery.justice); remove the key"
            for key in self.behaviour.retention.retired_keys
        ]

    def stations(self) -> dict[str, int]:
        """Every station a journey may use with its largest capacity: staff roles, then self-service resources."""
        return {**{name: role.max_count for name, role in self.staff.items()},
                **{name: resource.capacity for name, resource in self.self_service.items()}}

    @property
    def arrival_period_days(self) -> int:
        """Days after which the arrivals repeat: a week when some segment's days differ, else one day."""
        calendar = self.operation.first_day is not None and any(spec.arrivals_by_day for spec in self.segments.values())
        return 7 if calendar else 1

    def arrival_blocks(self, segment: str, day: int = 0) -> list[tuple[float, float, float]]:
        """``[(start, end, per_hour), ...]`` of one segment over day ``day`` of the run (0 = the first):
        that day's own profile (or the usual one) plus the segment's share of the total."""
        op = self.operation
        spec = self.segments[segment]
        blocks: list[tuple[float, float, float]] = [(0.0, op.duration_min, 0.0)]
        own = spec.profile_on(op.weekday_of(day))
        if own is not None:
            blocks = own.blocks(op.duration_min, op.opens_at_min)
        share = self.arrivals.mix.get(segment, 0.0) if self.arrivals is not None else 0.0
        if share > 0:
            total = self.arrivals.blocks(op.duration_min, op.opens_at_min)
            blocks = add_blocks(blocks, [(a, b, rate * share) for a, b, rate in total])
        return blocks

    @model_validator(mode="after")
    def _consistent(self) -> "Scenario":
        problems: list[str] = []
        day = self.operation.duration_min
        for name, role in self.staff.items():
            for i, shift in enumerate(role.shifts):
                if shift.end_min > day:
                    problems.append(
                        f"staff.{name}.shifts.{i}.end_min: the shift ends at minute {shift.end_min:g}, after closing "
                        f"(operation.duration_min = {day:g}); shifts must lie inside opening hours"
                    )
        for name in sorted(set(self.staff) & set(self.self_service)):
            problems.append(f"self_service.{name}: '{name}' is also a staff role; give the resource another name")
        arrival_problems = self._arrival_problems()
        problems.extend(arrival_problems or self._size_problems())
        problems.extend(self._journey_problems())
        problems.extend(self._recovery_problems())
        problems.extend(self._outage_problems())
        if self.exercise is not None:
            problems.extend(self.exercise.problems_against(self))
        if problems:
            raise ValueError(CROSS_CHECK_SEPARATOR.join(problems))
        return self

    def _size_problems(self) -> list[str]:
        """A replication must stay within reach: a bound on the customers expected over the whole run."""
        period = self.arrival_period_days
        per_day = [sum((end - start) / 60 * rate for name in self.segments for start, end, rate in self.arrival_blocks(name, day))
                   for day in range(period)]
        expected = sum(per_day[day % period] for day in range(self.operation.days))
        if expected <= MAX_ARRIVALS_PER_RUN:
            return []
        return [f"segments: about {expected:,.3g} customers would arrive in one replication (arrival rates x "
                f"opening hours x operation.days); at most {MAX_ARRIVALS_PER_RUN:,} can be simulated per replication, "
                f"so lower the rates, operation.duration_min or operation.days"]

    def _arrival_problems(self) -> list[str]:
        problems: list[str] = []
        day = self.operation.duration_min
        hours = self.operation.hours_per_day
        mixed = self.arrivals.mix if self.arrivals is not None else {}
        for name in mixed:
            if name not in self.segments:
                problems.append(f"arrivals.mix.{name}: unknown segment '{name}'; allowed: {', '.join(sorted(self.segments))}")
        if self.arrivals is not None:
            problems.extend(f"arrivals.{p}" for p in self.arrivals.block_problems(day))
        for name, segment in self.segments.items():
            if isinstance(segment.arrivals_per_hour, list) and len(segment.arrivals_per_hour) != hours:
                problems.append(
                    f"segments.{name}.arrivals_per_hour: {len(segment.arrivals_per_hour)} hourly rates given but the operation "
                    f"is open {hours} hour(s) a day; give one rate per opening hour, or a single number"
                )
            if segment.arrivals is not None:
                problems.extend(f"segments.{name}.arrivals.{p}" for p in segment.arrivals.block_problems(day))
            for kind, profile in segment.arrivals_by_day.items():
                problems.extend(f"segments.{name}.arrivals_by_day.{kind}.{p}" for p in profile.block_problems(day))
            if segment.arrivals_by_day and self.operation.first_day is None:
                problems.append(f"segments.{name}.arrivals_by_day: the days of the run have no weekdays; give "
                                f"operation.first_day (the weekday of day 1, for example Monday)")
            if segment.own_profile is None and name not in mixed:
                problems.append(
                    f"segments.{name}.arrivals_per_hour: required key is missing; give arrivals_per_hour (or arrivals), "
                    f"or a share of the top-level arrivals.mix"
                )
        return problems

    def _journey_problems(self) -> list[str]:
        problems: list[str] = []
        stations = self.stations()
        allowed = ", ".join(sorted(stations))
        for name, segment in self.segments.items():
            arrives = any(rate > 0 for day in range(self.arrival_period_days) for *_, rate in self.arrival_blocks(name, day))
            for i, step in enumerate(segment.steps):
                where = f"segments.{name}.service.role" if segment.journey is None else f"segments.{name}.journey.{i}.station"
                if step.station not in stations:
                    problems.append(f"{where}: unknown station '{step.station}'; allowed: {allowed}")
                elif arrives and stations[step.station] == 0:
                    problems.append(
                        f"staff.{step.station}.count: 0 staff, but segment '{name}' sends customers "
                        f"to this role; give the role at least 1 staff member"
                    )
        return problems

    def _outage_problems(self) -> list[str]:
        problems: list[str] = []
        stations = self.stations()
        for i, outage in enumerate(self.outages):
            if outage.station not in stations:
                problems.append(f"outages.{i}.station: unknown station '{outage.station}'; allowed: {', '.join(sorted(stations))}")
            if outage.at_min >= self.operation.horizon_min:
                problems.append(f"outages.{i}.at_min: {outage.at_min:g} is after the end of the run ({self.operation.horizon_min:g} min)")
        return problems

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
        for i, level in enumerate(self.recovery.escalation or []):
            if level.role is not None and level.role not in self.staff:
                problems.append(f"recovery.escalation.{i}.role: unknown role '{level.role}'; allowed: {', '.join(sorted(self.staff))}")
            if level.role is None and i + 1 < len(self.recovery.escalation):
                problems.append(f"recovery.escalation.{i}.role: head office (no role) must be the last level; move it to the end")
        for policy_name, policy in self.policies.items():
            for i, name in enumerate(policy.actions or []):
                if name not in actions:
                    problems.append(f"policies.{policy_name}.actions.{i}: unknown action '{name}'; allowed: {allowed_actions}")
        for segment in self.word_of_mouth.market:
            if segment not in self.segments:
                problems.append(f"word_of_mouth.market.{segment}: unknown segment '{segment}'; "
                                f"allowed: {', '.join(sorted(self.segments))}")
        if self.failures is not None:
            stations = self.stations()
            for type_name, kind in self.failures.types.items():
                for i, station in enumerate(kind.stations):
                    if station not in stations:
                        problems.append(f"failures.types.{type_name}.stations.{i}: unknown station '{station}'; "
                                        f"allowed: {', '.join(sorted(stations))}")
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
