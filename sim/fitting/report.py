"""The fit's report: what was read and left out, every fitted part with its figure, and the check.

One folder with the figures as PNG files and an ``index.html`` that embeds them (the same report
writer as the other experiments).
"""
from __future__ import annotations

import math
from pathlib import Path

from ..outputs.report import Section, write_report
from . import plots


def _interval(fit) -> str:
    return ", ".join(f"{k} {v:.4g} ({fit.intervals[k][0]:.4g}..{fit.intervals[k][1]:.4g})" for k, v in fit.params.items())


def fit_report(directory: str | Path, fit, validation=None) -> Path:
    """Write the report of ``fit`` (and of its ``validation``, when it was run) to ``directory``."""
    log, arrivals, hours = fit.log, fit.arrivals, fit.arrivals.hours
    sections = [Section(
        "Records read", [log.summary() + ".", "Row numbers count the header as row 1."] + [f"Warning: {w}" for w in fit.warnings],
        header=["defect", "rows", "what was done", "rows affected"],
        rows=[[d.message, d.count, d.action, d.example_rows(20)] for d in log.defects] or [["none found", 0, "", ""]],
    )]
    rows = []
    for segment, by_type in arrivals.rates.items():
        for kind, rates in by_type.items():
            for hour, label in enumerate(plots._hour_labels(hours)):
                rows.append([segment, kind, label, rates.rates[hour], f"{rates.low[hour]:.3g}..{rates.high[hour]:.3g}",
                             rates.dispersion[hour], rates.p_values[hour]])
    sections.append(Section(
        "Arrivals",
        [f"Arrivals per opening hour from {hours.clock}, by segment and day type ({arrivals.by}); the scenario takes the "
         f"{arrivals.chosen_day_type} profile as its usual day"
         f"{' and the others under arrivals_by_day' if arrivals.other_day_types else ''}. Dispersion is the day-to-day variance over the mean (1 for Poisson arrivals); "
         "a small p says the hour is more variable than the model's Poisson arrivals."],
        header=["segment", "day type", "hour", "per hour", "95 % interval", "dispersion", "Poisson p"], rows=rows,
        figure=plots.plot_arrivals(arrivals), image="arrivals"))
    rows = [[segment, f.family, f.n, _interval(f), f.aic - s.best.aic] for segment, s in fit.service.items() for f in s.choice.fits]
    sections.append(Section(
        "Service times", ["Each family fitted by maximum likelihood; the lowest AIC is written to the scenario. "
                          "QQ plots: the closer the points to the diagonal, the better the family describes the times."],
        header=["segment", "family", "services", "parameters (95 % interval)", "AIC - best"], rows=rows,
        figure=plots.plot_service_qq(fit.service), image="service_qq"))
    rows = []
    for segment, p in fit.patience.items():
        for f in (p.choice.fits if p.choice else []):
            rows.append([segment, f.family, p.abandoned, p.censored, _interval(f), f.aic - p.best.aic])
        if p.choice is None:
            rows.append([segment, "too few abandoned to fit", p.abandoned, p.censored, "", math.nan])
    balking = [f"{b.segment}: {b.balked:,} of {b.arrivals:,} left at once; the shortest queue a balking customer saw was "
               f"{b.threshold}, and {b.joined_at_or_above:,} others joined a queue at least that long." for b in fit.balking.values()]
    sections.append(Section(
        "Patience", ["Served customers' waits are censored (their patience was longer); those who gave up show it. "
                     "Kaplan-Meier needs no family; the parametric fits are by lifelines."] + balking,
        header=["segment", "family", "abandoned", "censored", "parameters (95 % interval)", "AIC - best"], rows=rows,
        figure=plots.plot_patience(fit.patience), image="patience"))
    rows = [[role, s.method, label, s.counts[h], s.busy_share[h]] for role, s in fit.staffing.items()
            for h, label in enumerate(plots._hour_labels(hours))]
    sections.append(Section("Staffing", ["Staff on duty per hour on a typical day (median over the days)."],
                            header=["role", "from", "hour", "staff", "busy share"], rows=rows,
                            figure=plots.plot_staffing(fit.staffing, hours), image="staffing"))
    if fit.complaints is not None:
        sections.append(fit.complaints.report_section())
    if validation is not None:
        sections.append(Section(
            "Check: the fitted scenario against the log",
            [f"{validation.replications} simulations of {validation.days} {validation.day_type} days each; red points are "
             "hours where the log falls outside the simulated 95 % prediction interval.", validation.verdict()],
            header=["hour", "KPI", "log", "simulated mean", "95 % prediction interval", "agrees"],
            rows=[[r.block, r.kpi, r.observed, r.mean, f"{r.low:.3g}..{r.high:.3g}", "yes" if r.agrees else "NO"] for r in validation.rows],
            figure=plots.plot_validation(validation, hours), image="validation"))
    sections.append(Section("The fitted scenario", ["As written to the scenario file:"] + fit.text.splitlines()))
    return write_report(directory, f"Fit of {log.source}", [f"{len(log.customers):,} customers on {len(log.days)} days."], sections)
