"""From raw queue-log rows to clean customer records, with every defect counted and its rows named.

Real logs are messy: blank or repeated rows, unreadable times, rows out of order, services that end
before they start, visits past midnight, clock changes. Each kind of defect is a :class:`Defect`
with the row numbers it affects and what was done about it: rows that cannot be used are left out,
rows that can be repaired are kept, and nothing is dropped without being counted.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .clock_changes import suspected_clock_changes
from .timestamps import parse_times

MAX_MINUTES = 24 * 60  # waits or services longer than a day are taken for recording errors
BALK_WITHIN_MIN = 1 / 60  # leaving within a second of arriving is balking, not reneging
UNSPECIFIED = "unspecified"
OUTCOMES = {
    "served": ("served", "complete", "completed", "answered", "handled", "done", "ok", "finished"),
    "abandoned": ("abandoned", "abandon", "reneged", "hangup", "hung_up", "left", "gave_up", "lost"),
    "balked": ("balked", "balk", "refused", "left_at_once", "no_queue"),
}
# what each defect means and what is done about it; the order is the order of the report
DEFECTS: dict[str, tuple[str, str]] = {
    "blank_row": ("row is empty", "left out"),
    "missing_arrival": ("no arrival time", "left out"),
    "unreadable_arrival": ("arrival time is not a date and time", "left out"),
    "unreadable_time": ("a service or abandonment time is not a date and time", "that time treated as missing"),
    "clock_ambiguous": ("local time falls in the hour repeated when clocks go back (ambiguous)", "left out"),
    "clock_nonexistent": ("local time falls in the hour skipped when clocks go forward (does not exist)", "left out"),
    "clock_change": ("the visit spans a clock change", "kept: durations measured in absolute time"),
    "clock_change_suspected": ("no --timezone given, and the visit falls at or across the hour clocks change in a "
                               "summer-time zone", "kept: measured as if clocks never change; give --timezone"),
    "duplicate_row": ("exact copy of an earlier row", "left out"),
    "duplicate_id": ("id already used by an earlier row with different times", "left out (first row kept)"),
    "out_of_order": ("arrival earlier than the row above (rows out of order)", "kept: rows sorted by arrival"),
    "unknown_outcome": ("outcome label not recognised", "kept: outcome read from the times"),
    "outcome_conflict": ("outcome contradicts the times (served without a start, or abandoned after a start)", "left out"),
    "served_and_abandoned": ("both a service start and an abandonment time", "left out"),
    "no_outcome": ("neither a service start nor an abandonment time", "left out"),
    "start_before_arrival": ("service starts before arrival", "left out"),
    "abandon_before_arrival": ("abandonment before arrival", "left out"),
    "end_before_start": ("service ends before it starts", "left out"),
    "too_long": (f"wait or service longer than {MAX_MINUTES // 60} hours", "left out"),
    "missing_end": ("served but no service end", "kept for waits and patience; not for service times"),
    "zero_service": ("service took no time (end equals start)", "kept for waits; not for service times"),
    "past_midnight": ("visit ends after midnight, the day after arrival", "kept: counted on the day of arrival"),
    "missing_segment": ("no segment", f"kept as segment '{UNSPECIFIED}'"),
    "missing_staff": ("served without a staff id", "kept; not used for staffing"),
}


@dataclass
class Defect:
    """One kind of defect: what it is, what was done, and the rows (numbered as in the file) it hit."""

    code: str
    message: str
    action: str
    rows: list[int]

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def dropped(self) -> bool:
        return self.action.startswith("left out")

    def example_rows(self, limit: int = 8) -> str:
        shown = ", ".join(str(r) for r in self.rows[:limit])
        return shown + (f" and {self.count - limit} more" if self.count > limit else "")


@dataclass
class CleanLog:
    """The usable customers, one row each, plus the defects found on the way.

    Columns: ``row`` (file row), ``id``, ``segment``, ``station``, ``staff``, ``outcome`` (served,
    abandoned, balked), ``arrival`` (local wall clock), ``day`` (date of arrival), ``minute`` (minute
    of that day), ``wait`` and ``service`` (minutes; service NaN when unknown).
    """

    source: str
    rows_read: int
    customers: pd.DataFrame
    defects: list[Defect] = field(default_factory=list)
    has_staff: bool = False
    has_station: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_dropped(self) -> int:
        return self.rows_read - len(self.customers)

    @property
    def days(self) -> list:
        return sorted(self.customers["day"].unique())

    def summary(self) -> str:
        kept = len(self.customers)
        return (f"{self.source}: {self.rows_read:,} rows read, {kept:,} customers used, "
                f"{self.rows_dropped:,} rows left out")


def _outcome_label(text: pd.Series) -> pd.Series:
    key = text.str.strip().str.lower().str.replace(" ", "_").str.replace("-", "_")
    result = pd.Series("", index=text.index, dtype=object)
    for outcome, labels in OUTCOMES.items():
        result[key.isin(labels)] = outcome
    return result


class _Collector:
    def __init__(self, row_numbers: pd.Series):
        self.row_numbers = row_numbers
        self.found: dict[str, list[int]] = {}

    def add(self, code: str, mask: pd.Series) -> None:
        rows = self.row_numbers[mask.fillna(False).astype(bool)].tolist()
        if rows:
            self.found.setdefault(code, []).extend(rows)

    def defects(self) -> list[Defect]:
        return [Defect(code, *DEFECTS[code], sorted(self.found[code])) for code in DEFECTS if code in self.found]


def clean_log(table: pd.DataFrame, columns: dict[str, str], source: str, timezone: str | None = None,
              dayfirst: bool = False, first_row: int = 2) -> CleanLog:
    """Check every row of a raw queue log (cells as text) and return the usable customers."""
    n = len(table)
    rows = pd.Series(np.arange(n) + first_row, index=table.index)
    found = _Collector(rows)

    def text(name: str) -> pd.Series:
        return table[columns[name]].astype(str).str.strip() if name in columns else pd.Series("", index=table.index)

    blank = (table.astype(str).apply(lambda c: c.str.strip()) == "").all(axis=1)
    found.add("blank_row", blank)
    keep = ~blank

    times = {name: parse_times(text(name), timezone, dayfirst) for name in ("arrival", "service_start", "service_end", "abandoned_at")}
    arrival = times["arrival"]
    found.add("missing_arrival", keep & (text("arrival") == ""))
    found.add("unreadable_arrival", keep & arrival.unreadable)
    keep &= arrival.wall.notna()
    found.add("unreadable_time", keep & (times["service_start"].unreadable | times["service_end"].unreadable | times["abandoned_at"].unreadable))
    clock_ambiguous = pd.Series(False, index=table.index)
    clock_missing = pd.Series(False, index=table.index)
    for parsed in times.values():
        clock_ambiguous |= parsed.ambiguous
        clock_missing |= parsed.nonexistent
    found.add("clock_ambiguous", keep & clock_ambiguous)
    found.add("clock_nonexistent", keep & clock_missing & ~clock_ambiguous)
    keep &= ~(clock_ambiguous | clock_missing)

    # duplicates: a repeated id with the same times is a copy; with other times, a clash
    content = pd.concat([text(name) for name in ("arrival", "service_start", "service_end", "abandoned_at")], axis=1)
    if "id" in columns:
        ids = text("id")
        has_id = keep & (ids != "")
        copy = has_id & pd.concat([ids, content], axis=1).duplicated(keep="first")
        clash = has_id & ~copy & ids.where(has_id).duplicated(keep="first") & (ids != "")
        found.add("duplicate_row", copy)
        found.add("duplicate_id", clash)
        keep &= ~(copy | clash)
    else:
        copy = keep & table.duplicated(keep="first")
        found.add("duplicate_row", copy)
        keep &= ~copy

    arrived = arrival.absolute
    order = arrival.wall.where(keep)
    found.add("out_of_order", keep & (order < order.ffill().shift(1)))

    start, end, abandon = times["service_start"].absolute, times["service_end"].absolute, times["abandoned_at"].absolute
    label = _outcome_label(text("outcome")) if "outcome" in columns else pd.Series("", index=table.index)
    found.add("unknown_outcome", keep & (text("outcome") != "") & (label == ""))
    # a single "end" column holds the abandonment time of those who gave up
    moved = (label.isin(["abandoned", "balked"])) & abandon.isna() & start.isna() & end.notna()
    abandon = abandon.where(~moved, end)
    end = end.where(~moved)

    served = start.notna()
    left = abandon.notna()
    conflict = ((label == "served") & ~served) | (label.isin(["abandoned", "balked"]) & served)
    found.add("outcome_conflict", keep & conflict)
    keep &= ~conflict
    found.add("served_and_abandoned", keep & served & left)
    keep &= ~(served & left)
    found.add("no_outcome", keep & ~served & ~left)
    keep &= served | left

    minutes = lambda later, earlier: (later - earlier).dt.total_seconds() / 60.0  # noqa: E731
    wait = minutes(start, arrived).where(served, minutes(abandon, arrived))
    service = minutes(end, start)
    found.add("start_before_arrival", keep & served & (wait < 0))
    found.add("abandon_before_arrival", keep & left & (wait < 0))
    keep &= ~(wait < 0)
    found.add("end_before_start", keep & (service < 0))
    keep &= ~(service < 0)
    found.add("too_long", keep & ((wait > MAX_MINUTES) | (service > MAX_MINUTES)))
    keep &= ~((wait > MAX_MINUTES) | (service > MAX_MINUTES))
    found.add("missing_end", keep & served & end.isna())
    found.add("zero_service", keep & (service == 0))
    service = service.where(service > 0)

    last = end.where(end.notna(), abandon.where(left, start))
    offsets = pd.concat([times[n].offset_minutes for n in times], axis=1)
    found.add("clock_change", keep & (offsets.max(axis=1) != offsets.min(axis=1)) & offsets.notna().sum(axis=1).gt(1))
    warnings = []
    zoneless = keep & arrival.zoneless
    if zoneless.any():
        suspected = suspected_clock_changes([times[name].wall for name in times], zoneless)
        found.add("clock_change_suspected", keep & suspected.rows)
        if (keep & suspected.rows).any():
            warnings.append(suspected.warning(int((keep & suspected.rows).sum())))
    arrival_minute = (arrival.wall - arrival.wall.dt.normalize()).dt.total_seconds() / 60.0
    span = wait + service.fillna(0.0)
    found.add("past_midnight", keep & last.notna() & (arrival_minute + span >= 1440))

    outcome = pd.Series("served", index=table.index, dtype=object).where(served, "abandoned")
    balked = left & ((label == "balked") | ((label == "") & (wait <= BALK_WITHIN_MIN)))
    outcome[balked] = "balked"
    segment = text("segment")
    if "segment" in columns:
        found.add("missing_segment", keep & (segment == ""))
    segment = segment.where(segment != "", UNSPECIFIED)
    staff = text("staff")
    if "staff" in columns:
        found.add("missing_staff", keep & served & (staff == ""))

    customers = pd.DataFrame({
        "row": rows, "id": text("id"), "segment": segment, "station": text("station"), "staff": staff,
        "outcome": outcome, "arrival": arrival.wall, "day": arrival.wall.dt.normalize(),
        "minute": arrival_minute, "wait": wait, "service": service,
    })[keep].sort_values(["arrival", "row"], kind="stable").reset_index(drop=True)
    return CleanLog(source, n, customers, found.defects(), has_staff="staff" in columns, has_station="station" in columns,
                    warnings=warnings)
