"""Attribution of a failure's cause (Folkes 1984; Folkes, Koletsky & Graham 1987, delayed flights).

Customers who see the cause as controllable by the firm and likely to recur are angrier: they complain
more, buy again less and warn others more. A storm (not controllable, not stable) costs far less
loyalty than the firm's own mistake, unless staff handle it badly: blame-shifting and forbidden
phrases make the handling the firm's own fault.
"""
from __future__ import annotations

from ..scenario.behaviour import Attribution


def blame(controllable: bool, stable: bool, attribution: Attribution) -> float:
    """How much the customer holds the firm responsible, 0..1 (1: the firm's own, recurring fault)."""
    return attribution.base + attribution.control * controllable + attribution.stability * stable


def felt_blame(cause_blame: float, treatment: float) -> float:
    """Blame after the handling: unfair treatment (``treatment`` < 0, -1..1) shifts it onto the firm."""
    if treatment >= 0.0:
        return cause_blame
    return cause_blame + (1.0 - cause_blame) * min(1.0, -treatment)


def complaint_factor(blame_share: float, attribution: Attribution) -> float:
    """Multiplier on the chance to complain: 1 for the firm's own fault, less for causes it could not help."""
    return 1.0 - attribution.complaint_effect * (1.0 - blame_share)


def telling_factor(blame_share: float, attribution: Attribution) -> float:
    """Multiplier on the people a dissatisfied customer tells: angry customers warn more."""
    return 1.0 - attribution.word_of_mouth_effect * (1.0 - blame_share)
