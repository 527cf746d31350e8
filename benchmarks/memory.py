"""Peak memory of a million-customer run of the full model (target: under 300 MB).

Each measurement runs in a fresh process and reads its peak resident set size, so the figures do not
mix. The baseline is the same process importing the model and building the scenario without running
it; the difference is what the run itself costs. KPIs stream through accumulators, so the run's cost
should not grow with the number of customers (the event log is off, as by default).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
import yaml
from sim import load_scenario_text, run_once
customers, run = int(sys.argv[1]), sys.argv[2] == "run"
data = {{
    "meta": {{"title": "memory"}},
    "operation": {{"duration_min": 1440, "days": max(1, round(customers / (120 * 24)))}},
    "segments": {{"customer": {{"arrivals_per_hour": 120, "value": 40,
                  "service": {{"role": "agent", "time": {{"dist": "exponential", "mean": 5}}}}}}}},
    "staff": {{"agent": {{"count": 13}}, "supervisor": {{"count": 3}}}},
    "failures": {{}},
    "recovery": {{"supervisor_role": "supervisor", "proactive_share": 0.2}},
}}
scenario = load_scenario_text(yaml.safe_dump(data))
start = time.perf_counter()
kpis = run_once(scenario, 1) if run else {{"arrived": 0}}
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"peak_mb": peak_kib / 1024, "arrived": kpis["arrived"], "seconds": time.perf_counter() - start}}))
"""


def measure(customers: int, run: bool) -> dict:
    code = CHILD.format(root=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code, str(customers), "run" if run else "idle"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"the measured run failed:\n{out.stderr}")
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    args = parser.parse_args()
    baseline = measure(args.customers, run=False)
    small = measure(args.customers // 10, run=True)
    full = measure(args.customers, run=True)
    print(f"baseline (imports and scenario, no run):   {baseline['peak_mb']:7.1f} MB")
    print(f"{small['arrived']:>11,.0f} customers:                {small['peak_mb']:7.1f} MB peak  ({small['seconds']:.0f} s)")
    print(f"{full['arrived']:>11,.0f} customers:                {full['peak_mb']:7.1f} MB peak  ({full['seconds']:.0f} s)")
    print(f"run's own cost: {full['peak_mb'] - baseline['peak_mb']:.1f} MB for 10x the customers of a "
          f"{small['peak_mb'] - baseline['peak_mb']:.1f} MB run (ratio {(full['peak_mb'] - baseline['peak_mb']) / max(small['peak_mb'] - baseline['peak_mb'], 0.1):.2f})")
    print(f"peak / 300 MB target: {full['peak_mb'] / 300:.2f}  ({'within' if full['peak_mb'] < 300 else 'OVER'} target)")


if __name__ == "__main__":
    main()
