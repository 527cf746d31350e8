"""The classroom's records: a v2 file gains the classroom tables; reports and commands are stored once."""
from __future__ import annotations

import sqlite3

import pytest

from trainer import CURRENT_VERSION, TrainerRecords, migrations
from trainer.classroom.protocol import parse_incoming
from trainer.classroom.records import JOIN_ALPHABET, ClassroomRecords


def _report(message_id: str, minute: float, kind: str, **body) -> object:
    import json

    return parse_incoming(json.dumps({"type": "report", "id": message_id, "minute": minute, "body": {"kind": kind, **body}}))


def test_a_v2_file_gains_the_classroom_tables_and_keeps_its_records(tmp_path):
    path = tmp_path / "records.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    migrations.upgrade(conn, 0, 2)
    conn.execute("INSERT INTO sessions VALUES (1, 'u1', 'Old cohort', '2025-11-02', '2025-11-02T08:00:00.000+00:00')")
    conn.execute("INSERT INTO session_scenarios VALUES (1, 0, 'delayed_flight', NULL)")
    conn.execute("COMMIT")
    conn.close()
    with TrainerRecords.open(path) as records:
        assert records.schema_version() == CURRENT_VERSION == 3
        session = records.find_session("Old cohort")
        classroom = ClassroomRecords(records).open_classroom(session, "delayed_flight", seed=4)
        assert classroom.phase == "lobby" and classroom.seed == 4 and classroom.timer == "scenario"
    assert (tmp_path / "records.sqlite3.v2-backup").exists()


def test_codes_are_readable_and_a_reopened_classroom_keeps_them(room):
    store = ClassroomRecords(room.records)
    first = room.classroom
    assert len(first.join_code) == 6 and set(first.join_code) <= set(JOIN_ALPHABET)
    assert len(first.console_code) == 12 and first.console_code != first.join_code
    session = room.records.get_session(first.session_id)
    assert store.open_classroom(session, first.scenario_id, seed=99) == first  # the server restarted


def test_a_resent_report_is_stored_once_with_its_decision(room):
    store = ClassroomRecords(room.records)
    member, new = store.join(room.classroom, "Ana Lima", "game-1")
    assert new
    again, new = store.join(room.classroom, "ana lima", "game-2")
    assert not new and again.trainee.id == member.trainee.id and again.turn.id == member.turn.id

    report = _report("m1", 12.5, "decision", decision="storm_question", choice="honest_update", mistake=False)
    assert store.record_report(room.classroom, member, report)[0]
    assert not store.record_report(room.classroom, member, report)[0]  # the same id again: a resend
    record = room.records.turn_record(member.turn.id)
    assert [(d.decision_point_id, d.choice_id, d.sim_minute) for d in record.decisions] == [
        ("storm_question", "honest_update", 12.5)]
    assert [e["message_id"] for e in store.events(room.classroom, "decision")] == ["m1"]

    finish = _report("m2", 340, "finish", score=71.5, kpis={"complaints": 4})
    _, member = store.record_report(room.classroom, member, finish)
    assert member.turn.finished and member.turn.score == 71.5
    assert [e["kind"] for e in store.played(room.classroom, member)] == ["decision"]


def test_commands_change_the_room_once(room):
    store = ClassroomRecords(room.records)
    start = parse_incoming('{"type": "command", "id": "c1", "action": "start"}')
    new, classroom = store.record_command(room.classroom, "console-1", start)
    assert new and classroom.phase == "running"
    timers = parse_incoming('{"type": "command", "id": "c2", "action": "timers", "timer": 8}')
    _, classroom = store.record_command(classroom, "console-1", timers)
    assert classroom.timer == 8
    inject = parse_incoming('{"type": "command", "id": "c3", "action": "inject", "inject": "storm"}')
    store.record_command(classroom, "console-1", inject)
    store.record_command(classroom, "console-1", inject)  # resent
    assert store.injects(classroom) == [{"seq": 1, "inject": "storm"}]
    reveal = parse_incoming('{"type": "command", "id": "c4", "action": "reveal", "names": true}')
    _, classroom = store.record_command(classroom, "console-1", reveal)
    assert classroom.revealed == 2
    assert store.get(classroom.id) == classroom


def test_a_failed_write_inside_a_group_leaves_nothing_of_it(room):
    store = ClassroomRecords(room.records)
    member, _ = store.join(room.classroom, "Bo", "game-1")
    with pytest.raises(RuntimeError):
        with room.records.atomic():
            store.record_report(room.classroom, member, _report("x1", 3, "action", verb="apologise"))
            raise RuntimeError("power cut")
    assert store.events(room.classroom, "action") == []
    assert room.records.turn_record(member.turn.id).outcomes == ()
