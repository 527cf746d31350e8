"""Schema of the operation itself: opening hours, customer segments and their arrivals, staff and shifts."""
from __future__ import annotations

import math
import re
from typing import Annotated, Literal, Union

from pydantic import Field, field_validator, model_validator

from .arrivals import ArrivalProfile
from .base import Minutes, Money, NonNegative, Positive, Probability, StrictModel, Text
from .distributions import Distribution
from .journeys import Step

_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
Weekday = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
DayType = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "weekday", "weekend"]
"""A kind of day with its own arrivals: a weekday's name, or ``weekday`` (Monday to Friday) / ``weekend``."""
MAX_DAY_MIN = 3660 * 1440  # ten years: one "day" may be a long stretch (a textbook queue), not longer


class Operation(StrictModel):
    """When the operation is open and how its results are measured."""

    opens_at: str = Field("09:00", description="clock time (HH:MM) of minute 0, shown in the game and plots")
    duration_min: Annotated[float, Field(gt=0, le=MAX_DAY_MIN, description="minutes open per day")] = 480.0
    days: Annotated[int, Field(ge=1, le=366)] = 1
    first_day: Weekday | None = Field(
        None, description="the weekday of day 1 (Monday..Sunday); needed when segments give arrivals_by_day"
    )
    warmup_min: Minutes = Field(0.0, description="minutes at the start excluded from the KPIs")
    service_level_threshold_min: Minutes = Field(
        5.0, description="a customer counts toward the service level when served within this wait"
    )
    block_min: Annotated[float, Field(gt=0, description=(
        "length of the blocks of the day that KPIs are split into (block.HH:MM.KPI) and staff are planned in"
    ))] = 60.0

    @field_validator("opens_at")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not _CLOCK.match(value):
            raise ValueError(f"'{value}' is not a clock time; write it as HH:MM, for example 18:00")
        return value

    @property
    def horizon_min(self) -> float:
        """Total simulated minutes over all days."""
        return self.duration_min * self.days

    @property
    def opens_at_min(self) -> int:
        """Minute of the day at which minute 0 of the model falls."""
        hours, minutes = self.opens_at.split(":")
        return int(hours) * 60 + int(minutes)

    def weekday_of(self, day: int) -> str | None:
        """The weekday of day ``day`` of the run (0 = the first day), if the run has a calendar."""
        if self.first_day is None:
            return None
        return WEEKDAYS[(WEEKDAYS.index(self.first_day) + day) % 7]

    @property
    def hours_per_day(self) -> int:
        return math.ceil(self.duration_min / 60 - 1e-9)

    @model_validator(mode="after")
    def _warmup_inside(self) -> "Operation":
        if self.warmup_min >= self.horizon_min:
            raise ValueError(
                f"warmup_min ({self.warmup_min:g}) must be shorter than the run "
                f"({self.horizon_min:g} min = days x duration_min)"
            )
        return self


class Service(StrictModel):
    """Who serves a segment and how long it takes."""

    role: str = Field(description="the staff role (a key of `staff`) that serves this segment")
    time: Distribution


class Segment(StrictModel):
    """A group of customers with their own arrivals, journey, priority, patience and value."""

    label: Text | None = None
    arrivals_per_hour: Union[NonNegative, list[NonNegative]] | None = Field(
        None, description="customers per hour: one number, or one number per opening hour (an hourly profile)"
    )
    arrivals: ArrivalProfile | None = Field(
        None, description="or: a profile with blocks of any length and clock-time peaks"
    )
    arrivals_by_day: dict[DayType, ArrivalProfile] = Field(default_factory=dict, description=(
        "days with arrivals of their own: {Saturday: {per_hour: [...]}, weekend: ..., weekday: ...}; a weekday's "
        "name wins over weekday/weekend, and other days keep arrivals_per_hour (needs operation.first_day)"
    ))
    priority: int = Field(0, description="higher numbers are served first (for example VIP = 1, regular = 0)")
    service: Service | None = Field(None, description="a visit to one station: who serves and how long it takes")
    journey: list[Step] | None = Field(
        None, min_length=1, description="or: the stations of a visit in order, with routing after each"
    )
    patience_min: Distribution | None = Field(
        None, description="how long a customer waits before giving up (reneging); omit for unlimited patience"
    )
    balk_queue_length: Annotated[int, Field(ge=0)] | None = Field(
        None, description="an arriving customer leaves at once if this many or more are queueing"
    )
    value: Money = Field(0.0, description="revenue from one visit")
    expectation: Annotated[float, Field(ge=0.0, le=1.0)] | None = Field(
        None, description="this segment's expectation of quality (0..1); default: quality.expectation"
    )
    starting_queue: Annotated[int, Field(ge=0, le=100_000)] = Field(
        0, description="customers of this segment already waiting at opening (a crowd at the door)"
    )

    @model_validator(mode="after")
    def _one_visit_and_one_profile(self) -> "Segment":
        if (self.service is None) == (self.journey is None):
            raise ValueError("give exactly one of service (one station) or journey (a list of stations)")
        if self.arrivals_per_hour is not None and self.arrivals is not None:
            raise ValueError("give arrivals_per_hour or arrivals, not both")
        if self.journey is not None:
            names = [step.name for step in self.journey]
            doubled = sorted({n for n in names if names.count(n) > 1})
            if doubled:
                raise ValueError(f"journey steps {doubled} share a name; give repeated stations their own id")
            for i, step in enumerate(self.journey):
                unknown = [t for t in (step.next or {}) if t not in names and t != "leave"]
                if unknown:
                    raise ValueError(f"journey step {i} ('{step.name}') routes to unknown step(s) {unknown}; "
                                     f"allowed: {', '.join(names)}, leave")
        return self

    @property
    def steps(self) -> list[Step]:
        """The journey; a plain ``service`` is a journey of one station."""
        if self.journey is not None:
            return self.journey
        return [Step(station=self.service.role, time=self.service.time)]

    @property
    def own_profile(self) -> ArrivalProfile | None:
        """This segment's own arrival profile, if it gives one (it may instead have a share of the total)."""
        if self.arrivals is not None:
            return self.arrivals
        if self.arrivals_per_hour is not None:
            return ArrivalProfile(per_hour=self.arrivals_per_hour)
        return None

    def profile_on(self, weekday: str | None) -> ArrivalProfile | None:
        """The arrival profile of a day: its weekday's own, its day type's (weekday/weekend), or the usual one."""
        if weekday is not None:
            day_type = "weekend" if weekday in ("Saturday", "Sunday") else "weekday"
            for key in (weekday, day_type):
                if key in self.arrivals_by_day:
                    return self.arrivals_by_day[key]
        return self.own_profile

    def hourly_rates(self, hours: int) -> list[float]:
        """Arrival rate (per hour) for each opening hour of a day, from ``arrivals_per_hour``."""
        if isinstance(self.arrivals_per_hour, list):
            return list(self.arrivals_per_hour)
        return [float(self.arrivals_per_hour or 0.0)] * hours


class Shift(StrictModel):
    """A block of the day (minutes from opening, each day) with its own staff: ``extra`` staff on top of
    the role's ``count`` (moves with it when the count changes), or an absolute ``count``."""

    start_min: Minutes
    end_min: Minutes
    count: Annotated[int, Field(ge=0)] | None = Field(None, description="staff on duty in this block, whatever the role's count")
    extra: int | None = Field(None, description="staff on duty in this block on top of the role's count (negative: fewer)")

    @model_validator(mode="after")
    def _ordered(self) -> "Shift":
        if self.end_min <= self.start_min:
            raise ValueError(f"end_min ({self.end_min:g}) must be after start_min ({self.start_min:g})")
        if (self.count is None) == (self.extra is None):
            raise ValueError("give the shift either `extra` (staff on top of the role's count) or `count` (absolute), not both")
        return self


class StaffRole(StrictModel):
    """A pool of interchangeable staff: how many are on duty, when, what they cost and how skilled they are."""

    label: Text | None = None
    count: Annotated[int, Field(ge=0, le=10_000)] = Field(
        description="staff on duty whenever no shift below says otherwise; shifts with `extra` move with it"
    )
    shifts: list[Shift] = Field(default_factory=list)
    cost_per_hour: Money = 0.0
    skill: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        1.0, description="1 = fully trained; lower skill makes failures more likely"
    )

    def count_at(self, minute_of_day: float) -> int:
        """Staff on duty at a minute of the day: the role's count (or the absolute ``count`` of the last
        such shift covering the minute), plus the ``extra`` of every shift with one covering it. Extras add
        up, as a planner writes them: a morning team of 12 more and, inside it, a lunch stagger of 6 fewer."""
        base, extra = self.count, 0
        for shift in self.shifts:
            if shift.start_min <= minute_of_day < shift.end_min:
                if shift.count is not None:
                    base = shift.count
                else:
                    extra += shift.extra
        return max(base + extra, 0)

    def schedule(self, day_length: float) -> list[tuple[float, int]]:
        """Change points of the staff count over one day: ``[(start_minute, count), ...]``."""
        points = sorted({0.0, *(s.start_min for s in self.shifts), *(s.end_min for s in self.shifts)})
        steps: list[tuple[float, int]] = []
        for point in points:
            if point >= day_length:
                continue
            count = self.count_at(point)
            if not steps or steps[-1][1] != count:
                steps.append((point, count))
        return steps

    @property
    def max_count(self) -> int:
        """The most staff on duty at any time of the day (the count only changes where a shift starts or ends)."""
        return max([self.count, *(self.count_at(minute) for s in self.shifts for minute in (s.start_min, s.end_min))])

    def fixed_shifts(self) -> list[Shift]:
        """Shifts with an absolute count, which a change of the role's count does not reach."""
        return [shift for shift in self.shifts if shift.count is not None]


class Outage(StrictModel):
    """A window in which a station loses staff or serves slower: a system outage, a sick call, a breakdown.

    Staff out are taken from whoever is scheduled, so a staffing search that changes the counts keeps
    the outage as given.
    """

    id: str
    label: Text | None = None
    station: str = Field(description="the staff role or self-service resource it hits")
    at_min: Minutes = Field(description="when it starts, minutes from opening of day 1")
    lasts_min: Positive = Field(description="how long it lasts")
    staff_out: Annotated[int, Field(ge=0)] | None = Field(None, description="staff (or units) out of action")
    share_out: Probability | None = Field(None, description="or: the share of those on duty out of action (rounded)")
    slowdown: Annotated[float, Field(ge=1.0, le=100.0)] = Field(
        1.0, description="services started during the outage take this many times longer (a manual fallback)"
    )

    @model_validator(mode="after")
    def _some_effect(self) -> "Outage":
        if self.staff_out is not None and self.share_out is not None:
            raise ValueError("give staff_out or share_out, not both")
        if not self.staff_out and not self.share_out and self.slowdown == 1.0:
            raise ValueError("the outage changes nothing; give staff_out, share_out or a slowdown above 1")
        return self
