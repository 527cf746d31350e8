"""Clock times of model minutes: minute 0 is the scenario's ``operation.opens_at``."""
from __future__ import annotations


def clock_time(opens_at_min: float, minute: float) -> str:
    """``HH:MM`` of model ``minute`` for an operation opening ``opens_at_min`` minutes after midnight."""
    total = int(round(opens_at_min + minute)) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


def time_of_day(operation, minute: float) -> str:
    """``HH:MM`` of model ``minute`` in a scenario: each day of a multi-day run opens at ``opens_at`` again."""
    return clock_time(operation.opens_at_min, minute % operation.duration_min)
