"""How a customer judges a recovery: distributive, procedural and interactional justice.

Tax, Brown & Chandrashekaran (1998) and Smith, Bolton & Wagner (1999): customers weigh what they get
back against what they lost (distributive), how fast and easily it came (procedural: delay, passing
from desk to desk) and how they were treated (interactional: apology, explanation, courtesy). Money
and fixes count most for a lost outcome, words for poor treatment (the weights by failure category).
The result is the share of the loss the recovery gives back, in -1..1: negative when forbidden phrases
or blame-shifting make the handling itself an offence.
"""
from __future__ import annotations

from ..scenario.recovery import Justice, Paradox


def speed_credit(delay_min: float, handovers: int, justice: Justice) -> float:
    """Procedural justice, 0..1: 1 for an answer on the spot, falling smoothly with delay and handovers."""
    slowness = (max(delay_min, 0.0) / justice.half_value_delay_min) ** justice.delay_shape
    return justice.handover_factor ** handovers / (1.0 + slowness)


def interactional_share(interactional: float, justice: Justice) -> float:
    """Fair treatment received, -1..1, from the quality words gave back (or took away)."""
    return max(-1.0, min(1.0, interactional / justice.full_interactional))


def recovery_value(category: str, loss: float, distributive: float, interactional: float, justice: Justice) -> float:
    """What the recovery made good, -1..1, whatever its speed: distributive and interactional justice.

    ``distributive`` and ``interactional`` are the quality the recovery's fixes and words gave back;
    fixes count against the loss (a small gesture does not undo a large loss), words against a full
    apology and explanation, each weighted for the failure's category.
    """
    weights = getattr(justice.weights, category)
    outcome = min(1.0, distributive / loss) if loss > 0 else (1.0 if distributive > 0 else 0.0)
    return weights.distributive * outcome + weights.interactional * interactional_share(interactional, justice)


def recovery_satisfaction(category: str, loss: float, distributive: float, interactional: float,
                          delay_min: float, handovers: int, justice: Justice) -> float:
    """Share of the loss the recovery gives back in the customer's eyes, -1..1.

    Its :func:`recovery_value`, scaled by speed: the same fix a day later is worth less. Bad handling is
    not softened by coming fast.
    """
    value = recovery_value(category, loss, distributive, interactional, justice)
    if value <= 0.0:
        return value
    return value * (1.0 - justice.speed_weight + justice.speed_weight * speed_credit(delay_min, handovers, justice))


def paradox_possible(severity: str, failures: int, blame: float, recovery: float, delay_min: float,
                     quick_within_min: float, paradox: Paradox) -> bool:
    """Whether a recovery may lift satisfaction above no failure (Magnini et al. 2007).

    Only a first, minor failure whose cause the firm did not fully control or will not repeat, recovered
    within the quick delay and judged at least ``paradox.min_recovery``.
    """
    return (severity == "minor" and failures == 1 and blame <= paradox.max_blame
            and recovery >= paradox.min_recovery and delay_min <= quick_within_min)
