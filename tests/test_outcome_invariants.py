"""Invariants of the outcomes on every library scenario and on random valid scenarios (hypothesis):
nobody is lost twice, nothing exceeds its population, every share lies in [0, 1]."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import load_scenario, load_scenario_text, run_once

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))
SHARES = ("abandon_rate", "prob_wait", "service_level", "utilization", "complaint_rate",
          "retention_rate", "recovered_retention_rate", "paradox_share")


def check_invariants(kpis: dict[str, float]) -> None:
    for name, value in kpis.items():
        is_share = name in SHARES or name.startswith(("retention.", "utilization."))
        if is_share and not math.isnan(value):
            assert 0.0 <= value <= 1.0 + 1e-12, (name, value)
    assert kpis["customers_lost_wom"] + kpis["customers_won_wom"] <= kpis["market"]
    assert kpis["wom_reached"] <= kpis["market"] and kpis["wom_positive_reached"] <= kpis["market"]
    assert kpis["revenue_lost"] <= kpis["market_value"] + 1e-6
    assert kpis["dissatisfied"] <= kpis["arrived"] and kpis["complaints"] <= kpis["arrived"]
    paths = sum(kpis[f"customers.{p}"] for p in ("no_failure", "silent", "unresolved", "resolved_quickly", "resolved_slowly"))
    assert paths <= kpis["arrived"]
    assert kpis["recovery_cost"] >= 0 and not kpis["quality_score"] > 1.0 + 0.05 + 1e-12  # NaN when nobody finished


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_library_scenario_keeps_the_invariants(path):
    scenario = load_scenario(path)
    for policy in [None, *scenario.policies]:
        check_invariants(run_once(scenario, 3, 0, policy))


@st.composite
def scenarios(draw):
    chance = st.floats(0.0, 0.25)
    minor = draw(st.floats(0.0, 1.0))
    major = draw(st.floats(0.0, 1.0 - minor))
    data = {
        "meta": {"title": "random"},
        "operation": {"duration_min": draw(st.sampled_from([120, 240])), "days": draw(st.integers(1, 2))},
        "segments": {
            "a": {"arrivals_per_hour": draw(st.floats(1, 60)), "value": draw(st.floats(0, 500)),
                  "service": {"role": "desk", "time": {"dist": "exponential", "mean": draw(st.floats(1, 12))}},
                  "patience_min": {"dist": "exponential", "mean": draw(st.floats(2, 60))},
                  "expectation": draw(st.floats(0.3, 1.0))},
            "b": {"arrivals_per_hour": draw(st.floats(0, 20)), "priority": 1, "value": draw(st.floats(0, 2000)),
                  "service": {"role": "desk", "time": {"dist": "lognormal", "mean": draw(st.floats(1, 20)), "sd": 2}}},
        },
        "staff": {"desk": {"count": draw(st.integers(1, 8)), "cost_per_hour": draw(st.floats(0, 100))},
                  "lead": {"count": draw(st.integers(0, 2))}},
        "failures": {
            "categories": {"delivery_system": draw(chance), "customer_needs": draw(chance), "employee_action": draw(chance)},
            "severity_mix": {"minor": minor, "major": major, "critical": 1.0 - minor - major},
            "detection": draw(st.floats(0, 1)),
            "disruptions": [{"id": "outage", "at_min": draw(st.floats(0, 100)), "severity": draw(st.sampled_from(["minor", "major", "critical"])),
                             "cause": draw(st.sampled_from(["internal", "external"])), "stable": draw(st.booleans()),
                             "delay_min": draw(st.floats(0, 60)), "window_min": draw(st.floats(0, 60))}],
        },
        "quality": {"expectation_sd": draw(st.floats(0, 0.3)), "wait_tolerance_cv": draw(st.floats(0, 1.5))},
        "behaviour": {"complaint_propensity": {"minor": draw(st.floats(0, 1)), "major": draw(st.floats(0, 1)), "critical": draw(st.floats(0, 1))},
                      "channels": draw(st.integers(1, 4))},
        "recovery": {"empowerment": draw(st.sampled_from(["low", "medium", "high"])),
                     "supervisor_role": draw(st.sampled_from([None, "lead"])),
                     "default_actions": draw(st.lists(st.sampled_from(["acknowledge", "apologise", "explain", "fix", "compensate", "follow_up"]), max_size=4)),
                     "proactive_share": draw(st.floats(0, 1)),
                     "paradox": {"chance": draw(st.floats(0, 1))}},
        "word_of_mouth": {"market_multiple": draw(st.floats(0.05, 30)), "conversion": draw(st.floats(0, 1)),
                          "positive_conversion": draw(st.floats(0, 1)), "delight_margin": draw(st.floats(0, 0.5))},
    }
    if data["staff"]["lead"]["count"] == 0:
        data["recovery"]["supervisor_role"] = None
    if draw(st.booleans()):
        data["word_of_mouth"]["market"] = {"a": draw(st.integers(0, 500))}
    return load_scenario_text(yaml.safe_dump(data))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=scenarios(), seed=st.integers(0, 10**6))
def test_random_valid_scenarios_keep_the_invariants(scenario, seed):
    check_invariants(run_once(scenario, seed))
