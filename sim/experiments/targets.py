"""KPI targets such as ``service_level>=0.8``, judged on the 95 % interval rather than the mean alone.

A target counts as met only when the whole interval lies on the right side (``>=``: the lower bound
reaches the value; ``<=``: the upper bound stays under it), so a plan that meets its targets keeps
meeting them when simulated again with fresh random numbers.
"""
from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ..errors import UserError

_FORM = re.compile(r"^\s*([A-Za-z_][\w.:+]*)\s*(>=|<=|>|<)\s*(\S+)\s*$")
_COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
UNMEASURED_SHORTFALL = 1e6  # a KPI with no value counts as far from any target


@dataclass(frozen=True)
class Target:
    """A KPI, a comparison and a value: ``retention_rate >= 0.9``."""

    kpi: str
    op: str
    value: float

    def __str__(self) -> str:
        return f"{self.kpi} {self.op} {self.value:g}"

    @property
    def at_least(self) -> bool:
        return self.op in (">=", ">")

    def bound(self, entry: Mapping[str, Any]) -> float:
        """The side of the interval that must meet the target (lower bound for ``>=``, upper for ``<=``)."""
        low, high = entry["ci95"]
        return low if self.at_least else high

    def met(self, entry: Mapping[str, Any]) -> bool:
        """True when the interval's bound satisfies the target."""
        bound = self.bound(entry)
        return not math.isnan(bound) and _COMPARE[self.op](bound, self.value)

    def undecided(self, entry: Mapping[str, Any]) -> bool:
        """Not met, but the mean is on the right side: more replications may narrow the interval enough."""
        mean = entry["mean"]
        return not self.met(entry) and not math.isnan(mean) and _COMPARE[self.op](mean, self.value)

    def in_block(self, label: str) -> "Target":
        """The same target on the KPI of one block of the day, ``block.HH:MM.KPI``."""
        return Target(f"block.{label}.{self.kpi}", self.op, self.value)

    def shortfall(self, entry: Mapping[str, Any]) -> float:
        """How far the bound is from the target, as a share of the target (0 when met)."""
        bound = self.bound(entry)
        if math.isnan(bound):
            return UNMEASURED_SHORTFALL
        if self.met(entry):
            return 0.0
        gap = self.value - bound if self.at_least else bound - self.value
        return max(gap, 1e-12) / (abs(self.value) or 1.0)

    def margin(self, entry: Mapping[str, Any]) -> float:
        """How far the bound is on the safe side of the target, as a share of the target (negative when not met)."""
        bound = self.bound(entry)
        if math.isnan(bound):
            return -UNMEASURED_SHORTFALL
        gap = bound - self.value if self.at_least else self.value - bound
        return gap / (abs(self.value) or 1.0)


def parse_target(text: str) -> Target:
    """``"service_level>=0.8"`` -> ``Target("service_level", ">=", 0.8)``."""
    match = _FORM.match(text)
    if match:
        try:
            value = float(match[3])
        except ValueError:
            value = math.nan
        if math.isfinite(value):
            return Target(match[1], match[2], value)
    raise UserError(
        f"--target {text!r}: write it as KPI>=VALUE or KPI<=VALUE, for example --target \"service_level>=0.8\" "
        f"or --target \"mean_wait_min<=5\""
    )


def as_targets(targets: Sequence[Target | str]) -> list[Target]:
    """Accept Target objects or their text form; at least one is needed."""
    result = [t if isinstance(t, Target) else parse_target(t) for t in targets]
    if not result:
        raise UserError("give at least one --target, for example --target \"service_level>=0.8\"")
    return result


def all_met(targets: Sequence[Target], summary: Mapping[str, Mapping[str, Any]]) -> bool:
    return all(t.met(summary[t.kpi]) for t in targets)


def total_shortfall(targets: Sequence[Target], summary: Mapping[str, Mapping[str, Any]]) -> float:
    return sum(t.shortfall(summary[t.kpi]) for t in targets)
