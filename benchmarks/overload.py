"""Customers simulated per second on an overloaded day against a balanced day with the same arrivals.

One day of two segments (VIPs served first) with the same arrival stream, served by enough staff for
a utilisation of about 0.85 (balanced) or by half the staff needed (overloaded: the queue grows to
thousands by closing time). Both with patient customers, and again with customers who give up after
60 minutes on average (thousands join and then leave the line). A queue whose operations cost
O(log n) keeps the overloaded day's rate within a small factor of the balanced one.
Target: overloaded / balanced >= 0.5.
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim import load_scenario_text, run_once  # noqa: E402

DAY_MIN, SERVICE_MEAN, VIP_SHARE = 480.0, 5.0, 0.2


def scenario(customers: int, staff: int, patience_min: float | None):
    """A day with ``customers`` expected arrivals, ``staff`` tellers and optional exponential patience."""
    per_hour = customers / (DAY_MIN / 60)

    def segment(share: float, priority: int) -> dict:
        spec = {"arrivals_per_hour": per_hour * share, "priority": priority,
                "service": {"role": "teller", "time": {"dist": "exponential", "mean": SERVICE_MEAN}}}
        if patience_min is not None:
            spec["patience_min"] = {"dist": "exponential", "mean": patience_min}
        return spec

    data = {
        "meta": {"title": "overload benchmark"},
        "operation": {"duration_min": DAY_MIN},
        "segments": {"vip": segment(VIP_SHARE, 1), "regular": segment(1 - VIP_SHARE, 0)},
        "staff": {"teller": {"count": staff}},
    }
    return load_scenario_text(yaml.safe_dump(data))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000, help="expected arrivals in the day")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    offered = args.customers / DAY_MIN * SERVICE_MEAN  # Erlangs
    balanced_staff = math.ceil(offered / 0.85)
    short_staff = max(1, round(offered / 2))
    staffing = {"balanced": balanced_staff, "overloaded": short_staff}
    days = {(load, patience): scenario(args.customers, staff, patience)
            for patience in (None, 60.0) for load, staff in staffing.items()}
    rates: dict[tuple, list[float]] = {key: [] for key in days}
    queues: dict[tuple, float] = {}
    for seed in range(args.repeats):
        for name, day in days.items():  # in turn, so machine load hits every day alike
            begin = time.perf_counter()
            kpis = run_once(day, seed)
            rates[name].append(kpis["arrived"] / (time.perf_counter() - begin))
            queues[name] = kpis["mean_queue_length"]
    median = {name: statistics.median(values) for name, values in rates.items()}
    print(f"{args.customers:,} arrivals in {DAY_MIN:g} min, {offered:,.0f} Erlangs offered, median of {args.repeats} runs")
    for (load, patience), rate in median.items():
        customers = "patient" if patience is None else f"give up after {patience:g} min"
        print(f"{load:10s} {staffing[load]:5d} staff, {customers:24s} mean queue {queues[load, patience]:7,.0f}"
              f"  {rate:9,.0f} customers/s")
    for patience in (None, 60.0):
        customers = "patient" if patience is None else "reneging"
        ratio = median["overloaded", patience] / median["balanced", patience]
        print(f"ratio overloaded / balanced, {customers:9s} {ratio:5.2f}  (target >= 0.5)")


if __name__ == "__main__":
    main()
