"""The whole scenario: one schema for everything a scenario file may hold, with cross-field checks."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, PrivateAttr, model_validator

from .base import CROSS_CHECK_SEPARATOR, StrictModel
from .meta import Meta
from .operation import Operation, Segment, StaffRole


class Scenario(StrictModel):
    """A service operation and, optionally, the training exercise built on it."""

    meta: Meta
    operation: Operation = Field(default_factory=Operation)
    segments: dict[str, Segment] = Field(min_length=1)
    staff: dict[str, StaffRole] = Field(min_length=1)

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
        if problems:
            raise ValueError(CROSS_CHECK_SEPARATOR.join(problems))
        return self
