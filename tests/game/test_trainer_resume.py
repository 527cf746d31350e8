"""An interrupted recorded turn, resumed from the trainee's page: the replay rebuilds the very state the
turn had reached (same seed, answers and actions), and play carries on in the same turn to the end."""
from __future__ import annotations

import random

import pytest
from trainer_scripted import EXPERT, OFFER_TO_LI, TrainerScript, click_id, run_script, start_turn, to_new_trainee

from game.answers import dialog_order
from game.recording import TurnPlan, TurnRecorder
from game.resume import restore
from game.scoring import recorded_kpis
from game.session import Session
from sim.exercise.runtime import Playbook, Step, replay
from trainer import TrainerRecords


def _events_until(model, minute: float) -> list:
    return [(e.time, e.kind, e.customer, sorted(map(str, e.detail.items()))) for e in model.events if e.time <= minute]


def test_an_interrupted_turn_resumes_where_it_stopped(make_app, tmp_path, two_scenarios, flight):
    db = tmp_path / "records.sqlite3"
    first = TrainerScript([])
    first.steps = [
        *to_new_trainee("April cohort", "delayed_flight", "Ana"),
        ("trainer_trainee", start_turn(first, "delayed_flight", EXPERT, OFFER_TO_LI, stop_after_answers=2)),
    ]
    run_script(make_app(scenario_dir=two_scenarios, db=db), first)
    interrupted = first.play.session  # the game stopped (as if switched off) after the first two answers
    assert len(interrupted.run.records) == 2 and interrupted.now > interrupted.run.records[1].time

    with TrainerRecords.open(db, create=False) as records:
        [turn] = records.turns(records.list_sessions()[0].id, unfinished_only=True)
        before = records.turn_record(turn.id)
    assert [d.choice_id for d in before.decisions] == ["own_it", "honest_update"]

    second = TrainerScript([])
    seen = {}

    def check_and_continue(app, scene):
        seen["resumed"] = scene.resumed
        second.start_play(EXPERT)
        click_id(scene, "start")

    second.steps = [
        ("title", lambda app, scene: click_id(scene, "trainer")),
        ("trainer_sessions", lambda app, scene: click_id(scene, f"session:{before.session.id}")),
        ("trainer_session", lambda app, scene: click_id(scene, f"trainee:{before.trainee.id}")),
        ("trainer_trainee", lambda app, scene: click_id(scene, f"resume:{turn.id}")),
        ("briefing", check_and_continue),
        ("trainer_trainee", lambda app, scene: seen.setdefault("page", scene)),
    ]
    run_script(make_app(scenario_dir=two_scenarios, db=db), second)

    resumed = seen["resumed"]
    assert resumed.run.records[:2] == interrupted.run.records and resumed.run.steps[0] == interrupted.run.steps[0]
    stopped_at = before.last_sim_minute
    assert _events_until(resumed.model, stopped_at) == _events_until(interrupted.model, stopped_at)

    with TrainerRecords.open(db, create=False) as records:
        after = records.turn_record(turn.id)
        assert len(records.turns(after.session.id)) == 1  # the same turn carried on, no new one
    assert after.turn.finished and after.decisions[:2] == before.decisions
    assert [(d.seq, d.decision_point_id, d.choice_id) for d in after.decisions] == [
        (i + 1, point, choice) for i, (point, choice) in enumerate(EXPERT.items())]
    assert [o.kind for o in after.outcomes] == ["start", "decision", "action", "decision", "resume", "decision", "decision"]
    assert after.outcomes[4].data == {"answers": 2, "actions": 1}
    assert after.outcomes[1].data["shown"] == [c.id for c in dialog_order(flight, flight.exercise.decisions[0], 0)]

    # the resumed turn ends exactly as the same answers and action played without a break
    offer = interrupted.run.steps[0]
    straight = replay(flight, Playbook(choices=dict(EXPERT), steps=[Step(offer.time, "offer", cast="li")]), seed=0)
    assert after.turn.kpis == pytest.approx(recorded_kpis(straight), rel=1e-12)  # sums taken in another order
    assert seen["page"].turns[0].id == turn.id and seen["page"].turns[0].finished


@pytest.mark.parametrize("fixture", ["flight", "lounge"])
def test_replay_rebuilds_any_mix_of_answers_actions_and_timeouts(request, tmp_path, fixture):
    """Random answers (the first left to time out) and random actions on any customer or staff role, at uneven
    frame lengths: the turn rebuilt from the records has the same event log, answers and actions, and ends the same."""
    scenario = request.getfixturevalue(fixture)
    rng = random.Random(7)
    with TrainerRecords.open(tmp_path / "records.sqlite3") as records:
        session = records.create_session("Mix", "2025-03-14", [scenario.name])
        trainee = records.join_session(session.id, "Ana")
        live = Session(scenario, seed=3, speed=4)
        TurnRecorder.start(TurnPlan(records, trainee, scenario.name), live)
        stop_at = scenario.exercise.decisions[-1]  # interrupted before the last decision point is answered
        while not live.over and not (live.run.pending is not None and live.run.pending.id == stop_at.id):
            live.tick(rng.choice((0.016, 0.05, 0.1)))
            pending = live.run.pending
            if pending is not None and pending.id != stop_at.id:
                timed_out = not live.run.records  # the first one is left to its timer
                live.choose(pending.default if timed_out else rng.choice(pending.choices).id, timed_out=timed_out)
            if rng.random() < 0.05 and live.model.present:
                live.act(rng.choice(sorted(live.run.verbs)), customer=rng.choice(sorted(live.model.present)),
                         role=rng.choice(sorted(live.model.pools)))
        record = records.turn_record(live.recorder.turn.id)
    assert len(live.run.steps) > 3 and live.run.records[0].timed_out

    rebuilt = restore(scenario, record)
    assert rebuilt.run.records == live.run.records and rebuilt.run.steps == live.run.steps
    rebuilt.run.advance(live.now)
    assert _events_until(rebuilt.model, live.now) == _events_until(live.model, live.now)
    assert rebuilt.finish() == live.finish()
