"""The final score with its interval: the trainee's game replays the finished run as the debrief does and
reports the score over the replications with its 95 % interval; the board and the records take it."""
from __future__ import annotations

import asyncio
import json

import pytest
from websockets.asyncio.client import connect

from game.classroom.play import ClassroomPlay
from game.classroom.scripted import ScriptedTrainee
from game.scoring import Score
from game.scripted import report as play_alone
from trainer.classroom.records import ClassroomRecords

from .conftest import ThreadedServer, open_console

REPLICATIONS = 5
RULES = ("expert", "worst", "first")


async def _room(room, served):
    console = await open_console(served.url, room.classroom.console_code)
    trainees = [ScriptedTrainee(rule, answers=rule, seed=n, speed=60.0, replications=REPLICATIONS)
                for n, rule in enumerate(RULES)]
    games = [asyncio.create_task(t.play(served.url, room.classroom.join_code, room.scenario, deadline_s=60))
             for t in trainees]
    while not console.boards or console.boards[-1][1]["joined"] < len(trainees):
        await asyncio.sleep(0.05)
    console.command("start")
    results = await asyncio.wait_for(asyncio.gather(*games), 90)
    await asyncio.sleep(0.4)  # the last board goes out
    await console.close()
    return results, console.boards[-1][1]


def test_scripted_trainees_report_their_score_over_replications_with_its_interval(room):
    served = ThreadedServer(room)
    try:
        results, board = asyncio.run(_room(room, served))
    finally:
        served.stop()
    lines = {line["name"]: line for line in board["trainees"]}
    records = {r.trainee.name: r for r in room.records.session_records(room.classroom.session_id)}
    for result in results:
        interval = result.interval
        assert interval is not None and interval.replications == REPLICATIONS
        assert interval.low <= interval.value <= interval.high
        # the same rule played alone on the room's seed, judged over the same replications: the same score
        alone = play_alone(room.scenario, result.name, seed=room.classroom.seed, replications=REPLICATIONS)
        assert interval.value == pytest.approx(alone["score"]) and [interval.low, interval.high] == pytest.approx(alone["ci95"])
        line = lines[result.name]
        assert line["finished"] and line["score"] == pytest.approx(interval.value)
        assert line["interval"] == pytest.approx([interval.low, interval.high]) and line["replications"] == REPLICATIONS
        assert records[result.name].turn.score == pytest.approx(interval.value)  # as a game played alone records it
    scores = {r.name: r.interval.value for r in results}
    assert scores["expert"] == 100 and scores["worst"] < scores["first"] < scores["expert"]
    events = ClassroomRecords(room.records).events(room.classroom, "interval")
    assert len(events) == len(RULES)


def test_the_debrief_s_score_is_reported_once_after_the_finish(room):
    sent: list[dict] = []
    welcome = {"type": "welcome", "name": "Ana", "scenario": room.scenario.name, "seed": 5, "phase": "running",
               "timer": "scenario", "injects": [], "played": [], "finished": False, "score": None}
    play = ClassroomPlay(room.scenario, welcome, sent.append)
    judged = Score(62.5, 58.0, 66.0, 20, (), {})
    play.report_interval(judged)  # not finished yet: nothing to measure
    assert [m for m in sent if m["body"]["kind"] == "interval"] == []
    play.receive({"type": "state", "phase": "ended", "timer": "scenario"})
    play.finish(play.session, judged)  # the debrief's call once its replays are judged
    play.finish(play.session, judged)
    intervals = [m["body"] for m in sent if m["body"]["kind"] == "interval"]
    assert intervals == [{"kind": "interval", "score": 62.5, "low": 58.0, "high": 66.0, "replications": 20}]
    assert play.score == 62.5


def test_a_trainee_who_leaves_before_the_end_reports_the_finish_then_the_interval(room):
    sent: list[dict] = []
    welcome = {"type": "welcome", "name": "Ana", "scenario": room.scenario.name, "seed": 5, "phase": "running",
               "timer": "scenario", "injects": [], "played": [], "finished": False, "score": None}
    play = ClassroomPlay(room.scenario, welcome, sent.append)
    play.tick(5, speed=4)
    play.finish(play.session, Score(40.0, 35.0, 45.0, 20, (), {}))  # the debrief, after the trainee pressed Escape
    assert [m["body"]["kind"] for m in sent if m["body"]["kind"] != "progress"] == ["finish", "interval"]
    assert play.done and play.score == 40.0


def test_an_interval_before_the_finish_or_out_of_order_is_refused(room):
    async def body(url):
        async with connect(url) as ws:
            await ws.send(json.dumps({"type": "hello", "role": "trainee", "code": room.classroom.join_code,
                                      "name": "Ana", "client": "g"}))
            await ws.recv()
            replies = []
            for message_id, low, high in (("i1", 50, 70), ("i2", 65, 70)):
                await ws.send(json.dumps({"type": "report", "id": message_id, "minute": 5, "body": {
                    "kind": "interval", "score": 60, "low": low, "high": high, "replications": 20}}))
                replies.append(json.loads(await ws.recv()))
            return replies

    served = ThreadedServer(room)
    try:
        early, disordered = asyncio.run(body(served.url))
    finally:
        served.stop()
    assert early["type"] == "refused" and "after the run's finish" in early["detail"]
    assert disordered["type"] == "refused" and disordered["reason"] == "invalid"
    assert ClassroomRecords(room.records).events(room.classroom, "interval") == []


def test_the_debrief_of_a_trainee_who_left_early_shows_and_reports_the_score(room):
    from .test_classroom_screens import _app, _frames_until
    from game.scenes.registry import make_scene

    sent: list[dict] = []
    welcome = {"type": "welcome", "name": "Ana", "scenario": room.scenario.name, "seed": 5, "phase": "running",
               "timer": "scenario", "injects": [], "played": [], "finished": False, "score": None}
    play = ClassroomPlay(room.scenario, welcome, sent.append)
    play.tick(5, speed=4)
    app = _app("en")
    try:
        debrief = app.push(make_scene("debrief", app, play.session))
        app.step(0.05)  # drawn while the replays run: "the score is stored when the replays are done"
        _frames_until(app, lambda: debrief.judgement is not None, 60)
        app.step(0.05)
    finally:
        app.close()
    kinds = [m["body"]["kind"] for m in sent if m["body"]["kind"] != "progress"]
    assert kinds == ["finish", "interval"] and play.score == pytest.approx(debrief.judgement.score.value)
