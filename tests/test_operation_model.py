"""The operation model's parts: hourly arrivals, shifts, priorities, balking, reneging, warm-up."""
from __future__ import annotations

import math

import numpy as np
import pytest
import yaml

from sim import Model, load_scenario_text, run_once
from sim.experiments.statistics import confidence_interval
from sim.model.accumulators import BinnedQuantiles, TimeAverage
from sim.model.arrivals import hourly_profile


def scenario(**changes):
    data = {
        "meta": {"title": "unit"},
        "operation": {"duration_min": 240},
        "segments": {"regular": {"arrivals_per_hour": 60, "service": {"role": "agent", "time": {"dist": "fixed", "value": 2}}}},
        "staff": {"agent": {"count": 3}},
    }
    for path, value in changes.items():
        node = data
        *parents, last = path.split("__")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return load_scenario_text(yaml.safe_dump(data))


def test_hourly_profile_inverts_its_cumulative_rate():
    profile = hourly_profile([60, 0, 120, 30], 240)
    for t in [0.0, 10.5, 59.9, 60.0, 100.0, 150.0, 239.0, 300.0, 1000.0]:
        mass = profile.cumulative_at(t)
        back = profile.time_of(mass)
        assert profile.cumulative_at(back) == pytest.approx(mass)
    assert profile.daily_mass == pytest.approx(60 + 0 + 120 + 30)
    # nothing can arrive in the empty second hour
    assert profile.time_of(60.0 + 1e-9) >= 120.0


def test_next_arrival_is_the_inverse_of_the_cumulative_rate_across_blocks_and_days():
    # the block of the latest arrival is remembered; the times must be those of the plain inversion
    profile = hourly_profile([60, 0, 120, 30], 300)  # an empty hour, and an hour with no rate at the day's end
    draws = np.random.default_rng(3).exponential(size=2000)
    now = 0.0
    for draw in draws:
        expected = profile.time_of(profile.cumulative_at(now) + draw)
        now_next = profile.next_arrival(now, draw)
        assert now_next == pytest.approx(expected, abs=1e-9)
        assert not 60 <= now_next % 300 < 120 and now_next % 300 < 240  # never in an empty hour
        now = now_next
    assert now > 5 * 300  # several days were crossed


def test_arrivals_follow_the_hourly_profile():
    rates = [30, 90, 10, 60]
    s = scenario(segments__regular__arrivals_per_hour=rates, staff__agent__count=20)
    counts = np.zeros((40, 4))
    for r in range(40):
        model = Model(s, seed=5, replication=r, record_events=True)
        model.run()
        for event in model.events:
            if event.kind.value == "arrival":
                counts[r, min(int(event.time // 60), 3)] += 1
    for hour, rate in enumerate(rates):
        # four hours checked at once: Bonferroni keeps the family-wise level at 95 %
        mean, low, high = confidence_interval(counts[:, hour], level=1 - 0.05 / len(rates))
        assert low <= rate <= high, (hour, mean, low, high)


def test_shifts_change_capacity_and_utilisation_uses_the_plan():
    # 4 staff from minute 60 to 180, 1 otherwise; deterministic 1-min jobs at 90/hour
    s = scenario(segments__regular__service__time={"dist": "fixed", "value": 1.0},
                 segments__regular__arrivals_per_hour=90,
                 staff__agent={"count": 1, "shifts": [{"start_min": 60, "end_min": 180, "count": 4}]})
    model = Model(s, seed=1)
    model.step_to(120)
    assert model.pools["agent"].on_duty_at(120) == 4
    assert model.pools["agent"].staff_minutes(0, 240) == pytest.approx(60 + 4 * 120 + 60)
    kpis = model.run()
    # with one agent, 1.5 jobs a minute overload the first hour; the shift clears the queue
    assert kpis["mean_wait_min"] > 1.0
    assert 0 < kpis["utilization"] <= 1.0


def test_priority_segment_waits_less():
    s = scenario(segments__regular__arrivals_per_hour=80,
                 segments__regular__service__time={"dist": "exponential", "mean": 2},
                 segments__vip={"arrivals_per_hour": 10, "priority": 1, "service": {"role": "agent", "time": {"dist": "exponential", "mean": 2}}})
    waits = {"regular": [], "vip": []}
    for r in range(20):
        model = Model(s, seed=3, replication=r, record_events=True)
        model.run()
        for e in model.events:
            if e.kind.value == "service_start":
                waits[e.segment].append(e.detail["waited"])
    assert np.mean(waits["vip"]) < 0.5 * np.mean(waits["regular"])


def test_balking_turns_customers_away_at_a_long_queue():
    s = scenario(segments__regular__arrivals_per_hour=200, segments__regular__balk_queue_length=3)
    model = Model(s, seed=2)
    kpis = model.run()
    assert kpis["balked"] > 0
    # every arrival is served, turned away, or still inside at closing
    assert kpis["arrived"] == kpis["served"] + kpis["balked"] + model.pools["agent"].queueing
    assert model.pools["agent"].queueing <= 3


def test_reneging_customers_give_up_after_their_patience():
    s = scenario(segments__regular__arrivals_per_hour=200, segments__regular__patience_min={"dist": "fixed", "value": 5})
    model = Model(s, seed=2, record_events=True)
    kpis = model.run()
    assert kpis["abandoned"] > 0
    gave_up = [e.detail["waited"] for e in model.events if e.kind.value == "abandon"]
    assert all(w == pytest.approx(5.0) for w in gave_up)
    started = [e.detail["waited"] for e in model.events if e.kind.value == "service_start"]
    assert max(started) <= 5.0 + 1e-9


def test_warmup_customers_are_not_counted():
    full = run_once(scenario(), seed=4)
    later = run_once(scenario(operation__warmup_min=120), seed=4)
    assert later["arrived"] < full["arrived"]
    assert later["arrived"] == pytest.approx(full["arrived"] / 2, rel=0.25)


def test_same_seed_same_results_and_streams_are_independent_of_other_segments():
    assert run_once(scenario(), seed=9, replication=2) == run_once(scenario(), seed=9, replication=2)
    # adding a segment must not change the regular customers' arrivals (common random numbers)
    base = Model(scenario(staff__agent__count=50), seed=9, record_events=True)
    base.run()
    more = Model(scenario(staff__agent__count=50, segments__vip={"arrivals_per_hour": 30, "service": {"role": "agent", "time": {"dist": "fixed", "value": 1}}}),
                 seed=9, record_events=True)
    more.run()
    times = lambda m: [e.time for e in m.events if e.kind.value == "arrival" and e.segment == "regular"]
    assert times(base) == times(more)


def test_time_average_and_quantiles():
    average = TimeAverage(start=10)
    average.add(0, 2)  # before the window: only the level carries over
    average.add(20, 1)  # level 2 from 10 to 20, then 3
    assert average.mean(30) == pytest.approx((2 * 10 + 3 * 10) / 20)
    quantiles = BinnedQuantiles(0.01)
    values = np.random.default_rng(1).exponential(3.0, 50_000)
    for v in values:
        quantiles.add(float(v))
    assert quantiles.quantile(0.9) == pytest.approx(np.quantile(values, 0.9), abs=0.01)
    zeros = BinnedQuantiles(0.01)
    for v in [0.0] * 95 + [1.0] * 5:
        zeros.add(v)
    assert zeros.quantile(0.9) == 0.0 and math.isnan(BinnedQuantiles(1).quantile(0.5))


def test_customers_still_queueing_past_the_threshold_count_as_missed():
    # one agent, far too many customers: at closing many are still queueing, long past the threshold
    s = scenario(segments__regular__arrivals_per_hour=120, staff__agent__count=1, operation__service_level_threshold_min=5)
    model = Model(s, seed=1)
    kpis = model.run()
    late = sum(1 for c in model.present.values() if c.state == "queueing" and model.now - c.arrived_at > 5)
    assert late > 50
    assert kpis["service_level"] * (kpis["served"] + kpis["abandoned"] + late) == pytest.approx(model.queue.whole.within_threshold)
