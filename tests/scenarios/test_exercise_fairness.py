"""The exercises of the library are fair and honest: every listed principle is put to the test, the
customer answers back to every choice, good and bad answers look alike in length, and the expert's
operation settings are a choice the trainee can make."""
from __future__ import annotations

import pytest

from game.answers import expert_choice
from game.debrief import lessons
from scenario_checks import scenario_files
from sim import load_scenario
from sim.model.policy import SETTINGS, resolve_policy, settings_of
from sim.scenario.base import text_in

PLAYABLE = [p for p in scenario_files() if load_scenario(p).exercise is not None]
LANGS = ("en", "zh")
LONGEST_OVER_SHORTEST = 1.5  # within one decision and language: no answer stands out by its length alone


def _exercise(path):
    scenario = load_scenario(path)
    return scenario, scenario.exercise


@pytest.mark.parametrize("path", PLAYABLE, ids=lambda p: p.stem)
def test_every_listed_principle_and_dimension_is_put_to_the_test(path):
    _, exercise = _exercise(path)
    tested = lessons.tested_lessons(exercise)
    assert set(exercise.principles) <= tested, f"listed but never offered: {sorted(set(exercise.principles) - tested)}"
    assert set(exercise.dimensions) <= tested, f"listed but never offered: {sorted(set(exercise.dimensions) - tested)}"


@pytest.mark.parametrize("path", PLAYABLE, ids=lambda p: p.stem)
def test_the_customer_replies_to_every_choice_in_both_languages(path):
    _, exercise = _exercise(path)
    missing = [f"{d.id}.{c.id}" for d in exercise.decisions for c in d.choices
               if c.reply is None or any(not text_in(c.reply, lang) for lang in LANGS)]
    assert not missing, f"choices without a reply: {missing}"


@pytest.mark.parametrize("path", PLAYABLE, ids=lambda p: p.stem)
def test_good_and_bad_answers_are_of_similar_length(path):
    _, exercise = _exercise(path)
    for decision in exercise.decisions:
        for lang in LANGS:
            lengths = {c.id: len(text_in(c.text, lang)) for c in decision.choices}
            assert max(lengths.values()) <= LONGEST_OVER_SHORTEST * min(lengths.values()), (decision.id, lang, lengths)


def test_the_experts_answer_is_not_told_apart_by_its_length():
    """Over the library, the expert's answer is the longest (or the shortest) of its dialog no more often than
    chance would make it: at most the expected count plus two standard deviations, each dialog and language
    counted as a draw with probability 1 / (number of answers)."""
    longest = shortest = 0
    expected = variance = 0.0
    for path in PLAYABLE:
        scenario, exercise = _exercise(path)
        for decision in exercise.decisions:
            best = expert_choice(scenario, decision)
            for lang in LANGS:
                lengths = {c.id: len(text_in(c.text, lang)) for c in decision.choices}
                others = [n for cid, n in lengths.items() if cid != best]
                longest += lengths[best] > max(others)
                shortest += lengths[best] < min(others)
                share = 1 / len(lengths)
                expected += share
                variance += share * (1 - share)
    bound = expected + 2 * variance ** 0.5
    assert longest <= bound, f"the expert's answer is the longest in {longest} dialogs; chance gives about {expected:.0f}"
    assert shortest <= bound, f"the expert's answer is the shortest in {shortest} dialogs; chance gives about {expected:.0f}"


@pytest.mark.parametrize("path", PLAYABLE, ids=lambda p: p.stem)
def test_the_experts_operation_settings_are_a_choice_in_the_exercise(path):
    """Every setting on which the expert and the standard process differ is set by one of their answers."""
    scenario, exercise = _exercise(path)
    expert, standard = resolve_policy(scenario, "expert"), resolve_policy(scenario, "standard_process")
    differing = {name for name in SETTINGS if getattr(expert, name) != getattr(standard, name)}
    for name, response in (("expert", expert), ("standard_process", standard)):
        chosen = {}
        for decision in exercise.decisions:
            choice_id = scenario.policies[name].choices.get(decision.id)
            choice = next((c for c in decision.choices if c.id == choice_id), None)
            if choice is not None and choice.settings is not None:
                chosen.update(settings_of(choice.settings))
        assert differing <= set(chosen), f"{name}: settings no answer sets: {sorted(differing - set(chosen))}"
        assert {k: chosen[k] for k in differing} == {k: getattr(response, k) for k in differing}, name
