"""Staff on duty per hour of the day, from the staff ids' activity (or, without ids, from the services).

With staff ids, a member of staff is on duty from their first service start to their last service end
of the day; they count in an hour when they are on duty for at least half of it, and their busy and
idle minutes give the utilisation. Without ids, the most services in progress at once in an hour is a
lower bound on the staff who were there (with ids, whoever starts a service in an hour is at work in
it: a quarter of an hour's repair at a quiet desk shows its member of staff, whatever the half-hour rule says). Either way the typical day
(the median over days) becomes the role's ``count`` and ``shifts``; an hour's median is taken over the
days on which the log shows something of it (a visit under way, or with ids a member of staff on duty),
since a day on which nobody came in that hour does not say whether staff were there. A quiet kiosk
whose first customer comes at 10:40 on most days is open, and staffed, at 10:00.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .arrivals import OpeningHours
from .service_times import DEFAULT_ROLE, role_name


HANDOVER_MIN = 1 / 60


@dataclass
class StaffingFit:
    """One role's staff per opening hour (typical day), with busy share and how it was measured."""

    role: str
    method: str  # "staff ids" or "concurrent services"
    counts: list[int]
    busy_share: list[float]  # busy minutes / staffed minutes per hour (NaN without ids)
    staff_ids: int

    def as_schedule(self) -> tuple[int, list[dict[str, int]]]:
        """``(count, shifts)`` in scenario syntax: the usual count, and blocks of hours that differ."""
        values, frequency = np.unique(self.counts, return_counts=True)
        usual = int(values[np.argmax(frequency)])
        shifts, hour = [], 0
        while hour < len(self.counts):
            end = hour
            while end + 1 < len(self.counts) and self.counts[end + 1] == self.counts[hour]:
                end += 1
            if self.counts[hour] != usual:
                shifts.append({"start_min": 60 * hour, "end_min": 60 * (end + 1), "count": int(self.counts[hour])})
            hour = end + 1
        return usual, shifts


def _overlap(start: np.ndarray, end: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.clip(np.minimum(end, high) - np.maximum(start, low), 0.0, None)


def fit_staffing(customers: pd.DataFrame, hours: OpeningHours, has_staff: bool) -> dict[str, StaffingFit]:
    """Staff per hour for every role (station) that served someone."""
    served = customers[(customers["outcome"] == "served") & customers["service"].notna()].copy()
    served["role"] = served["station"].map(role_name) if (served["station"] != "").any() else DEFAULT_ROLE
    served["start"] = served["minute"] + served["wait"]
    # a service that starts within a second of another's end is a handover at one desk, not a second desk
    served["end"] = served["start"] + served["service"] - HANDOVER_MIN
    blocks = [(hours.opens_at_min + 60 * h, hours.opens_at_min + 60 * (h + 1)) for h in range(hours.hours)]
    fits = {}
    for role, rows in served.groupby("role", sort=True):
        with_ids = has_staff and (rows["staff"] != "").mean() > 0.5
        per_day, seen_per_day, busy_per_day = [], [], []
        for _, day in rows.groupby("day"):
            start, end = day["start"].to_numpy(), day["end"].to_numpy()
            visits = [bool((_overlap(day["minute"].to_numpy(), end, lo, hi) > 0).any()) for lo, hi in blocks]
            if with_ids:
                spans = day[day["staff"] != ""].groupby("staff").agg(first=("start", "min"), last=("end", "max"))
                spanned = [int((_overlap(spans["first"].to_numpy(), spans["last"].to_numpy(), lo, hi) >= 30).sum()) for lo, hi in blocks]
                # whoever starts a service in an hour is at work in it, however short their day's span
                starting = [day[(start >= lo) & (start < hi) & (day["staff"] != "").to_numpy()]["staff"].nunique() for lo, hi in blocks]
                on_duty = [max(a, b) for a, b in zip(spanned, starting)]
                busy = [float(_overlap(start, end, lo, hi).sum()) for lo, hi in blocks]
                busy_per_day.append([b / (60 * c) if c else np.nan for b, c in zip(busy, on_duty)])
                seen = [v or c > 0 for v, c in zip(visits, on_duty)]
            else:
                on_duty, seen = [_most_at_once(start, end, lo, hi) for lo, hi in blocks], visits
            per_day.append(on_duty)
            seen_per_day.append(seen)
        counts = _median_over_days_seen(np.array(per_day, dtype=float), np.array(seen_per_day, dtype=bool))
        busy_share = [np.nan] * hours.hours
        if busy_per_day:
            busy = np.array(busy_per_day)
            staffed = np.isfinite(busy).any(axis=0)
            busy_share = [float(np.nanmean(busy[:, h])) if staffed[h] else np.nan for h in range(hours.hours)]
        fits[role] = StaffingFit(role, "staff ids" if with_ids else "concurrent services",
                                 [int(np.ceil(c - 1e-9)) for c in counts], busy_share,
                                 int(rows["staff"].replace("", np.nan).nunique()))
    return fits


def _median_over_days_seen(per_day: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Each hour's median count over the days on which the log shows that hour (0 when it shows it on none)."""
    shown = np.where(seen, per_day, np.nan)
    counts = np.zeros(per_day.shape[1])
    for hour in range(per_day.shape[1]):
        if seen[:, hour].any():
            counts[hour] = np.nanmedian(shown[:, hour])
    return counts


def _most_at_once(start: np.ndarray, end: np.ndarray, low: float, high: float) -> int:
    """The most services in progress at the same moment within [low, high)."""
    inside = (start < high) & (end > low)
    if not inside.any():
        return 0
    times = np.concatenate([np.maximum(start[inside], low), np.minimum(end[inside], high)])
    steps = np.concatenate([np.ones(inside.sum()), -np.ones(inside.sum())])
    order = np.lexsort((steps, times))  # at equal times, an end comes before a start
    return int(np.cumsum(steps[order]).max())
