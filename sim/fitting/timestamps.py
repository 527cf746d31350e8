"""Timestamps in any common format and time zone: the local wall clock, and the absolute instant.

Hour blocks follow the local wall clock (a branch opens at 09:00 whatever the season), while waits
and service times must be measured in absolute time, or a clock change would add or remove an hour.
A value with an offset (``+01:00``, ``Z``) carries both. A value without one is read in the time
zone the user names (``--timezone Europe/Paris``); in the hour repeated when clocks go back it is
ambiguous, and in the hour skipped when they go forward it does not exist: both are reported.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

_OFFSET = r"(?:Z|[+-]\d\d:?\d\d|\s?UTC)$"


@dataclass
class ParsedTimes:
    """One column's timestamps: wall clock (naive), absolute (UTC) and why a value could not be used."""

    wall: pd.Series
    absolute: pd.Series
    offset_minutes: pd.Series  # UTC offset of each value (NaN when unknown), to spot clock changes
    unreadable: pd.Series  # text given but not a date and time
    ambiguous: pd.Series  # inside the repeated hour of a clock change
    nonexistent: pd.Series  # inside the skipped hour of a clock change
    zoneless: pd.Series  # read as a plain wall clock: no offset in the value and no zone given


def _parse(text: pd.Series, dayfirst: bool, utc: bool = False) -> pd.Series:
    return pd.to_datetime(text, errors="coerce", format="mixed", dayfirst=dayfirst, utc=utc)


def parse_times(raw: pd.Series, timezone: str | None = None, dayfirst: bool = False) -> ParsedTimes:
    """Parse a column of timestamp strings; see the module docstring for how zones are handled."""
    text = raw.astype(str).str.strip()
    given = text != ""
    has_offset = text.str.contains(_OFFSET, regex=True)
    wall = _parse(text.str.replace(_OFFSET, "", regex=True).str.strip(), dayfirst)
    absolute = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    ambiguous = pd.Series(False, index=text.index)
    nonexistent = pd.Series(False, index=text.index)
    if has_offset.any():
        absolute[has_offset] = _parse(text[has_offset], dayfirst, utc=True)
    naive = ~has_offset & wall.notna()
    if naive.any():
        if timezone:
            localised = wall[naive].dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
            lost = localised.isna()
            if lost.any():
                # tell the repeated hour (ambiguous) from the skipped one (nonexistent)
                shifted = wall[naive][lost].dt.tz_localize(timezone, ambiguous=True, nonexistent="NaT")
                nonexistent[lost[lost].index] = shifted.isna().to_numpy()
                ambiguous[lost[lost].index] = shifted.notna().to_numpy()
            absolute[naive] = localised.dt.tz_convert("UTC")
        else:
            absolute[naive] = wall[naive].dt.tz_localize("UTC")
    offset = (wall - absolute.dt.tz_localize(None)).dt.total_seconds() / 60.0
    unreadable = given & wall.isna()
    zoneless = naive if not timezone else pd.Series(False, index=text.index)
    return ParsedTimes(wall, absolute, offset, unreadable, ambiguous, nonexistent, zoneless)
