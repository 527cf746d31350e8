"""Summaries across replications: mean and 95 % confidence interval per KPI.

The interval is Student's t over independent replications, cut to the values the KPI can take (a
share stays in [0, 1], a count at 0 or above; the true mean lies in that range, so the cut costs no
coverage). When every replication gives a share the same bound (all 1 or all 0: no customer abandoned,
every customer waited), Wilson's score interval replaces a zero-width claim of certainty: over the
customers the share was taken of, all replications together, where the runs say how many they were
(none of 785 customers abandoned: below 0.5 %), else over the replications (for values in [0, 1] the
variance is at most p (1 - p), so Wilson's interval is valid for their mean).
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping

import numpy as np

from ..model.kpis import dimension_of, kpi_range
from ..model.outcome_kpis import RECOVERED
from ..model.retention import PATHS

Z95 = 1.959963984540054


def confidence_interval(values: Iterable[float], level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high) of the ``level`` t-interval of the mean of independent replications."""
    data = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    if data.size == 0:
        return math.nan, math.nan, math.nan
    mean = float(data.mean())
    if data.size < 2:
        return mean, math.nan, math.nan
    from scipy import stats  # imported on first use: worker processes that only simulate start faster

    half = float(stats.t.ppf(0.5 + level / 2, data.size - 1) * data.std(ddof=1) / math.sqrt(data.size))
    return mean, mean - half, mean + half


def wilson_interval(share: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for a share ``share`` observed over ``n`` trials."""
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    low = 0.0 if share <= 0.0 else max(centre - half, 0.0)  # at a bound, the bound itself (not a rounding of it)
    high = 1.0 if share >= 1.0 else min(centre + half, 1.0)
    return low, high


TRIALS = {  # a share of customers: the counts (of the same run) it is a share of
    "abandon_rate": ("served", "abandoned"),
    "prob_wait": ("served",),
    "service_level": ("served", "abandoned"),  # and those still queueing past the threshold: fewer trials, a wider interval
    "complaint_rate": ("dissatisfied",),
    "retention_rate": tuple(f"customers.{path}" for path in PATHS),
    "recovered_retention_rate": tuple(f"customers.{path}" for path in RECOVERED),
    "paradox_share": tuple(f"customers.{path}" for path in RECOVERED),
    **{f"retention.{path}": (f"customers.{path}",) for path in PATHS},
}


def share_trials(name: str, runs: Iterable[Mapping[str, float]]) -> float | None:
    """How many customers share KPI ``name`` was taken of, over all ``runs``; None when the runs do not say."""
    prefix, base = "", name
    if dimension_of(name):
        dimension, part, base = name.split(".", 2)
        prefix = f"{dimension}.{part}."
    counts = TRIALS.get(base)
    if counts is None:
        return None
    try:
        return sum(run[prefix + count] for run in runs for count in counts)
    except KeyError:
        return None


def kpi_interval(name: str, values: Iterable[float], level: float = 0.95, trials: float | None = None) -> tuple[float, float, float]:
    """(mean, low, high) of KPI ``name`` over replications, the interval kept inside the KPI's range;
    ``trials``: how many customers a share was taken of, all replications together (see the module)."""
    data = [v for v in values if not math.isnan(v)]
    mean, low, high = confidence_interval(data, level)
    if math.isnan(low):
        return mean, low, high
    lowest, highest = kpi_range(name)
    if (lowest, highest) == (0.0, 1.0) and low == high and mean in (0.0, 1.0) and level == 0.95:
        return (mean, *wilson_interval(mean, max(len(data), round(trials or 0))))
    return mean, min(max(low, lowest), mean), max(min(high, highest), mean)


def welch_interval(a: Iterable[float], b: Iterable[float], level: float = 0.95) -> tuple[float, float]:
    """``level`` interval of mean(a) - mean(b) for independent samples with unequal variances (Welch)."""
    from scipy import stats

    a, b = np.asarray(list(a), dtype=float), np.asarray(list(b), dtype=float)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    dof = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = float(stats.t.ppf(0.5 + level / 2, dof) * math.sqrt(va + vb))
    diff = float(a.mean() - b.mean())
    return diff - half, diff + half


def summarise(runs: list[Mapping[str, float]], level: float = 0.95) -> dict[str, dict[str, object]]:
    """``{kpi: {"mean": m, "ci95": [lo, hi]}}`` over the replications in ``runs`` (keys in first-run order)."""
    summary: dict[str, dict[str, object]] = {}
    for name in runs[0] if runs else []:
        mean, low, high = kpi_interval(name, (run[name] for run in runs), level, share_trials(name, runs))
        summary[name] = {"mean": mean, "ci95": [low, high]}
    return summary


def half_width(summary_entry: Mapping[str, object]) -> float:
    """Half the width of a summary's confidence interval."""
    low, high = summary_entry["ci95"]
    return (high - low) / 2
