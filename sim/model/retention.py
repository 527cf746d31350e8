"""Whether a customer comes back, by what happened to them (TARP figures, DOMAIN.md).

Paths: ``no_failure`` (no felt failure), ``silent`` (dissatisfied, never complained),
``unresolved`` (complained but still dissatisfied), ``resolved_quickly`` and ``resolved_slowly``.
Retention after a resolution falls from the quick figure to the slow one as the delay grows,
log-linearly between ``quick_within_min`` and ``slow_after_min``.
"""
from __future__ import annotations

import math

from ..scenario.behaviour import Retention

PATHS = ("no_failure", "silent", "unresolved", "resolved_quickly", "resolved_slowly")


def resolution_path(delay_min: float, retention: Retention) -> str:
    """``resolved_quickly`` within the quick threshold, ``resolved_slowly`` beyond it."""
    return "resolved_quickly" if delay_min <= retention.quick_within_min else "resolved_slowly"


def retention_probability(path: str, severity: str, retention: Retention, delay_min: float = 0.0) -> float:
    """Chance that a customer on ``path`` (after a failure of ``severity``) comes back."""
    if path == "no_failure":
        return retention.no_failure
    if path in ("silent", "unresolved"):
        return getattr(getattr(retention, path), severity)
    quick = getattr(retention.resolved_quickly, severity)
    slow = getattr(retention.resolved_slowly, severity)
    if delay_min <= retention.quick_within_min:
        return quick
    if delay_min >= retention.slow_after_min:
        return slow
    span = math.log(retention.slow_after_min / retention.quick_within_min)
    share = math.log(delay_min / retention.quick_within_min) / span
    return quick + (slow - quick) * share
