"""Failures and recovery from a complaint log: complaint rate, Bitner category mix, resolution delays.

The model does not take complaints directly: a visit fails with a chance per Bitner category, a
dissatisfied customer complains with the scenario's propensity, and staff recover on the spot or
by escalation. So the fit works backwards: the failure chances are set so that the model's
complaint rate per served customer and category mix match the log's (checked by simulating the
fitted scenario and rescaling once), the share of complaints resolved within the hour becomes the
on-the-spot share, and the median delay of the others the escalation delay. Severity mix and
complaint propensity stay at the defaults, marked as such.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from ..errors import UserError
from ..outputs.report import Section
from ..scenario import load_scenario_text
from ..scenario.behaviour import Behaviour
from ..scenario.failures import CATEGORIES, SeverityMix
from ..scenario.recovery import Recovery
from .cleaning import CleanLog, Defect
from .reading import COMPLAINT_FIELDS, map_columns, parse_column_spec, parse_mapping, read_table
from .scenario_writer import DEFAULT, flow, rounded
from .timestamps import parse_times

QUICK_MIN = 60.0  # the default retention.quick_within_min: resolved within it counts as on the spot
CALIBRATION_REPLICATIONS = 10
UNRESOLVED = ("open", "unresolved", "not_resolved", "pending", "rejected", "closed_unresolved")


def parse_category_map(spec: str | None) -> dict[str, str]:
    """``"billing=delivery_system,rude=employee_action"`` or a YAML/JSON file -> ``{category: bitner}``."""
    if not spec:
        return {}
    mapping = parse_mapping(spec, "--categories", "billing=delivery_system")
    wrong = {k: v for k, v in mapping.items() if v not in CATEGORIES}
    if wrong:
        raise UserError(f"--categories: {', '.join(f'{k} -> {v!r}' for k, v in wrong.items())}: "
                        f"map each category to one of {', '.join(CATEGORIES)}")
    return {str(k).strip().lower(): str(v) for k, v in mapping.items()}


@dataclass
class ComplaintFit:
    """What the complaint log says, and the scenario settings fitted to it."""

    source: str
    rows_read: int
    complaints: int
    served: int
    by_category: dict[str, int]
    delays: np.ndarray  # minutes from complaint to resolution, resolved ones only
    unresolved: int
    defects: list[Defect] = field(default_factory=list)
    chances: dict[str, float] = field(default_factory=dict)
    simulated_rate: float = math.nan

    @property
    def rate(self) -> float:
        return self.complaints / self.served if self.served else math.nan

    @property
    def rate_interval(self) -> tuple[float, float]:
        """Clopper-Pearson 95 % interval of the complaint rate per served customer."""
        k, n = self.complaints, self.served
        low = stats.beta.ppf(0.025, k, n - k + 1) if k else 0.0
        high = stats.beta.ppf(0.975, k + 1, n - k) if k < n else 1.0
        return float(low), float(high)

    @property
    def quick_share(self) -> float:
        resolved = self.delays.size + self.unresolved
        return float((self.delays <= QUICK_MIN).sum() / resolved) if resolved else math.nan

    @property
    def escalation_delay(self) -> float:
        slow = self.delays[self.delays > QUICK_MIN]
        return float(np.median(slow)) if slow.size else Recovery().escalation_delay_min

    def scenario_lines(self) -> list[str]:
        """The ``failures``, ``behaviour`` and ``recovery`` sections, with where each value comes from."""
        low, high = self.rate_interval
        shares = {c: self.by_category.get(c, 0) / max(sum(self.by_category.values()), 1) for c in CATEGORIES}
        on_the_spot = {**Recovery().on_the_spot_share, "medium": rounded(self.quick_share, 3)}
        return [
            f"failures:  # from {self.source}: {self.complaints:,} complaints for {self.served:,} served "
            f"({self.rate:.2%}, 95 % interval {low:.2%}..{high:.2%})",
            f"  categories: {flow({c: rounded(self.chances[c], 4) for c in CATEGORIES})}  # failure chances per visit "
            f"giving the log's complaint rate (simulated {self.simulated_rate:.2%}) and mix "
            + ", ".join(f"{c} {shares[c]:.0%}" for c in CATEGORIES),
            f"  severity_mix: {flow(SeverityMix().model_dump())}  # {DEFAULT}",
            "behaviour:",
            f"  complaint_propensity: {flow(Behaviour().complaint_propensity.model_dump())}  # {DEFAULT}",
            "recovery:",
            "  empowerment: medium  # default; its on-the-spot share below is fitted",
            f"  on_the_spot_share: {flow(on_the_spot)}  # medium: share of complaints resolved within "
            f"{QUICK_MIN:g} min ({self.delays.size:,} resolved, {self.unresolved:,} never)",
            f"  escalation_delay_min: {rounded(self.escalation_delay, 4)}  # median delay of the complaints resolved later",
        ]

    def report_section(self) -> Section:
        low, high = self.rate_interval
        rows = [[c, self.by_category.get(c, 0), self.chances.get(c, math.nan)] for c in CATEGORIES]
        text = [f"{self.complaints:,} complaints for {self.served:,} served customers: {self.rate:.2%} "
                f"(95 % interval {low:.2%}..{high:.2%}); the fitted scenario simulates {self.simulated_rate:.2%}.",
                f"Resolved within {QUICK_MIN:g} min: {self.quick_share:.0%}; median delay of the others "
                f"{self.escalation_delay:,.0f} min; never resolved: {self.unresolved:,}."]
        text += [f"{d.count} rows: {d.message} ({d.action}): rows {d.example_rows()}" for d in self.defects]
        return Section("Complaints, failures and recovery", text, header=["Bitner category", "complaints", "failure chance per visit"], rows=rows)


def read_complaints(path: str, columns: str | None, category_map: str | None, log: CleanLog, timezone: str | None,
                    dayfirst: bool) -> ComplaintFit:
    """Read the complaint log and count complaints, categories and delays over the queue log's days."""
    table = read_table(path, "complaint log")
    mapping = map_columns(table, parse_column_spec(columns, COMPLAINT_FIELDS, "--complaint-columns"), path, COMPLAINT_FIELDS, ("time", "category"))
    rows = pd.Series(np.arange(len(table)) + 2, index=table.index)
    text = lambda name: table[mapping[name]].astype(str).str.strip() if name in mapping else pd.Series("", index=table.index)  # noqa: E731
    time = parse_times(text("time"), timezone, dayfirst)
    resolved = parse_times(text("resolved_at"), timezone, dayfirst)
    defects = []

    def note(mask: pd.Series, message: str, action: str) -> None:
        if mask.any():
            defects.append(Defect("complaints", message, action, rows[mask].tolist()))

    usable = time.wall.notna()
    note(~usable, "complaint time missing or not a date and time", "left out")
    days = set(log.customers["day"])
    inside = usable & time.wall.dt.normalize().isin(days)
    note(usable & ~inside, "complaint on a day the queue log does not cover", "left out")
    category = text("category").str.lower()
    map_ = parse_category_map(category_map)
    bitner = category.map(lambda c: map_.get(c, c if c in CATEGORIES else ""))
    unmapped = sorted(set(category[inside & (bitner == "") & (category != "")]))
    if unmapped:
        raise UserError(f"{path}: complaint categories without a Bitner category: {', '.join(unmapped[:12])}; map them with "
                        f"--categories, for example --categories '{unmapped[0]}=delivery_system' "
                        f"(allowed: {', '.join(CATEGORIES)})")
    note(inside & (category == ""), "no category", "left out of the category mix")
    delay = (resolved.absolute - time.absolute).dt.total_seconds() / 60.0
    note(inside & (delay < 0), "resolved before the complaint was made", "counted as unresolved")
    note(inside & resolved.unreadable, "resolution time is not a date and time", "counted as unresolved")
    # an outcome saying the case is still open or was not resolved overrides a resolution time
    still_open = text("outcome").str.lower().str.replace(" ", "_").isin(UNRESOLVED)
    note(inside & still_open & resolved.wall.notna(), "resolution time given but the outcome says unresolved", "counted as unresolved")
    good_delay = inside & (delay >= 0) & ~still_open
    counts = bitner[inside & (bitner != "")].value_counts().to_dict()
    served = int((log.customers["outcome"] == "served").sum())
    return ComplaintFit(Path(path).name, len(table), int(inside.sum()), served, {c: int(counts.get(c, 0)) for c in CATEGORIES},
                        delay[good_delay].to_numpy(dtype=float), int((inside & ~good_delay).sum()), defects)


def _complaint_propensity() -> float:
    """Chance that a failed visit leads to a complaint, with the default severity mix and propensities."""
    mix, propensity = SeverityMix(), Behaviour().complaint_propensity
    return sum(getattr(mix, s) * getattr(propensity, s) for s in ("minor", "major", "critical"))


def fit_complaints(path: str, options, log: CleanLog) -> ComplaintFit:
    """Read the complaint log and fit the failure chances to it (set ``chances`` and ``simulated_rate``)."""
    fit = read_complaints(path, options.complaint_columns, options.category_map, log, options.timezone, options.dayfirst)
    if fit.complaints == 0:
        days = log.days
        raise UserError(f"{path}: no usable complaints on the days of the queue log ({days[0]:%Y-%m-%d} .. {days[-1]:%Y-%m-%d}); "
                        "check the dates (add --dayfirst for dates written day/month/year) and the column mapping (--complaint-columns)")
    total = sum(fit.by_category.values()) or 1
    first_guess = fit.rate / _complaint_propensity()
    fit.chances = {c: min(first_guess * fit.by_category[c] / total, 1.0) for c in CATEGORIES}
    return fit


def calibrate_complaints(fit, seed: int = 0) -> None:
    """Rescale the failure chances once so the simulated complaint rate matches the log's.

    Waits and rushed staff add complaints of their own in the model, so the first guess (complaint
    rate over the complaint propensity) overshoots when queues are long; one simulated correction
    removes most of that.
    """
    from .. import replicate

    complaints = fit.complaints
    scenario = load_scenario_text(fit.text, "fitted.yaml")
    result = replicate(scenario, CALIBRATION_REPLICATIONS, seed, workers=1)
    simulated = float(np.mean(result.values("complaints"))) / max(float(np.mean(result.values("served"))), 1.0)
    if simulated > 0:
        complaints.chances = {c: min(p * complaints.rate / simulated, 1.0) for c, p in complaints.chances.items()}
    data = yaml.safe_load(fit.text)
    data["failures"]["categories"] = complaints.chances
    again = replicate(load_scenario_text(yaml.safe_dump(data), "fitted.yaml"), CALIBRATION_REPLICATIONS, seed + 1, workers=1)
    complaints.simulated_rate = float(np.mean(again.values("complaints"))) / max(float(np.mean(again.values("served"))), 1.0)
