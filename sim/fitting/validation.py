"""Does the fitted scenario behave like the log? Simulate it and compare hour by hour.

The fitted scenario is run for as many days as the log has of the day type it was fitted to (its usual
day: the other day types' arrivals are set aside), several times; each run gives one value per hour and KPI, computed exactly as for the log. The log's value
should fall inside the 95 % prediction interval of those runs (mean +/- t x sd x sqrt(1 + 1/R)).
With many hours and KPIs about 5 % fall outside by chance alone, so the verdict compares the number
outside with what chance gives (the 95 % point of a binomial) before calling the fit wrong.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from ..scenario import load_scenario_text
from .arrivals import day_type_of
from .block_kpis import KPI_LABELS, KPIS, block_kpis
from .simulated_log import simulated_customers

MAX_DAYS = 60


@dataclass
class BlockComparison:
    """One hour and KPI: the log's value and the simulated prediction interval."""

    hour: int
    block: str
    kpi: str
    observed: float
    mean: float
    low: float
    high: float

    @property
    def agrees(self) -> bool:
        if math.isnan(self.observed) or math.isnan(self.low):
            return True  # nothing to compare
        return self.low <= self.observed <= self.high


@dataclass
class Validation:
    """The comparison of the log with simulations of the fitted scenario."""

    replications: int
    days: int
    day_type: str
    observed: pd.DataFrame
    simulated: list[pd.DataFrame]
    rows: list[BlockComparison] = field(default_factory=list)

    @property
    def compared(self) -> list[BlockComparison]:
        return [r for r in self.rows if not (math.isnan(r.observed) or math.isnan(r.low))]

    @property
    def disagreements(self) -> list[BlockComparison]:
        return [r for r in self.compared if not r.agrees]

    @property
    def chance_limit(self) -> int:
        """The most disagreements a correct fit gives 95 % of the time."""
        return int(stats.binom.ppf(0.95, len(self.compared), 0.05))

    @property
    def fits(self) -> bool:
        return len(self.disagreements) <= self.chance_limit

    def verdict(self) -> str:
        outside = self.disagreements
        head = (f"{len(outside)} of {len(self.compared)} hour-and-KPI values of the log fall outside the simulated 95 % "
                f"prediction intervals; chance alone gives up to {self.chance_limit}.")
        if self.fits:
            return head + " The fitted scenario reproduces the log."
        listed = "; ".join(f"{r.block} {KPI_LABELS[r.kpi]}: log {r.observed:.3g}, simulated {r.low:.3g}..{r.high:.3g}" for r in outside[:8])
        return (head + f" The fit differs from the log at: {listed}. Check the warnings above (arrivals more variable "
                "than Poisson, staffing from too few staff ids, an operation that changed during the log).")


SHARES = ("service_level", "abandon_rate")


def _prediction_interval(values: np.ndarray, share: bool) -> tuple[float, float, float]:
    """Mean and 95 % prediction interval of one more run's value, kept inside the KPI's range."""
    values = values[~np.isnan(values)]
    if values.size < 2:
        return (float(values.mean()) if values.size else math.nan), math.nan, math.nan
    mean, sd = float(values.mean()), float(values.std(ddof=1))
    half = float(stats.t.ppf(0.975, values.size - 1)) * sd * math.sqrt(1 + 1 / values.size)
    return mean, max(mean - half, 0.0), min(mean + half, 1.0) if share else mean + half


def validate_fit(fit, replications: int = 10, seed: int = 0, on_progress: Callable[[int, int], None] | None = None) -> Validation:
    """Simulate the fitted scenario ``replications`` times and compare each hour's KPIs with the log."""
    hours = fit.arrivals.hours
    customers = fit.log.customers
    day_type = fit.arrivals.chosen_day_type
    mine = customers[day_type_of(customers["day"], fit.arrivals.by) == day_type]
    days = min(mine["day"].nunique(), MAX_DAYS)
    data = yaml.safe_load(fit.text)
    data["operation"]["days"] = days
    data["operation"].pop("first_day", None)  # every simulated day is a day of the type compared
    for segment in data["segments"].values():
        segment.pop("arrivals_by_day", None)
    scenario = load_scenario_text(yaml.safe_dump(data, allow_unicode=True), "fitted.yaml")
    observed = block_kpis(mine, hours, fit.threshold_min)
    simulated = []
    for replication in range(replications):
        simulated.append(block_kpis(simulated_customers(scenario, seed, replication), hours, fit.threshold_min))
        if on_progress is not None:
            on_progress(replication + 1, replications)
    result = Validation(replications, days, day_type, observed, simulated)
    for hour in observed.index:
        block = f"{(hours.opens_at_min + 60 * hour) // 60:02d}:{hours.opens_at_min % 60:02d}"
        for kpi in KPIS:
            values = np.array([run.loc[hour, kpi] for run in simulated], dtype=float)
            mean, low, high = _prediction_interval(values, kpi in SHARES)
            result.rows.append(BlockComparison(hour, block, kpi, float(observed.loc[hour, kpi]), mean, low, high))
    return result
