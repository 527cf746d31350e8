"""Regular customers remember: apologies without a fix quiet complaints for a while, then they return."""
from __future__ import annotations

import numpy as np
import yaml

from sim import Model, load_scenario_text

WEEKS = 12


def accounts():
    return load_scenario_text(yaml.safe_dump({
        "meta": {"title": "delivery accounts"},
        "operation": {"duration_min": 480, "days": 7 * WEEKS},
        "segments": {"account": {"arrivals_per_hour": 6, "value": 800,
                                 "service": {"role": "dispatcher", "time": {"dist": "exponential", "mean": 20}}}},
        "staff": {"dispatcher": {"count": 3}},
        "failures": {"categories": {"delivery_system": 0.15, "customer_needs": 0.02, "employee_action": 0.01}},
        "quality": {"expectation": 0.95},  # accounts count on every delivery: nearly every late one is felt
        "word_of_mouth": {"market_multiple": 1000},  # so that accounts lost to word of mouth do not thin the complaints
        "behaviour": {"memory": {"initial_frustration": 0.6},
                      "complaint_propensity": {"minor": 0.3, "major": 0.5, "critical": 0.7}},
        "policies": {"words_only": {"actions": ["acknowledge", "apologise"]},
                     "fix": {"actions": ["apologise", "fix", "compensate"], "prevention": 0.7, "root_cause_analysis": True}},
    }))


def weekly_complaints(policy: str, replications: int = 10) -> np.ndarray:
    weeks = []
    for r in range(replications):
        model = Model(accounts(), seed=1, replication=r, policy=policy)
        model.run()
        weeks.append([sum(day.complaints for day in model.days[w * 7:(w + 1) * 7]) for w in range(WEEKS)])
    return np.array(weeks, dtype=float)


def interval(values: np.ndarray) -> tuple[float, float]:
    half = 2.262 * values.std(ddof=1) / np.sqrt(values.size)  # t(0.975, 9 degrees of freedom)
    return values.mean() - half, values.mean() + half


def test_words_only_quiets_complaints_then_they_return():
    weeks = weekly_complaints("words_only")
    first, quiet, late = weeks[:, 0], weeks[:, 2:4].mean(axis=1), weeks[:, 9:12].mean(axis=1)
    assert interval(first - quiet)[0] > 0  # the apologies work at first
    assert interval(late - quiet)[0] > 0  # but the unfixed failures bring the complaints back


def test_the_fix_keeps_complaints_down():
    words, fix = weekly_complaints("words_only"), weekly_complaints("fix")
    late_fix = fix[:, 9:12].mean(axis=1)
    assert interval(late_fix - fix[:, 0])[1] < 0  # fewer at the end than at the start
    assert interval(words[:, 9:12].mean(axis=1) - late_fix)[0] > 0
