"""Patience from censored waits, and balking from departures on arrival.

A customer who abandoned shows their patience; one who was served only shows that their patience
was longer than their wait (a right-censored observation). Ignoring that (averaging the abandoners'
waits) badly understates patience. Kaplan-Meier gives the distribution without assuming a family;
the four parametric families are fitted to the same censored data with lifelines and ranked by AIC.

Balking (leaving at once on seeing the queue) is the scenario's ``balk_queue_length``: the shortest
queue, rebuilt from the log, that a balking customer saw.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .families import FamilyChoice, choose_family

MIN_ABANDONED = 10


@dataclass
class PatienceFit:
    """One segment's patience: Kaplan-Meier curve, parametric fits, and the data behind them."""

    segment: str
    abandoned: int
    censored: int
    choice: FamilyChoice | None  # None when too few abandoned to fit
    km_times: np.ndarray
    km_survival: np.ndarray
    km_median: float  # inf when more than half outlast every wait seen

    @property
    def best(self):
        return self.choice.best if self.choice else None


@dataclass
class BalkingFit:
    """Balking of one segment: how many balked and the queue length that made them leave."""

    segment: str
    balked: int
    arrivals: int
    threshold: int | None  # shortest queue a balker saw
    joined_at_or_above: int  # customers who joined a queue at least that long anyway


def fit_patience(customers: pd.DataFrame) -> tuple[dict[str, PatienceFit], list[str]]:
    """Censored patience fits per segment (balking customers left out: they never queued)."""
    from lifelines import KaplanMeierFitter

    fits, notes = {}, []
    queued = customers[(customers["outcome"] != "balked") & (customers["wait"] > 0)]
    for segment, rows in queued.groupby("segment", sort=True):
        durations = rows["wait"].to_numpy(dtype=float)
        observed = (rows["outcome"] == "abandoned").to_numpy()
        km = KaplanMeierFitter().fit(durations, observed)
        survival = km.survival_function_.iloc[:, 0]
        abandoned = int(observed.sum())
        choice = None
        if abandoned >= MIN_ABANDONED:
            choice = choose_family(durations, observed)
        elif abandoned:
            notes.append(f"segment '{segment}': only {abandoned} abandoned, too few to fit patience; left unlimited")
        fits[segment] = PatienceFit(segment, abandoned, int((~observed).sum()), choice, survival.index.to_numpy(),
                                    survival.to_numpy(), float(km.median_survival_time_))
    return fits, notes


def queue_seen_on_arrival(customers: pd.DataFrame) -> pd.Series:
    """How many customers of the same station were waiting when each customer arrived."""
    origin = customers["day"].min()
    time = (customers["day"] - origin).dt.days * 1440.0 + customers["minute"]
    seen = pd.Series(0, index=customers.index)
    # a customer who left before service may have no station: they queued where their segment is served
    usual = customers[customers["station"] != ""].groupby("segment")["station"].agg(lambda s: s.mode().iloc[0])
    station = customers["station"].where(customers["station"] != "", customers["segment"].map(usual).fillna(""))
    for _, rows in customers.groupby(station):
        t = time[rows.index]
        joined = rows["outcome"] != "balked"
        enters = np.sort(t[joined].to_numpy())
        leaves = np.sort((t + rows["wait"])[joined].to_numpy())
        values = t.to_numpy()
        seen[rows.index] = np.searchsorted(enters, values, "left") - np.searchsorted(leaves, values, "right")
    return seen


def fit_balking(customers: pd.DataFrame) -> dict[str, BalkingFit]:
    """The queue length at which each segment's customers balk, where the log shows balking."""
    seen = queue_seen_on_arrival(customers)
    fits = {}
    for segment, rows in customers.groupby("segment", sort=True):
        balked = rows["outcome"] == "balked"
        if not balked.any():
            continue
        threshold = int(seen[rows.index][balked].min())
        joined = int(((seen[rows.index] >= threshold) & ~balked).sum())
        fits[segment] = BalkingFit(segment, int(balked.sum()), len(rows), threshold, joined)
    return fits
