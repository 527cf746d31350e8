"""Clock changes in a log read without a time zone: find the visits a change may have bent.

Without ``--timezone`` a timestamp with no offset is read as a plain wall clock, as if clocks never
changed. If the log comes from a place with summer time, a visit at or across the change is then
measured an hour too long or too short, and in the autumn the repeated hour holds two hours of
arrivals. The log cannot say which zone it comes from, so the rule sets of the common summer-time
regions are tried: a visit counts as suspect when one of its times falls in the hour a region skips
or repeats, or when a region's change falls between its first and last time. The fit keeps such
visits (their times may be right) and names the dates and regions, so the user can give
``--timezone`` and have them measured exactly.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

CANDIDATE_ZONES = (
    "Europe/London", "Europe/Paris", "Europe/Helsinki",  # the European Union's rule, at three local hours
    "America/New_York", "America/Santiago",  # North America's rule, and Chile's
    "Australia/Sydney", "Pacific/Auckland",  # the southern hemisphere's
)


@dataclass
class SuspectedChanges:
    """Rows whose times meet a clock change of some common zone, and where (zone -> dates) they met one."""

    rows: pd.Series  # boolean, aligned with the log's rows
    where: dict[str, list[str]]

    def warning(self, count: int) -> str:
        places = "; ".join(f"{zone} on {', '.join(dates)}" for zone, dates in self.where.items())
        return (f"{count:,} visits fall at or across the hour clocks change in summer-time zones ({places}), and no "
                "--timezone was given: they were measured as if clocks never change, so an hour may be missing from "
                "or added to their waits and services. Give the log's zone (--timezone Europe/Paris, for example) "
                "to measure them exactly")


def _change_days(zone: str, first: pd.Timestamp, last: pd.Timestamp) -> list[pd.Timestamp]:
    """The dates in [first, last] on which ``zone``'s UTC offset changes."""
    days = pd.date_range(first.normalize(), last.normalize() + pd.Timedelta(days=1), freq="D")
    midnights = days.tz_localize(zone, ambiguous="NaT", nonexistent="shift_forward")
    offsets = pd.Series([t.utcoffset() if t is not pd.NaT else None for t in midnights], index=days)
    return [day for day, before, after in zip(days[:-1], offsets.iloc[:-1], offsets.iloc[1:]) if before != after]


def suspected_clock_changes(walls: list[pd.Series], zoneless: pd.Series) -> SuspectedChanges:
    """Which rows (read without a zone: ``zoneless``) meet a clock change of a common zone.

    ``walls`` are the rows' wall-clock times (arrival, service start and end, abandonment; NaT when absent).
    """
    suspect = pd.Series(False, index=zoneless.index)
    where: dict[str, list[str]] = {}
    frame = pd.concat(walls, axis=1).where(zoneless, pd.NaT)
    first_seen, last_seen = frame.min(axis=1), frame.max(axis=1)
    if first_seen.isna().all():
        return SuspectedChanges(suspect, where)
    start, end = first_seen.min(), last_seen.max()
    for zone in CANDIDATE_ZONES:
        days = _change_days(zone, start, end)
        if not days:
            continue
        near = pd.Series(False, index=zoneless.index)
        for day in days:  # only visits on or next to the day of the change can meet it
            near |= (first_seen < day + pd.Timedelta(days=2)) & (last_seen >= day - pd.Timedelta(days=1))
        if not near.any():
            continue
        hit = pd.Series(False, index=zoneless.index)
        for wall in walls:
            times = wall[near & wall.notna() & zoneless]
            lost = times.dt.tz_localize(zone, ambiguous="NaT", nonexistent="NaT").isna()
            hit[lost[lost].index] = True
        lo = first_seen[near].dt.tz_localize(zone, ambiguous=True, nonexistent="shift_forward")
        hi = last_seen[near].dt.tz_localize(zone, ambiguous=False, nonexistent="shift_forward")
        spans = pd.Series([a.utcoffset() != b.utcoffset() for a, b in zip(lo, hi)], index=lo.index, dtype=bool)
        hit[spans[spans].index] = True
        if hit.any():
            suspect |= hit
            met = sorted({day.strftime("%Y-%m-%d") for day in days
                          if (hit & (first_seen < day + pd.Timedelta(days=2)) & (last_seen >= day - pd.Timedelta(days=1))).any()})
            where[zone] = met
    return SuspectedChanges(suspect, where)
