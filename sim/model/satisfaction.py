"""Perceived quality and satisfaction: SERVQUAL-weighted shortfalls measured against expectation.

A faultless visit scores 1. A failure empties part of the SERVQUAL dimension it belongs to (its weight
is the DOMAIN.md SERVQUAL weight: reliability 32 %, responsiveness 22 %, ...); long waits erode
responsiveness. A customer whose perceived quality falls below their expectation is dissatisfied.
"""
from __future__ import annotations

from ..scenario.behaviour import Quality

# Which SERVQUAL dimension a Bitner failure category damages.
CATEGORY_DIMENSION = {
    "delivery_system": "reliability",  # the core service itself failed
    "customer_needs": "responsiveness",  # a request or special need was not met
    "employee_action": "empathy",  # attention, manners, cultural norms
}
# How much of that dimension a failure of each severity takes away.
SEVERITY_DEPTH = {"minor": 0.5, "major": 0.9, "critical": 1.0}
# A critical failure also shakes the customer's trust in the firm (assurance).
CRITICAL_ASSURANCE_LOSS = 1.0


def failure_loss(category: str, severity: str, quality: Quality) -> float:
    """Perceived quality (0..1) a failure takes away."""
    weights = quality.weights
    loss = getattr(weights, CATEGORY_DIMENSION[category]) * SEVERITY_DEPTH[severity]
    if severity == "critical":
        loss += weights.assurance * CRITICAL_ASSURANCE_LOSS
    return loss


def wait_loss(wait_min: float, quality: Quality) -> float:
    """Perceived quality lost to waiting beyond the customer's tolerance (at most all of responsiveness)."""
    excess = wait_min - quality.wait_tolerance_min
    if excess <= 0:
        return 0.0
    return quality.weights.responsiveness * min(1.0, excess * quality.wait_penalty_per_min)


def mood(perceived: float, expectation: float) -> float:
    """A -1..1 mood for display: 0 at expectation, +1 well above it, -1 far below it."""
    return max(-1.0, min(1.0, (perceived - expectation) * 5.0))
