"""Another program locks the records file while a recorded turn plays: each answer is either stored, or
recording visibly stops and the turn stays unfinished, to be resumed from what was stored."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

import pygame
import pytest
from game_scripted import press
from trainer_scripted import EXPERT, RecordedPlay, TrainerScript, click_id, run_script, to_new_trainee

from game.recording import TurnPlan, TurnRecorder
from game.resume import restore
from game.session import Session
from trainer import TrainerRecords

LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")  # holds the write lock, as a program writing to the file does
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


class Locker:
    """Another process that holds the records file's write lock until released."""

    def __init__(self, path):
        self.process = subprocess.Popen([sys.executable, "-c", LOCKER, str(path)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        if self.process.poll() is None:
            self.process.communicate("\n", timeout=10)


@pytest.fixture
def lock_records():
    lockers: list[Locker] = []

    def lock(path) -> Locker:
        lockers.append(Locker(path))
        return lockers[-1]

    yield lock
    for locker in lockers:
        locker.release()


def play_until_decision(live: Session) -> None:
    while not live.over and live.run.pending is None:
        live.tick(0.1)


def test_a_locked_file_stops_recording_and_the_turn_resumes_from_what_was_stored(tmp_path, flight, lock_records):
    db = tmp_path / "records.sqlite3"
    with TrainerRecords.open(db) as records:
        session = records.create_session("April cohort", "2025-03-14", ["delayed_flight"])
        trainee = records.join_session(session.id, "Ana")
        live = Session(flight, seed=0, speed=4)
        recorder = TurnRecorder.start(TurnPlan(records, trainee, "delayed_flight"), live)
        play_until_decision(live)
        live.choose(EXPERT[live.run.pending.id])
        assert not recorder.stopped

        locker = lock_records(db)
        play_until_decision(live)
        started = time.monotonic()
        live.choose(EXPERT[live.run.pending.id])
        assert time.monotonic() - started < 1.5  # a few short tries, not a frozen screen
        assert recorder.stopped and "busy: another program is writing to it" in recorder.error
        while not live.over:  # the trainee plays on; nothing more is written
            play_until_decision(live)
            if live.run.pending is not None:
                live.choose(EXPERT[live.run.pending.id])
        recorder.finish(live, None)
        assert recorder.score is None and not recorder.finished
        locker.release()

        stored = records.turn_record(recorder.turn.id)
        assert not stored.turn.finished  # never finished with answers missing
        assert [d.choice_id for d in stored.decisions] == [live.run.records[0].choice]

        resumed = restore(flight, stored)  # resume continues from what is stored
        resumed_recorder = TurnRecorder.attach(records, stored.turn, stored.trainee, resumed)
        while not resumed.over:
            play_until_decision(resumed)
            if resumed.run.pending is not None:
                resumed.choose(EXPERT[resumed.run.pending.id])
        resumed_recorder.finish(resumed, None)
        final = records.turn_record(stored.turn.id)
    assert final.turn.finished and len(final.decisions) == len(resumed.run.records) >= 3
    assert [d.choice_id for d in final.decisions] == [r.choice for r in resumed.run.records]
    assert [r.choice for r in resumed.run.records] == [r.choice for r in live.run.records]  # the same answers


def test_a_lock_released_in_time_loses_nothing(tmp_path, flight, lock_records):
    db = tmp_path / "records.sqlite3"
    with TrainerRecords.open(db) as records:
        session = records.create_session("April cohort", "2025-03-14", ["delayed_flight"])
        live = Session(flight, seed=0, speed=4)
        recorder = TurnRecorder.start(TurnPlan(records, records.join_session(session.id, "Ana"), "delayed_flight"), live)
        play_until_decision(live)
        locker = lock_records(db)
        releasing = threading.Timer(0.1, locker.release)  # the other program finishes its write
        releasing.start()
        live.choose(EXPERT[live.run.pending.id])
        releasing.join()
        assert not recorder.stopped
        assert [d.choice_id for d in records.turn_record(recorder.turn.id).decisions] == [live.run.records[0].choice]


class PlayWithLock(RecordedPlay):
    """A recorded turn on the screens; after the first answer another program locks the records file."""

    def __init__(self, db, lock_records):
        super().__init__(EXPERT)
        self.db, self.lock_records = db, lock_records
        self.locker = None
        self.seen_stop = None  # (paused, hint shown, top bar text) on the first frame after recording stopped

    def _on_play(self, app, scene) -> None:
        session = scene.session
        if self.locker is None and len(session.run.records) >= 1:
            self.locker = self.lock_records(self.db)
        recorder = session.recorder
        if recorder is not None and recorder.stopped and self.seen_stop is None:
            self.seen_stop = "next frame"  # the play scene sees the stop in its next update
            return
        if self.seen_stop == "next frame":
            screen = pygame.Surface((1280, 720))
            scene.draw(screen)
            pygame.image.save(screen, str(self.db.parent / "recording_stopped.png"))
            self.seen_stop = (session.paused, session.now)
            press(pygame.K_3)  # the trainee plays on, unrecorded
            return
        super()._on_play(app, scene)


def test_the_trainee_sees_that_recording_stopped(make_app, tmp_path, two_scenarios, lock_records):
    db = tmp_path / "records.sqlite3"
    script = TrainerScript([])
    play = PlayWithLock(db, lock_records)

    def start(app, scene):
        script.play = play
        click_id(scene, "play:delayed_flight")

    script.steps = [*to_new_trainee("April cohort", "delayed_flight", "Ana"), ("trainer_trainee", start)]
    run_script(make_app(scenario_dir=two_scenarios, db=db), script)
    paused, _ = play.seen_stop
    assert paused  # play halted when recording stopped
    debrief = play.debrief
    assert debrief.session.recorder.stopped and debrief.session.recorder.score is None
    play.locker.release()
    with TrainerRecords.open(db, create=False) as records:
        [turn] = records.turns(records.list_sessions()[0].id)
        record = records.turn_record(turn.id)
    assert not turn.finished and len(record.decisions) == 1
