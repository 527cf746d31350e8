"""Service times per segment and station: the best of exponential, lognormal, gamma and Weibull by AIC.

Only customers whose service start and end are both known and differ count; the segment's staff
role is the station that served most of its customers (or one role, ``staff``, without stations).
A segment served at several stations, each with enough services to fit, is first split by station
(:func:`split_by_station`): a scenario segment goes to one station, so the customers served at
another become a segment of their own, with their own arrivals, service time and patience.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .families import FamilyChoice, choose_family

MIN_SAMPLE = 10
DEFAULT_ROLE = "staff"


@dataclass
class ServiceFit:
    """The service-time families fitted to one segment, and the role that serves it."""

    segment: str
    role: str
    choice: FamilyChoice
    durations: pd.Series
    other_stations: dict[str, int]  # stations that served a few of this segment's customers too

    @property
    def best(self):
        return self.choice.best


def role_name(station: str) -> str:
    """A station label as a scenario key (lower case, underscores)."""
    key = "".join(ch if ch.isalnum() else "_" for ch in station.strip().lower()).strip("_")
    return key or DEFAULT_ROLE


def split_by_station(customers: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The customers with each segment's customers at a second (third...) station renamed ``SEGMENT_STATION``.

    A station counts when it served at least ``MIN_SAMPLE`` of the segment's customers with a complete
    service; customers without a station (often those who gave up) stay with the segment's main one.
    """
    notes = []
    customers = customers.copy()
    roles = customers["station"].map(role_name).where(customers["station"] != "", "")
    complete = (customers["outcome"] == "served") & customers["service"].notna() & (roles != "")
    for segment in sorted(customers["segment"].unique()):
        counts = roles[complete & (customers["segment"] == segment)].value_counts()
        kept = [station for station, n in counts.items() if n >= MIN_SAMPLE]
        if len(kept) < 2:
            continue
        renamed = []
        for station in kept[1:]:
            name = f"{segment}_{station}"
            customers.loc[(customers["segment"] == segment) & (roles == station), "segment"] = name
            renamed.append(f"'{name}' ({counts[station]:,} services at '{station}')")
        notes.append(f"segment '{segment}' is served at {len(kept)} stations; each is fitted apart: '{segment}' at "
                     f"'{kept[0]}' ({counts[kept[0]]:,} services), and as segments of their own {', '.join(renamed)}")
    return customers, notes


def fit_service_times(customers: pd.DataFrame) -> tuple[dict[str, ServiceFit], list[str]]:
    """Fit every segment with enough complete services; return the fits and notes on the ones skipped."""
    fits, notes = {}, []
    served = customers[customers["outcome"] == "served"]
    for segment, rows in served.groupby("segment", sort=True):
        stations = rows["station"].map(role_name).value_counts()
        role = stations.index[0] if len(stations) else DEFAULT_ROLE
        durations = rows["service"].dropna()
        if len(durations) < MIN_SAMPLE:
            notes.append(f"segment '{segment}': only {len(durations)} complete services, too few to fit a distribution")
            continue
        fits[segment] = ServiceFit(segment, role, choose_family(durations.to_numpy()), durations, stations.iloc[1:].to_dict())
        if len(stations) > 1:
            others = ", ".join(f"{name} ({count:,})" for name, count in stations.iloc[1:].items())
            notes.append(f"segment '{segment}' is served mostly at '{role}' ({stations.iloc[0]:,}) but also at {others}, "
                         f"too few to fit apart (fewer than {MIN_SAMPLE} services each); all its services are fitted together")
    return fits, notes


@dataclass
class ServingOrder:
    """Whether a segment is served before the others at its station, judged from the waits."""

    segment: str
    priority: int
    reason: str


FIRST_SERVED_RATIO = 0.5


def fit_serving_order(customers: pd.DataFrame, fits: dict[str, ServiceFit]) -> dict[str, ServingOrder]:
    """Priority 1 for a segment whose mean wait is under half that of the others sharing its role.

    A strict priority queue gives the first-served class far shorter waits than the rest, whatever
    the load; equal treatment gives similar waits. The ratio of one half separates the two clearly.
    """
    queued = customers[customers["outcome"] == "served"]
    waits = queued.groupby("segment")["wait"].mean()
    orders = {}
    for segment, fit in fits.items():
        others = [s for s, f in fits.items() if f.role == fit.role and s != segment]
        if not others or segment not in waits:
            continue
        rest = queued[queued["segment"].isin(others)]["wait"].mean()
        if rest > 0 and waits[segment] < FIRST_SERVED_RATIO * rest:
            orders[segment] = ServingOrder(segment, 1, f"served first: mean wait {waits[segment]:.2f} min against {rest:.2f} for the others")
    return orders
