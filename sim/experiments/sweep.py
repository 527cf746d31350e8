"""Parameter sweeps: every combination of the values given for some key paths, each point replicated.

All points use the same seed, so replication ``i`` of every point sees the same arrivals and service
times (common random numbers) and the curves are smooth rather than jagged with luck.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import yaml

from ..errors import UserError
from ..interrupts import Incomplete
from ..scenario import Scenario
from ..scenario.variants import scenario_variant
from ..scenario.yaml_source import YamlLimitError, load_value
from .parallel import Runner, Variant, default_workers
from .replications import DEFAULT_MAX_REPLICATIONS, Progress, check_kpis, check_policies, planned_size, replicate_variants
from .workload import check_workload

_RANGE = re.compile(r"^\s*(-?\d+)\s*:\s*(-?\d+)\s*(?::\s*(-?\d+)\s*)?$")
MAX_POINTS = 100_000


@dataclass(frozen=True)
class Param:
    """One swept key path and the values it takes."""

    key: str
    values: tuple[Any, ...]


def parse_values(text: str, where: str) -> tuple[Any, ...]:
    """``2:12`` (integers, inclusive), ``2:12:2`` (with a step), or a comma list of YAML values (``low,high``)."""
    match = _RANGE.match(text)
    if match:
        start, stop, step = int(match[1]), int(match[2]), int(match[3] or 1)
        if step <= 0 or stop < start:
            raise UserError(f"{where}: '{text}' is an empty range; write FIRST:LAST or FIRST:LAST:STEP with FIRST <= LAST and STEP >= 1")
        return tuple(range(start, stop + 1, step))
    try:
        values = load_value(f"[{text}]") if text.strip() else []
    except YamlLimitError as exc:
        raise UserError(f"{where}: {exc}") from None
    except yaml.YAMLError:
        values = []
    if not values:
        raise UserError(
            f"{where}: cannot read '{text}'; give FIRST:LAST, FIRST:LAST:STEP or a comma list of values such as "
            f"low,high (quote text that holds commas or colons: \"09:00\",\"10:00\")"
        )
    return tuple(values)


def parse_param(text: str) -> Param:
    """``"staff.agent.count=2:12"`` -> ``Param("staff.agent.count", (2, ..., 12))``."""
    key, sep, values = text.partition("=")
    if not sep or not key.strip() or not values.strip():
        raise UserError(
            f"--param {text!r}: write it as KEY.PATH=VALUES, for example --param staff.agent.count=2:12 "
            f"or --param recovery.empowerment=low,high"
        )
    return Param(key.strip(), parse_values(values, f"--param {key.strip()}"))


def as_params(params: Sequence[Param | str] | Mapping[str, Sequence[Any]]) -> list[Param]:
    """Accept Param objects, ``KEY=VALUES`` strings, or a mapping of key path to values."""
    if isinstance(params, Mapping):
        result = [Param(key, tuple(values)) for key, values in params.items()]
    else:
        result = [p if isinstance(p, Param) else parse_param(p) for p in params]
    if not result:
        raise UserError("give at least one --param KEY.PATH=VALUES to sweep")
    keys = [p.key for p in result]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise UserError(f"--param {', '.join(repeated)} is given more than once; give each key path once with all its values")
    return result


def grid(params: Sequence[Param]) -> list[dict[str, Any]]:
    """Every combination of the parameters' values, the last parameter varying fastest."""
    size = 1
    for param in params:
        size *= len(param.values)
    if size > MAX_POINTS:
        raise UserError(f"the sweep has {size:,} points, more than {MAX_POINTS:,}; sweep fewer values or fewer keys at once")
    return [dict(zip((p.key for p in params), combo)) for combo in itertools.product(*(p.values for p in params))]


@dataclass
class SweepPoint:
    """One point of the grid: its settings, how many replications ran, and its KPI summary."""

    settings: dict[str, Any]
    replications: int
    kpis: dict[str, dict[str, Any]]
    imprecise: list[str] = field(default_factory=list)


@dataclass
class SweepResult:
    """All points of a sweep, in grid order."""

    scenario: str
    seed: int
    policy: str | None
    params: list[Param]
    points: list[SweepPoint]
    planned_points: int | None = None  # when an interrupt stopped the sweep: the points it was to run

    @property
    def complete(self) -> bool:
        return self.planned_points is None or len(self.points) == self.planned_points

    def kpi_names(self) -> list[str]:
        return list(self.points[0].kpis) if self.points else []

    def rows(self, kpis: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """One flat row per point: the settings, replications, then ``KPI.mean``, ``KPI.low``, ``KPI.high``."""
        names = list(kpis) if kpis else self.kpi_names()
        rows = []
        for point in self.points:
            row: dict[str, Any] = dict(point.settings)
            row["replications"] = point.replications
            for name in names:
                entry = point.kpis[name]
                row[f"{name}.mean"] = entry["mean"]
                row[f"{name}.low"], row[f"{name}.high"] = entry["ci95"]
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the sweep's settings and one entry per point."""
        return {
            "scenario": self.scenario, "seed": self.seed, "policy": self.policy,
            "params": {p.key: list(p.values) for p in self.params},
            "complete": self.complete, "planned_points": self.planned_points or len(self.points),
            "points": [
                {"settings": p.settings, "replications": p.replications, "kpis": p.kpis, "imprecise": p.imprecise}
                for p in self.points
            ],
        }


def sweep(
    scenario: Scenario,
    params: Sequence[Param | str] | Mapping[str, Sequence[Any]],
    replications: int = 30,
    seed: int = 0,
    *,
    policy: str | None = None,
    precision: float | None = None,
    kpis: Sequence[str] | None = None,
    max_replications: int = DEFAULT_MAX_REPLICATIONS,
    runner: Runner | None = None,
    workers: int | None = None,
    dask: Any = None,
    on_progress: Progress | None = None,
) -> SweepResult:
    """Replicate ``scenario`` at every point of the grid of ``params`` (key path -> values).

    Every point is built and validated before any simulation starts, so a bad key path or value is
    reported at once.
    """
    params = as_params(params)
    points = grid(params)
    check_policies([policy], scenario)
    if kpis:
        check_kpis(kpis, scenario)
    most, flag = planned_size(replications, precision, max_replications)
    check_workload(Variant(scenario, seed, policy), len(points), most,  # before building thousands of variants
                   runner.workers if runner else min(workers or default_workers(), default_workers()), flag, note=False)
    variants = [Variant(scenario_variant(scenario, settings, "--param"), seed, policy) for settings in points]
    try:
        results = replicate_variants(
            variants, replications, precision=precision, kpis=kpis, max_replications=max_replications,
            runner=runner, workers=workers, dask=dask, on_progress=on_progress,
        )
    except Incomplete as stop:  # keep the points that finished, in grid order
        finished = [(settings, r) for settings, r in zip(points, stop.partial) if r.complete]
        raise Incomplete(SweepResult(scenario.name, seed, policy, params, _points(finished), len(points)), stop.cause) from None
    return SweepResult(scenario.name, seed, policy, params, _points(zip(points, results)))


def _points(results) -> list[SweepPoint]:
    """Sweep points from ``(settings, Replications)`` pairs."""
    return [SweepPoint(settings, r.replications, r.kpis, r.imprecise) for settings, r in results]
