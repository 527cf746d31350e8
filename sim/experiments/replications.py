"""Replications of a scenario: common random numbers, warm-up deletion, 95 % intervals, stop when precise.

Replication ``i`` of every alternative run with the same seed uses the same random numbers (common
random numbers), so differences between alternatives are not blurred by luck. With a precision goal,
replications are added in batches until every requested KPI's 95 % interval half-width is below that
share of its mean (by default every whole-run KPI; per-segment and per-block ones only when named); the batch sizes depend only on the results, never on the number of workers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from ..errors import UserError
from ..interrupts import Incomplete
from ..model.kpis import whole_run
from ..model.simulation import Model
from ..scenario import Scenario
from ..scenario.variants import scenario_variant
from .parallel import Runner, Variant, using_runner
from .statistics import half_width, summarise
from .workload import check_workload

DEFAULT_MAX_REPLICATIONS = 500
Progress = Callable[[int, int], None]
"""``on_progress(done, total)``: replications finished and planned so far."""


@dataclass
class Replications:
    """The replications of one alternative: per-replication KPIs and their summary (mean and 95 % interval)."""

    label: str
    seed: int
    policy: str | None
    runs: list[dict[str, float]]
    kpis: dict[str, dict[str, Any]]
    precision: float | None = None
    imprecise: list[str] = field(default_factory=list)  # requested KPIs still wider than the precision goal
    complete: bool = True  # False when an interrupt stopped it before its replications were all run

    @property
    def replications(self) -> int:
        return len(self.runs)

    def values(self, kpi: str) -> list[float]:
        """One KPI's value in each replication, in replication order."""
        return [run[kpi] for run in self.runs]

    def to_dict(self, with_runs: bool = False) -> dict[str, Any]:
        """Plain data for JSON: label, seed, policy, replications, precision, kpis (and runs if asked)."""
        data: dict[str, Any] = {
            "label": self.label, "seed": self.seed, "policy": self.policy, "replications": self.replications,
            "precision": self.precision, "imprecise": list(self.imprecise), "kpis": self.kpis,
            "complete": self.complete,
        }
        if with_runs:
            data["runs"] = self.runs
        return data


# -- KPI names ------------------------------------------------------------------------------------
def known_kpis(scenario: Scenario) -> list[str]:
    """The names of the KPIs a run of ``scenario`` reports (read from a model that has not run yet)."""
    return list(Model(scenario).kpis())


def check_kpis(names: Sequence[str], scenario: Scenario, flag: str = "--kpi") -> None:
    """Raise a UserError naming every unknown KPI in ``names`` and listing the known ones."""
    known = known_kpis(scenario)
    unknown = [name for name in names if name not in known]
    if unknown:
        hint = "" if scenario.failures is not None else (
            " (failure, complaint, recovery, retention and word-of-mouth KPIs need a `failures:` section in the scenario)"
        )
        raise UserError(
            f"{flag}: unknown KPI {', '.join(repr(n) for n in unknown)}; "
            f"this scenario reports: {', '.join(known)}{hint}"
        )


def check_policies(names: Sequence[str | None], scenario: Scenario) -> None:
    """Raise a UserError for a policy name that the scenario's ``policies:`` mapping does not define."""
    defined = list(getattr(scenario, "policies", None) or {})
    unknown = [name for name in names if name is not None and name not in defined]
    if unknown:
        where = f"the scenario defines: {', '.join(defined)}" if defined else "the scenario defines no policies; add a `policies:` mapping to it"
        raise UserError(f"--policy: unknown policy {', '.join(repr(n) for n in unknown)}; {where}")


def planned_size(replications: int, precision: float | None, max_replications: int) -> tuple[int, str]:
    """The most replications per alternative a batch may run, and the flag that sets it."""
    return (replications, "--replications") if precision is None else (max_replications, "--max-replications")


def check_seed(seed: int) -> None:
    """Raise a UserError for a seed numpy cannot use (seeds are whole numbers from 0)."""
    if not isinstance(seed, int) or seed < 0:
        raise UserError(f"--seed {seed}: give a whole number, 0 or more")


# -- precision ------------------------------------------------------------------------------------
def is_precise(entry: dict[str, Any], precision: float) -> bool:
    """True when the interval's half-width is at most ``precision`` times the mean's size (or zero)."""
    half, mean = half_width(entry), entry["mean"]
    if math.isnan(mean):
        return True  # nothing measured: more replications cannot help
    if math.isnan(half):
        return False  # fewer than two replications
    return half <= precision * abs(mean)


def _replications_needed(summary: dict[str, dict[str, Any]], names: Sequence[str], precision: float, done: int) -> int:
    """Replications the widest requested interval needs, from the half-width shrinking as 1 / sqrt(n)."""
    needed = done
    for name in names:
        entry = summary[name]
        if is_precise(entry, precision):
            continue
        goal = precision * abs(entry["mean"])
        half = half_width(entry)
        needed = max(needed, 2 * done if goal == 0 or math.isnan(half) else math.ceil(done * (half / goal) ** 2))
    return needed


def _next_size(summary, names, precision: float, done: int, cap: int) -> int:
    """The next total: what the estimate asks for, at least 10 % more and at most double (early variances are rough)."""
    if all(is_precise(summary[name], precision) for name in names):
        return done
    needed = _replications_needed(summary, names, precision, done)
    return min(cap, max(done + max(1, done // 10), min(needed, 2 * done)))


def replicate_variants(
    variants: Sequence[Variant],
    replications: int = 30,
    *,
    labels: Sequence[str] | None = None,
    precision: float | None = None,
    kpis: Sequence[str] | None = None,
    max_replications: int = DEFAULT_MAX_REPLICATIONS,
    together: bool = False,
    runner: Runner | None = None,
    workers: int | None = None,
    dask: Any = None,
    on_progress: Progress | None = None,
) -> list[Replications]:
    """Replicate several alternatives in one parallel batch (then more batches while imprecise).

    ``replications`` is the number to run, or the first batch when ``precision`` is given; ``together``
    keeps every alternative at the same count (needed for paired comparisons).
    """
    if replications < 1:
        raise UserError(f"--replications {replications}: run at least 1 replication")
    if precision is not None:
        if not 0 < precision < 1:
            raise UserError(f"--precision {precision}: give the half-width as a share of the mean, between 0 and 1 (e.g. 0.05)")
        if max_replications < replications:
            raise UserError(f"--max-replications {max_replications} is below --replications {replications}; raise it")
        replications = max(replications, 2)
    if kpis:
        check_kpis(kpis, variants[0].scenario)
    for variant in variants:
        check_policies([variant.policy], variant.scenario)
        check_seed(variant.seed)
    labels = list(labels) if labels else [v.policy or v.scenario.name for v in variants]
    runs: list[list[dict[str, float]]] = [[] for _ in variants]
    planned = [replications] * len(variants)
    finished = 0
    with using_runner(runner, workers, dask) as active:
        most, flag = planned_size(replications, precision, max_replications)
        check_workload(variants[0], len(variants), most, active.workers, flag)
        while True:
            tasks = [(v, r) for v, done, goal in zip(variants, runs, planned) for r in range(len(done), goal)]
            if not tasks:
                break
            total = sum(planned)
            if on_progress:
                on_progress(finished, total)  # the batch's size is known before its first replication ends
            report = (lambda n, base=finished, total=total: on_progress(base + n, total)) if on_progress else None
            try:
                batch = active.run(tasks, report)
            except Incomplete as stop:
                finished_runs(runs, planned, stop.partial, together)
                complete = [len(done) == goal for done, goal in zip(runs, planned)]
                if precision is not None:  # a variant finished only if it needed no further batch
                    complete = [ok and _next_size(summarise(done), _precision_kpis(done, kpis), precision, len(done),
                                                  max_replications) == len(done) for ok, done in zip(complete, runs)]
                partial = _summaries(variants, labels, runs, precision, kpis, complete)
                raise Incomplete(partial, stop.cause) from None
            finished_runs(runs, planned, batch, together)
            finished = sum(len(done) for done in runs)
            if precision is None:
                break
            planned = [_next_size(summarise(done), _precision_kpis(done, kpis), precision, len(done), max_replications)
                       for done in runs]
            if together:
                planned = [max(planned)] * len(planned)
    return _summaries(variants, labels, runs, precision, kpis)


def finished_runs(runs: list[list[dict[str, float]]], planned: Sequence[int], batch: Sequence[dict[str, float] | None],
                  together: bool) -> None:
    """Append a batch's results (in task order, None where a task did not finish) to each variant's runs.

    Each variant keeps only its first replications up to the first one missing, so what it holds is
    exactly what a run with fewer replications gives; ``together`` cuts every variant to the same count
    (paired comparisons).
    """
    results = iter(batch)
    for done, goal in zip(runs, planned):
        outcomes = [next(results) for _ in range(len(done), goal)]
        missing = next((i for i, kpis in enumerate(outcomes) if kpis is None), len(outcomes))
        done.extend(outcomes[:missing])
    if together:
        shortest = min(len(done) for done in runs)
        for done in runs:
            del done[shortest:]


def _precision_kpis(runs: Sequence[dict[str, float]], kpis: Sequence[str] | None) -> list[str]:
    """The KPIs a precision goal applies to: those asked for, else every whole-run KPI."""
    return list(kpis) if kpis else whole_run(list(runs[0]) if runs else [])


def _summaries(variants: Sequence[Variant], labels: Sequence[str], runs: Sequence[list[dict[str, float]]],
               precision: float | None, kpis: Sequence[str] | None, complete: Sequence[bool] | None = None,
               ) -> list[Replications]:
    """Each variant's replications, summarised, with the KPIs still imprecise."""
    results = []
    for index, (variant, label, done) in enumerate(zip(variants, labels, runs)):
        summary = summarise(done)
        imprecise = ([n for n in _precision_kpis(done, kpis) if not is_precise(summary[n], precision)]
                     if precision is not None else [])
        results.append(Replications(label, variant.seed, variant.policy, done, summary, precision, imprecise,
                                    complete=complete is None or complete[index]))
    return results


def replicate(
    scenario: Scenario,
    replications: int = 30,
    seed: int = 0,
    *,
    policy: str | None = None,
    warmup_min: float | None = None,
    precision: float | None = None,
    kpis: Sequence[str] | None = None,
    max_replications: int = DEFAULT_MAX_REPLICATIONS,
    runner: Runner | None = None,
    workers: int | None = None,
    dask: Any = None,
    on_progress: Progress | None = None,
) -> Replications:
    """Replicate one scenario (optionally with a policy and a different warm-up) and summarise it.

    Runs across ``workers`` local processes (default: the cores available) or the Dask cluster at
    ``dask``; the numbers are the same for the same seed whichever is used.
    """
    if warmup_min is not None:
        scenario = scenario_variant(scenario, {"operation.warmup_min": warmup_min}, "--warmup")
    variant = Variant(scenario, seed, policy)
    try:
        return replicate_variants(
            [variant], replications, precision=precision, kpis=kpis, max_replications=max_replications,
            runner=runner, workers=workers, dask=dask, on_progress=on_progress,
        )[0]
    except Incomplete as stop:
        raise Incomplete(stop.partial[0], stop.cause) from None
