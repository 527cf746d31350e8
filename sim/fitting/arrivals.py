"""Arrival rates per hour of the day, per segment and day type, with a test of the Poisson assumption.

The scenario draws arrivals from a Poisson process whose rate is constant within each opening hour.
If that holds, the count of one hour varies from day to day with variance equal to its mean; the
index of dispersion (sum of squared deviations over the mean) is then chi-square with days - 1
degrees of freedom. Counts that vary much more (a rainy Monday, a marketing mailing) mean the model
will understate the real variability, and the fit says so.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

DAY_TYPES = ("weekday", "daytype", "none")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OVERDISPERSION_P = 0.01


def day_type_of(days: pd.Series, by: str) -> pd.Series:
    """The day type of each date: its weekday name, ``weekday``/``weekend``, or ``all``."""
    if by == "weekday":
        return days.dt.dayofweek.map(dict(enumerate(WEEKDAYS)))
    if by == "daytype":
        return days.dt.dayofweek.map(lambda d: "weekend" if d >= 5 else "weekday")
    return pd.Series("all", index=days.index)


@dataclass
class OpeningHours:
    """The hours the log shows customers arriving: opening minute of the day and hours open."""

    opens_at_min: int
    hours: int
    outside: int = 0  # arrivals outside these hours (left out of the rates)

    @property
    def duration_min(self) -> int:
        return 60 * self.hours

    @property
    def clock(self) -> str:
        return f"{self.opens_at_min // 60:02d}:{self.opens_at_min % 60:02d}"

    def block_of(self, minute: pd.Series) -> pd.Series:
        """Hour block (0 = the first opening hour) of minutes of the day; -1 outside opening hours."""
        block = np.floor((minute - self.opens_at_min) / 60).astype(int)
        return block.where((block >= 0) & (block < self.hours), -1)


def opening_hours(minutes: pd.Series, given: str | None = None) -> OpeningHours:
    """Opening hours from ``given`` (``HH:MM-HH:MM``) or from the arrivals: the quarter hour before the
    first 0.1 % of them, for as many whole hours as it takes to cover all but the last 0.1 %."""
    if given:
        start, _, end = given.partition("-")
        opens = _minute_of(start)
        closes = _minute_of(end)
        if opens is None or closes is None or closes <= opens:
            from ..errors import UserError

            raise UserError(f"--hours {given}: write the opening hours as HH:MM-HH:MM, for example --hours 09:00-17:00")
        hours = math.ceil((closes - opens) / 60)
    else:
        low, high = minutes.quantile(0.001), minutes.quantile(0.999)
        opens = int(low // 15) * 15  # opening on a quarter hour
        hours = max(1, math.ceil((high - opens) / 60 + 1e-9))
    inside = (minutes >= opens) & (minutes < opens + 60 * hours)
    return OpeningHours(int(opens), int(hours), int((~inside).sum()))


def _minute_of(clock: str) -> int | None:
    hours, sep, minutes = clock.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or int(hours) > 24 or int(minutes) > 59:
        return None
    return int(hours) * 60 + int(minutes)


@dataclass
class BlockRates:
    """One segment's arrivals in one day type: per-hour rates, exact Poisson 95 % intervals, dispersion."""

    segment: str
    day_type: str
    days: int
    counts: np.ndarray  # days x hours
    rates: list[float]
    low: list[float]
    high: list[float]
    dispersion: list[float]  # index of dispersion divided by its degrees of freedom (1 under Poisson)
    p_values: list[float]  # chance of so much dispersion under Poisson arrivals (NaN with one day)

    @property
    def overdispersed_hours(self) -> list[int]:
        return [h for h, p in enumerate(self.p_values) if not math.isnan(p) and p < OVERDISPERSION_P]

    @property
    def combined_p(self) -> float:
        """Poisson test over every hour at once: the sum of the indices is chi-square with the summed df."""
        if self.days < 2:
            return math.nan
        df = (self.days - 1) * len(self.rates)
        total = sum(d * (self.days - 1) for d, r in zip(self.dispersion, self.rates) if r > 0)
        return float(stats.chi2.sf(total, df))


@dataclass
class ArrivalFit:
    """Rates of every segment in every day type, and the day type written to the scenario."""

    hours: OpeningHours
    by: str
    rates: dict[str, dict[str, BlockRates]]  # segment -> day type -> rates
    chosen_day_type: str
    days_by_type: dict[str, int]
    warnings: list[str] = field(default_factory=list)

    def profile(self, segment: str) -> BlockRates:
        """The rates written to the scenario for ``segment``."""
        by_type = self.rates[segment]
        return by_type.get(self.chosen_day_type) or next(iter(by_type.values()))

    @property
    def other_day_types(self) -> list[str]:
        """The day types besides the chosen one, written to the scenario as ``arrivals_by_day``."""
        return sorted(kind for kind in self.days_by_type if kind != self.chosen_day_type and self.by != "none")

    @property
    def first_weekday(self) -> str:
        """A weekday of the chosen day type, for ``operation.first_day`` (day 1 of a run is then a usual day)."""
        if self.chosen_day_type in WEEKDAYS:
            return self.chosen_day_type
        return "Saturday" if self.chosen_day_type == "weekend" else "Monday"


def _poisson_interval(total: int, exposure_hours: float) -> tuple[float, float]:
    """Exact (Garwood) 95 % interval of a Poisson rate from ``total`` events in ``exposure_hours``."""
    low = stats.chi2.ppf(0.025, 2 * total) / 2 if total > 0 else 0.0
    high = stats.chi2.ppf(0.975, 2 * total + 2) / 2
    return low / exposure_hours, high / exposure_hours


def block_rates(counts: np.ndarray, segment: str, day_type: str) -> BlockRates:
    """Rates and dispersion from a days x hours matrix of arrival counts."""
    days = counts.shape[0]
    means = counts.mean(axis=0)
    rates, lows, highs, dispersion, p_values = [], [], [], [], []
    for h in range(counts.shape[1]):
        low, high = _poisson_interval(int(counts[:, h].sum()), float(days))
        rates.append(float(means[h]))
        lows.append(float(low))
        highs.append(float(high))
        if days >= 2 and means[h] > 0:
            index = float(((counts[:, h] - means[h]) ** 2).sum() / means[h])
            dispersion.append(index / (days - 1))
            p_values.append(float(stats.chi2.sf(index, days - 1)))
        else:
            dispersion.append(math.nan)
            p_values.append(math.nan)
    return BlockRates(segment, day_type, days, counts, rates, lows, highs, dispersion, p_values)


def fit_arrivals(customers: pd.DataFrame, hours: OpeningHours, by: str = "daytype", day_type: str | None = None) -> ArrivalFit:
    """Count arrivals per day and opening hour for each segment and day type (balking customers included)."""
    from ..errors import UserError

    frame = customers.assign(block=hours.block_of(customers["minute"]), day_type=day_type_of(customers["day"], by))
    frame = frame[frame["block"] >= 0]
    all_days = frame[["day", "day_type"]].drop_duplicates()
    days_by_type = all_days["day_type"].value_counts().to_dict()
    if day_type is None:
        day_type = max(days_by_type, key=lambda t: (days_by_type[t], t))
    elif day_type not in days_by_type:
        raise UserError(f"--day-type {day_type}: the log has no such days; it has: {', '.join(sorted(days_by_type))}")
    rates: dict[str, dict[str, BlockRates]] = {}
    warnings: list[str] = []
    for segment, rows in frame.groupby("segment", sort=True):
        rates[segment] = {}
        for kind, type_days in all_days.groupby("day_type"):
            subset = rows[rows["day_type"] == kind]
            table = subset.groupby(["day", "block"]).size().unstack(fill_value=0)
            table = table.reindex(index=sorted(type_days["day"]), columns=range(hours.hours), fill_value=0)
            fit = block_rates(table.to_numpy(), segment, kind)
            rates[segment][kind] = fit
            if not math.isnan(fit.combined_p) and fit.combined_p < OVERDISPERSION_P:
                shown = ", ".join(f"{_clock(hours.opens_at_min + 60 * h)} (x{fit.dispersion[h]:.1f})" for h in fit.overdispersed_hours[:6])
                warnings.append(
                    f"arrivals of '{segment}' on {kind} days vary more from day to day than Poisson arrivals would "
                    f"(dispersion test p = {fit.combined_p:.2g}{'; most in ' + shown if shown else ''}): the model's "
                    "Poisson arrivals will understate the busy days; compare staffing on the busiest days too")
    return ArrivalFit(hours, by, rates, day_type, {str(k): int(v) for k, v in days_by_type.items()}, warnings)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
