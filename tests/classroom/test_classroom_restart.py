"""Killing the server mid-exercise loses no recorded decision: it restarts, the games reconnect and resend."""
from __future__ import annotations

import asyncio

from game.classroom.scripted import ANSWERS, ScriptedTrainee
from trainer.classroom.records import ClassroomRecords

from .conftest import open_console

TRAINEES = 10


async def _play_through_a_crash(room, served):
    served.start()
    console = await open_console(served.url, served.console_code)
    trainees = [ScriptedTrainee(f"T{i}", answers=ANSWERS[i % 4], seed=i, speed=12.0) for i in range(TRAINEES)]
    games = [asyncio.create_task(t.play(served.url, served.join_code, room.scenario, deadline_s=90)) for t in trainees]
    while not console.boards or console.boards[-1][1]["joined"] < TRAINEES:
        await asyncio.sleep(0.05)
    console.command("start")
    while sum(t["decisions"] for t in console.boards[-1][1]["trainees"]) < 5:  # the room is mid-exercise
        await asyncio.sleep(0.02)
    before = len(ClassroomRecords(room.records).events(room.classroom, "decision"))
    served.kill()
    await asyncio.sleep(1.0)  # the games play on alone, keeping what they cannot send
    served.start()
    results = await asyncio.wait_for(asyncio.gather(*games), 120)
    await asyncio.sleep(0.3)
    board = console.boards[-1][1]
    await console.close()
    return before, results, board


def test_killing_the_server_mid_exercise_loses_no_decision(room, served):
    codes = (room.classroom.join_code, room.classroom.console_code)
    before, results, board = asyncio.run(_play_through_a_crash(room, served))
    assert (served.join_code, served.console_code) == codes  # the same codes after the restart
    assert 5 <= before < sum(len(r.answers) for r in results), "the kill came mid-exercise"
    assert all(r.connections >= 2 for r in results), "every game reconnected"
    by_name = {r.name: r for r in results}
    for record in room.records.session_records(room.classroom.session_id):
        assert [(d.decision_point_id, d.choice_id) for d in record.decisions] == [
            (d, c) for d, c, _ in by_name[record.trainee.name].answers]
        assert record.turn.finished
    events = ClassroomRecords(room.records).events(room.classroom, "decision")
    assert len(events) == len({(e["sender"], e["message_id"]) for e in events}) == sum(len(r.answers) for r in results)
    assert board["phase"] == "running" and board["finished"] == TRAINEES and board["joined"] == TRAINEES
