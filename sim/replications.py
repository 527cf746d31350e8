"""Independent replications of a scenario, each with its own seed stream derived from one seed."""
from __future__ import annotations

from typing import Callable, Iterator

from .model import run_once
from .scenario import Scenario
from .statistics import summarise


def iter_replications(scenario: Scenario, replications: int, seed: int = 0, first: int = 0) -> Iterator[dict[str, float]]:
    """KPIs of replications ``first .. first + replications - 1``, one at a time (for progress display)."""
    for replication in range(first, first + replications):
        yield run_once(scenario, seed, replication)


def replicate(
    scenario: Scenario,
    replications: int = 30,
    seed: int = 0,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, object]:
    """Run ``replications`` replications and summarise them (mean and 95 % interval per KPI)."""
    runs = []
    for done, kpis in enumerate(iter_replications(scenario, replications, seed), start=1):
        runs.append(kpis)
        if on_progress:
            on_progress(done, replications)
    return {"replications": replications, "seed": seed, "runs": runs, "kpis": summarise(runs)}
