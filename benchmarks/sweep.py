"""Benchmark of the planning workbench: a sweep in one process, in local processes and on Dask; the staffing search.

Prints the sweep's wall time serially and in parallel (and the speed-up on this machine's cores),
checks that serial, local-process and Dask runs give identical numbers, and compares the staffing
search's simulation count with the full grid over the same staff counts.

    python benchmarks/sweep.py [--replications 20] [--days 6]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sim  # noqa: E402
from sim.experiments.optimiser import optimise_staffing  # noqa: E402
from sim.experiments.parallel import Runner, default_workers  # noqa: E402
from sim.experiments.sweep import sweep  # noqa: E402

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "bank_branch.yaml"
PARAMS = ["staff.teller.count=5:10", "recovery.empowerment=low,high"]
TARGETS = ["service_level>=0.8", "retention_rate>=0.85"]


def timed(label: str, work):
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {seconds:7.2f} s")
    return result, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replications", type=int, default=20, help="replications per sweep point (default 20)")
    parser.add_argument("--days", type=int, default=6, help="days per replication: the work in one task (default 6)")
    args = parser.parse_args()

    # failures on (default figures) and several days per replication, so each task is real work
    scenario = sim.load_scenario(SCENARIO, {"failures": {}, "operation.days": args.days})
    cores = default_workers()
    points = 6 * 2
    print(f"sweep of {SCENARIO.name}: {points} points x {args.replications} replications of {args.days} days, "
          f"{cores} cores available (load average before: {os.getloadavg()[0]:.2f})")
    serial, serial_s = timed("serial (1 process)", lambda: sweep(scenario, PARAMS, args.replications, workers=1))
    local, local_s = timed(f"parallel ({cores} local processes)", lambda: sweep(scenario, PARAMS, args.replications, workers=cores))
    busy = os.getloadavg()[0] > cores + 0.5  # more runnable processes than cores: others compete for them
    print(f"  speed-up {serial_s / local_s:.2f}x on {cores} cores (target >= 1.8x on 2 cores)"
          + ("; other processes were competing for the cores" if busy else ""))

    from distributed import LocalCluster

    with LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0") as cluster:
        with Runner(dask=cluster.scheduler_address) as runner:
            on_dask, _ = timed(f"Dask LocalCluster ({cores} workers)", lambda: sweep(scenario, PARAMS, args.replications, runner=runner))
    same = repr(serial.to_dict()) == repr(local.to_dict()) == repr(on_dask.to_dict())
    print(f"  serial, local-process and Dask results identical: {'yes' if same else 'NO'}")

    one_day = sim.load_scenario(SCENARIO, {"failures": {}})
    print(f"staffing search on {SCENARIO.name} (hour blocks), targets {', '.join(TARGETS)}")
    result, _ = timed(f"search ({cores} local processes)", lambda: optimise_staffing(one_day, TARGETS, 20, workers=cores))
    share = result.simulation_runs / result.full_grid_runs
    print(f"  simulation runs {result.simulation_runs:,} ({result.evaluations} plans x 20 replications); "
          f"full grid over the same counts {result.full_grid_runs:,} ({result.full_grid_plans:,} plans): "
          f"{share:.2%} of it (target <= 10 %)")
    print(f"  cost {result.cost:,.0f} against {result.erlang_cost:,.0f} for the Erlang estimate; "
          f"targets confirmed with fresh seeds: {'yes' if result.confirmed else 'NO'}")
    return 0 if same and result.confirmed else 1


if __name__ == "__main__":
    sys.exit(main())
