"""Whether a customer comes back, from how the failure was felt and judged (TARP figures, DOMAIN.md).

A failure costs loyalty in proportion to its severity (the TARP share of silent customers who still
come back), to the blame the customer puts on the firm (attribution) and to the share of the loss the
recovery did not give back (justice)::

    stays = no_failure x (1 - damage(severity) x blame x (1 - min(recovery, 1)))

So the silent, who got nothing, keep the TARP silent figure for the firm's own fault; a recovery
judged fair and fast brings the chance back near no failure; a slow one keeps about 60 %. More than
the loss given back (the recovery paradox) never buys loyalty above no failure (de Matos et al. 2007).

Paths (how a visit ended, for the KPIs): ``no_failure`` (satisfied without a recovery), ``silent``
(dissatisfied, never complained, no recovery), ``unresolved`` (got a recovery or complained, and is still
dissatisfied or was not satisfied with the recovery), ``resolved_quickly`` and ``resolved_slowly``
(satisfied after a recovery that made good at least ``resolved_min_value`` of the loss, within or beyond
``quick_within_min``). TARP's ladder sorts complainers by their satisfaction with the response: an
acknowledgement that lifts a barely dissatisfied customer back over their expectation has not
resolved their complaint.
"""
from __future__ import annotations

from ..scenario.behaviour import Retention

PATHS = ("no_failure", "silent", "unresolved", "resolved_quickly", "resolved_slowly")


def severity_damage(severity: str, retention: Retention) -> float:
    """Share of the loyal chance an unrecovered failure of the firm's own making takes away."""
    if retention.no_failure <= 0:
        return 0.0
    return 1.0 - getattr(retention.silent, severity) / retention.no_failure


def retention_probability(severity: str, recovery: float, blame: float, retention: Retention) -> float:
    """Chance that a customer who felt a failure of ``severity`` comes back.

    ``recovery`` is the share of the loss the customer judges given back (-1 when the handling made it
    worse); whatever lifts satisfaction beyond a full recovery never lifts loyalty above no failure.
    ``blame`` (0..1) is the firm's responsibility as the customer sees it.
    """
    damage = severity_damage(severity, retention) * blame * (1.0 - min(recovery, 1.0))
    return retention.no_failure * max(0.0, 1.0 - damage)


def resolution_path(satisfied: bool, recovered: bool, complained: bool, delay_min: float, retention: Retention,
                    made_good: float = 1.0) -> str:
    """The path of a visit that felt a failure; ``made_good`` is the recovery's value (sim.justice.recovery_value)."""
    if satisfied and not recovered:
        return "no_failure"
    if satisfied and made_good >= retention.resolved_min_value:
        return "resolved_quickly" if delay_min <= retention.quick_within_min else "resolved_slowly"
    return "unresolved" if recovered or complained else "silent"
