"""Queue and staff over the day: sampled without disturbing the run, folded onto one day, bounded memory."""
from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.model.clock import clock_time
from sim.outputs.trace import Trace, start_trace, trace_replications
from sim.scenario.variants import scenario_variant


def test_clock_times_start_at_opening_and_wrap_at_midnight():
    assert clock_time(18 * 60, 0) == "18:00"
    assert clock_time(18 * 60, 95) == "19:35"
    assert clock_time(22 * 60, 150) == "00:30"


def test_tracing_does_not_change_the_results(lounge):
    plain = sim.Model(lounge, seed=4, replication=2).run()
    model = sim.Model(lounge, seed=4, replication=2)
    trace = start_trace(model, every_min=1)
    assert repr(model.run()) == repr(plain)
    assert trace.samples.sum() == 120


def test_samples_agree_with_the_shift_plan_and_the_time_averages(lounge):
    shifted = scenario_variant(lounge, {"staff.agent.shifts": [{"start_min": 60, "end_min": 120, "count": 7}]})
    trace = trace_replications(shifted, replications=6, seed=1, every_min=1)
    minutes = trace.minutes
    on_duty = trace.mean_on_duty("agent")
    assert (on_duty[minutes < 60] == 5).all() and (on_duty[minutes >= 60] == 7).all()
    assert (trace.mean_busy("agent") <= on_duty + 1e-9).all()
    assert (trace.max_queueing("agent") >= trace.mean_queueing("agent")).all()
    # a one-minute grid over two hours averages the queue almost exactly as the model's time average does
    kpis = sim.replicate(shifted, 6, seed=1, workers=1).kpis
    assert np.nanmean(trace.mean_queueing("agent")) == pytest.approx(kpis["mean_queue_length"]["mean"], rel=0.1, abs=0.02)
    assert np.nanmean(trace.mean_busy("agent") / on_duty) == pytest.approx(kpis["utilization"]["mean"], rel=0.05)


def test_memory_depends_on_the_day_not_on_replications_and_several_days_show_each_day(lounge):
    week = scenario_variant(lounge, {"operation.days": 7})
    one = trace_replications(lounge, replications=1, every_min=5)
    many = trace_replications(week, replications=3, every_min=5)
    assert one.slots == 24 and one.folded
    assert many.slots == 7 and not many.folded  # one slot a day, so a queue building over the week shows
    assert list(many.samples) == [3 * 24] * 7  # samples at minutes 0, 5, ..., 115 of each day
    assert Trace.for_scenario(lounge, every_min=0.001).slots <= 2000
    assert Trace.for_scenario(scenario_variant(lounge, {"operation.days": 366}), every_min=0.001).slots <= 2000


def test_each_day_of_a_multi_day_run_opens_again():
    from sim.model.clock import time_of_day
    from sim.scenario.operation import Operation

    two_hour_days = Operation(opens_at="08:00", duration_min=120, days=5)
    assert time_of_day(two_hour_days, 0) == "08:00"
    assert time_of_day(two_hour_days, 119) == "09:59"
    assert time_of_day(two_hour_days, 120 * 3 + 15) == "08:15"
