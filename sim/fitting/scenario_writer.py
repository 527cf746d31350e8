"""Writing the fitted values as a scenario file that loads and validates, with comments on each value.

Every value says where it came from (the fit, with its sample size) or that it is a default the log
cannot tell, so a planner knows what to check before trusting the file.
"""
from __future__ import annotations

import math
from typing import Any

import yaml

DEFAULT = "default: not in the log"


def flow(value: Any) -> str:
    """A value in YAML flow style on one line (``{dist: lognormal, mean: 6, sd: 3}``, ``[1, 2]``)."""
    return yaml.safe_dump(value, default_flow_style=True, width=math.inf, allow_unicode=True, sort_keys=False).strip().removesuffix("\n...")


def rounded(value: float, digits: int = 4) -> float:
    return float(f"{value:.{digits}g}")


def _line(indent: int, key: str, value: Any, comment: str = "") -> str:
    text = f"{'  ' * indent}{key}: {flow(value)}"
    return f"{text}  # {comment}" if comment else text


def scenario_text(fit) -> str:
    """The YAML text of a :class:`sim.fitting.fit.Fit`'s scenario."""
    log, arrivals, hours = fit.log, fit.arrivals, fit.arrivals.hours
    days = log.days
    chosen = arrivals.chosen_day_type
    lines = [
        "# yaml-language-server: $schema=schema.json",
        f"# Fitted by `run_sim.py fit` from {log.source}: {len(log.customers):,} customers on {len(days)} days "
        f"({days[0]:%Y-%m-%d} .. {days[-1]:%Y-%m-%d}).",
        f"# Values marked \"{DEFAULT}\" are the model's defaults, not measured: check them before planning.",
        "meta:",
        _line(1, "title", f"Fitted from {log.source}"),
        _line(1, "summary", f"Arrivals ({chosen}), service times, patience and staffing fitted from the organisation's queue log."),
        "operation:",
        f'  opens_at: "{hours.clock}"  # from the arrivals in the log',
        _line(1, "duration_min", hours.duration_min, f"{hours.hours} opening hours"),
        *([_line(1, "first_day", arrivals.first_weekday,
                 f"day 1 of a run is a usual ({chosen}) day; set another weekday to simulate its arrivals")]
          if arrivals.other_day_types else []),
        _line(1, "service_level_threshold_min", fit.threshold_min,
              "given with --threshold" if fit.threshold_given else f"{DEFAULT}; set the target your operation reports"),
        "segments:",
    ]
    for segment, service in fit.service.items():
        profile = arrivals.profile(segment)
        others = [k for k in arrivals.rates[segment] if k != profile.day_type]
        note = f"{profile.day_type} ({profile.days} days): mean per opening hour; 95 % intervals in the report"
        best = service.best
        lines += [
            f"  {segment}:",
            _line(2, "arrivals_per_hour", [rounded(r, 4) for r in profile.rates], note),
        ]
        if others:
            lines.append("    arrivals_by_day:  # the other days of the log, each with its own rates")
            for kind in others:
                rates = arrivals.rates[segment][kind]
                lines.append(_line(3, kind, {"per_hour": [rounded(r, 4) for r in rates.rates]}, f"{rates.days} days"))
        lines += [
            _line(2, "service", {"role": service.role, "time": best.as_scenario()},
                  f"{best.family}, chosen of {len(service.choice.fits)} families by AIC; {best.n:,} services"),
        ]
        order = fit.priorities.get(segment)
        if order is not None and order.priority:
            lines.append(_line(2, "priority", order.priority, order.reason))
        patience = fit.patience.get(segment)
        if patience is not None and patience.best is not None:
            lines.append(_line(2, "patience_min", patience.best.as_scenario(),
                               f"censored fit: {patience.abandoned:,} abandoned, {patience.censored:,} served after a wait"))
        else:
            lines.append(f"    # patience_min: none fitted ({patience.abandoned if patience else 0} abandoned): unlimited patience")
        balking = fit.balking.get(segment)
        if balking is not None:
            lines.append(_line(2, "balk_queue_length", balking.threshold,
                               f"{balking.balked:,} balked; the shortest queue a balking customer saw"))
        lines.append(_line(2, "value", 0, DEFAULT))
    lines.append("staff:")
    for role, staffing in fit.staffing.items():
        count, shifts = staffing.as_schedule()
        lines += [f"  {role}:", _line(2, "count", count, f"typical day, from {staffing.method}")]
        if shifts:
            lines.append("    shifts:")
            lines += [f"      - {flow(s)}" for s in shifts]
        lines.append(_line(2, "cost_per_hour", 0, DEFAULT))
    if fit.complaints is not None:
        lines += fit.complaints.scenario_lines()
    return "\n".join(lines) + "\n"
