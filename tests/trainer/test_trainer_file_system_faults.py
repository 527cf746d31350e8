"""The records file on a full disk, a read-only medium, or a device: one clear message each, nothing lost or changed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from trainer import CURRENT_VERSION, RecordsError, TrainerRecords
from trainer.cli import main as cli_main

from test_trainer_migrations import _write_v1_file


def listing(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name != ".filler")


def needs_a_small_disk(full_disk) -> None:
    if not full_disk.mounted:
        pytest.skip("SQLite writes through its own file layer: a full disk needs a small tmpfs (run as root)")


def test_a_full_disk_at_first_open_is_one_message_and_leaves_nothing(full_disk, capsys):
    needs_a_small_disk(full_disk)
    path = full_disk.folder / "records.sqlite3"
    for room_left in (0, 2 * 4096, 6 * 4096):  # nothing, or a few pages: SQLite fails at different steps
        full_disk.fill()
        if room_left:
            os.truncate(full_disk.folder / ".filler", os.path.getsize(full_disk.folder / ".filler") - room_left)
        code = cli_main(["--db", str(path), "create-session", "Cohort", "--date", "2025-03-14", "--scenario", "a"])
        err = capsys.readouterr().err
        assert code == 2 and "Traceback" not in err and err.count("\n") == 1
        assert f"The disk holding {path} is full" in err
        assert listing(full_disk.folder) == []  # no empty records file, no -wal or -shm left behind
        (full_disk.folder / ".filler").unlink()
    with TrainerRecords.open(path) as records:  # with room again, the file opens as new: never "damaged"
        records.create_session("Cohort", "2025-03-14", ["a"])


def test_a_full_disk_while_recording_keeps_every_stored_record(full_disk, play_turn):
    needs_a_small_disk(full_disk)
    path = full_disk.folder / "records.sqlite3"
    with TrainerRecords.open(path) as records:
        session = records.create_session("Cohort", "2025-03-14", ["a"])
        ana = records.add_trainee(session.id, "Ana")
        turn = play_turn(records, ana.id, "a", [("p", "c1", None, False)])
        full_disk.fill()
        with pytest.raises(RecordsError, match=f"The disk holding {path} is full; free some space"):
            for index in range(2000):  # until the write-ahead log needs a page the disk does not have
                records.record_decision(turn, sim_minute=10 + index, decision_point_id="p", choice_id=f"more{index}",
                                        choice_label="a long label " * 40)
        stored = len(records.turn_record(turn).decisions)
    (full_disk.folder / ".filler").unlink()
    with TrainerRecords.open(path) as records:
        assert len(records.turn_record(turn).decisions) == stored  # every acknowledged write is there
        assert records._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_an_upgrade_on_a_full_disk_leaves_the_file_byte_identical_and_no_backup(full_disk, file_hash):
    needs_a_small_disk(full_disk)
    path = full_disk.folder / "records.sqlite3"
    _write_v1_file(path)
    before = file_hash(path)
    full_disk.fill()
    for _ in range(3):
        with pytest.raises(RecordsError, match="is full|could not be written .*full"):
            TrainerRecords.open(path)
        assert file_hash(path) == before
        assert [n for n in listing(full_disk.folder) if "backup" in n] == []  # no empty .v1-backup, .v1-backup2, ...
    (full_disk.folder / ".filler").unlink()
    with TrainerRecords.open(path) as records:
        assert records.schema_version() == CURRENT_VERSION and len(records.turn_record(1).decisions) == 2
    assert listing(full_disk.folder).count("records.sqlite3.v1-backup") == 1


def test_a_device_is_refused_and_nothing_is_created_beside_it(capsys):
    code = cli_main(["--db", "/dev/null", "sessions"])
    err = capsys.readouterr().err
    assert code == 2 and "/dev/null is not a regular file" in err and "Traceback" not in err
    assert not Path("/dev/null-journal").exists() and not Path("/dev/null-wal").exists()


@pytest.fixture
def read_only_records(tmp_path, full_disk, play_turn):
    """A records file with one session on a read-only medium (root) or in a read-only file and folder."""
    folder = full_disk.folder if full_disk.mounted else tmp_path / "shelf"
    folder.mkdir(exist_ok=True)
    path = folder / "records.sqlite3"
    with TrainerRecords.open(path) as records:
        session = records.create_session("Cohort", "2025-03-14", ["a"])
        play_turn(records, records.add_trainee(session.id, "Ana").id, "a", [("p", "c1", None, False)], score=70)
    if full_disk.mounted:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    else:
        path.chmod(0o444)
        folder.chmod(0o555)
    yield path
    if full_disk.mounted:
        subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
    else:
        folder.chmod(0o755)


def test_read_only_records_can_be_listed_and_say_why_nothing_can_be_added(read_only_records, file_hash, capsys):
    path = read_only_records
    before, files_before = file_hash(path), listing(path.parent)
    assert cli_main(["--db", str(path), "sessions"]) == 0
    assert "Cohort" in capsys.readouterr().out
    assert cli_main(["--db", str(path), "scoreboard", "1"]) == 0
    capsys.readouterr()
    assert cli_main(["--db", str(path), "add-trainee", "1", "Bo"]) == 2
    err = capsys.readouterr().err
    assert f"{path} is read-only, so nothing can be recorded in it" in err and "Traceback" not in err
    with TrainerRecords.open(path) as records:
        assert records.read_only
    assert file_hash(path) == before and listing(path.parent) == files_before  # no -wal or -shm beside it


def test_a_file_is_called_damaged_only_when_sqlite_finds_it_corrupt(tmp_path, monkeypatch, play_turn):
    path = tmp_path / "records.sqlite3"
    with TrainerRecords.open(path) as records:
        records.create_session("Cohort", "2025-03-14", ["a"])
    real_connect = sqlite3.connect

    def failing_io(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(sqlite3, "connect", failing_io)
    with pytest.raises(RecordsError) as raised:
        TrainerRecords.open(path)
    assert "is damaged" not in str(raised.value) and "Could not read or write" in str(raised.value)
    monkeypatch.setattr(sqlite3, "connect", real_connect)
    with TrainerRecords.open(path) as records:
        assert [s.name for s in records.list_sessions()] == ["Cohort"]
