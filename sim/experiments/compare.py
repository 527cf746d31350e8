"""Compare alternatives (policies or scenario settings) replication by replication.

With common random numbers, replication ``i`` of every alternative sees the same customers, so the
difference of a KPI is measured on pairs and its paired t-interval is far narrower than the difference
of two independent intervals.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from ..errors import UserError
from ..interrupts import Incomplete
from ..scenario import Scenario
from ..scenario.variants import scenario_variant
from .parallel import Runner, Variant
from .replications import DEFAULT_MAX_REPLICATIONS, Progress, Replications, check_kpis, replicate_variants
from .statistics import confidence_interval


@dataclass(frozen=True)
class Alternative:
    """One alternative to compare: a label, the scenario it runs, and the policy it uses (None: the default)."""

    label: str
    scenario: Scenario
    policy: str | None = None


@dataclass
class Comparison:
    """Each alternative's summary and, per KPI, its paired difference from the baseline (the first)."""

    baseline: str
    seed: int
    common_random_numbers: bool
    results: list[Replications]
    differences: dict[str, dict[str, dict[str, Any]]]  # {label: {kpi: {"mean", "ci95", "sd"}}}, alternative - baseline

    @property
    def labels(self) -> list[str]:
        return [r.label for r in self.results]

    @property
    def replications(self) -> int:
        return self.results[0].replications

    @property
    def complete(self) -> bool:
        return all(r.complete for r in self.results)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        return {
            "baseline": self.baseline, "seed": self.seed, "replications": self.replications,
            "common_random_numbers": self.common_random_numbers, "complete": self.complete,
            "alternatives": {r.label: r.to_dict() for r in self.results},
            "differences": self.differences,
        }


def paired_difference(baseline: Sequence[float], other: Sequence[float]) -> dict[str, Any]:
    """Mean, 95 % paired t-interval and standard deviation of ``other - baseline`` per replication."""
    diffs = np.asarray(other, dtype=float) - np.asarray(baseline, dtype=float)
    mean, low, high = confidence_interval(diffs)
    finite = diffs[~np.isnan(diffs)]
    sd = float(finite.std(ddof=1)) if finite.size > 1 else float("nan")
    return {"mean": mean, "ci95": [low, high], "sd": sd}


def independent_seed(seed: int, index: int) -> int:
    """A seed for alternative ``index`` whose random numbers are independent of every other alternative's."""
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def policy_alternatives(scenario: Scenario, policies: Sequence[str | None]) -> list[Alternative]:
    """One alternative per policy name (None: the scenario's default behaviour)."""
    return [Alternative(name or "default", scenario, name) for name in policies]


def setting_alternatives(
    scenario: Scenario, settings: Mapping[str, Any] | Sequence[tuple[str, Any]], policy: str | None = None
) -> list[Alternative]:
    """One alternative per key-path setting (``{"staff.teller.count": 7}``), each differing from ``scenario`` in it."""
    pairs = list(settings.items()) if isinstance(settings, Mapping) else list(settings)
    return [
        Alternative(f"{key}={value}", scenario_variant(scenario, {key: value}, "--variant"), policy)
        for key, value in pairs
    ]


def compare_alternatives(
    alternatives: Sequence[Alternative],
    replications: int = 30,
    seed: int = 0,
    *,
    common_random_numbers: bool = True,
    precision: float | None = None,
    kpis: Sequence[str] | None = None,
    max_replications: int = DEFAULT_MAX_REPLICATIONS,
    runner: Runner | None = None,
    workers: int | None = None,
    dask: Any = None,
    on_progress: Progress | None = None,
) -> Comparison:
    """Replicate every alternative with the same seeds and give each one's paired difference from the first.

    ``common_random_numbers=False`` gives each alternative its own independent seed (for checking what
    common random numbers gain).
    """
    if len(alternatives) < 2:
        raise UserError("compare needs at least two alternatives: give --policy twice, or a --policy and a --variant")
    labels = [a.label for a in alternatives]
    if len(set(labels)) != len(labels):
        raise UserError(f"the alternatives {', '.join(labels)} repeat a name; compare each one once")
    if kpis:
        check_kpis(kpis, alternatives[0].scenario)
    variants = [
        Variant(a.scenario, seed if common_random_numbers else independent_seed(seed, i), a.policy)
        for i, a in enumerate(alternatives)
    ]
    try:
        results = replicate_variants(
            variants, replications, labels=labels, precision=precision, kpis=kpis, max_replications=max_replications,
            together=True, runner=runner, workers=workers, dask=dask, on_progress=on_progress,
        )
    except Incomplete as stop:  # the replications every alternative finished, still paired
        raise Incomplete(_comparison(stop.partial, seed, common_random_numbers), stop.cause) from None
    return _comparison(results, seed, common_random_numbers)


def _comparison(results: list[Replications], seed: int, common_random_numbers: bool) -> Comparison:
    """Each alternative's summary and its difference from the first, replication by replication."""
    base = results[0]
    differences = {
        other.label: {name: paired_difference(base.values(name), other.values(name)) for name in base.kpis}
        for other in results[1:]
    }
    return Comparison(base.label, seed, common_random_numbers, results, differences)


def compare(
    scenario: Scenario,
    policies: Sequence[str | None] = (),
    variants: Mapping[str, Any] | Sequence[tuple[str, Any]] = (),
    replications: int = 30,
    seed: int = 0,
    **options: Any,
) -> Comparison:
    """Compare policies of ``scenario`` and settings (key path -> value), the first policy being the baseline.

    One policy alone is compared with the scenario's default behaviour; each variant runs with the
    baseline policy and differs from the scenario in one setting. ``options`` are those of
    :func:`compare_alternatives` (``common_random_numbers``, ``precision``, ``kpis``, ``workers``, ``dask``...).
    """
    policies = list(policies)
    if len(policies) == 1 and not variants:
        policies.insert(0, None)
    alternatives = policy_alternatives(scenario, policies or [None])
    alternatives += setting_alternatives(scenario, variants, policies[0] if policies else None)
    return compare_alternatives(alternatives, replications, seed, **options)
