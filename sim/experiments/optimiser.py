"""The cheapest staff count per role and block of the day that meets every KPI target, confirmed by simulation.

A target on a queue KPI (service level, waits, abandonment, queue length, utilisation) holds in every
block of the day by default (``block.HH:MM.KPI``), since a good day on average can hide an hour of
long queues; ``whole_day=True`` judges it over the day instead. The search starts from the Erlang
estimate of each block, simulates with common random numbers, adds one staff member at a time where
it closes the targets' shortfall most per unit of cost, then removes staff wherever the targets
still hold. The answer is then re-simulated with fresh seeds, adding replications while a target's
mean is on the right side but its interval is not yet clear of the value; a target missed there sends
the search on from that point. It tries a few dozen plans where a full grid would try thousands.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Sequence

from ..errors import UserError
from ..model.accumulators import DayBlocks
from ..model.clock import clock_time
from ..scenario import Scenario
from ..scenario.variants import scenario_variant
from .compare import independent_seed
from .parallel import Runner, Variant, using_runner
from .replications import Progress, check_kpis, check_policies, replicate_variants
from .staffing_estimate import block_load, blocks_of_day, erlang_schedule
from .targets import Target, all_met, as_targets, total_shortfall

MAX_BLOCKS = 96  # quarter hours of a whole day; finer blocks only multiply the search (each block is a search dimension)

Plan = dict[str, tuple[int, ...]]  # role -> staff count per block
Move = tuple[str, int]  # (role, block index)
BLOCK_TARGET_KPIS = ("service_level", "mean_wait_min", "p90_wait_min", "prob_wait", "abandon_rate", "mean_queue_length")
CONFIRM_GROWTH = 8  # the confirmation may grow to this many times the search's replications


@dataclass
class ScheduleBlock:
    """One block of the day for one role: its times, the chosen staff count and the Erlang estimate."""

    role: str
    start_min: float
    end_min: float
    start: str
    end: str
    count: int
    erlang: int


@dataclass
class TargetCheck:
    """How a target fares in the confirming replications: mean, 95 % interval, the bound judged, met or not."""

    target: str
    mean: float
    ci95: list[float]
    bound: float
    met: bool


@dataclass
class StaffingResult:
    """The cheapest schedule found, its cost against the Erlang estimate's, and how much simulation it took."""

    scenario: str
    seed: int
    replications: int
    block_min: float
    schedule: list[ScheduleBlock]
    cost: float
    erlang_cost: float
    staff_hours: float
    targets: list[TargetCheck]
    confirmed: bool
    confirm_replications: int
    simulation_runs: int
    evaluations: int
    full_grid_plans: int
    full_grid_runs: int
    overrides: dict[str, Any] = field(default_factory=dict)  # key paths that turn the scenario into this schedule

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def plan_overrides(scenario: Scenario, plan: Plan, blocks: list[tuple[float, float]]) -> dict[str, Any]:
    """Key-path settings giving each role its count per block: the commonest count, and shifts for the rest."""
    overrides: dict[str, Any] = {}
    for role, counts in plan.items():
        usual = Counter(counts).most_common(1)[0][0]
        shifts: list[dict[str, Any]] = []
        for (start, end), count in zip(blocks, counts):
            if count == usual:
                continue
            if shifts and shifts[-1]["end_min"] == start and shifts[-1]["count"] == count:
                shifts[-1]["end_min"] = end
            else:
                shifts.append({"start_min": start, "end_min": end, "count": count})
        overrides[f"staff.{role}.count"] = usual
        overrides[f"staff.{role}.shifts"] = shifts
    return overrides


def plan_cost(scenario: Scenario, plan: Plan, blocks: list[tuple[float, float]]) -> tuple[float, float]:
    """(cost, staffed hours) of a plan over all days of the run: cost_per_hour x staffed hours per role."""
    days = scenario.operation.days
    cost = hours = 0.0
    for role, counts in plan.items():
        role_hours = days * sum(count * (end - start) / 60.0 for (start, end), count in zip(blocks, counts))
        hours += role_hours
        cost += scenario.staff[role].cost_per_hour * role_hours
    return cost, hours


class _Evaluator:
    """Simulates plans with common random numbers, remembering results and how much it simulated."""

    def __init__(self, scenario, blocks, policy, replications, runner, on_progress):
        self.scenario, self.blocks, self.policy = scenario, blocks, policy
        self.replications, self.runner, self.on_progress = replications, runner, on_progress
        self.cache: dict[tuple, dict[str, Any]] = {}
        self.runs = 0
        self.tried: dict[Move, set[int]] = {}

    def summaries(self, plans: Sequence[Plan], seed: int, replications: int | None = None) -> list[dict[str, Any]]:
        replications = replications or self.replications
        keys = [(tuple(sorted(p.items())), seed, replications) for p in plans]
        first_of = {key: i for i, key in reversed(list(enumerate(keys)))}
        todo = sorted(i for key, i in first_of.items() if key not in self.cache)
        if todo:
            variants = [
                Variant(scenario_variant(self.scenario, plan_overrides(self.scenario, plans[i], self.blocks), "--target"), seed, self.policy)
                for i in todo
            ]
            base, batch = self.runs, len(todo) * replications
            report = (lambda done, total: self.on_progress(base + done, base + total)) if self.on_progress else None
            results = replicate_variants(variants, replications, runner=self.runner, on_progress=report)
            self.runs += batch
            for i, result in zip(todo, results):
                self.cache[keys[i]] = result.kpis
                for role, counts in plans[i].items():
                    for b, count in enumerate(counts):
                        self.tried.setdefault((role, b), set()).add(count)
        return [self.cache[key] for key in keys]

    def full_grid_plans(self) -> int:
        """Plans in the smallest grid holding every count tried in every block (what a grid search would need)."""
        size = 1
        for counts in self.tried.values():
            size *= max(counts) - min(counts) + 1
        return size


def _changed(plan: Plan, move: Move, step: int) -> Plan:
    role, block = move
    counts = list(plan[role])
    counts[block] += step
    return {**plan, role: tuple(counts)}


class _Search:
    """The greedy add-then-remove search over one seed's common random numbers."""

    def __init__(self, scenario, targets, blocks, evaluator, floor: Plan, cap: Plan):
        self.scenario, self.targets, self.blocks = scenario, targets, blocks
        self.evaluate, self.floor, self.cap = evaluator, floor, cap
        days = scenario.operation.days

        def move_cost(move: Move) -> float:  # staff-hours priced, with a tiny weight so unpriced roles still cost
            role, b = move
            hours = days * (blocks[b][1] - blocks[b][0]) / 60.0
            return hours * (scenario.staff[role].cost_per_hour + 1e-6)

        self.move_cost = move_cost

    def moves(self, plan: Plan) -> list[Move]:
        return [(role, b) for role, counts in plan.items() for b in range(len(counts))]

    def add_until_met(self, plan: Plan, summary: dict, seed: int) -> tuple[Plan, dict]:
        """Add one staff member at a time where the shortfall drops most per unit of cost."""
        while not all_met(self.targets, summary):
            moves = [m for m in self.moves(plan) if plan[m[0]][m[1]] < self.cap[m[0]][m[1]]]
            if not moves:
                raise self._unreachable(summary, "even the largest staff counts searched")
            candidates = [_changed(plan, m, +1) for m in moves]
            results = self.evaluate.summaries(candidates, seed)
            now = total_shortfall(self.targets, summary)
            gains = [(now - total_shortfall(self.targets, r)) / self.move_cost(m) for m, r in zip(moves, results)]
            best = max(range(len(moves)), key=gains.__getitem__)
            if gains[best] <= 0:
                raise self._unreachable(summary, "adding staff in any block")
            plan, summary = candidates[best], results[best]
        return plan, summary

    def remove_while_met(self, plan: Plan, summary: dict, seed: int) -> tuple[Plan, dict]:
        """Take away the costliest staff member whose absence still meets every target, until none can go."""
        moves = [m for m in self.moves(plan) if plan[m[0]][m[1]] > self.floor[m[0]][m[1]]]
        while moves:
            candidates = [_changed(plan, m, -1) for m in moves]
            results = self.evaluate.summaries(candidates, seed)
            feasible = [i for i, r in enumerate(results) if all_met(self.targets, r)]
            if not feasible:
                break
            margin = lambda i: min(t.margin(results[i][t.kpi]) for t in self.targets)  # noqa: E731
            best = max(feasible, key=lambda i: (self.move_cost(moves[i]), margin(i)))
            plan, summary = candidates[best], results[best]
            # a removal that failed before fails again with even fewer staff, so only re-try the ones that held
            moves = [moves[i] for i in feasible if plan[moves[i][0]][moves[i][1]] > self.floor[moves[i][0]][moves[i][1]]]
        return plan, summary

    def _unreachable(self, summary: dict, tried: str) -> UserError:
        missed = "; ".join(
            f"{t} (95 % interval {summary[t.kpi]['ci95'][0]:.4g} .. {summary[t.kpi]['ci95'][1]:.4g})"
            for t in self.targets if not t.met(summary[t.kpi])
        )
        return UserError(f"--target: {tried} does not reach {missed}; relax the target, or change what drives that KPI")


def optimise_staffing(
    scenario: Scenario,
    targets: Sequence[Target | str],
    replications: int = 20,
    seed: int = 0,
    *,
    block_min: float | None = None,
    whole_day: bool = False,
    min_staff: int | None = None,
    policy: str | None = None,
    confirm_replications: int | None = None,
    rounds: int = 3,
    runner: Runner | None = None,
    workers: int | None = None,
    dask: Any = None,
    on_progress: Progress | None = None,
) -> StaffingResult:
    """Find the cheapest staff count per role and block of ``block_min`` minutes that meets every target.

    ``block_min`` defaults to the scenario's ``operation.block_min``; a target on a queue KPI applies to
    each block with customers unless ``whole_day``; ``min_staff`` keeps at least that many on duty in
    every block (default: one wherever customers come).
    Targets are judged on the 95 % interval (see ``sim.targets``). The answer is re-simulated with
    fresh seeds; if it then misses a target the search continues from there (up to ``rounds`` times).
    """
    asked = as_targets(targets)
    block_min = scenario.operation.block_min if block_min is None else block_min
    if replications < 2:
        raise UserError(f"--replications {replications}: the staffing search needs at least 2 to judge targets on an interval")
    day = scenario.operation.duration_min
    if not (math.isfinite(block_min) and block_min > 0 and day / block_min <= MAX_BLOCKS):
        raise UserError(f"--block-min {block_min:g}: give a block length in minutes from {day / MAX_BLOCKS:.3g} "
                        f"(at most {MAX_BLOCKS} blocks a day) up to the opening day, {day:g}; for example 60")
    if min_staff is not None and min_staff < 0:
        raise UserError(f"--min-staff {min_staff}: give a number of staff, 0 or more")
    check_kpis([t.kpi for t in asked], scenario, "--target")
    check_policies([policy], scenario)
    if block_min != scenario.operation.block_min:  # the KPIs' blocks are the staffing blocks
        scenario = scenario_variant(scenario, {"operation.block_min": block_min}, "--block-min")
    blocks = blocks_of_day(scenario.operation.duration_min, block_min)
    op = scenario.operation
    labels = DayBlocks(block_min, op.duration_min, op.days, op.opens_at_min).labels
    roles = sorted({step.station for segment in scenario.segments.values() for step in segment.steps if step.station in scenario.staff})
    busy = [any(block_load(scenario, r, *blk).arrival_rate > 0 for r in roles) for blk in blocks]
    judged_by = [[target] if whole_day else _per_block([target], labels, busy) for target in asked]  # each asked target's
    targets = [target for judged in judged_by for target in judged]  # own, or one per block with customers
    start = erlang_schedule(scenario, roles, blocks, targets, labels)
    floor = {r: tuple(min_staff if min_staff is not None else 1 if block_load(scenario, r, *blk).arrival_rate > 0 else 0
                      for blk in blocks) for r in roles}
    start = {r: tuple(max(c, f) for c, f in zip(start[r], floor[r])) for r in roles}
    cap = {r: tuple(max(2 * c, c + 10) for c in start[r]) for r in roles}
    with using_runner(runner, workers, dask) as active:
        evaluator = _Evaluator(scenario, blocks, policy, replications, active, on_progress)
        search = _Search(scenario, targets, blocks, evaluator, floor, cap)
        plan, work_seed = start, seed
        summary = evaluator.summaries([plan], work_seed)[0]
        def measured(target: Target) -> bool:
            return not math.isnan(summary[target.kpi]["mean"])

        unmeasured = [str(target) for target, judged in zip(asked, judged_by) if not any(map(measured, judged))]
        if unmeasured:
            raise UserError(f"--target {', '.join(unmeasured)}: this scenario never measures that KPI (no value in any "
                            "replication, in any block of the day)")
        targets = [t for t in targets if measured(t)]  # blocks nobody arrives in
        search.targets = targets
        cap_replications = (confirm_replications or replications) * CONFIRM_GROWTH
        for round_ in range(1, rounds + 1):
            plan, summary = search.add_until_met(plan, summary, work_seed)
            plan, summary = search.remove_while_met(plan, summary, work_seed)
            work_seed = independent_seed(seed, round_)
            confirmation, used = _confirm(evaluator, plan, work_seed, targets, confirm_replications or replications, cap_replications)
            if all_met(targets, confirmation):
                break
            summary = evaluator.summaries([plan], work_seed)[0]
    cost, hours = plan_cost(scenario, plan, blocks)
    erlang_cost, _ = plan_cost(scenario, start, blocks)
    opens = scenario.operation.opens_at_min
    schedule = [
        ScheduleBlock(role, s, e, clock_time(opens, s), clock_time(opens, e), plan[role][b], start[role][b])
        for role in roles for b, (s, e) in enumerate(blocks)
    ]
    checks = [
        TargetCheck(str(t), confirmation[t.kpi]["mean"], confirmation[t.kpi]["ci95"], t.bound(confirmation[t.kpi]), t.met(confirmation[t.kpi]))
        for t in targets
    ]
    grid_plans = evaluator.full_grid_plans()
    return StaffingResult(
        scenario.name, seed, replications, block_min, schedule, cost, erlang_cost, hours, checks,
        all(c.met for c in checks), used, evaluator.runs, len(evaluator.cache), grid_plans, grid_plans * replications,
        plan_overrides(scenario, plan, blocks),
    )


def _per_block(targets: Sequence[Target], labels: Sequence[str], busy: Sequence[bool]) -> list[Target]:
    """Targets on queue KPIs turned into one per block with customers; the others kept as they are."""
    result: list[Target] = []
    for target in targets:
        base = target.kpi
        if base in BLOCK_TARGET_KPIS or base == "utilization" or base.startswith("utilization."):
            result.extend(target.in_block(label) for label, open_ in zip(labels, busy) if open_)
        else:
            result.append(target)
    return result


def _confirm(evaluator: "_Evaluator", plan: Plan, seed: int, targets: Sequence[Target], replications: int, cap: int):
    """Summary of ``plan`` on fresh seeds, doubling the replications while a target is undecided (up to ``cap``)."""
    while True:
        summary = evaluator.summaries([plan], seed, replications)[0]
        if replications >= cap or not any(t.undecided(summary[t.kpi]) for t in targets):
            return summary, replications
        replications = min(cap, 2 * replications)
