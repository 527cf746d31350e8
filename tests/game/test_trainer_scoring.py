"""The turn's score and the judgement of an answer: pure functions, checked directly."""
from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

import numpy as np

from sim import run_once
from game.scoring import SCORED_KPIS, feedback_key, is_mistake, recorded_kpis, score, scored_kpis, timed_out

STANDARD = {"left_dissatisfied": 20.0, "retention_rate": 0.5, "quality_score": 0.6, "customers_lost_wom": 100.0}
EXPERT = {"left_dissatisfied": 10.0, "retention_rate": 0.9, "quality_score": 0.8, "customers_lost_wom": 0.0}


def runs(kpis, n=8, spread=0.0, seed=1):
    """n replications of ``kpis``; with a spread, noise shared by the three ways of playing (common random numbers)."""
    noise = np.random.default_rng(seed).normal(0.0, spread, n)
    return [{k: v * (1 + e) for k, v in kpis.items()} for e in noise]


def test_the_standard_process_scores_0_and_the_expert_100():
    assert score(runs(STANDARD), runs(EXPERT), runs(STANDARD)).value == 0
    assert score(runs(EXPERT), runs(EXPERT), runs(STANDARD)).value == 100
    halfway = {k: (STANDARD[k] + EXPERT[k]) / 2 for k in STANDARD}
    result = score(runs(halfway), runs(EXPERT), runs(STANDARD))
    assert result.value == 50 and result.positions == {k: 50.0 for k in SCORED_KPIS}


def test_scores_stay_between_0_and_100():
    better = {"left_dissatisfied": 0.0, "retention_rate": 1.0, "quality_score": 1.0, "customers_lost_wom": 0.0}
    assert score(runs(better), runs(EXPERT), runs(STANDARD)).value == 100
    worse = {"left_dissatisfied": 30.0, "retention_rate": 0.4, "quality_score": 0.5, "customers_lost_wom": 150.0}
    assert score(runs(worse), runs(EXPERT), runs(STANDARD)).value == 0
    mixed = dict(worse, retention_rate=0.9)  # expert-level on one KPI of four, worse than standard on the rest
    assert score(runs(mixed), runs(EXPERT), runs(STANDARD)).value == 25


def test_the_interval_comes_from_the_spread_over_replications_and_contains_the_score():
    halfway = {k: (STANDARD[k] + EXPERT[k]) / 2 for k in STANDARD}
    you = [{k: v + np.random.default_rng(i).normal(0, 0.02 * max(abs(v), 1)) for k, v in halfway.items()} for i in range(20)]
    result = score(you, runs(EXPERT, 20), runs(STANDARD, 20))
    assert result.low < result.value < result.high and result.replications == 20
    assert 40 < result.low and result.high < 60  # the noise is a few percent of the gap between the policies
    steady = score(runs(halfway, 20), runs(EXPERT, 20), runs(STANDARD, 20))
    assert steady.low == steady.value == steady.high == 50  # without noise of its own there is nothing to be unsure of
    single = score(runs(halfway, 1), runs(EXPERT, 1), runs(STANDARD, 1))
    assert single.low == single.high == single.value


def test_replications_where_the_policies_tie_do_not_widen_the_interval_of_their_own_answers():
    """The first replication ties the expert and the standard process on every KPI (nothing failed that day): an
    interval resample that draws it alone tells nothing apart, so the expert's own answers stay at 100 for certain
    and the standard process's at 0, instead of the tie counting as the standard process's level (once 66.7-100)."""
    tie = [dict(STANDARD)] + runs(EXPERT, 3)[1:]
    base = [dict(STANDARD)] + runs(STANDARD, 3)[1:]
    expert = score(tie, tie, base)
    assert (expert.value, expert.low, expert.high) == (100, 100, 100)
    standard = score(base, tie, base)
    assert (standard.value, standard.low, standard.high) == (0, 0, 0)
    halfway = [dict(STANDARD)] + [{k: (STANDARD[k] + EXPERT[k]) / 2 for k in STANDARD}] * 2
    middle = score(halfway, tie, base)
    assert (middle.value, middle.low, middle.high) == (50, 50, 50)


def test_kpis_on_which_the_policies_agree_or_that_are_missing_are_skipped():
    same = dict(EXPERT, left_dissatisfied=20.0)  # no difference on it: it says nothing about the trainee
    you = dict(EXPERT, left_dissatisfied=500.0, customers_lost_wom=math.nan)
    result = score(runs(you), runs(same), runs(STANDARD))
    assert result.value == 100 and result.kpis == ("retention_rate", "quality_score")


def test_without_a_difference_between_the_policies_the_score_is_the_perceived_quality():
    assert score(runs({"quality_score": 0.734}), runs(STANDARD), runs(STANDARD)).value == 73.4
    with pytest.raises(ValueError):
        score([], [], [])


def test_the_default_score_counts_who_left_dissatisfied_not_who_a_failure_dissatisfied(flight):
    """A storm dissatisfies the whole cabin whatever the crew does; the handling decides who leaves dissatisfied."""
    assert "left_dissatisfied" in SCORED_KPIS and "dissatisfied" not in SCORED_KPIS
    standard = [run_once(flight, 3, r, "standard_process") for r in range(3)]
    expert = [run_once(flight, 3, r, "expert") for r in range(3)]
    for s, e in zip(standard, expert):
        assert e["left_dissatisfied"] < s["left_dissatisfied"] and e["left_dissatisfied"] < e["dissatisfied"]
        assert s["left_dissatisfied"] == s["dissatisfied"]  # the standard answers bring nobody back


def test_key_kpis_of_the_scenario_choose_what_is_scored(flight):
    assert scored_kpis(flight) == (tuple(k.kpi for k in flight.meta.key_kpis) or SCORED_KPIS)
    only = SimpleNamespace(meta=SimpleNamespace(key_kpis=[SimpleNamespace(kpi="complaints", better="lower")]))
    assert scored_kpis(only) == ("complaints",)
    assert score(runs({"complaints": 5.0}), runs({"complaints": 1.0}), runs({"complaints": 9.0}), ("complaints",)).value == 50


def test_recorded_kpis_keep_finite_numbers_of_the_debrief_and_the_score():
    kpis = {"left_dissatisfied": 3, "mean_recovery_delay_min": math.nan, "utilization": 0.5, "complaints": 1.0, "p90_wait_min": 7.0}
    assert recorded_kpis(kpis) == {"left_dissatisfied": 3.0, "complaints": 1.0}
    assert recorded_kpis(kpis, ("p90_wait_min",)) == {"left_dissatisfied": 3.0, "complaints": 1.0, "p90_wait_min": 7.0}


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


def test_a_kpi_on_which_the_expert_falls_behind_the_standard_process_never_rewards_doing_worse():
    """The worst answers lose more customers by word of mouth than the standard process. Where the expert
    clearly keeps more customers but, by chance, loses a few more by word of mouth too, that KPI cannot
    place anyone between the two: the worst answers score 0, not 50, and so does every resample of the
    interval in which the expert falls behind on a KPI."""
    from game.scoring import HIGHER_IS_BETTER

    kpis = ("retention_rate", "customers_lost_wom")
    standard = {"retention_rate": 0.80, "customers_lost_wom": 100.0}
    expert = {"retention_rate": 0.90, "customers_lost_wom": 101.0}  # behind on word of mouth, by chance
    worst = {"retention_rate": 0.70, "customers_lost_wom": 130.0}
    directed = score(runs(worst), runs(expert), runs(standard), kpis, directions=HIGHER_IS_BETTER)
    assert directed.value == 0 and directed.kpis == ("retention_rate",)
    assert score(runs(worst), runs(expert), runs(standard), kpis).value == 50  # without directions: the old reading
    assert score(runs(expert), runs(expert), runs(standard), kpis, directions=HIGHER_IS_BETTER).value == 100

    # replications in which the expert is sometimes ahead on word of mouth, sometimes behind: a resample drawing
    # mostly the latter must not lift the worst answers' interval
    rng = np.random.default_rng(4)
    noisy = [{"retention_rate": 0.9, "customers_lost_wom": 100.0 + d} for d in rng.normal(0.0, 20.0, 10)]
    base = [{"retention_rate": 0.8, "customers_lost_wom": 100.0}] * 10
    bad = [{"retention_rate": 0.7, "customers_lost_wom": 130.0}] * 10
    result = score(bad, noisy, base, kpis, directions=HIGHER_IS_BETTER)
    assert result.value == 0 and result.high == 0


def test_a_score_that_cannot_separate_the_policies_says_so():
    """When the expert and the standard process end alike on every key KPI, the number shown is the perceived
    quality, not a position between them: the result and the terminal line say so, and why."""
    from game.scripted import summary

    alike = score(runs({"quality_score": 0.734}), runs(STANDARD), runs(STANDARD))
    assert not alike.separates and alike.as_dict()["basis"] == "perceived_quality"
    line = summary({"scenario": "kiosk", "answers": "worst", "seed": 0, "replications": 8, **alike.as_dict()})
    assert "end alike on every key KPI" in line and "perceived quality" in line
    placed = score(runs(STANDARD), runs(EXPERT), runs(STANDARD))
    assert placed.separates and placed.as_dict()["basis"] == "positions"
    assert "perceived quality" not in summary({"scenario": "kiosk", "answers": "worst", "seed": 0, "replications": 8,
                                                **placed.as_dict()})
