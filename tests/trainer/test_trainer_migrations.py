"""A records file written under schema v1 is migrated to the current schema, keeping every record."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from trainer import CURRENT_VERSION, TrainerRecords, migrations
from trainer.export import csv_text, decisions_table
from trainer.scoreboard import build_scoreboard


def _write_v1_file(path: Path) -> None:
    """A file as version 1 wrote it: v1 tables only, one session with a finished and an open turn."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN")
    migrations.upgrade(conn, 0, 1)
    conn.execute("INSERT INTO sessions VALUES (1, '6f1c1a52-0000-4000-8000-000000000001', 'Old cohort', '2024-11-02',"
                 " '2024-11-02T08:00:00.000+00:00')")
    conn.execute("INSERT INTO session_scenarios VALUES (1, 0, 'delayed_flight', '{\"en\": \"Delayed flight\"}')")
    conn.execute("INSERT INTO trainees VALUES (1, '6f1c1a52-0000-4000-8000-000000000002', 1, 'Ana',"
                 " '2024-11-02T08:01:00.000+00:00')")
    conn.execute("INSERT INTO turns VALUES (1, '6f1c1a52-0000-4000-8000-000000000003', 1, 'delayed_flight', 1, 5,"
                 " 'finished', '2024-11-02T08:02:00.000+00:00', '2024-11-02T08:20:00.000+00:00', 61, 0, 100,"
                 " '{\"satisfaction\": 0.6}')")
    conn.execute("INSERT INTO turns VALUES (2, '6f1c1a52-0000-4000-8000-000000000004', 1, 'delayed_flight', 2, 6,"
                 " 'in_progress', '2024-11-02T09:00:00.000+00:00', NULL, NULL, NULL, NULL, NULL)")
    for turn_id, seq, minute, choice in [(1, 1, 4.5, "blame_weather"), (1, 2, 12.0, "meal"), (2, 1, 3.0, "apologise")]:
        conn.execute("INSERT INTO decisions VALUES (?, ?, ?, 'first_words', ?, ?, '2024-11-02T08:05:00.000+00:00')",
                     (turn_id, seq, minute, choice, f"fb.{choice}"))
    conn.execute("INSERT INTO outcomes VALUES (1, 1, 5.0, 'mood', '{\"delta\": -0.2}', '2024-11-02T08:05:01.000+00:00')")
    conn.execute("COMMIT")
    conn.close()


def _columns(path: Path, table: str) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    finally:
        conn.close()


def _user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def test_v1_file_migrates_to_current_keeping_every_record(tmp_path):
    path = tmp_path / "records.sqlite3"
    _write_v1_file(path)
    assert _user_version(path) == 1 and "is_mistake" not in _columns(path, "decisions")

    with TrainerRecords.open(path) as records:
        assert records.schema_version() == CURRENT_VERSION == 2
        session = records.find_session("Old cohort")
        old = records.turn_record(1)
        assert old.turn.score == 61 and old.turn.kpis == {"satisfaction": 0.6}
        assert [(d.sim_minute, d.choice_id, d.feedback_key) for d in old.decisions] == [
            (4.5, "blame_weather", "fb.blame_weather"), (12.0, "meal", "fb.meal")]
        # v1 never recorded whether a choice was a mistake: unknown, not "no".
        assert [d.is_mistake for d in old.decisions] == [None, None]
        assert old.outcomes[0].data == {"delta": -0.2}

        # The open v1 turn resumes and takes decisions with the new columns.
        resumed = records.resume_turn(2)
        records.record_decision(2, sim_minute=resumed.last_sim_minute + 2, decision_point_id="refusal",
                                choice_id="company_rules", is_mistake=True, choice_label="Those are the rules")
        records.finish_turn(2, score=30, kpis={"satisfaction": 0.2})
        board = build_scoreboard(records, session.id)
        assert [(m.choice_id, m.times) for m in board.mistakes] == [("company_rules", 1)]
        assert board.cell(1, "delayed_flight").best.id == 1
        records.mark_delivered(["6f1c1a52-0000-4000-8000-00000000000a"], "http://lrs.invalid/xAPI/statements")
        assert records.delivered_statement_ids("http://lrs.invalid/xAPI/statements") == {
            "6f1c1a52-0000-4000-8000-00000000000a"}
        csv = csv_text(*decisions_table(records.session_records(session.id)))
        assert "blame_weather" in csv and "company_rules" in csv

    assert _columns(path, "decisions") == _columns(_fresh_file(tmp_path), "decisions")


def _fresh_file(tmp_path: Path) -> Path:
    fresh = tmp_path / "fresh.sqlite3"
    TrainerRecords.open(fresh).close()
    return fresh


def test_migration_keeps_a_backup_of_the_old_file_once(tmp_path):
    path = tmp_path / "records.sqlite3"
    _write_v1_file(path)
    TrainerRecords.open(path).close()
    TrainerRecords.open(path).close()
    backups = sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name)
    assert backups == ["records.sqlite3.v1-backup"]
    backup = tmp_path / backups[0]
    assert _user_version(backup) == 1
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 3
    finally:
        conn.close()


def test_a_failing_migration_leaves_the_v1_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "records.sqlite3"
    _write_v1_file(path)
    broken_step = (*migrations.SCHEMA_STEPS[2], "ALTER TABLE no_such_table ADD COLUMN x INTEGER")
    monkeypatch.setitem(migrations.SCHEMA_STEPS, 2, broken_step)
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        TrainerRecords.open(path)
    assert _user_version(path) == 1
    assert "is_mistake" not in _columns(path, "decisions")
    assert "lrs_deliveries" not in _tables(path)

    monkeypatch.undo()
    with TrainerRecords.open(path) as records:
        assert records.schema_version() == 2
        assert len(records.turn_record(1).decisions) == 2


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def test_upgrade_refuses_impossible_version_steps():
    conn = sqlite3.connect(":memory:")
    with pytest.raises(ValueError):
        migrations.upgrade(conn, 2, 1)
    with pytest.raises(ValueError):
        migrations.upgrade(conn, 0, CURRENT_VERSION + 1)
