"""A trainee's run in a classroom: the room's phase drives it, and a restarted game rebuilds it exactly."""
from __future__ import annotations

import pytest

from game.answers import STRATEGIES
from game.classroom.play import ClassroomPlay
from game.classroom.scripted import scripted_answer
from game.scripted import play as play_alone


def _welcome(scenario, **changes) -> dict:
    return {"type": "welcome", "name": "Ana", "scenario": scenario.name, "seed": 5, "phase": "running",
            "timer": "scenario", "injects": [], "played": [], "finished": False, "score": None, **changes}


def _play_until(play: ClassroomPlay, minute: float, rule: str = "random") -> None:
    while play.session.now < minute and not play.done:
        pending = play.session.run.pending
        if pending is not None:
            choice, shown = scripted_answer(rule, play, pending)
            play.choose(choice, shown=shown)
        play.tick(0.5, speed=4)


@pytest.mark.parametrize("rule", STRATEGIES)
def test_a_scripted_trainee_answers_as_the_game_s_scripted_play_on_the_room_s_seed(room, rule):
    sent: list[dict] = []
    play = ClassroomPlay(room.scenario, _welcome(room.scenario), sent.append)
    _play_until(play, float("inf"), rule)
    alone = play_alone(room.scenario, rule, seed=5)
    assert [(r.decision, r.choice) for r in play.session.run.records] == [
        (r.decision, r.choice) for r in alone.run.records]
    reported = [(m["body"]["decision"], m["body"]["choice"]) for m in sent if m["body"]["kind"] == "decision"]
    assert reported == [(r.decision, r.choice) for r in alone.run.records] and len(reported) >= 2


def test_a_restarted_game_rebuilds_its_run_from_what_the_server_kept(room):
    sent: list[dict] = []
    first = ClassroomPlay(room.scenario, _welcome(room.scenario), sent.append)
    _play_until(first, 150)
    first.receive({"type": "inject", "seq": 1, "inject": "turbulence"})
    first.receive({"type": "inject", "seq": 1, "inject": "turbulence"})  # the same inject twice: applied once
    _play_until(first, 300)
    assert len(first.session.run.records) >= 2

    reports = [m for m in sent if m["body"]["kind"] in ("decision", "action", "inject")]
    server_kept, unsent = reports[:-1], reports[-1:]  # the last report never reached the server
    played = [{"kind": m["body"]["kind"], "minute": m["minute"], "id": str(i), **m["body"]}
              for i, m in enumerate(server_kept)]
    again_sent: list[dict] = []
    again = ClassroomPlay(room.scenario, _welcome(room.scenario, played=played,
                                                  injects=[{"seq": 1, "inject": "turbulence"}]),
                          again_sent.append, unsent=[{"type": "report", "id": "u", **m} for m in unsent])
    again.session.run.advance(first.session.now)
    assert [(r.decision, r.choice, r.time) for r in again.session.run.records] == [
        (r.decision, r.choice, r.time) for r in first.session.run.records]
    assert again.session.model.kpis() == first.session.model.kpis()
    assert again.applied == {1}
    assert [m for m in again_sent if m["body"]["kind"] != "progress"] == []  # nothing is reported twice


def test_the_room_holds_the_clock_and_ends_the_run(room):
    sent: list[dict] = []
    play = ClassroomPlay(room.scenario, _welcome(room.scenario, phase="lobby", timer="off"), sent.append)
    start = play.session.now
    play.tick(5, speed=4)
    assert play.session.now == start and play.decision_seconds(room.scenario.exercise.decisions[0]) is None
    play.receive({"type": "state", "phase": "running", "timer": 12.5})
    assert play.decision_seconds(room.scenario.exercise.decisions[0]) == 12.5
    play.tick(5, speed=4)
    pending = play.session.run.pending
    if pending is not None:  # the exercise opens on the pre-shift decision: the clock waits for its answer
        assert play.session.now == start
        play.choose(pending.choices[0].id)
        play.tick(5, speed=4)
    assert play.session.now > start
    play.receive({"type": "state", "phase": "ended", "timer": 12.5})
    assert play.done and 0 <= play.finished_score <= 100
    finish = [m for m in sent if m["body"]["kind"] == "finish"]
    assert len(finish) == 1 and finish[0]["body"]["score"] == pytest.approx(play.finished_score)


def test_the_trainer_moves_the_clock_on_once_and_a_restarted_game_rebuilds_it(room):
    sent: list[dict] = []
    play = ClassroomPlay(room.scenario, _welcome(room.scenario), sent.append)
    _play_until(play, 60)
    before = play.session.now
    skipped = play.receive({"type": "inject", "seq": 1, "advance": 20})
    assert isinstance(skipped, list)
    pending = play.session.run.pending
    # 20 minutes on, unless a decision opened on the way: the clock stops there for the trainee's answer
    assert play.session.now == pytest.approx(before + 20) or (pending is not None and before < play.session.now < before + 20)
    assert play.receive({"type": "inject", "seq": 1, "advance": 20}) is None  # the same throw twice: once
    moved = [m for m in sent if m["body"]["kind"] == "inject"]
    assert [(m["minute"], m["body"]["seq"]) for m in moved] == [(pytest.approx(before), 1)]  # when it came
    play.keep_up()
    assert all(run.now == play.session.now for run in play.shadows.values())  # the yardstick follows
    _play_until(play, 200)

    played = [{"kind": m["body"]["kind"], "minute": m["minute"], "id": str(i), **m["body"]}
              for i, m in enumerate(sent) if m["body"]["kind"] in ("decision", "action", "inject")]
    again = ClassroomPlay(room.scenario, _welcome(room.scenario, played=played, injects=[{"seq": 1, "advance": 20}]),
                          [].append)
    again.session.run.advance(play.session.now)
    assert [(r.decision, r.choice, r.time) for r in again.session.run.records] == [
        (r.decision, r.choice, r.time) for r in play.session.run.records]
    assert again.session.model.kpis() == play.session.model.kpis() and again.applied == {1}
