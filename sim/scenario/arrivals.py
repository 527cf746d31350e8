"""Schema of arrival profiles: rates per block of any length, clock-time peaks, and a total split by mix.

A profile is piecewise constant over the day. ``per_hour`` gives one rate, or one rate per block of
``block_min`` minutes from opening (60 by default: the hourly profile). ``peaks`` then set the rate in
windows written as clock times, so a 07:30 opening with an 08:00-10:00 peak needs no arithmetic. The
top-level ``arrivals`` gives the total for the whole operation and a ``mix`` that shares it out among
segments, instead of one list per segment.
"""
from __future__ import annotations

import math
import re
from typing import Union

from pydantic import Field, field_validator, model_validator

from .base import NonNegative, Positive, Probability, StrictModel

CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def clock_minutes(text: str) -> int:
    """Minutes after midnight of an ``HH:MM`` clock time."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


class Peak(StrictModel):
    """A window of the day, in clock times, with its own arrival rate."""

    start: str = Field(description="clock time (HH:MM) the window begins")
    end: str = Field(description="clock time (HH:MM) the window ends")
    per_hour: NonNegative

    @field_validator("start", "end")
    @classmethod
    def _clock(cls, value: str) -> str:
        if not CLOCK.match(value):
            raise ValueError(f"'{value}' is not a clock time; write it as HH:MM, for example 08:00")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> "Peak":
        if clock_minutes(self.end) <= clock_minutes(self.start):
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class ArrivalProfile(StrictModel):
    """Customers per hour over the day: per block of ``block_min`` minutes, with clock-time peaks."""

    per_hour: Union[NonNegative, list[NonNegative]] = Field(
        0.0, description="customers per hour: one number, or one number per block of block_min minutes from opening"
    )
    block_min: Positive = Field(60.0, description="length of each block of the per_hour list (30 for half hours)")
    peaks: list[Peak] = Field(default_factory=list, description="clock-time windows with their own rate (they win over per_hour)")

    def blocks(self, duration_min: float, opens_at_min: int) -> list[tuple[float, float, float]]:
        """``[(start, end, per_hour), ...]`` covering one day in minutes from opening."""
        if isinstance(self.per_hour, list):
            base = [(i * self.block_min, min((i + 1) * self.block_min, duration_min), rate)
                    for i, rate in enumerate(self.per_hour) if i * self.block_min < duration_min]
        else:
            base = [(0.0, duration_min, float(self.per_hour))]
        for peak in self.peaks:
            lo = max(clock_minutes(peak.start) - opens_at_min, 0.0)
            hi = min(float(clock_minutes(peak.end) - opens_at_min), duration_min)
            if hi > lo:
                base = overlay(base, lo, hi, peak.per_hour)
        return base

    def block_problems(self, duration_min: float) -> list[str]:
        """What does not fit the opening hours, as ``key: message`` lines relative to this profile."""
        if not isinstance(self.per_hour, list):
            return []
        needed = math.ceil(duration_min / self.block_min - 1e-9)
        if len(self.per_hour) != needed:
            return [f"per_hour: {len(self.per_hour)} rates given but the day has {needed} block(s) of "
                    f"{self.block_min:g} min; give one rate per block, or a single number"]
        return []


class TotalArrivals(ArrivalProfile):
    """All customers of the operation, shared among segments by ``mix``."""

    mix: dict[str, Probability] = Field(description="share of the arrivals in each segment (keys of `segments`); they add up to 1")

    @model_validator(mode="after")
    def _mix_sums_to_one(self) -> "TotalArrivals":
        total = sum(self.mix.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"the mix adds up to {total:g}; make the segments' shares add up to 1")
        return self


def overlay(blocks: list[tuple[float, float, float]], lo: float, hi: float, rate: float) -> list[tuple[float, float, float]]:
    """``blocks`` with the rate set to ``rate`` on [lo, hi)."""
    result = []
    for start, end, value in blocks:
        for a, b, v in ((start, min(end, lo), value), (max(start, lo), min(end, hi), rate), (max(start, hi), end, value)):
            if b > a:
                result.append((a, b, v))
    return result


def add_blocks(a: list[tuple[float, float, float]], b: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """The sum of two piecewise-constant profiles over the same day."""
    cuts = sorted({float(x) for s, e, _ in (*a, *b) for x in (s, e)})
    merged: list[tuple[float, float, float]] = []
    for start, end in zip(cuts, cuts[1:]):
        rate = sum(v for s, e, v in (*a, *b) if s <= start < e)
        if merged and merged[-1][2] == rate:
            merged[-1] = (merged[-1][0], end, rate)
        else:
            merged.append((start, end, rate))
    return merged
