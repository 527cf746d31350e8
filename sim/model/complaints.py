"""Who complains: a small share of the dissatisfied, more for severe failures and easy channels."""
from __future__ import annotations

from ..scenario.behaviour import Behaviour


def complaint_probability(severity: str, behaviour: Behaviour, channels: int | None = None) -> float:
    """Chance that a dissatisfied customer complains (DOMAIN.md: 5-10 % of the dissatisfied by default)."""
    base = getattr(behaviour.complaint_propensity, severity)
    extra_channels = (channels if channels is not None else behaviour.channels) - 1
    return min(1.0, base * (1.0 + behaviour.channel_effect * extra_channels))
