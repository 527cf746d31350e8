"""KPIs per segment and per block of the day: checked against the event log and against the whole run."""
from __future__ import annotations

import math

import numpy as np
import pytest

from sim import Model, load_scenario
from sim.model.accumulators import BinnedQuantiles, BlockTimeAverage, DayBlocks
from sim.model.outcome_kpis import OutcomeTally
from sim.model.events import EventKind
from sim.scenario.variants import scenario_variant

BANK = "scenarios/bank_branch.yaml"


def _bank(**settings):
    scenario = load_scenario(BANK)
    return scenario_variant(scenario, settings, "--set") if settings else scenario


def _hand_service_level(model: Model, block_min: float) -> dict[str, tuple[int, int]]:
    """From the event log: (customers within the threshold, customers judged) per block of arrival."""
    op = model.scenario.operation
    threshold, end = op.service_level_threshold_min, model.now
    arrived, waited, abandoned = {}, {}, set()
    for event in model.events:
        if event.kind == EventKind.ARRIVAL:
            arrived[event.customer] = event.time
        elif event.kind == EventKind.SERVICE_START:
            waited[event.customer] = event.detail["waited"]
        elif event.kind == EventKind.ABANDON:
            abandoned.add(event.customer)
        elif event.kind == EventKind.BALK:
            arrived.pop(event.customer)  # balked customers are not judged
    counts: dict[str, list[int]] = {}
    for customer, at in arrived.items():
        if at < op.warmup_min:
            continue
        minute = op.opens_at_min + int((at % op.duration_min) // block_min) * block_min
        label = f"{int(minute // 60):02d}:{int(minute % 60):02d}"
        within, judged = counts.setdefault(label, [0, 0])
        if customer in waited:
            counts[label] = [within + (waited[customer] <= threshold), judged + 1]
        elif customer in abandoned or end - at > threshold:  # gave up, or still queueing past the threshold
            counts[label] = [within, judged + 1]
    return {label: (within, judged) for label, (within, judged) in counts.items()}


@pytest.mark.parametrize("block_min", [60, 45])
def test_block_service_level_matches_a_hand_count_from_the_event_log(block_min):
    scenario = _bank(**{"operation.block_min": block_min, "operation.warmup_min": 30})
    model = Model(scenario, seed=4, record_events=True)
    kpis = model.run(until=400)  # stop before closing, so some customers are still queueing
    hand = _hand_service_level(model, block_min)
    labels = [key.split(".")[1] for key in kpis if key.startswith("block.") and key.endswith(".service_level")]
    assert len(labels) == math.ceil(480 / block_min)
    assert set(hand) <= set(labels)
    for label in labels:
        within, judged = hand.get(label, (0, 0))
        expected = within / judged if judged else math.nan
        assert kpis[f"block.{label}.service_level"] == pytest.approx(expected, nan_ok=True), label
    # the lunch peak (arrivals 70 an hour on 8 staff) is served worse than the calm morning
    if block_min == 60:
        assert kpis["block.12:00.mean_wait_min"] > kpis["block.09:00.mean_wait_min"]


def test_parts_add_up_to_the_whole_run():
    kpis = Model(_bank(**{"failures": {}}), seed=2).run()
    segments = ["regular", "priority"]
    blocks = [key.split(".")[1] for key in kpis if key.startswith("block.") and key.endswith(".arrived")]
    for count in ("arrived", "served", "abandoned", "balked"):
        assert sum(kpis[f"segment.{s}.{count}"] for s in segments) == kpis[count]
        assert sum(kpis[f"block.{b}.{count}"] for b in blocks) == kpis[count]
    # waits: the whole run's mean is the served-weighted mean of its parts
    for parts in ([f"segment.{s}" for s in segments], [f"block.{b}" for b in blocks]):
        weighted = sum(kpis[f"{p}.mean_wait_min"] * kpis[f"{p}.served"] for p in parts if kpis[f"{p}.served"])
        assert weighted / kpis["served"] == pytest.approx(kpis["mean_wait_min"])
    # hour blocks of equal length: the day's queue length and utilisation are the blocks' averages
    assert sum(kpis[f"block.{b}.mean_queue_length"] for b in blocks) / len(blocks) == pytest.approx(kpis["mean_queue_length"])
    assert sum(kpis[f"segment.{s}.mean_queue_length"] for s in segments) == pytest.approx(kpis["mean_queue_length"])
    on_duty = [6, 6, 6, 8, 8, 6, 6, 6]  # the lunch shift adds two tellers from minute 180 to 300
    busy = sum(kpis[f"block.{b}.utilization"] * staff for b, staff in zip(blocks, on_duty))
    assert busy / sum(on_duty) == pytest.approx(kpis["utilization"])


def test_priority_segment_waits_less_than_the_regular_one():
    kpis = Model(_bank(), seed=1).run()
    assert kpis["segment.priority.mean_wait_min"] < kpis["segment.regular.mean_wait_min"]
    equal = Model(_bank(**{"segments.priority.priority": 0}), seed=1).run()
    assert equal["segment.priority.mean_wait_min"] > kpis["segment.priority.mean_wait_min"]


def test_block_time_average_splits_the_area_at_block_edges():
    blocks = DayBlocks(block_min=60, day_min=150, days=2, opens_at_min=9 * 60)
    assert blocks.labels == ["09:00", "10:00", "11:00"]
    assert [blocks.of(t) for t in (0, 59.9, 60, 149, 150, 275)] == [0, 0, 1, 2, 0, 2]
    average = BlockTimeAverage(start=30, blocks=blocks)
    average.add(0, 1)  # one from the start (counted from minute 30)
    average.add(100, 1)  # two from minute 100
    average.add(200, -2)  # none from minute 200 (day 2, block 0)
    # day 1: 30 + 40x1 + 20x2 + 30x2 (block 2 runs to 150); day 2: 50x2
    assert average.block_areas(300) == pytest.approx([30 + 100, 40 + 20 * 2, 30 * 2])
    assert average.area_until(300) == pytest.approx(sum(average.block_areas(300)))
    average.add(280, 3)
    assert average.block_areas(300) == pytest.approx([130, 80, 60 + 3 * 20])  # day 2, block 2 runs from 270


def test_tallies_add_up_exactly():
    # a group's quantiles are those of its customers' waits, however they were split into cells
    waits = np.random.default_rng(1).exponential(4.0, 3000) * (np.random.default_rng(2).random(3000) > 0.3)
    whole, parts = BinnedQuantiles(0.01), [BinnedQuantiles(0.01) for _ in range(3)]
    for k, wait in enumerate(waits):
        whole.add(wait)
        parts[k % 3].add(wait)
    merged = BinnedQuantiles(0.01)
    for part in parts:
        merged.absorb(part)
    assert (merged.total, merged.zeros, merged.counts) == (whole.total, whole.zeros, whole.counts)
    assert merged.quantile(0.9) == whole.quantile(0.9)
    # every counter of an outcome tally is added up (a counter left out of absorb() would be lost)
    assert set(OutcomeTally.COUNTS) | set(OutcomeTally.PER_PATH) | {"visits", "no_failure_retention"} == set(OutcomeTally.__slots__)
    one, other = OutcomeTally(2.0, 0.9), OutcomeTally(2.0, 0.9)
    for k, name in enumerate(OutcomeTally.COUNTS):
        setattr(one, name, k + 1)
        setattr(other, name, 10 * (k + 1))
    other.path_count["silent"] = 7
    one.absorb(other)
    assert [getattr(one, name) for name in OutcomeTally.COUNTS] == [11 * (k + 1) for k in range(len(OutcomeTally.COUNTS))]
    assert one.path_count["silent"] == 7


OUTCOME_COUNTS = ("failures", "failures_prevented", "dissatisfied", "left_dissatisfied", "complaints", "silent_dissatisfied",
                  "proactive_recoveries", "customers.no_failure", "customers.silent", "customers.unresolved",
                  "customers.resolved_quickly", "customers.resolved_slowly")
OUTCOME_SHARES = ("failure_rate", "complaint_rate", "retention_rate", "recovered_retention_rate", "paradox_share",
                  "retention.no_failure", "retention.silent", "retention.resolved_quickly")


def _parts(kpis, dimension: str) -> list[str]:
    return list(dict.fromkeys(f"{dimension}.{k.split('.')[1]}" for k in kpis if k.startswith(f"{dimension}.") and k.endswith(".dissatisfied")))


@pytest.mark.parametrize("file, settings", [
    (BANK, {"failures": {}, "operation.warmup_min": 45, "operation.block_min": 45}),
    ("scenarios/logistics_delivery.yaml", {}),  # twelve weeks, several segments
    ("scenarios/restaurant_kitchen.yaml", {}),  # a journey through several stations
])
def test_outcome_kpis_of_segments_and_blocks_add_up_to_the_whole_run(file, settings):
    scenario = load_scenario(file, settings)
    kpis = Model(scenario, seed=5).run()
    segments, blocks = _parts(kpis, "segment"), _parts(kpis, "block")
    assert len(segments) == len(scenario.segments) and len(blocks) == len(Model(scenario).blocks.labels)
    assert kpis["dissatisfied"] > 0 and kpis["complaints"] > 0  # something to split
    for parts in (segments, blocks):
        for count in OUTCOME_COUNTS:
            assert sum(kpis[f"{p}.{count}"] for p in parts) == kpis[count], (parts, count)
        assert sum(kpis[f"{p}.recovery_cost"] for p in parts) == pytest.approx(kpis["recovery_cost"])
        # a rate of the whole is the rate of its parts weighted by their customers
        concluded = {p: sum(kpis[f"{p}.customers.{path}"] for path in ("no_failure", "silent", "unresolved",
                                                                        "resolved_quickly", "resolved_slowly")) for p in parts}
        weighted = sum(kpis[f"{p}.retention_rate"] * n for p, n in concluded.items() if n)
        assert weighted / sum(concluded.values()) == pytest.approx(kpis["retention_rate"])
        for p in parts:
            assert kpis[f"{p}.dissatisfied"] <= concluded[p] <= kpis[f"{p}.arrived"]
            for share in OUTCOME_SHARES:
                value = kpis[f"{p}.{share}"]
                assert math.isnan(value) or 0.0 <= value <= 1.0, (p, share, value)
    # word of mouth reaches a segment's market: reach, losses and revenue add up over the segments
    for count in ("wom_reached", "customers_lost_wom", "customers_won_wom", "market"):
        assert sum(kpis[f"{s}.{count}"] for s in segments) == kpis[count]
    for s in segments:
        assert kpis[f"{s}.customers_lost_wom"] <= kpis[f"{s}.market"]
        assert kpis[f"{s}.revenue_lost"] <= kpis[f"{s}.market_value"]
    assert sum(kpis[f"{s}.revenue_lost"] for s in segments) == pytest.approx(kpis["revenue_lost"])
    assert not any(k.startswith("block.") and k.endswith((".customers_lost_wom", ".revenue_lost")) for k in kpis)


def test_complaints_per_block_match_a_hand_count_from_the_event_log():
    scenario = _bank(**{"failures": {}, "operation.warmup_min": 30})
    model = Model(scenario, seed=8, record_events=True)
    kpis = model.run()
    op = scenario.operation
    arrived = {e.customer: e.time for e in model.events if e.kind == EventKind.ARRIVAL}
    segment = {e.customer: e.segment for e in model.events if e.kind == EventKind.ARRIVAL}
    by_block: dict[str, int] = {}
    by_segment: dict[str, int] = {}
    for event in model.events:
        if event.kind == EventKind.COMPLAINT and arrived[event.customer] >= op.warmup_min:
            minute = op.opens_at_min + int(arrived[event.customer] // 60) * 60
            label = f"{minute // 60:02d}:{minute % 60:02d}"
            by_block[label] = by_block.get(label, 0) + 1
            by_segment[segment[event.customer]] = by_segment.get(segment[event.customer], 0) + 1
    assert sum(by_block.values()) == kpis["complaints"] > 0
    for label in model.blocks.labels:
        assert kpis[f"block.{label}.complaints"] == by_block.get(label, 0), label
    for name in scenario.segments:
        assert kpis[f"segment.{name}.complaints"] == by_segment.get(name, 0), name


def test_a_segment_that_waits_longer_is_less_satisfied():
    """Per-segment outcomes show what a priority scheme does to satisfaction, not only to waits."""
    busy = {"failures": {}, "segments.regular.arrivals_per_hour": 80}
    runs = [Model(_bank(**busy), seed=seed).run() for seed in range(3)]
    regular = sum(k["segment.regular.quality_score"] for k in runs)
    priority = sum(k["segment.priority.quality_score"] for k in runs)
    assert priority > regular


LONG_JOBS_AFTER_A_SHIFT = """
meta: {title: Long jobs after a shift}
operation: {duration_min: 240, block_min: 60}
segments:
  customer:
    arrivals_per_hour: 30
    service: {role: clerk, time: {dist: fixed, value: 50}}
staff:
  clerk:
    count: 2
    shifts: [{start_min: 0, end_min: 60, extra: 2}]
"""


def test_utilisation_counts_the_time_staff_stay_on_to_finish_a_customer():
    """Two of four clerks go off duty at 10:00 but finish the customer in hand (up to 50 minutes more):
    that time is time at work, so no block, role or whole run is busier than 100 %, and the block after
    the shift is fully busy."""
    from sim import load_scenario_text, run_once

    kpis = run_once(load_scenario_text(LONG_JOBS_AFTER_A_SHIFT), seed=1)
    shares = {name: value for name, value in kpis.items() if name.endswith(("utilization", "utilization.clerk"))}
    assert shares and all(0.0 <= value <= 1.0 for value in shares.values()), shares
    assert kpis["block.10:00.utilization.clerk"] == pytest.approx(1.0)
