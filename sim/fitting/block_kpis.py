"""Queue KPIs per opening hour, computed the same way from a real log and from a simulated one.

Each customer counts in the hour they arrived. Per hour: arrivals per day, mean wait of those served,
service level (served within the threshold, over served and abandoned), abandonment rate, and the
time-average number waiting (from every customer's waiting interval, averaged over the days).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .arrivals import OpeningHours

KPIS = ("arrivals", "mean_wait_min", "service_level", "abandon_rate", "mean_queue_length")
KPI_LABELS = {
    "arrivals": "arrivals per day", "mean_wait_min": "mean wait (min)", "service_level": "service level",
    "abandon_rate": "abandonment rate", "mean_queue_length": "mean queue length",
}


def block_kpis(customers: pd.DataFrame, hours: OpeningHours, threshold_min: float) -> pd.DataFrame:
    """A table with one row per opening hour (0, 1, ...) and one column per KPI in :data:`KPIS`."""
    days = max(customers["day"].nunique(), 1)
    block = hours.block_of(customers["minute"])
    served = customers["outcome"] == "served"
    abandoned = customers["outcome"] == "abandoned"
    finished = served | abandoned
    table = pd.DataFrame(index=pd.RangeIndex(hours.hours, name="hour"))
    grouped = lambda mask: mask.groupby(block).sum().reindex(table.index, fill_value=0)  # noqa: E731
    table["arrivals"] = grouped(pd.Series(True, index=customers.index)) / days
    waits = customers["wait"].where(served)
    table["mean_wait_min"] = waits.groupby(block).mean().reindex(table.index)
    within = grouped(served & (customers["wait"] <= threshold_min))
    judged = grouped(finished).replace(0, np.nan)
    table["service_level"] = within / judged
    table["abandon_rate"] = grouped(abandoned) / judged
    # time-average queue: each waiting interval's overlap with each hour, over the hours' length x days
    queued = customers[customers["outcome"] != "balked"]
    start = queued["minute"].to_numpy()[:, None]
    end = start + queued["wait"].to_numpy()[:, None]
    low = hours.opens_at_min + 60.0 * np.arange(hours.hours)[None, :]
    overlap = np.clip(np.minimum(end, low + 60.0) - np.maximum(start, low), 0.0, None)
    table["mean_queue_length"] = overlap.sum(axis=0) / (60.0 * days)
    return table
