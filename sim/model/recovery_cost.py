"""The cost of recovery grows with delay: on the spot : next day : later = 1 : 10 : 100 (DOMAIN.md)."""
from __future__ import annotations

import math

from ..scenario.recovery import CostCurve


def recovery_cost_factor(delay_min: float, curve: CostCurve | None = None) -> float:
    """Multiplier on an action's on-the-spot cost after ``delay_min`` minutes.

    Log-linear between the anchors (0 min -> on_the_spot, next_day_min -> next_day, later_min -> later),
    flat beyond the last one.
    """
    curve = curve or CostCurve()
    anchors = [(0.0, curve.on_the_spot), (curve.next_day_min, curve.next_day), (curve.later_min, curve.later)]
    if delay_min <= 0:
        return curve.on_the_spot
    for (t0, f0), (t1, f1) in zip(anchors, anchors[1:]):
        if delay_min <= t1:
            share = (delay_min - t0) / (t1 - t0)
            if f0 > 0 and f1 > 0:
                return math.exp(math.log(f0) + share * (math.log(f1) - math.log(f0)))
            return f0 + share * (f1 - f0)
    return curve.later
