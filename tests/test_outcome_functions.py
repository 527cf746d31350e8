"""The outcome model's equations as pure functions: justice, attribution, retention, disconfirmation and
word of mouth in a bounded market (the model's mechanisms, one at a time; the mutation tests run these)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiments.statistics import confidence_interval
from sim.model.attribution import blame, complaint_factor, felt_blame, telling_factor
from sim.model.complaints import complaint_probability
from sim.model.justice import interactional_share, paradox_possible, recovery_satisfaction, recovery_value, speed_credit
from sim.model.recovery_cost import recovery_cost_factor
from sim.model.retention import resolution_path, retention_probability, severity_damage
from sim.model.satisfaction import (
    customer_expectation,
    customer_tolerance,
    failure_loss,
    lognormal_sigma,
    mood,
    perceived_quality,
    wait_loss,
)
from sim.model.word_of_mouth import (
    MarketSegment,
    expected_customers_lost,
    expected_reach,
    newly_reached,
    simulate_reach,
)
from sim.scenario.behaviour import Attribution, Behaviour, BySeverity, Quality, Retention
from sim.scenario.recovery import CostCurve, Justice, Paradox
from sim.scenario.word_of_mouth import WordOfMouth

JUSTICE = Justice()


def test_speed_credit_falls_smoothly_with_delay_and_handovers():
    delays = np.arange(0.0, 5000.0, 1.0)
    credit = [speed_credit(d, 0, JUSTICE) for d in delays]
    assert credit[0] == 1.0 and all(a > b for a, b in zip(credit, credit[1:]))
    assert speed_credit(JUSTICE.half_value_delay_min, 0, JUSTICE) == pytest.approx(0.5)
    assert speed_credit(30, 1, JUSTICE) < speed_credit(30, 0, JUSTICE)
    assert max(abs(a - b) for a, b in zip(credit, credit[1:])) < 0.01  # no step anywhere


def test_recovery_satisfaction_follows_the_three_justice_dimensions():
    base = dict(category="delivery_system", loss=0.2, delay_min=10, handovers=0, justice=JUSTICE)
    nothing = recovery_satisfaction(distributive=0.0, interactional=0.0, **base)
    words = recovery_satisfaction(distributive=0.0, interactional=0.13, **base)
    fix = recovery_satisfaction(distributive=0.2, interactional=0.0, **base)
    both = recovery_satisfaction(distributive=0.2, interactional=0.13, **base)
    assert nothing == 0.0 < words < fix < both <= 1.0
    assert recovery_satisfaction(distributive=0.1, interactional=0.13, **base) < both  # a gesture short of the loss
    slow = dict(base, delay_min=1440)
    assert recovery_satisfaction(distributive=0.2, interactional=0.13, **slow) < both
    handed_over = dict(base, handovers=2)
    assert recovery_satisfaction(distributive=0.2, interactional=0.13, **handed_over) < both
    rude = recovery_satisfaction(distributive=0.2, interactional=-0.3, **base)
    assert rude < fix and recovery_satisfaction(distributive=0.0, interactional=-0.3, **base) < 0
    # words count more for poor treatment, fixes more for a lost outcome
    treatment = dict(base, category="employee_action")
    assert recovery_satisfaction(distributive=0.0, interactional=0.13, **treatment) > words
    assert recovery_satisfaction(distributive=0.2, interactional=0.0, **treatment) < fix


def test_retention_rises_with_the_recovery_and_falls_with_blame_and_severity():
    retention = Retention()
    assert retention_probability("minor", 0.0, 1.0, retention) == pytest.approx(0.37)
    assert retention_probability("major", 0.0, 1.0, retention) == pytest.approx(0.09)
    assert retention_probability("minor", 1.0, 1.0, retention) == pytest.approx(retention.no_failure)
    recoveries = np.linspace(-1, 1, 101)
    chances = [retention_probability("major", r, 1.0, retention) for r in recoveries]
    assert all(a <= b for a, b in zip(chances, chances[1:])) and 0.0 <= min(chances)
    assert retention_probability("major", 0.3, 0.25, retention) > retention_probability("major", 0.3, 1.0, retention)
    assert severity_damage("critical", retention) > severity_damage("major", retention) > severity_damage("minor", retention)
    # satisfaction above no failure never buys loyalty above it
    assert retention_probability("minor", 1.5, 1.0, retention) == retention.no_failure
    # where nobody comes back anyway, a failure has no loyalty to take away
    nobody_returns = Retention(no_failure=0.0, silent=BySeverity(minor=0.0, major=0.0, critical=0.0))
    assert severity_damage("major", nobody_returns) == 0.0 == retention_probability("major", 0.0, 1.0, nobody_returns)


def test_attribution_blame_and_its_effects():
    attribution = Attribution()
    own = blame(True, True, attribution)
    storm = blame(False, False, attribution)
    assert own == 1.0 and storm == attribution.base
    assert blame(True, False, attribution) < own and blame(False, True, attribution) < own
    assert felt_blame(storm, 0.5) == storm < felt_blame(storm, -0.5) < felt_blame(storm, -1.0) == 1.0
    assert complaint_factor(storm, attribution) < complaint_factor(own, attribution) == 1.0
    assert telling_factor(storm, attribution) < telling_factor(own, attribution) == 1.0


def test_expectations_are_cut_to_the_quality_scale_and_quality_to_the_loss():
    assert customer_expectation(0.85, 0.05, 10) == 1.0 and customer_expectation(0.85, 0.05, -30) == 0.0
    assert perceived_quality(0.3, 0.0) == pytest.approx(0.7)
    assert perceived_quality(0.3, 1.0) == 1.0
    assert perceived_quality(0.3, -0.5) == pytest.approx(0.55)


def test_people_reached_never_exceed_the_market_and_overlap_grows():
    rng = np.random.default_rng(1)
    assert newly_reached(rng, 100, 100, 10**9) <= 100
    market = MarketSegment(500)
    wom = WordOfMouth(conversion=1.0)
    for _ in range(50):
        market.spread(rng, 400, True, wom)
        assert market.heard_bad <= market.size and market.lost + market.won <= market.size
    assert market.heard_bad == market.size and market.demand_factor == 0.0
    assert newly_reached(rng, 1, 1, 1) == 1  # one contact on a market of one reaches them
    # one contact on a market of two: each person is hit with chance 1/2, Binomial(2, 1/2) (variance 1/2)
    pairs = [newly_reached(rng, 2, 2, 1) for _ in range(400)]
    assert abs(np.mean(pairs) - 1.0) < 4 * math.sqrt(0.5 / 400)
    few = [newly_reached(np.random.default_rng(s), 10_000, 10_000, 1000) for s in range(200)]
    expected = 10_000 * -math.expm1(1000 * math.log1p(-1 / 10_000))
    assert confidence_interval(few)[1] <= expected <= confidence_interval(few)[2]


def test_losses_follow_the_servqual_weights_and_waits_beyond_tolerance():
    quality = Quality()
    assert failure_loss("delivery_system", "minor", quality) == pytest.approx(0.16)
    assert failure_loss("delivery_system", "major", quality) == pytest.approx(0.288)
    assert failure_loss("employee_action", "critical", quality) == pytest.approx(0.16 + 0.19)
    assert wait_loss(10, 15, quality) == 0.0 and wait_loss(15, 15, quality) == 0.0
    assert wait_loss(25, 15, quality) == pytest.approx(0.22 * 10 * quality.wait_penalty_per_min)
    assert wait_loss(15.5, 15, quality) == pytest.approx(0.22 * 0.5 * quality.wait_penalty_per_min)  # no free minute
    assert wait_loss(10_000, 15, quality) == pytest.approx(0.22)
    assert customer_tolerance(15, lognormal_sigma(0.3), 0.0) == 15
    assert customer_tolerance(15, lognormal_sigma(0.3), 1.0) > 15 > customer_tolerance(15, lognormal_sigma(0.3), -1.0)
    draws = np.exp(lognormal_sigma(0.3) * np.random.default_rng(2).standard_normal(200_000))
    assert draws.std() / draws.mean() == pytest.approx(0.3, rel=0.03)


def test_complaints_rise_with_severity_and_channels():
    behaviour = Behaviour()
    assert complaint_probability("minor", behaviour) == 0.05
    assert complaint_probability("major", behaviour, 3) == pytest.approx(0.10 * 2.0)
    assert complaint_probability("critical", behaviour, 10) == 1.0


def test_paths_name_how_a_visit_ended():
    retention = Retention()
    assert resolution_path(True, False, False, 0, retention) == "no_failure"
    assert resolution_path(True, True, True, 60, retention) == "resolved_quickly"
    assert resolution_path(True, True, False, 61, retention) == "resolved_slowly"
    assert resolution_path(False, False, False, 0, retention) == "silent"
    assert resolution_path(False, False, True, 0, retention) == "unresolved"
    assert resolution_path(False, True, False, 0, retention) == "unresolved"
    # satisfied again, but with a recovery that made good too little of the loss: the complaint is not resolved
    assert retention.resolved_min_value == 0.75
    assert resolution_path(True, True, True, 0, retention, made_good=0.75) == "resolved_quickly"
    assert resolution_path(True, True, True, 0, retention, made_good=0.74) == "unresolved"
    assert resolution_path(True, True, False, 61, retention, made_good=0.74) == "unresolved"
    assert resolution_path(False, True, True, 0, retention, made_good=1.0) == "unresolved"


def test_a_recoverys_value_is_what_it_made_good_whatever_its_speed():
    justice = Justice()
    # a full fix and full words make good the whole loss; words alone only their weight for the category
    assert recovery_value("delivery_system", 0.2, 0.2, 0.13, justice) == pytest.approx(1.0)
    assert recovery_value("delivery_system", 0.2, 0.0, 0.13, justice) == pytest.approx(0.3)
    assert recovery_value("employee_action", 0.2, 0.0, 0.13, justice) == pytest.approx(0.7)
    assert recovery_value("delivery_system", 0.2, 0.1, 0.0, justice) == pytest.approx(0.35)
    slow = recovery_satisfaction("delivery_system", 0.2, 0.2, 0.13, 1440.0, 1, justice)
    assert slow < recovery_value("delivery_system", 0.2, 0.2, 0.13, justice)  # speed scales the value, not the reverse


def test_a_recovery_of_no_loss_makes_good_all_with_any_fix_and_nothing_without():
    justice = Justice()
    weights = justice.weights.delivery_system
    assert recovery_value("delivery_system", 0.0, 0.05, 0.0, justice) == pytest.approx(weights.distributive)
    assert recovery_value("delivery_system", 0.0, 0.0, 0.0, justice) == 0.0
    assert recovery_value("delivery_system", 0.0, 0.0, 0.13, justice) == pytest.approx(weights.interactional)


def test_fair_treatment_counts_up_to_a_full_apology_and_down_to_a_full_offence():
    justice = Justice()
    full = justice.full_interactional
    assert interactional_share(full / 2, justice) == pytest.approx(0.5)
    assert interactional_share(-full / 2, justice) == pytest.approx(-0.5)
    assert interactional_share(5 * full, justice) == 1.0 and interactional_share(-5 * full, justice) == -1.0


def test_the_paradox_needs_a_first_minor_failure_not_the_firms_stable_fault_fast_and_well_recovered():
    paradox = Paradox()
    assert paradox_possible("minor", 1, 0.8, 0.9, 60.0, 60.0, paradox)
    assert not paradox_possible("major", 1, 0.8, 0.95, 10.0, 60.0, paradox)
    assert not paradox_possible("minor", 2, 0.8, 0.95, 10.0, 60.0, paradox)
    assert not paradox_possible("minor", 1, 0.81, 0.95, 10.0, 60.0, paradox)
    assert not paradox_possible("minor", 1, 0.8, 0.95, 60.1, 60.0, paradox)
    assert not paradox_possible("minor", 1, 0.8, 0.89, 10.0, 60.0, paradox)


def test_recovery_cost_follows_the_curve_between_its_anchors():
    assert recovery_cost_factor(0) == 1.0 and recovery_cost_factor(-5) == 1.0
    assert recovery_cost_factor(720) == pytest.approx(math.sqrt(10.0))
    assert recovery_cost_factor(1440) == pytest.approx(10.0)
    assert recovery_cost_factor(10080) == pytest.approx(100.0) == recovery_cost_factor(50_000)
    # a curve with a free anchor (nothing spent on the spot) is linear up to the next one
    free_on_the_spot = CostCurve(on_the_spot=0.0, next_day=10.0)
    assert recovery_cost_factor(0.5, free_on_the_spot) == pytest.approx(10.0 * 0.5 / 1440)
    assert recovery_cost_factor(720, free_on_the_spot) == pytest.approx(5.0)
    # and down to a free anchor; between two anchors below 1 the curve is still log-linear
    assert recovery_cost_factor(720, CostCurve(next_day=0.0, later=0.0)) == pytest.approx(0.5)
    assert recovery_cost_factor(720, CostCurve(on_the_spot=0.5, next_day=1.0)) == pytest.approx(math.sqrt(0.5))


def test_stories_spread_over_generations_bad_twice_as_far_as_good():
    wom = WordOfMouth()
    assert expected_reach(wom.negative_mean_told, wom) == pytest.approx(2 * expected_reach(wom.positive_mean_told, wom))
    assert expected_reach(9.5, WordOfMouth(retell_probability=0.0)) == 9.5
    assert expected_customers_lost(WordOfMouth(retell_probability=0.0, conversion=0.3)) == pytest.approx(9.5 * 0.3)
    rng = np.random.default_rng(5)
    reach = simulate_reach(rng, wom.negative_mean_told, wom, tellers=40_000)
    mean, low, high = confidence_interval(reach)
    assert low <= expected_reach(wom.negative_mean_told, wom) <= high
    assert simulate_reach(rng, np.array([0.0, 0.0]), wom).sum() == 0
    assert np.issubdtype(reach.dtype, np.integer)  # contacts are people


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("mean_told, wom", [
    (1.0, WordOfMouth()),  # a teller who tells one person on average
    (9.5, WordOfMouth(mean_retold=1.0)),  # listeners who retell to one person on average
])
def test_small_audiences_spread_as_expected(seed, mean_told, wom):
    """The mean reach of 5000 tellers holds the expected reach in its 99 % interval, on six seeds (a 99 %
    interval so that twelve checks together rarely fail by chance)."""
    reach = simulate_reach(np.random.default_rng(seed), mean_told, wom, tellers=5000)
    mean, low, high = confidence_interval(reach, level=0.99)
    assert low <= expected_reach(mean_told, wom) <= high


def test_a_lone_teller_tells_someone():
    reach = simulate_reach(np.random.default_rng(0), 50.0, WordOfMouth(dispersion=1000.0), tellers=1)
    assert reach.shape == (1,) and reach[0] > 0  # about Poisson(50): never 0 in practice


def test_winning_and_losing_share_the_market():
    rng = np.random.default_rng(4)
    market = MarketSegment(1000)
    market.spread(rng, 3000, False, WordOfMouth(positive_conversion=1.0))
    assert market.won > 900 and market.demand_factor > 1.9
    market.spread(rng, 3000, True, WordOfMouth(conversion=1.0))
    assert market.won + market.lost <= market.size
    assert MarketSegment(0).demand_factor == 1.0
    # bad news first, then good news everywhere: those already lost cannot be won too
    mixed = MarketSegment(100)
    mixed.spread(rng, 30, True, WordOfMouth(conversion=1.0))
    lost = mixed.lost
    heard_good, won = [], []
    for _ in range(3):
        mixed.spread(rng, 10_000, False, WordOfMouth(positive_conversion=1.0))
        heard_good.append(mixed.heard_good)
        won.append(mixed.won)
    assert 0 < lost < 100 and mixed.lost == lost and mixed.lost + mixed.won == mixed.size
    assert heard_good == [100, 100, 100] and won == [100 - lost] * 3  # everyone hears once, nobody won twice
    # 3000 contacts on 1000 people reach each person at least once with chance 1 - (1 - 1/1000)^3000
    bad = MarketSegment(1000)
    bad.spread(rng, 3000, True, WordOfMouth())
    reached = 1000 * (1 - (1 - 1 / 1000) ** 3000)
    assert bad.heard_bad <= bad.size and abs(bad.heard_bad - reached) < 4 * math.sqrt(reached * (1 - reached / 1000))
    assert abs(bad.lost - 0.3 * bad.heard_bad) < 4 * math.sqrt(0.3 * 0.7 * bad.heard_bad)  # each first hearer once


def test_mood_shows_perceived_quality_against_expectation_from_minus_1_to_1():
    assert mood(0.9, 0.9) == 0.0
    assert mood(0.8, 0.9) == pytest.approx(-0.5) and mood(1.0, 0.9) == pytest.approx(0.5)
    assert mood(0.2, 0.9) == -1.0 and mood(1.05, 0.7) == 1.0
