"""Failures, disruptions, learning, outside actions, the event log and word of mouth on a graph."""
from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

from sim import EventKind, Model, UserError, load_scenario_text, run_once
from sim.experiments.statistics import confidence_interval
from sim.model.actions import Action
from sim.model.failures import FailureChances, load_multiplier
from sim.model.word_of_mouth import simulate_reach
from sim.model.word_of_mouth_network import build_graph, spread_on_graph
from sim.scenario.failures import Failures
from sim.scenario.word_of_mouth import SocialNetwork, WordOfMouth


def lounge(**extra):
    data = {
        "meta": {"title": "lounge"},
        "operation": {"duration_min": 240},
        "segments": {
            "passenger": {"arrivals_per_hour": 30, "service": {"role": "agent", "time": {"dist": "exponential", "mean": 10}}},
            "vip": {"arrivals_per_hour": 6, "priority": 1, "service": {"role": "agent", "time": {"dist": "exponential", "mean": 10}}},
        },
        "staff": {"agent": {"count": 3}, "supervisor": {"count": 1}},
        "failures": {},
        "recovery": {"supervisor_role": "supervisor"},
    }
    data.update(extra)
    return load_scenario_text(yaml.safe_dump(data))


def test_a_storm_fails_everyone_of_its_segment_present_and_arriving():
    storm = {"id": "storm", "at_min": 60, "segment": "passenger", "severity": "major", "delay_min": 180, "window_min": 30}
    model = Model(lounge(failures={"disruptions": [storm], "categories": {"delivery_system": 0, "customer_needs": 0, "employee_action": 0}}),
                  seed=1, record_events=True)
    model.step_to(60)
    present = {c.id for c in model.present.values() if c.segment == "passenger"}
    model.run()
    hit = {e.customer for e in model.events if e.kind is EventKind.FAILURE and e.detail["cause"] == "storm"}
    arrived_in_window = {e.customer for e in model.events if e.kind is EventKind.ARRIVAL and e.segment == "passenger" and 60 < e.time <= 90}
    assert present and present | arrived_in_window == hit
    vip_hit = [e for e in model.events if e.kind is EventKind.FAILURE and e.segment == "vip"]
    assert not vip_hit
    assert any(e.kind is EventKind.DISRUPTION for e in model.events)


def test_load_and_skill_raise_the_chance_of_failure():
    spec = Failures()
    assert load_multiplier(0.5, spec) == 1.0
    assert load_multiplier(1.0, spec) == pytest.approx(1 + spec.load_effect)
    chances = FailureChances(spec, ["agent"])
    total = chances.total["agent"]
    assert chances.draw(total * 0.99, 0.1, 1.0, "agent") is not None
    assert chances.draw(total * 1.01, 0.1, 1.0, "agent") is None
    assert chances.draw(total * 1.5, 0.1, 2.0, "agent") is not None  # a doubled chance fails more draws
    unskilled = lounge(staff={"agent": {"count": 3, "skill": 0.3}, "supervisor": {"count": 1}})
    skilled = lounge()
    differences = [run_once(unskilled, 2, r)["failure_rate"] - run_once(skilled, 2, r)["failure_rate"] for r in range(15)]
    assert confidence_interval(differences)[1] > 0


def test_rushed_staff_fail_more_and_calm_staff_do_not():
    """The load effect acts on the share of a station's staff who are busy (DOMAIN.md: rushed staff make
    more mistakes): with many idle agents it changes nothing, with every agent busy it raises failures."""
    def failure_rates(agents: int, load_effect: float, skill: float = 1.0):
        scenario = lounge(staff={"agent": {"count": agents, "skill": skill}, "supervisor": {"count": 1}},
                          failures={"load_effect": load_effect})
        return [run_once(scenario, 4, r)["failure_rate"] for r in range(10)]

    calm_base = failure_rates(30, 0.0)  # utilisation about 20 %: never near the threshold
    calm = confidence_interval(a - b for a, b in zip(failure_rates(30, 3.0), calm_base))
    assert calm[1] <= 0 <= calm[2] and abs(calm[0]) < 0.25 * np.mean(calm_base), calm  # (a 4x effect if it acted)
    rushed = [a - b for a, b in zip(failure_rates(3, 3.0), failure_rates(3, 0.0))]
    assert confidence_interval(rushed)[1] > 0
    # skill and load multiply: unskilled staff in a rush fail more than in a rush alone
    unskilled = [a - b for a, b in zip(failure_rates(3, 3.0, skill=0.3), failure_rates(3, 3.0))]
    assert confidence_interval(unskilled)[1] > 0


def test_root_cause_analysis_makes_failures_rarer_on_later_days():
    def operation(analyse: bool):
        return load_scenario_text(yaml.safe_dump({
            "meta": {"title": "learning"},
            "operation": {"duration_min": 480, "days": 8},
            "segments": {"c": {"arrivals_per_hour": 40, "service": {"role": "agent", "time": {"dist": "exponential", "mean": 5}}}},
            "staff": {"agent": {"count": 6}},
            "failures": {"categories": {"delivery_system": 0.1}},
            "behaviour": {"complaint_propensity": {"minor": 0.3, "major": 0.4, "critical": 0.5}},
            "recovery": {"root_cause_analysis": analyse},
        }))
    differences = [run_once(operation(True), 4, r)["failure_rate"] - run_once(operation(False), 4, r)["failure_rate"] for r in range(10)]
    assert confidence_interval(differences)[2] < 0
    chances = FailureChances(Failures(), ["agent"])
    before = chances.total["agent"]
    chances.learn({"delivery_system": 10, "customer_needs": 0, "employee_action": 0})
    assert chances.total["agent"] < before
    chances.learn({"delivery_system": 10_000, "customer_needs": 0, "employee_action": 0})
    assert chances.learning["delivery_system"] == Failures().learning_floor


def test_outside_actions_change_the_model():
    model = Model(lounge(), seed=3, record_events=True)
    model.step_to(30)
    vip = model.apply(Action("spawn", segment="vip", name="Mr Li", tags=("asleep",)))
    customer = model.present[vip]
    assert customer.name == "Mr Li" and "asleep" in customer.tags
    model.apply(Action("tag", customers=(vip,), tags=("notified",)))
    assert {"asleep", "notified"} <= customer.tags
    before = customer.perceived
    model.apply(Action("mood", customers=(vip,), delta=-0.2, label="forbidden phrase"))
    assert customer.perceived < before - 0.2 and customer.mood < 0  # a failure of treatment, judged unfair
    model.apply(Action("fail", customers=(vip,), category="customer_needs", severity="major"))
    assert customer.failure == ("customer_needs", "major")
    low = customer.perceived
    busy_before = model.pools["supervisor"].busy.area_until(model.now)
    model.apply(Action("recover", customers=(vip,), actions=("apologise", "compensate"), escalate=True))
    model.step_to(60)
    assert customer.perceived > low
    assert model.pools["supervisor"].busy.area_until(model.now) > busy_before
    kinds = [e.kind for e in model.events]
    assert EventKind.ACTION in kinds and EventKind.RECOVERY_ACTION in kinds
    with pytest.raises(UserError):
        model.apply(Action("recover", customers=(vip,), actions=("hug",)))


def test_prioritise_moves_a_customer_to_the_front():
    model = Model(lounge(segments={"passenger": {"arrivals_per_hour": 120, "service": {"role": "agent", "time": {"dist": "fixed", "value": 10}}}},
                         staff={"agent": {"count": 1}}, recovery={}), seed=1, record_events=True)
    model.step_to(60)
    queue = sorted((c for c in model.present.values() if c.state == "queueing"), key=lambda c: c.arrived_at)
    last = queue[-1]
    model.apply(Action("prioritise", customers=(last.id,)))
    model.step_to(80)
    started = [e.customer for e in model.events if e.kind is EventKind.SERVICE_START and e.time > 60]
    assert started[0] == last.id


def test_reassign_moves_staff_between_roles():
    model = Model(lounge(), seed=1)
    model.step_to(10)
    model.apply(Action("reassign", role="supervisor", to_role="agent", count=1))
    assert model.pools["agent"].on_duty_at(20) == 4 and model.pools["supervisor"].on_duty_at(20) == 0
    model.step_to(200)
    with pytest.raises(UserError):
        model.apply(Action("reassign", role="pilot", to_role="agent"))


def test_event_log_is_ordered_typed_and_serialisable():
    model = Model(lounge(), seed=2, record_events=True)
    model.run()
    times = [e.time for e in model.events]
    assert times == sorted(times)
    kinds = {e.kind for e in model.events}
    assert {EventKind.ARRIVAL, EventKind.SERVICE_START, EventKind.SERVICE_END, EventKind.DEPARTURE} <= kinds
    for event in model.events:
        json.dumps(event.to_json())
    assert Model(lounge(), seed=2).events is None  # opt-in


def test_word_of_mouth_on_a_graph_saturates_in_a_small_community():
    wom = WordOfMouth(network=SocialNetwork(people=60, acquaintances=10))
    neighbours = build_graph(wom.network, seed=1)
    rng = np.random.default_rng(1)
    reach = [spread_on_graph(rng, neighbours, wom) for _ in range(300)]
    assert max(reach) <= 59 and min(reach) >= 10  # at most everyone else; at least the teller's circle
    free = simulate_reach(rng, wom.negative_mean_told, WordOfMouth(mean_retold=wom.negative_mean_told), tellers=300)
    assert np.mean(reach) < np.mean(free)
    kpis = run_once(lounge(word_of_mouth={"network": {"people": 300}}), 1)
    assert 0 < kpis["wom_reached"] <= kpis["market"]
