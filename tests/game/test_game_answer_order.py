"""The order of a dialog's answers: the same for the same turn, and the expert's answer (and the second best)
spread over the positions, so a trainee who always presses the same key meets them no more often than chance
would give."""
from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pytest

from game.answers import answer_positions, dialog_order, expert_choice, expert_positions, ranked
from sim import load_scenario

SCENARIOS = sorted(p for p in (Path(__file__).resolve().parents[2] / "scenarios").glob("*.yaml")
                   if load_scenario(p).exercise is not None)
SEEDS = range(200)


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda p: p.stem)
def scenario(request):
    return load_scenario(request.param)


def test_the_order_is_a_shuffle_that_a_turn_sees_again(scenario):
    for decision in scenario.exercise.decisions:
        orders = {tuple(c.id for c in dialog_order(scenario, decision, seed)) for seed in range(20)}
        assert all(sorted(order) == sorted(c.id for c in decision.choices) for order in orders)
        assert len(orders) > 1  # not one fixed order
        assert dialog_order(scenario, decision, 7) == dialog_order(scenario, decision, 7)


def test_the_experts_answer_takes_each_position_before_any_repeats(scenario):
    decisions = scenario.exercise.decisions
    widest = max(len(d.choices) for d in decisions)
    for seed in range(50):
        positions = expert_positions(scenario, seed)
        for decision in decisions:
            shown = [c.id for c in dialog_order(scenario, decision, seed)]
            assert shown.index(expert_choice(scenario, decision)) == positions[decision.id]
        if len(decisions) <= widest:  # as in every scenario of the library: a fixed key finds it at most once
            assert len(set(positions.values())) == len(decisions), (seed, positions)


def test_the_first_answer_is_the_experts_no_more_often_than_chance(scenario):
    """Over many turns, the first answer shown is the expert's no more often than once per number of answers
    (one-sided binomial 99 % bound), and the expert's answer turns up in every position. (Other positions
    are not uniform: when every position is used once per exercise, the last ones fall to the longer dialogs.)"""
    for decision in scenario.exercise.decisions:
        best = expert_choice(scenario, decision)
        where = Counter([c.id for c in dialog_order(scenario, decision, seed)].index(best) for seed in SEEDS)
        n, p = len(SEEDS), 1 / len(decision.choices)
        bound = n * p + 2.33 * math.sqrt(n * p * (1 - p))
        assert set(where) == set(range(len(decision.choices))), (decision.id, where)
        assert where[0] <= bound, (decision.id, where)


def test_a_fixed_key_does_not_collect_the_good_answers_of_a_turn(scenario):
    """The second-best answer moves round the positions too: over one turn the first position holds one of a
    dialog's two best answers about as often as a fair shuffle would give (2 / answers per dialog, summed), and
    never at more decisions than the two ranks' rounds allow (each takes every position once before repeating,
    give or take one dialog where the free positions force a repeat). A random shuffle of the others let the first
    position gather a partial pre-shift plan, a partial gesture and the expert's answer in one turn."""
    decisions = scenario.exercise.decisions
    widest = max(len(d.choices) for d in decisions)
    chance = sum(2 / len(d.choices) for d in decisions)
    counts = []
    for seed in SEEDS:
        placed = answer_positions(scenario, seed)
        counts.append(sum(placed[d.id][c.id] == 0 for d in decisions for c in ranked(scenario, d)[:2]))
    assert max(counts) <= math.ceil(2 * len(decisions) / widest) + 1, Counter(counts)
    assert sum(counts) / len(counts) <= chance, (sum(counts) / len(counts), chance)
