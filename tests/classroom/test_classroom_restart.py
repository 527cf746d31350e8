"""Killing the server mid-exercise loses no recorded decision: it restarts, the games reconnect and resend;
a game closed while the server was down sends what it kept when it joins again."""
from __future__ import annotations

import asyncio
import json
import time

from game.classroom.connect import join_link
from game.classroom.play import ClassroomPlay
from game.classroom.scripted import ANSWERS, ScriptedTrainee, scripted_answer
from trainer import TrainerRecords
from trainer.classroom.protocol import parse_incoming
from trainer.classroom.records import ClassroomRecords

from .conftest import ThreadedServer, open_console

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


def _until(condition, seconds: float = 15.0) -> None:
    stop = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < stop, "it did not happen in time"
        time.sleep(0.02)


def _answer_next(play, rule: str = "first") -> tuple[str, str]:
    """Play on until a decision opens, and answer it by the game's rule."""
    while play.session.run.pending is None:
        play.tick(1.0, speed=4)
    decision = play.session.run.pending
    choice, shown = scripted_answer(rule, play, decision)
    play.choose(choice, shown=shown)
    return decision.id, choice


def test_a_game_closed_while_the_server_was_down_sends_what_it_kept_when_it_joins_again(room, tmp_path):
    """The trainee's game keeps unacknowledged reports in its outbox file; the game started again rebuilds the
    run from the server's records and that file, sends the rest, and nothing is lost or recorded twice."""
    _, room.classroom = ClassroomRecords(room.records).record_command(
        room.classroom, "console-1", parse_incoming(json.dumps({"type": "command", "id": "go", "action": "start"})))
    served = ThreadedServer(room)
    address, code, outbox = f"127.0.0.1:{served.port}", room.classroom.join_code, tmp_path / "outbox.json"
    link = join_link(address, code, "Ana Lima", outbox)
    _until(lambda: link.link.welcome is not None)
    play = ClassroomPlay(room.scenario, link.link.welcome, link.send)
    made = [_answer_next(play)]
    # Read through a connection of this test's own: the server's thread writes through the room's.
    reader = TrainerRecords.open(room.path, create=False)
    store = ClassroomRecords(reader)
    _until(lambda: len(store.events(room.classroom, "decision")) == 1)  # the first answer is on the server

    served.stop()  # the server goes away; the game plays on and keeps what it cannot send
    _until(lambda: not link.connected)
    made.append(_answer_next(play))
    made.append(_answer_next(play))


    def kept() -> list[str]:
        return [m["body"]["decision"] for m in json.loads(outbox.read_text(encoding="utf-8"))
                if m["body"]["kind"] == "decision"]

    _until(lambda: kept() == [d for d, _ in made[1:]])  # the unsent answers are in the outbox file
    link.close()  # the game is closed before the server comes back
    del play

    served = ThreadedServer(room, port=int(address.rsplit(":", 1)[1]))
    try:
        again = join_link(address, code, "Ana Lima", outbox)  # the game started again, with the same outbox file
        _until(lambda: again.link.welcome is not None)
        play = ClassroomPlay(room.scenario, again.link.welcome, again.send, unsent=again.link.unsent_at_welcome)
        assert [(r.decision, r.choice) for r in play.session.run.records] == made  # the run is rebuilt
        while not play.done:
            if play.session.run.pending is not None:
                made.append(_answer_next(play))
            play.tick(1.0, speed=4)
        _until(lambda: again.link.unacknowledged == 0)
        again.close()
    finally:
        served.stop()
    record = room.records.session_records(room.classroom.session_id)[0]
    assert [(d.decision_point_id, d.choice_id) for d in record.decisions] == made and record.turn.finished
    assert len(store.events(room.classroom, "decision")) == len(made) and kept() == []
    reader.close()
