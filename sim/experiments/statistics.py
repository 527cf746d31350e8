"""Summaries across replications: mean and 95 % confidence interval per KPI (Student t)."""
from __future__ import annotations

import math
from typing import Iterable, Mapping

import numpy as np


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
        mean, low, high = confidence_interval((run[name] for run in runs), level)
        summary[name] = {"mean": mean, "ci95": [low, high]}
    return summary


def half_width(summary_entry: Mapping[str, object]) -> float:
    """Half the width of a summary's confidence interval."""
    low, high = summary_entry["ci95"]
    return (high - low) / 2
