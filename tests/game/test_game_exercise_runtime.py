"""The exercise runtime without the UI: scheduling, decisions, play actions and replay as a policy."""
from __future__ import annotations

import statistics

import pytest

from sim import Model
from sim.exercise.runtime import ExerciseRun, Playbook, Step, replay


def settle_shift_plan(run: ExerciseRun, choice: str = "apologise_wait") -> None:
    """Answer the pre-shift decision at the start (by default with the choice that keeps the flight's own settings)."""
    run.advance(run.exercise.start_min)
    assert run.pending is not None and run.pending.id == "shift_plan"
    run.choose(choice)


def test_play_stops_at_a_decision_until_it_is_answered(flight):
    model = Model(flight, seed=1, record_events=True)
    run = ExerciseRun(model)
    settle_shift_plan(run)
    happened = run.advance(200)
    assert run.pending is not None and run.pending.id == "storm_question"
    assert model.now == pytest.approx(65)  # the storm at 50, the question 15 minutes later
    assert [h.kind for h in happened].count("cast") == 4
    assert run.advance(300) == [] and model.now == pytest.approx(65)  # nothing moves while the question is open
    run.choose("honest_update")
    assert run.pending is None and run.records[-1].choice == "honest_update"
    run.advance(200)
    assert model.now == pytest.approx(200)


def test_a_broadcast_choice_reaches_everyone_present_and_costs_staff_time_once(flight):
    model = Model(flight, seed=2, record_events=True)
    run = ExerciseRun(model)
    settle_shift_plan(run)
    run.advance(100)
    before = {cid: c.perceived for cid, c in model.present.items()}
    run.choose("honest_update")
    run.advance(run.now + 5)
    raised = [cid for cid, c in model.present.items() if cid in before and c.perceived > before[cid]]
    assert len(raised) == len(before) > 100


def _at_the_storm_question(flight):
    """Seed 2 at the storm question (minute 65), the shift planned: the model, the run and Mr Zhang's id."""
    model = Model(flight, seed=2, record_events=True)
    run = ExerciseRun(model)
    settle_shift_plan(run)
    run.advance(100)
    return model, run, run.cast_ids["zhang"]


def test_a_bad_answer_hurts_only_the_customer_asked(flight):
    model, run, zhang = _at_the_storm_question(flight)
    before = {cid: c.mood for cid, c in model.present.items()}
    run.choose("weather_blame")
    assert model.present[zhang].mood < before[zhang]
    others = [cid for cid in before if cid != zhang]
    assert all(model.present[cid].mood == pytest.approx(before[cid]) for cid in others)


def test_play_actions_respect_their_cooldown_and_are_recorded_for_replay(flight):
    model = Model(flight, seed=3)
    run = ExerciseRun(model)
    settle_shift_plan(run)
    run.advance(40)
    zhang = run.cast_ids["zhang"]
    assert run.act("apologise", customer=zhang)
    assert not run.can_act("apologise", customer=zhang)  # within the 20-minute cooldown
    assert not run.act("apologise", customer=zhang)
    assert run.act("announce")
    assert not run.act("reassign", role="purser")  # one purser cannot be lent away
    assert run.act("reassign", role="crew")
    assert run.playbook_of_play().steps == [
        Step(40, "apologise", cast="zhang"), Step(40, "announce"), Step(40, "reassign", role="crew"),
    ]


def test_a_prevented_failure_skips_the_decisions_that_depend_on_it(lounge):
    playbook = Playbook(choices={"cold_food": "apologise_offer"}, steps=[Step(60, "notify", cast="wang")])
    model = Model(lounge, seed=4, record_events=True)
    run = ExerciseRun(model, playbook=playbook)
    run.run_to_end()
    assert {r.decision for r in run.records} == {"shift_plan", "cold_food"}
    assert "gone" in run.cast_tags["wang"]
    missed = Model(lounge, seed=4, record_events=True)
    ExerciseRun(missed, playbook=Playbook(choices={})).run_to_end()
    wang_failures = [e for e in missed.events if e.kind.value == "failure" and e.detail.get("label") == "missed_boarding_call"]
    assert len(wang_failures) == 1


@pytest.mark.parametrize("fixture, blame", [
    ("flight", {"storm_question": "weather_blame", "hungry_child": "seatbelt", "connection": "never_said"}),
    ("lounge", {"boarding_call": "not_my_business", "cold_food": "cant_happen", "missed_flight": "announcement_blame"}),
])
def test_expert_policy_beats_blame_shifting_over_many_seeds(request, fixture, blame):
    scenario = request.getfixturevalue(fixture)
    expert = [replay(scenario, Playbook.from_policy(scenario, "expert"), seed=7, replication=r) for r in range(12)]
    shifting = [replay(scenario, Playbook(choices=blame), seed=7, replication=r) for r in range(12)]

    def mean(runs, kpi):
        return statistics.fmean(run[kpi] for run in runs)

    assert mean(expert, "customers_lost_wom") < mean(shifting, "customers_lost_wom")
    assert mean(expert, "retention_rate") > mean(shifting, "retention_rate")
    assert mean(expert, "complaints") < mean(shifting, "complaints")


def test_replay_is_reproducible(lounge):
    playbook = Playbook.from_policy(lounge, "standard_process")
    assert replay(lounge, playbook, seed=5, replication=2) == replay(lounge, playbook, seed=5, replication=2)


def test_an_operation_setting_answer_changes_how_the_model_responds_from_then_on(flight):
    run = ExerciseRun(Model(flight, seed=1))
    before = run.model.response
    settle_shift_plan(run, "own_it")
    after = run.model.response
    assert (before.empowerment, after.empowerment) == ("medium", "high")
    assert after.actions == ("acknowledge", "apologise", "explain") and after.channels == before.channels
    under_policy = ExerciseRun(Model(flight, seed=1, policy="standard_process"))
    settle_shift_plan(under_policy, "own_it")  # a named policy keeps its own settings
    assert under_policy.model.response.empowerment == "low"


def test_a_hesitation_costs_a_little_mood_and_does_nothing_else(flight):
    from sim.exercise.runtime import HESITATION_MOOD
    from sim.scenario.exercise import HESITATED

    model, run, zhang = _at_the_storm_question(flight)
    before = model.present[zhang].perceived
    choice = run.choose(HESITATED, timed_out=True)
    assert choice.id == HESITATED and not choice.actions
    after = model.present[zhang].perceived
    assert before + 3 * HESITATION_MOOD < after < before  # a small drop: felt as unfair treatment of the failure
    assert run.records[-1].timed_out and run.playbook_of_play().choices["storm_question"] == HESITATED


def test_a_default_taken_because_nobody_answered_leaves_the_operation_settings_alone(flight):
    plain = ExerciseRun(Model(flight, seed=1), playbook=Playbook(choices={}))  # a planner's run without a policy
    plain.run_to_end()
    assert plain.records[0].decision == "shift_plan" and plain.model.response.empowerment == "medium"
    answered = ExerciseRun(Model(flight, seed=1), playbook=Playbook(choices={"shift_plan": "script_only"}))
    answered.run_to_end()
    assert answered.model.response.empowerment == "low"
