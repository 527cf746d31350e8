"""How a turn is judged: which answers are mistakes, and the turn's score from the model's outcomes.

The score places the trainee's way of playing between the scenario's standard process (0) and its expert
(100). All three are played through the model on the same replications of the turn's seed (common random
numbers) and under the same operation settings, except those a choice of the exercise puts in force. On
each scored KPI the trainee's position is ``(you - standard) / (expert - standard)`` over the mean of the
replications, clamped to 0..1; the score is 100 times the mean position. Its 95 % interval comes from a
paired bootstrap over the replications. A scenario's ``meta.key_kpis`` choose the KPIs; without them the
outcome KPIs below are used.
"""
from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from .heap import load_for_good

SCORE_MIN, SCORE_MAX = 0.0, 100.0
CONFIDENCE = 0.95
BOOTSTRAP_RESAMPLES = 999

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
# judged on what the handling changes: who left dissatisfied after any recovery, not who a failure (a storm
# that grounds every passenger) dissatisfied before it
SCORED_KPIS = ("left_dissatisfied", "customers_lost_wom", "retention_rate", "quality_score")

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


@dataclass(frozen=True)
class Score:
    """A turn's score (0..100) with its 95 % interval, and what it was measured on."""

    value: float
    low: float
    high: float
    replications: int
    kpis: tuple[str, ...]  # the scored KPIs on which the expert and the standard process differ
    positions: dict[str, float]  # each of those KPIs: the trainee's position, 0 (standard) .. 100 (expert)

    @property
    def separates(self) -> bool:
        """Whether the expert and the standard process differ on a scored KPI, so the score places the trainee
        between them; otherwise it is the perceived quality of the trainee's runs (see :func:`score`)."""
        return bool(self.kpis)

    def as_dict(self) -> dict:
        return {"score": self.value, "ci95": [self.low, self.high], "replications": self.replications,
                "positions": {name: self.positions[name] for name in self.kpis},
                "basis": "positions" if self.separates else "perceived_quality"}


def kpi_directions(scenario) -> dict[str, bool]:
    """The scored KPIs and whether higher is better (from the scenario's key KPIs when it names them)."""
    named = {k.kpi: k.better == "higher" for k in getattr(scenario.meta, "key_kpis", ()) or ()}
    return {kpi: named.get(kpi, HIGHER_IS_BETTER.get(kpi, True)) for kpi in scored_kpis(scenario)}


def score(you: Sequence[Kpis], expert: Sequence[Kpis], standard: Sequence[Kpis],
          kpis: tuple[str, ...] = SCORED_KPIS, seed: int = 0, directions: Mapping[str, bool] | None = None) -> Score:
    """The score of ``you`` against the two policies, each a list of KPIs over the same replications.

    KPIs on which the policies do not differ (or that any run lacks) say nothing about the trainee and
    are left out; when none is left, the score is the perceived quality as a percentage. With
    ``directions`` (KPI: higher is better, see :func:`kpi_directions`) a KPI on which the expert does worse
    than the standard process is left out as well, in the whole sample and in each resample of the
    interval: there, moving from the standard process towards the expert means doing worse, and a trainee
    who did worse still than the standard process would be placed at the expert's level.
    """
    n = min(len(you), len(expert), len(standard))
    if n == 0:
        raise ValueError("a score needs at least one replication of each way of playing")
    used = [name for name in kpis if _separates(name, you[:n], expert[:n], standard[:n], _sign(name, directions))]
    if not used:
        return _quality_score(you[:n], kpis)
    table = np.array([[[run[name] for name in used] for run in runs[:n]] for runs in (you, expert, standard)])
    signs = np.array([_sign(name, directions) for name in used], dtype=float)

    value = _combine(*(table[k].mean(axis=0) for k in range(3)), signs)

    def statistic(rows: np.ndarray) -> float:
        resampled = _combine(*(table[k][rows.astype(int)].mean(axis=0) for k in range(3)), signs)
        return value if math.isnan(resampled) else resampled  # a resample that tells nothing apart
    positions = _positions(*(table[k].mean(axis=0) for k in range(3)))
    low, high = _interval(statistic, n, value, seed)
    return Score(round(value, 1), round(low, 1), round(high, 1), n, tuple(used),
                 {name: round(100 * p, 1) for name, p in zip(used, positions)})


def _positions(mine: np.ndarray, best: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Each KPI's position of ``mine`` between ``base`` (0) and ``best`` (1), clamped."""
    with np.errstate(divide="ignore", invalid="ignore"):
        towards = (mine - base) / (best - base)
    return np.clip(np.nan_to_num(towards, nan=0.0), 0.0, 1.0) + 0.0  # + 0.0: no negative zero


def _sign(name: str, directions: Mapping[str, bool] | None) -> float:
    """+1 when higher is better, -1 when lower is, 0 when the direction is not known (any difference counts)."""
    if directions is None or name not in directions:
        return 0.0
    return 1.0 if directions[name] else -1.0


def _apart(best, base, sign):
    """Whether ``best`` differs from ``base`` (beyond rounding) and, where ``sign`` gives the direction, is better."""
    gap = best - base
    differ = np.abs(gap) > 1e-9 * np.maximum(1.0, np.abs(base))
    return differ & ((sign == 0) | (gap * sign > 0))


def _combine(mine: np.ndarray, best: np.ndarray, base: np.ndarray, signs: np.ndarray | None = None) -> float:
    """The mean position (0..100) over the KPIs on which ``best`` does better than ``base`` (or, without
    ``signs``, differs from it); NaN when there is none.

    A KPI on which the policies tie says nothing about the trainee, in the whole sample (see :func:`score`) as in
    one of the interval's resamples: one that draws only replications where the expert and the standard process
    tie on a KPI must not count the expert's own answers as the standard process there. Nor does a resample in
    which the expert does worse than the standard process on a KPI: there the position would reward doing worse."""
    differ = _apart(best, base, np.zeros_like(best) if signs is None else signs)
    return float(SCORE_MAX * _positions(mine, best, base)[differ].mean()) if differ.any() else math.nan


def _interval(statistic, n: int, value: float, seed: int) -> tuple[float, float]:
    """Percentile bootstrap over the replications, resampled together for the three ways of playing."""
    if n < 2:
        return value, value
    stats = load_for_good("scipy.stats")  # imported on first use, off the screen's thread: it takes a second or more
    result = stats.bootstrap((np.arange(n, dtype=float),), statistic, vectorized=False, n_resamples=BOOTSTRAP_RESAMPLES,
                             confidence_level=CONFIDENCE, method="percentile", rng=np.random.default_rng(seed))
    low, high = result.confidence_interval
    low = value if not math.isfinite(low) else min(low, value)
    high = value if not math.isfinite(high) else max(high, value)
    return low, high


def _separates(name: str, you: Sequence[Kpis], expert: Sequence[Kpis], standard: Sequence[Kpis], sign: float = 0.0) -> bool:
    """Whether every run has the KPI and the expert's mean differs from the standard process's (in the
    better direction, when ``sign`` gives it)."""
    if not all(_finite(run.get(name)) for runs in (you, expert, standard) for run in runs):
        return False
    best = float(np.mean([run[name] for run in expert]))
    base = float(np.mean([run[name] for run in standard]))
    return bool(_apart(np.float64(best), np.float64(base), np.float64(sign)))


def _quality_score(you: Sequence[Kpis], kpis: tuple[str, ...]) -> Score:
    quality = [run["quality_score"] for run in you if _finite(run.get("quality_score"))]
    value = round(max(SCORE_MIN, min(SCORE_MAX, SCORE_MAX * float(np.mean(quality)))), 1) if quality else SCORE_MIN
    return Score(value, value, value, len(you), (), {})


def _finite(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
