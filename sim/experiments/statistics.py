"""Summaries across replications: mean and 95 % confidence interval per KPI.

The interval is Student's t over independent replications, cut to the values the KPI can take (a
share stays in [0, 1], a count at 0 or above; the true mean lies in that range, so the cut costs no
coverage). When every replication gives a share the same bound (all 1 or all 0), Wilson's score
interval over the replications replaces a zero-width claim of certainty: for values in [0, 1] the
variance is at most p (1 - p), so Wilson's interval is valid for their mean.
"""
from __future__ import annotations

import math
from typing import Iterable, Mapping

import numpy as np

from ..model.kpis import kpi_range

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


def kpi_interval(name: str, values: Iterable[float], level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high) of KPI ``name`` over replications, the interval kept inside the KPI's range."""
    data = [v for v in values if not math.isnan(v)]
    mean, low, high = confidence_interval(data, level)
    if math.isnan(low):
        return mean, low, high
    lowest, highest = kpi_range(name)
    if (lowest, highest) == (0.0, 1.0) and low == high and mean in (0.0, 1.0) and level == 0.95:
        return (mean, *wilson_interval(mean, len(data)))
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
        mean, low, high = kpi_interval(name, (run[name] for run in runs), level)
        summary[name] = {"mean": mean, "ci95": [low, high]}
    return summary


def half_width(summary_entry: Mapping[str, object]) -> float:
    """Half the width of a summary's confidence interval."""
    low, high = summary_entry["ci95"]
    return (high - low) / 2
