"""The turn's score and the judgement of an answer: pure functions, checked directly."""
from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from game.scoring import SCORED_KPIS, feedback_key, is_mistake, recorded_kpis, scored_kpis, timed_out, turn_score

STANDARD = {"dissatisfied": 20.0, "retention_rate": 0.5, "quality_score": 0.6, "customers_lost_wom": 100.0}
EXPERT = {"dissatisfied": 10.0, "retention_rate": 0.9, "quality_score": 0.8, "customers_lost_wom": 0.0}


def test_the_standard_process_scores_50_and_the_expert_100():
    assert turn_score(STANDARD, EXPERT, STANDARD) == 50
    assert turn_score(EXPERT, EXPERT, STANDARD) == 100
    halfway = {k: (STANDARD[k] + EXPERT[k]) / 2 for k in STANDARD}
    assert turn_score(halfway, EXPERT, STANDARD) == 75


def test_scores_stay_between_0_and_100_and_worse_than_the_standard_is_below_50():
    better = {"dissatisfied": 0.0, "retention_rate": 1.0, "quality_score": 1.0, "customers_lost_wom": 0.0}
    assert turn_score(better, EXPERT, STANDARD) == 100
    worse = {"dissatisfied": 22.5, "retention_rate": 0.4, "quality_score": 0.55, "customers_lost_wom": 125.0}
    assert turn_score(worse, EXPERT, STANDARD) == 37.5
    awful = {"dissatisfied": 100.0, "retention_rate": 0.0, "quality_score": 0.0, "customers_lost_wom": 1000.0}
    assert turn_score(awful, EXPERT, STANDARD) == 0


def test_kpis_on_which_the_policies_agree_or_that_are_missing_are_skipped():
    same = dict(EXPERT, dissatisfied=20.0)  # no difference on dissatisfied: it says nothing about the trainee
    you = dict(EXPERT, dissatisfied=500.0, customers_lost_wom=math.nan)
    assert turn_score(you, same, STANDARD) == 100


def test_without_both_policies_the_score_is_the_perceived_quality():
    assert turn_score({"quality_score": 0.734}, None, STANDARD) == 73.4
    assert turn_score({}, None, None) == 0


def test_key_kpis_of_the_scenario_choose_what_is_scored(flight):
    assert scored_kpis(flight) == (tuple(k.kpi for k in flight.meta.key_kpis) or SCORED_KPIS)
    only = SimpleNamespace(meta=SimpleNamespace(key_kpis=[SimpleNamespace(kpi="complaints", better="lower")]))
    assert scored_kpis(only) == ("complaints",)
    assert turn_score({"complaints": 5.0}, {"complaints": 1.0}, {"complaints": 9.0}, ("complaints",)) == 75


def test_recorded_kpis_keep_finite_numbers_of_the_debrief_and_the_score():
    kpis = {"dissatisfied": 3, "mean_recovery_delay_min": math.nan, "utilization": 0.5, "complaints": 1.0, "p90_wait_min": 7.0}
    assert recorded_kpis(kpis) == {"dissatisfied": 3.0, "complaints": 1.0}
    assert recorded_kpis(kpis, ("p90_wait_min",)) == {"dissatisfied": 3.0, "complaints": 1.0, "p90_wait_min": 7.0}


@pytest.mark.parametrize("flags, mood, was_timed_out, key, mistake", [
    ([], 0.06, False, "good", False),
    ([], -0.1, False, "negative", True),
    (["blame_shifting", "deflection"], -0.3, False, "blame_shifting+deflection", True),
    (["rules"], 0.0, True, "timed_out+rules", True),
])
def test_feedback_key_and_mistake(flags, mood, was_timed_out, key, mistake):
    choice = SimpleNamespace(flags=flags, mood=mood)
    assert feedback_key(choice, was_timed_out) == key
    assert is_mistake(choice) is mistake
    assert timed_out(key) is was_timed_out
