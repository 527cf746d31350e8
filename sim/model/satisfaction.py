"""Satisfaction as disconfirmation (Oliver 1980): perceived quality against the customer's own expectation.

A faultless visit is perceived at 1. A failure takes away part of the SERVQUAL dimension it belongs to
(weights 32/22/19/16/11 %, DOMAIN.md); waiting beyond the customer's own tolerance erodes
responsiveness. Customers differ: each draws an expectation (normal around the segment's mean) and a
tolerance for waiting (lognormal around the median), so the share dissatisfied rises smoothly with the
size of a failure instead of at one threshold. A recovery gives back a share of the loss
(:func:`perceived_quality`); a customer below their expectation is dissatisfied.
"""
from __future__ import annotations

import math

import numpy as np

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


def customer_expectation(mean: float, sd: float, z):
    """One customer's expectation from a standard normal draw ``z``: normal around ``mean``, cut to 0..1.

    ``z`` may be an array of draws (one per customer), for many customers at once."""
    return np.clip(mean + sd * z, 0.0, 1.0)


def lognormal_sigma(cv: float) -> float:
    """The log-scale spread of a lognormal variable with coefficient of variation ``cv``."""
    return math.sqrt(math.log1p(cv * cv))


def customer_tolerance(median: float, sigma: float, z):
    """One customer's tolerance for waiting (minutes) from a standard normal draw ``z``: lognormal.

    ``z`` may be an array of draws (one per customer), for many customers at once."""
    return median * np.exp(sigma * z)


def wait_loss(wait_min: float, tolerance_min: float, quality: Quality) -> float:
    """Perceived quality lost to waiting beyond the customer's tolerance (at most all of responsiveness)."""
    excess = wait_min - tolerance_min
    if excess <= 0:
        return 0.0
    return quality.weights.responsiveness * min(1.0, excess * quality.wait_penalty_per_min)


def perceived_quality(loss: float, given_back: float) -> float:
    """Perceived quality after a loss of which the customer judges the share ``given_back`` given back.

    A recovery judged unfair (negative) adds to the loss; above 1 is the recovery paradox's lift.
    """
    return 1.0 - loss * (1.0 - given_back)


def mood(perceived: float, expectation: float) -> float:
    """A -1..1 mood for display: 0 at expectation, +1 well above it, -1 far below it."""
    return max(-1.0, min(1.0, (perceived - expectation) * 5.0))
