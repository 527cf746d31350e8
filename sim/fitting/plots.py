"""Figures of a fit: arrival profiles, QQ plots of service times, patience curves, staffing, and the check.

Built on ``matplotlib.figure.Figure`` (no pyplot), like the rest of the package's figures.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .block_kpis import KPI_LABELS, KPIS
from .families import qq_points

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]


def _grid(panels: int, width: float = 4.2, height: float = 3.4, cols: int = 3):
    cols = min(cols, max(panels, 1))
    rows = -(-max(panels, 1) // cols)
    figure = Figure(figsize=(width * cols, height * rows), layout="constrained")
    axes = figure.subplots(rows, cols, squeeze=False).ravel()
    for axis in axes[panels:]:
        axis.set_visible(False)
    return figure, axes


def _label(axis, title: str, xlabel: str, ylabel: str) -> None:
    axis.set_title(title)
    axis.set_xlabel(xlabel)
    axis.set_ylabel(ylabel)
    axis.legend(fontsize=8)


def _hour_labels(hours) -> list[str]:
    return [f"{(hours.opens_at_min + 60 * h) // 60:02d}:{hours.opens_at_min % 60:02d}" for h in range(hours.hours)]


def plot_arrivals(arrivals) -> Figure:
    """Arrivals per hour for each segment: every day type as a line, the written one with 95 % intervals."""
    segments = list(arrivals.rates)
    figure, axes = _grid(len(segments), cols=2, width=5.5)
    x = np.arange(arrivals.hours.hours)
    for axis, segment in zip(axes, segments):
        for i, (kind, rates) in enumerate(sorted(arrivals.rates[segment].items())):
            chosen = kind == arrivals.chosen_day_type
            if chosen:
                err = [np.subtract(rates.rates, rates.low), np.subtract(rates.high, rates.rates)]
                axis.bar(x, rates.rates, yerr=err, color=COLOURS[0], alpha=0.6, capsize=3, label=f"{kind} ({rates.days} days), 95 % CI")
            else:
                axis.plot(x, rates.rates, "o-", color=COLOURS[1 + i % 5], label=f"{kind} ({rates.days} days)")
            over = rates.overdispersed_hours
            if chosen and over:
                axis.plot(over, [rates.high[h] * 1.05 for h in over], "v", color="black", label="more variable than Poisson")
        axis.set_xticks(x, _hour_labels(arrivals.hours), rotation=45)
        axis.set_title(f"{segment}: arrivals per hour")
        axis.set_ylabel("customers per hour")
        axis.legend(fontsize=8)
    return figure


def plot_service_qq(service) -> Figure:
    """QQ plot of each segment's service times against the chosen family and the next best (on the line = good fit)."""
    segments = list(service)
    figure, axes = _grid(len(segments))
    for axis, segment in zip(axes, segments):
        fit = service[segment]
        runner_up = next((f for f in fit.choice.fits if f is not fit.best), None)
        for i, family_fit in enumerate([fit.best, runner_up] if runner_up else [fit.best]):
            theory, observed = qq_points(family_fit, fit.durations.to_numpy())
            axis.plot(theory, observed, "." if i == 0 else "x", color=COLOURS[i], markersize=4 if i == 0 else 3,
                      label=f"{family_fit.family} (AIC {family_fit.aic - fit.best.aic:+.1f})")
        top = float(np.quantile(fit.durations, 0.995))
        axis.plot([0, top], [0, top], color="grey", linewidth=1)
        axis.set_xlim(0, top)
        axis.set_ylim(0, top)
        _label(axis, f"{segment}: service times, {fit.best.n:,} services", "fitted quantile (min)", "observed quantile (min)")
    return figure


def plot_patience(patience) -> Figure:
    """Share still waiting after t minutes: Kaplan-Meier from the censored waits, and the fitted family."""
    segments = list(patience)
    figure, axes = _grid(len(segments))
    for axis, segment in zip(axes, segments):
        fit = patience[segment]
        axis.step(fit.km_times, fit.km_survival, where="post", color=COLOURS[0], label="Kaplan-Meier")
        top = float(fit.km_times.max()) if fit.km_times.size else 1.0
        if fit.best is not None:
            t = np.linspace(0, top, 200)
            axis.plot(t, fit.best.distribution.sf(t), color=COLOURS[1], label=f"{fit.best.family} fit")
        axis.set_ylim(0, 1.02)
        axis.set_xlim(0, top)
        _label(axis, f"{segment}: {fit.abandoned:,} abandoned, {fit.censored:,} censored", "minutes waited",
               "share whose patience lasts longer")
    return figure


def plot_staffing(staffing, hours) -> Figure:
    """Staff on duty per hour (bars) and the share of their time spent serving (line)."""
    roles = list(staffing)
    figure, axes = _grid(len(roles), cols=2, width=5.5)
    x = np.arange(hours.hours)
    for axis, role in zip(axes, roles):
        fit = staffing[role]
        axis.bar(x, fit.counts, color=COLOURS[2], alpha=0.7, label=f"staff on duty ({fit.method})")
        axis.set_ylabel("staff")
        axis.set_xticks(x, _hour_labels(hours), rotation=45)
        axis.set_title(f"{role}: typical day")
        if not np.all(np.isnan(fit.busy_share)):
            twin = axis.twinx()
            twin.plot(x, fit.busy_share, "o-", color=COLOURS[3], label="busy share")
            twin.set_ylim(0, 1.05)
            twin.set_ylabel("busy share")
            twin.legend(loc="upper right", fontsize=8)
        axis.legend(loc="upper left", fontsize=8)
    return figure


def plot_validation(validation, hours) -> Figure:
    """Each KPI by hour: the log (points) against the simulated 95 % prediction interval (band)."""
    figure, axes = _grid(len(KPIS), cols=3)
    x = np.arange(hours.hours)
    for i, (axis, kpi) in enumerate(zip(axes, KPIS)):
        rows = [r for r in validation.rows if r.kpi == kpi]
        axis.fill_between(x, [r.low for r in rows], [r.high for r in rows], color=COLOURS[0], alpha=0.25, label="simulated 95 % PI")
        axis.plot(x, [r.mean for r in rows], color=COLOURS[0], linewidth=1, label="simulated mean")
        colours = [COLOURS[1] if not r.agrees else "black" for r in rows]
        axis.scatter(x, [r.observed for r in rows], c=colours, zorder=3, s=18, label="log")
        axis.set_xticks(x, _hour_labels(hours), rotation=45)
        axis.set_title(KPI_LABELS[kpi])
        if i == 0:
            figure.legend(*axis.get_legend_handles_labels(), loc="lower right", bbox_to_anchor=(0.95, 0.15), fontsize=10,
                          title="red points: outside the interval")
    return figure
