"""Both scenarios played end to end through the real event loop, headless, with scripted clicks and keys.

The comparison comes from the model: the same seed, the same clicks, only the answers differ, and the
expert's answers must leave fewer dissatisfied customers and lose fewer customers by word of mouth, in
the live run and on average over the debrief's replays.
"""
from __future__ import annotations

import statistics

import pygame
import pytest
from game_scripted import Playthrough, run_playthrough

from game.debrief.lessons import assess
from sim.scenario.exercise import HESITATED
from game.debrief.timeline import build_timeline

BLAME = {
    "delayed_flight.yaml": {"shift_plan": "script_only", "storm_question": "weather_blame", "hungry_child": "seatbelt",
                            "connection": "never_said"},
    "vip_lounge.yaml": {"shift_plan": "explain_rules", "boarding_call": "not_my_business", "cold_food": "cant_happen",
                        "missed_flight": "announcement_blame"},
}


def _play(make_app, scenario, file: str, answers: dict, actions=()):
    app = make_app()
    script = Playthrough(file, answers, actions)
    run_playthrough(app, script)
    assert script.debrief is not None, f"the playthrough never reached the debrief (stopped in {app.top and app.top.name})"
    return script


def _mean(runs, kpi):
    return statistics.fmean(run[kpi] for run in runs)


@pytest.mark.parametrize("file, fixture", [("delayed_flight.yaml", "flight"), ("vip_lounge.yaml", "lounge")])
def test_expert_answers_beat_blame_shifting_on_the_models_outcomes(make_app, request, file, fixture):
    scenario = request.getfixturevalue(fixture)
    expert = _play(make_app, scenario, file, dict(scenario.policies["expert"].choices))
    blame = _play(make_app, scenario, file, BLAME[file])

    # every decision point that opened was answered by a click, not by the timer
    for script, answers in ((expert, scenario.policies["expert"].choices), (blame, BLAME[file])):
        records = script.debrief.session.run.records
        assert records and all(not r.timed_out and answers[r.decision] == r.choice for r in records)

    live_expert, live_blame = expert.debrief.kpis["you"], blame.debrief.kpis["you"]
    assert live_expert["left_dissatisfied"] < live_blame["left_dissatisfied"]
    assert live_expert["complaints"] <= live_blame["complaints"]
    assert live_expert["quality_score"] > live_blame["quality_score"]

    replays_expert = expert.debrief.replays.series[0].runs
    replays_blame = blame.debrief.replays.series[0].runs
    assert len(replays_expert) == len(replays_blame) == 20
    assert _mean(replays_expert, "customers_lost_wom") < _mean(replays_blame, "customers_lost_wom")
    assert _mean(replays_expert, "retention_rate") > _mean(replays_blame, "retention_rate")
    assert _mean(replays_expert, "left_dissatisfied") < _mean(replays_blame, "left_dissatisfied")


def test_waking_the_sleeping_guest_prevents_the_missed_flight(make_app, lounge):
    """A play action (click Mr Wang, press N) before boarding prevents the failure and its complaint dialog."""
    answers = {"shift_plan": "hosts_fix", "cold_food": "apologise_offer"}
    script = _play(make_app, lounge, "vip_lounge.yaml", answers, actions=((60.0, "wang", pygame.K_n),))
    run = script.debrief.session.run
    assert [s.verb for s in run.steps] == ["notify"] and run.steps[0].cast == "wang"
    assert {r.decision for r in run.records} == {"shift_plan", "cold_food"}  # no boarding call, no missed-flight dialog
    wang = run.cast_ids["wang"]
    failures = [e for e in script.debrief.session.model.events if e.customer == wang and e.kind.value == "failure"]
    assert failures == []
    timeline = [entry.text for entry in build_timeline(script.debrief.session, script.debrief.t, script.debrief.app.local)]
    assert any("Personal boarding call" in text for text in timeline)


def test_an_unanswered_decision_is_a_visible_hesitation_not_a_hidden_answer(make_app, flight):
    answers = {"shift_plan": "own_it", "storm_question": "honest_update", "connection": "rebook_promise"}  # the child: none
    script = _play(make_app, flight, "delayed_flight.yaml", answers)
    records = {r.decision: r for r in script.debrief.session.run.records}
    assert records["hungry_child"].timed_out and records["hungry_child"].choice == HESITATED
    assert records["hungry_child"].mood_after < records["hungry_child"].mood_before  # the customer saw it
    lessons = {lesson.key: lesson.verdict for lesson in assess(script.debrief.session.run, str)}
    assert lessons["empathy"] == "missed" and lessons["explanation"] == "followed"  # offered, not taken; nothing broken


def test_tab_and_arrow_keys_select_customers_named_characters_first(make_app, flight):
    from game.scenes.registry import make_scene
    from game.session import Session

    app = make_app()
    session = Session(flight, seed=0)
    session.run.advance(0)
    session.choose("own_it")
    session.run.advance(45)
    scene = app.push(make_scene("play", app, session))
    for _ in range(3):
        app.step(0.05)
    seen = []
    for _ in range(3):
        scene.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_TAB, mod=0, unicode="", scancode=0))
        seen.append(scene.selected_customer)
    cast = set(session.run.cast_of)
    assert seen[0] in cast and len(set(seen)) == 3  # a named character first, then others, each once
    scene.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_LEFT, mod=0, unicode="", scancode=0))
    assert scene.selected_customer == seen[1]
