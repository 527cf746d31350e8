"""The game's trainer flags: a records file that is not ours is refused in one line (exit 2) and left as it
was; a wrong session, trainee or turn is named; a mistake never shows a traceback."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from game.__main__ import main
from trainer import TrainerRecords

ROOT = Path(__file__).resolve().parents[2]
FLIGHT = str(ROOT / "scenarios" / "delayed_flight.yaml")
LOUNGE = str(ROOT / "scenarios" / "vip_lounge.yaml")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def foreign_files(tmp_path):
    """A text file, another program's SQLite database and a damaged records file."""
    text = tmp_path / "notes.txt"
    text.write_text("shopping list\n", encoding="utf-8")
    other = tmp_path / "invoices.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    damaged = tmp_path / "damaged.sqlite3"
    TrainerRecords.open(damaged).close()
    data = bytearray(damaged.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # a page of the tables overwritten
    damaged.write_bytes(bytes(data))
    return {"text": (text, "file is not a database"), "other": (other, "SQLite database of another program"),
            "damaged": (damaged, "is damaged and cannot be read")}


@pytest.mark.parametrize("kind", ["text", "other", "damaged"])
def test_a_file_that_is_not_our_records_is_refused_and_left_untouched(foreign_files, capsys, kind):
    path, says = foreign_files[kind]
    before = _digest(path)
    assert main(["--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _digest(path) == before


def test_the_real_process_exits_2_on_a_foreign_records_file(foreign_files):
    path, says = foreign_files["other"]
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    result = subprocess.run([sys.executable, "-m", "game", "--db", str(path)], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2 and says in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def records_file(tmp_path):
    db = tmp_path / "records.sqlite3"
    with TrainerRecords.open(db) as records:
        session = records.create_session("March cohort", "2025-03-14", ["delayed_flight"])
        ana = records.add_trainee(session.id, "Ana")
        done = records.start_turn(ana.id, "delayed_flight", seed=0)
        records.finish_turn(done.id, score=80, kpis={"dissatisfied": 3})
    return db


@pytest.mark.parametrize("args, says", [
    (["--session", "May cohort"], "There is no session named 'May cohort'"),
    (["--session", "March cohort", "--trainee", "Ana", "--scenario", LOUNGE], "'vip_lounge' is not part of session"),
    (["--session", "March cohort", "--trainee", "   "], "The trainee name is empty"),
    (["--resume", "1"], "Turn 1 is already finished"),
    (["--resume", "7"], "There is no turn 7"),
    (["--trainee", "Ana"], "--trainee needs --session"),
    (["--session", "March cohort", "--scenario", FLIGHT], "needs --trainee NAME"),
    (["--resume", "1", "--session", "March cohort"], "leave out --session"),
])
def test_a_wrong_session_trainee_or_turn_is_one_clear_line(records_file, capsys, args, says):
    before = _digest(records_file)
    assert main(["--db", str(records_file), *args]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    with TrainerRecords.open(records_file, create=False) as records:
        assert [t.name for t in records.trainees(1)] == ["Ana"]  # no trainee was added by a refused start
    if "--resume" in args:
        assert _digest(records_file) == before
