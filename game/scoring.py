"""How a turn is judged: which answers are mistakes, and the turn's score from the model's outcomes.

The score puts the trainee's run between the scenario's two policies played on the same seed: on each
scored KPI the standard process scores 50 and the expert 100 (clamped to 0..100), and the turn's score is
the mean. A scenario's ``meta.key_kpis`` choose the KPIs; without them the outcome KPIs below are used.
"""
from __future__ import annotations

import math
import numbers
from typing import Mapping

SCORE_MIN, SCORE_MAX = 0.0, 100.0
STANDARD_SCORE = 50.0  # the standard process's outcome; the expert's is SCORE_MAX

# The KPIs stored with a turn (and shown by the debrief), and whether a higher value is better.
HIGHER_IS_BETTER: dict[str, bool] = {
    "complaints": False,
    "dissatisfied": False,
    "left_dissatisfied": False,
    "silent_dissatisfied": False,
    "retention_rate": True,
    "customers_lost_wom": False,
    "recovery_cost": False,
    "revenue_lost": False,
    "quality_score": True,
}
SCORED_KPIS = ("dissatisfied", "customers_lost_wom", "retention_rate", "quality_score")

Kpis = Mapping[str, float]


def is_mistake(choice) -> bool:
    """A bad answer: it carries a flag (blame-shifting, a forbidden phrase...) or makes the customer feel worse."""
    return bool(choice.flags) or choice.mood < 0


def feedback_key(choice, timed_out: bool) -> str:
    """The kind of feedback an answer got: its flags joined by '+' (``timed_out`` first), else good or negative."""
    parts = (["timed_out"] if timed_out else []) + list(choice.flags)
    return "+".join(parts) if parts else ("negative" if choice.mood < 0 else "good")


def timed_out(key: str | None) -> bool:
    """Whether a feedback key (see :func:`feedback_key`) says the answer was taken when the timer ran out."""
    return (key or "").split("+")[0] == "timed_out"


def recorded_kpis(kpis: Kpis, scored: tuple[str, ...] = SCORED_KPIS) -> dict[str, float]:
    """The KPIs kept with a turn: those the debrief shows and those scored, when the model produced a finite value."""
    names = dict.fromkeys([*HIGHER_IS_BETTER, *scored])
    return {name: float(kpis[name]) for name in names if _finite(kpis.get(name))}


def scored_kpis(scenario) -> tuple[str, ...]:
    """The scenario's key KPIs, or the default outcome KPIs when it names none."""
    key_kpis = tuple(k.kpi for k in getattr(scenario.meta, "key_kpis", ()) or ())
    return key_kpis or SCORED_KPIS


def turn_score(you: Kpis, expert: Kpis | None, standard: Kpis | None, kpis: tuple[str, ...] = SCORED_KPIS) -> float:
    """The turn's score (0..100) from its KPIs and the two policies' KPIs on the same seed.

    KPIs on which the policies do not differ say nothing about the trainee and are skipped; when none is
    left (a scenario without both policies), the score is the perceived quality as a percentage.
    """
    parts = []
    for name in kpis:
        mine, best, base = you.get(name), (expert or {}).get(name), (standard or {}).get(name)
        if not (_finite(mine) and _finite(best) and _finite(base)) or abs(best - base) <= 1e-9 * max(1.0, abs(base)):
            continue
        towards_expert = (mine - base) / (best - base)  # 0 at the standard process, 1 at the expert
        parts.append(_clamp(STANDARD_SCORE + (SCORE_MAX - STANDARD_SCORE) * towards_expert))
    if not parts:
        quality = you.get("quality_score")
        return round(_clamp(SCORE_MAX * quality), 1) if _finite(quality) else SCORE_MIN
    return round(sum(parts) / len(parts), 1)


def _finite(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def _clamp(value: float) -> float:
    return max(SCORE_MIN, min(SCORE_MAX, value))
