"""Figures of experiment results (matplotlib, no display needed): each function returns a Figure.

Figures are built with ``matplotlib.figure.Figure`` directly rather than pyplot, so they never open
windows and never touch a notebook's plotting state.
"""
from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

from ..model.clock import clock_time
from ..model.kpis import kpi_range, whole_run
from ..model.recovery_cost import recovery_cost_factor
from ..scenario.recovery import CostCurve

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
MONEY = "money"
KPI_LABELS: dict[str, tuple[str, str]] = {
    "arrived": ("Customers arrived", "per replication"),
    "served": ("Customers served", "per replication"),
    "abandoned": ("Customers who gave up waiting", "per replication"),
    "service_level": ("Service level", "share served within the threshold"),
    "mean_wait_min": ("Mean wait", "min"),
    "p90_wait_min": ("90th percentile wait", "min"),
    "abandon_rate": ("Abandonment", "share of waiting customers"),
    "prob_wait": ("Customers who had to wait", "share"),
    "mean_queue_length": ("Mean queue length", "customers"),
    "utilization": ("Staff utilisation", "share of on-duty time"),
    "failures": ("Service failures", "per replication"),
    "failure_rate": ("Failure rate", "failures per served customer"),
    "dissatisfied": ("Dissatisfied customers", "per replication"),
    "complaints": ("Complaints", "per replication"),
    "complaint_rate": ("Complaint rate", "share of the dissatisfied"),
    "silent_dissatisfied": ("Silent dissatisfied", "per replication"),
    "left_dissatisfied": ("Left dissatisfied", "per replication"),
    "mean_recovery_delay_min": ("Mean recovery delay", "min"),
    "retention_rate": ("Retention", "share of customers who return"),
    "wom_reached": ("Reached by negative word of mouth", "people per replication"),
    "customers_lost_wom": ("Customers lost to word of mouth", "per replication"),
    "recovery_cost": ("Recovery cost", MONEY + " per replication"),
    "revenue_lost": ("Revenue lost", MONEY + " per replication"),
    "quality_score": ("Perceived quality", "0..1"),
}
HEADLINE_KPIS = (
    "service_level", "mean_wait_min", "abandon_rate", "utilization", "retention_rate", "complaints",
    "customers_lost_wom", "recovery_cost", "revenue_lost",
)
PATH_LABELS = {
    "all": "all\ncustomers", "no_failure": "no failure", "silent": "silent", "unresolved": "complained,\nunresolved",
    "resolved_slowly": "resolved\nslowly", "resolved_quickly": "resolved\nquickly",
}


POINT_NOTE = "each point: mean over replications (one replication = one simulated run of the scenario) with its 95 % interval"


def param_label(key: str) -> str:
    """A setting's key path as people say it: ``staff.teller.count`` -> ``Tellers on duty (staff count)``."""
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "staff":
        return {"count": f"{parts[1].replace('_', ' ')} staff on duty", "cost_per_hour": f"{parts[1].replace('_', ' ')} cost per hour",
                "skill": f"{parts[1].replace('_', ' ')} skill"}.get(parts[2], f"{parts[1]}: {parts[2].replace('_', ' ')}")
    return ": ".join(part.replace("_", " ") for part in parts[-2:]).capitalize()


def kpi_label(name: str, currency: str = "") -> str:
    """``Mean wait (min)``: a KPI's readable name with its unit (``Mean wait, segment vip (min)`` for a part)."""
    parts = name.split(".", 2)
    if len(parts) == 3 and parts[0] in ("segment", "block", "station"):
        inner = kpi_label(parts[2], currency)
        title, paren, unit = inner.partition(" (")
        return f"{title}, {parts[0]} {parts[1]}" + (f" ({unit}" if paren else "")
    title, unit = KPI_LABELS.get(name, (name.replace("_", " ").replace(".", ": ").capitalize(), ""))
    unit = unit.replace(MONEY, currency or MONEY)
    if not unit and name.endswith("_min"):
        unit = "min"
    return f"{title} ({unit})" if unit else title


def short_number(value: float, signed: bool = False) -> str:
    """A number as people read it: ``-874,000``, ``0.012``, ``+3.2e-04`` (with a sign when ``signed``)."""
    sign = "+" if signed and value > 0 else ""
    if value == 0:
        return "0"
    if abs(value) >= 1e3:
        return f"{sign}{value:,.0f}"
    return f"{sign}{value:.3g}"


def headline_kpis(available: Sequence[str], key_kpis: Sequence[str] = ()) -> list[str]:
    """The KPIs worth a plot by default, among those a run reports: the scenario's key KPIs first."""
    return list(dict.fromkeys(name for name in (*key_kpis, *HEADLINE_KPIS) if name in available))


def thousands(axis: Any) -> None:
    """Numbers on an axis with thousands separators (12,000 rather than 12000)."""
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: short_number(v)))


def nothing_to_show(entries: Sequence[Mapping[str, Any]]) -> bool:
    """True when every summary is missing or exactly zero with a zero-width interval: a panel would be empty."""
    for entry in entries:
        mean, low, high = _interval(entry)
        if not math.isnan(mean) and (mean != 0 or (not math.isnan(low) and (low != 0 or high != 0))):
            return False
    return True


def _new(width: float = 8.0, height: float = 4.5, rows: int = 1, cols: int = 1, **kwargs) -> tuple[Figure, Any]:
    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.subplots(rows, cols, squeeze=False, **kwargs)


def clock_axis(axis: Any, opens_at_min: int, span_min: float) -> None:
    """Label a minutes axis with clock times (HH:MM from the opening time)."""
    step = 60 if span_min <= 10 * 60 else 180 if span_min <= 24 * 60 else 360
    axis.xaxis.set_major_locator(MultipleLocator(step))
    axis.xaxis.set_major_formatter(FuncFormatter(lambda m, _pos: clock_time(opens_at_min, m)))
    axis.set_xlim(0, span_min)


def day_axis(axis: Any, span_min: float, day_min: float) -> None:
    """Label a minutes axis of a run of several days by day (or by week when it runs for more than eight)."""
    days = span_min / day_min
    unit, name = (7 * day_min, "week") if days > 56 else (day_min, "day")
    step = max(1, math.ceil(span_min / unit / 5))  # five labels at most: a half-width panel has room for no more
    axis.xaxis.set_major_locator(MultipleLocator(unit * step))
    axis.xaxis.set_major_formatter(FuncFormatter(lambda m, _pos: f"{name} {int(round(m / unit)) + 1}"))
    axis.set_xlim(0, span_min)


def time_unit(values: Sequence[float]) -> tuple[float, str]:
    """(minutes per unit, unit) to show durations in: days past two days, hours past three hours, else minutes."""
    largest = max([abs(v) for v in values if not math.isnan(v)], default=0.0)
    return (24 * 60.0, "days") if largest > 2 * 24 * 60 else (60.0, "h") if largest > 180 else (1.0, "min")


def _interval(entry: Mapping[str, Any]) -> tuple[float, float, float]:
    low, high = entry["ci95"]
    mean = entry["mean"]
    nan = lambda v: v is None or (isinstance(v, float) and math.isnan(v))  # noqa: E731
    return (math.nan if nan(mean) else mean, math.nan if nan(low) else low, math.nan if nan(high) else high)


# -- sweeps -----------------------------------------------------------------------------------------
def _numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)


def plot_sweep(result: Any, kpi: str, currency: str = "") -> Figure:
    """A KPI against the swept parameter (mean and 95 % band), one line per combination of the others."""
    params = result.params
    x_param = max(params, key=lambda p: (_numeric(p.values), len(p.values)))
    others = [p for p in params if p is not x_param]
    figure, axes = _new()
    ax = axes[0][0]
    series: dict[tuple, list] = {}
    for point in result.points:
        key = tuple(point.settings[p.key] for p in others)
        series.setdefault(key, []).append((point.settings[x_param.key], *_interval(point.kpis[kpi])))
    numeric = _numeric(x_param.values)
    per, unit = time_unit([_interval(p.kpis[kpi])[0] for p in result.points]) if kpi.endswith("_min") else (1.0, "")
    label_text = kpi_label(kpi, currency).replace("(min)", f"({unit})") if unit else kpi_label(kpi, currency)
    for i, (key, rows) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        label = ", ".join(f"{param_label(p.key)} = {v}" for p, v in zip(others, key)) or "mean"
        xs = [r[0] for r in rows] if numeric else list(range(len(rows)))
        means, lows, highs = (np.array([r[j] for r in rows], dtype=float) / per for j in (1, 2, 3))
        ax.plot(xs, means, marker="o", color=colour, label=label)
        ax.fill_between(xs, lows, highs, color=colour, alpha=0.2, linewidth=0)
    if not numeric:
        ax.set_xticks(range(len(x_param.values)), [str(v) for v in x_param.values])
    elif all(isinstance(v, int) for v in x_param.values):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(f"{param_label(x_param.key)} ({x_param.key})")
    ax.set_ylabel(label_text)
    thousands(ax.yaxis)
    ax.set_title(f"{label_text}\nline: mean over replications; band: its 95 % confidence interval", fontsize="medium")
    ax.grid(alpha=0.3)
    if series and (len(series) > 1 or others):
        ax.legend(fontsize="small")
    return figure


# -- comparisons ------------------------------------------------------------------------------------
def plot_comparison(comparison: Any, kpis: Sequence[str], currency: str = "") -> Figure:
    """One panel per KPI: each alternative's paired difference from the baseline, in the KPI's units, with its 95 % interval."""
    labels = list(comparison.differences)
    names = [n for n in kpis if n in comparison.results[0].kpis
             and not nothing_to_show([comparison.differences[label][n] for label in labels])]
    if not names:
        names = [n for n in kpis if n in comparison.results[0].kpis][:1]
    cols = min(3, len(names))
    rows = math.ceil(len(names) / cols)
    figure, axes = _new(4.0 * cols, (0.45 * len(labels) + 1.3) * rows + 0.6, rows, cols)
    base = comparison.results[0].kpis
    for ax, name in zip(axes.flat, names):
        for y, label in enumerate(labels):
            d, low, high = _interval(comparison.differences[label][name])
            significant = low > 0 or high < 0
            ax.errorbar(d, y, xerr=[[d - low], [high - d]], fmt="o", capsize=4, color=COLOURS[0] if significant else "grey")
            mean = base[name]["mean"]
            share = f" ({100 * d / abs(mean):+.1f} %)" if d and mean and not math.isnan(mean) else ""
            ax.annotate(f"{short_number(d, signed=True)}{share}", (d, y), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize="x-small")
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(range(len(labels)), labels, fontsize="small")
        ax.set_ylim(-0.6, len(labels) - 0.2)
        ax.set_title(kpi_label(name, currency), fontsize="small")
        ax.tick_params(axis="x", labelsize="x-small")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: short_number(v)))
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    pairing = ("paired replications (common random numbers), 95 % paired t-interval" if comparison.common_random_numbers
               else "replications with independent random numbers, 95 % t-interval of the differences")
    figure.suptitle(
        f"Difference from '{comparison.baseline}' (alternative minus baseline) over {comparison.replications} {pairing}\n"
        f"blue: the interval excludes 0, grey: it does not; KPIs equal in every replication are left out",
        fontsize="medium",
    )
    return figure


# -- queue and staff over the day ---------------------------------------------------------------------
def plot_trace(trace: Any, title: str = "") -> Figure:
    """Per staff role: queue length (mean and highest) and staff busy against on duty, over the day."""
    roles = list(trace.roles)
    figure, axes = _new(10.0, 2.6 * len(roles) + 0.6, len(roles), 2, sharex=True)
    minutes = trace.minutes
    span = trace.day_min
    for row, role in enumerate(roles):
        queue_ax, staff_ax = axes[row]
        queue_ax.plot(minutes, trace.mean_queueing(role), color=COLOURS[0], label="mean")
        queue_ax.plot(minutes, trace.max_queueing(role), color=COLOURS[0], alpha=0.35, linestyle="--", label="highest seen")
        queue_ax.set_ylabel("customers queueing")
        queue_ax.set_ylim(0, max(1.0, float(np.nanmax(trace.max_queueing(role), initial=0.0)) * 1.1))
        queue_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        queue_ax.set_title(f"{role}: queue length")
        if not np.nanmax(trace.max_queueing(role), initial=0.0):
            queue_ax.text(0.5, 0.5, "nobody queued for this role", transform=queue_ax.transAxes, ha="center", color="grey")
        staff_ax.step(minutes, trace.mean_on_duty(role), where="post", color="black", label="on duty")
        staff_ax.plot(minutes, trace.mean_busy(role), color=COLOURS[1], label="busy (mean)")
        staff_ax.set_ylabel("staff")
        staff_ax.set_title(f"{role}: staff busy and on duty")
        staff_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        staff_ax.set_ylim(0, max(1.0, float(np.nanmax(trace.mean_on_duty(role), initial=0.0))) * 1.15)
        for ax in (queue_ax, staff_ax):
            ax.grid(alpha=0.3)
            if trace.folded:
                clock_axis(ax, trace.opens_at_min, span)
            else:
                day_axis(ax, span, trace.day_length_min)
            ax.legend(fontsize="small", loc="best")
    for ax in axes[-1]:
        ax.set_xlabel("time of day" if trace.folded else "time since the first opening")
    over = "over the day" if trace.folded else "over the whole run"
    slot = "" if trace.folded else f", averaged over each {'day' if trace.slot_min == trace.day_length_min else f'{trace.slot_min:g} min'}"
    figure.suptitle(title or f"Queue and staff {over}: mean over replications (sampled every {trace.every_min:g} min{slot})")
    return figure


# -- failure, complaint, recovery, retention ------------------------------------------------------------
def plot_funnel(summaries: Mapping[str, Mapping[str, Any]]) -> Figure:
    """From failure to complaint to recovery to retention, for one or more alternatives (label -> KPI summary)."""
    stages = [
        ("failures", "felt a failure"), ("dissatisfied", "dissatisfied"),
        ("silent_dissatisfied", "stayed silent"), ("complaints", "complained"),
        ("customers.resolved_quickly", "resolved quickly"), ("customers.resolved_slowly", "resolved slowly"),
        ("customers.unresolved", "unresolved"),
    ]
    paths = ["all"] + [p for p in PATH_LABELS if p != "all" and any(f"retention.{p}" in s for s in summaries.values())]
    figure, axes = _new(11.0, 4.8, 1, 2)
    count_ax, keep_ax = axes[0]
    width = 0.8 / len(summaries)
    for i, (label, summary) in enumerate(summaries.items()):
        colour = COLOURS[i % len(COLOURS)]
        present = [(key, text) for key, text in stages if key in summary]
        ys = np.arange(len(present))[::-1] + (len(summaries) - 1 - i) * width - 0.4 + width / 2
        values = [_interval(summary[key]) for key, _ in present]
        count_ax.barh(ys, [v[0] for v in values], height=width, color=colour, label=label,
                      xerr=[[v[0] - max(v[1], 0.0) for v in values], [v[2] - v[0] for v in values]], capsize=2)
        for y, v in zip(ys, values):
            count_ax.annotate(f"{v[0]:.3g}", (v[2] if not math.isnan(v[2]) else v[0], y), textcoords="offset points",
                              xytext=(4, 0), va="center", fontsize="x-small")
        count_ax.set_yticks(np.arange(len(present))[::-1], [text for _, text in present])
        xs = np.arange(len(paths)) - 0.4 + width / 2 + i * width
        missing = {"mean": math.nan, "ci95": [math.nan, math.nan]}
        rates = [_interval(summary.get("retention_rate" if p == "all" else f"retention.{p}", missing)) for p in paths]
        keep_ax.bar(xs, [r[0] for r in rates], width=width, color=colour, label=label,  # a share stays within 0..1
                    yerr=[[r[0] - max(r[1], 0.0) for r in rates], [min(r[2], 1.0) - r[0] for r in rates]], capsize=2)
        for x, r in zip(xs, rates):
            if math.isnan(r[0]):
                keep_ax.annotate("no cases", (x, 0.02), ha="center", fontsize="x-small", rotation=90)
    served = ", ".join(f"{_interval(s['served'])[0]:.0f}" for s in summaries.values())
    count_ax.set_xlabel(f"customers per run (mean and 95 % interval), out of {served} served")
    count_ax.set_title("Failure -> complaint -> recovery")
    count_ax.grid(axis="x", alpha=0.3)
    count_ax.margins(x=0.12)
    keep_ax.set_xticks(range(len(paths)), [PATH_LABELS[p] for p in paths], fontsize="small")
    keep_ax.set_ylim(0, 1.08)
    keep_ax.set_ylabel("share who come back")
    keep_ax.set_title("Retention by what happened")
    keep_ax.grid(axis="y", alpha=0.3)
    for ax in (count_ax, keep_ax):
        if len(summaries) > 1:
            ax.legend(fontsize="small")
    return figure


def plot_word_of_mouth(runs: Mapping[str, Sequence[Mapping[str, float]]]) -> Figure:
    """How far negative word of mouth reaches and the customers it costs, per replication (label -> runs)."""
    figure, axes = _new(10.0, 4.2, 1, 2)
    for ax, kpi in zip(axes[0], ("wom_reached", "customers_lost_wom")):
        data = [[run[kpi] for run in label_runs] for label_runs in runs.values()]
        ax.boxplot(data, showmeans=True)
        ax.set_xticks(range(1, len(runs) + 1), list(runs), fontsize="small")
        ax.set_ylabel(KPI_LABELS[kpi][1])
        ax.set_title(KPI_LABELS[kpi][0], fontsize="medium")
        ax.set_ylim(bottom=0)
        thousands(ax.yaxis)
        ax.grid(axis="y", alpha=0.3)
    figure.suptitle("Word of mouth after failures, one value per replication\n(box: quartiles; line: median; triangle: mean)",
                    fontsize="medium")
    return figure


def plot_recovery_cost(curve: CostCurve, mean_delays: Mapping[str, float] | None = None) -> Figure:
    """The cost multiplier of a recovery against its delay (1 : 10 : 100), with runs' mean delays marked."""
    delays = np.geomspace(1.0, curve.later_min * 3, 300)
    factors = [recovery_cost_factor(d, curve) for d in delays]
    figure, axes = _new(8.0, 4.5)
    ax = axes[0][0]
    ax.plot(delays, factors, color="black", label="cost multiplier")
    for at, factor, text in ((0.0, curve.on_the_spot, "on the spot"), (curve.next_day_min, curve.next_day, "next day"), (curve.later_min, curve.later, "later")):
        ax.plot(max(at, 1.0), factor, "o", color="black")
        ax.annotate(f"{text}: x{factor:g}", (max(at, 1.0), factor), textcoords="offset points", xytext=(6, 6))
    for i, (label, delay) in enumerate((mean_delays or {}).items()):
        if delay and not math.isnan(delay):
            ax.axvline(delay, color=COLOURS[i % len(COLOURS)], linestyle="--",
                       label=f"{label}: mean delay {delay:.0f} min (x{recovery_cost_factor(delay, curve):.2f})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(top=max(factors) * 3)
    ticks = [(1, "1 min"), (10, "10 min"), (60, "1 h"), (480, "8 h"), (1440, "1 day"), (10080, "1 week")]
    ax.set_xticks([t for t, _ in ticks], [s for _, s in ticks])
    ax.set_xlabel("recovery delay (log scale)")
    ax.set_ylabel("cost multiplier (x on-the-spot cost, log scale)")
    ax.set_title("What delay does to the cost of a recovery")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small", loc="lower right")
    return figure


# -- staffing ----------------------------------------------------------------------------------------------
def plot_staffing(result: Any, opens_at_min: int, currency: str = "") -> Figure:
    """The schedule found against the Erlang estimate, per role, over the day."""
    roles = list(dict.fromkeys(block.role for block in result.schedule))
    figure, axes = _new(9.0, 2.8 * len(roles) + 0.6, len(roles), 1, sharex=True)
    for (ax,), role in zip(axes, roles):
        blocks = [b for b in result.schedule if b.role == role]
        edges = [b.start_min for b in blocks] + [blocks[-1].end_min]
        ax.stairs([b.erlang for b in blocks], edges, baseline=None, color="#bbbbbb", label="Erlang estimate", linewidth=5)
        ax.stairs([b.count for b in blocks], edges, baseline=None, color=COLOURS[0], label="schedule found", linewidth=2)
        ax.set_ylabel(f"{role} on duty")
        ax.set_ylim(0, max(max(b.erlang, b.count) for b in blocks) * 1.25 + 1)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small", loc="upper left")
        clock_axis(ax, opens_at_min, edges[-1])
    axes[-1][0].set_xlabel("time of day")
    figure.suptitle(f"Staff per block: the schedule found costs {result.cost:,.0f} {currency}, "
                    f"the Erlang estimate {result.erlang_cost:,.0f} {currency}")
    return figure


# -- per block of the day -------------------------------------------------------------------------------------
INTRADAY_KPIS = ("service_level", "mean_wait_min", "abandon_rate", "utilization")
OUTCOME_INTRADAY_KPIS = ("dissatisfied", "complaints", "retention_rate", "quality_score")


def block_labels(kpis: Mapping[str, Any]) -> list[str]:
    """The blocks of the day a summary reports (``block.HH:MM.KPI``), in order."""
    return list(dict.fromkeys(name.split(".")[1] for name in kpis if name.startswith("block.") and name.count(".") >= 2))


def flat(entries: Sequence[Mapping[str, Any]]) -> bool:
    """True when the means are all missing or all the same (a flat line that says nothing the table does not)."""
    means = {round(_interval(entry)[0], 12) for entry in entries} - {math.nan}
    means = {m for m in means if not math.isnan(m)}
    return len(means) <= 1


def plot_intraday(summaries: Mapping[str, Mapping[str, Any]], kpis: Sequence[str] = INTRADAY_KPIS,
                  targets: Mapping[str, float] | None = None, currency: str = "") -> Figure | None:
    """Queue KPIs block by block over the day (mean and 95 % band), one line per alternative (label -> summary).

    Panels with nothing to show are left out; ``targets`` (KPI -> value) draws each target as a line.
    Returns None when no KPI has anything to show.
    """
    first = next(iter(summaries.values()))
    labels = block_labels(first)
    shown = [k for k in kpis if labels and not flat([s[f"block.{b}.{k}"] for s in summaries.values() for b in labels
                                                         if f"block.{b}.{k}" in s])]
    if not shown:
        return None
    cols = min(2, len(shown))
    rows = math.ceil(len(shown) / cols)
    figure, axes = _new(5.2 * cols, 3.0 * rows + 0.8, rows, cols)
    xs = np.arange(len(labels))
    for ax, kpi in zip(axes.flat, shown):
        per, unit = time_unit([_interval(s[f"block.{b}.{kpi}"])[0] for s in summaries.values() for b in labels]) if kpi.endswith("_min") else (1.0, "")
        for i, (label, summary) in enumerate(summaries.items()):
            values = [np.array(_interval(summary[f"block.{b}.{kpi}"])) / per for b in labels]
            colour = COLOURS[i % len(COLOURS)]
            ax.plot(xs, [v[0] for v in values], marker="o", color=colour, label=label)
            ax.fill_between(xs, [v[1] for v in values], [v[2] for v in values], color=colour, alpha=0.2, linewidth=0)
        if targets and kpi in targets:
            ax.axhline(targets[kpi] / per, color="black", linestyle="--", linewidth=1, label=f"target {short_number(targets[kpi])}")
        title = kpi_label(kpi, currency)
        ax.set_title(title.replace("(min)", f"({unit})") if unit else title, fontsize="medium")
        step = max(1, math.ceil(len(labels) / 12))
        ax.set_xticks(xs[::step], labels[::step], fontsize="small", rotation=45 if len(labels) > 8 else 0)
        if kpi_range(kpi) == (0.0, 1.0):
            ax.set_ylim(-0.02, 1.02)
        else:
            ax.set_ylim(0, ax.get_ylim()[1] * 1.04)  # head room: points at the top are drawn whole
        thousands(ax.yaxis)
        ax.grid(alpha=0.3)
        if len(summaries) > 1 or targets:
            ax.legend(fontsize="small")
    for ax in list(axes.flat)[len(shown):]:
        ax.set_visible(False)
    figure.suptitle("By block of the day (customers by the block they arrived in)\n"
                    "line: mean over replications; band: its 95 % confidence interval", fontsize="medium")
    return figure
