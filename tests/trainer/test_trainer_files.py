"""Files that are not our records (or are damaged, or newer) are refused and left byte-for-byte intact."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from trainer import RecordsError, TrainerRecords
from trainer.cli import main as cli_main

REPO_ROOT = Path(__file__).resolve().parents[2]


def _make_records_file(path: Path, play_turn) -> None:
    with TrainerRecords.open(path) as records:
        session = records.create_session("Cohort", "2025-03-14", ["a"])
        for name in ("Ana", "Bo", "Chen"):
            trainee = records.add_trainee(session.id, name)
            play_turn(records, trainee.id, "a", [("p", f"c{i}", "label " * 20, i % 2 == 0) for i in range(30)],
                      score=50)


def _not_a_database(path: Path, play_turn) -> None:
    path.write_bytes(b"name,score\nAna,40\n" * 50)


def _damaged_pages(path: Path, play_turn) -> None:
    _make_records_file(path, play_turn)
    page_size = 4096
    data = bytearray(path.read_bytes())
    assert len(data) >= 4 * page_size
    data[2 * page_size + 8:4 * page_size] = bytes(range(256)) * ((2 * page_size - 8) // 256) + b"\xff" * ((2 * page_size - 8) % 256)
    path.write_bytes(bytes(data))


def _another_programs_database(path: Path, play_turn) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
        conn.execute("INSERT INTO invoices (amount) VALUES (12.5)")
    conn.close()


def _newer_schema(path: Path, play_turn) -> None:
    _make_records_file(path, play_turn)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()


def _our_id_but_tables_missing(path: Path, play_turn) -> None:
    _make_records_file(path, play_turn)
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE outcomes")
    conn.close()


BAD_FILES = {
    "not a database": (_not_a_database, "file is not a database"),
    "damaged pages": (_damaged_pages, "is damaged"),
    "another program": (_another_programs_database, "another program .*invoices"),
    "newer schema": (_newer_schema, "newer Service Recovery Lab .*v99"),
    "tables missing": (_our_id_but_tables_missing, "is damaged .*tables are missing"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_file_is_refused_with_a_clear_message_and_left_intact(tmp_path, kind, file_hash, play_turn):
    make, message = BAD_FILES[kind]
    path = tmp_path / "records.sqlite3"
    make(path, play_turn)
    before = file_hash(path)
    files_before = sorted(os.listdir(tmp_path))

    with pytest.raises(RecordsError, match=message) as refused:
        TrainerRecords.open(path)
    assert str(path) in str(refused.value)
    assert "--db" in str(refused.value) or "update" in str(refused.value)
    assert file_hash(path) == before
    assert sorted(os.listdir(tmp_path)) == files_before  # no journal, backup or new file beside it


@pytest.mark.parametrize("kind", ["not a database", "another program"])
def test_command_line_reports_a_bad_file_in_one_line_without_traceback(tmp_path, kind, file_hash, play_turn, capsys):
    make, message = BAD_FILES[kind]
    path = tmp_path / "records.sqlite3"
    make(path, play_turn)
    before = file_hash(path)
    assert cli_main(["--db", str(path), "sessions"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "Traceback" not in error
    assert str(path) in error
    assert file_hash(path) == before


def test_command_line_error_in_a_real_process_has_no_traceback(tmp_path, file_hash):
    path = tmp_path / "records.sqlite3"
    path.write_bytes(b"\x00garbage" * 100)
    before = file_hash(path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "trainer", "scoreboard", "1", "--db", str(path)],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    assert "file is not a database" in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""
    assert file_hash(path) == before


def test_unknown_flag_is_one_line_naming_it(capsys):
    assert cli_main(["sessions", "--colour", "red"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert "--colour" in error and "--help" in error


def test_an_empty_file_becomes_a_new_records_file(tmp_path):
    path = tmp_path / "records.sqlite3"
    path.touch()
    with TrainerRecords.open(path) as records:
        assert records.list_sessions() == []
        records.create_session("Cohort", "2025-03-14", ["a"])
    with TrainerRecords.open(path) as records:
        assert [s.name for s in records.list_sessions()] == ["Cohort"]


def test_a_folder_is_not_a_records_file(tmp_path):
    with pytest.raises(RecordsError, match="is a folder"):
        TrainerRecords.open(tmp_path)


def test_an_export_never_overwrites_the_records_file(db_path, records, played_session, file_hash, capsys):
    records.close()
    before = file_hash(db_path)
    assert cli_main(["--db", str(db_path), "export", str(played_session.id), "--csv", str(db_path)]) == 2
    assert "is the records file itself" in capsys.readouterr().err
    assert file_hash(db_path) == before
