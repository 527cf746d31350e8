"""The real game process, killed with SIGKILL in the middle of a recorded turn, loses no decision it made;
a new process resumes the turn from the records and plays it to the end."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from trainer_scripted import EXPERT

from trainer import TrainerRecords

ROOT = Path(__file__).resolve().parents[2]
DECISIONS_BEFORE_KILL = 1
WAIT_S = 60


def _env() -> dict[str, str]:
    return {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}


def _decisions(db: Path) -> list[tuple]:
    """The decisions in the file, read the way any other program could: read-only, without the game's code."""
    reader = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        return reader.execute("SELECT seq, decision_point_id, choice_id, recorded_at FROM decisions ORDER BY seq").fetchall()
    finally:
        reader.close()


def _wait_for_decisions(db: Path, count: int, child: subprocess.Popen) -> list[tuple]:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = _decisions(db)
        if len(found) >= count:
            return found
        assert child.poll() is None, f"the game ended early: {child.stderr.read()}"
        time.sleep(0.02)
    raise AssertionError(f"no {count} decisions in {WAIT_S} s")


def test_sigkill_mid_turn_keeps_every_decision_and_the_turn_resumes(tmp_path, two_scenarios):
    db = tmp_path / "records.sqlite3"
    with TrainerRecords.open(db) as records:
        session = records.create_session("Night shift", "2025-03-14", ["delayed_flight"])
    game = [sys.executable, "-m", "game", "--db", str(db), "--scenario-dir", str(two_scenarios), "--no-sound"]
    # Without --headless the (dummy) display runs in real time, so the turn is still going when it is killed:
    # after an answer the demo shows its feedback for 3 s, and the next decision point is minutes later.
    child = subprocess.Popen([*game, "--session", "Night shift", "--trainee", "Ana", "--scenario",
                              str(two_scenarios / "delayed_flight.yaml"), "--answers", "expert", "--speed", "4"],
                             cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        before_kill = _wait_for_decisions(db, DECISIONS_BEFORE_KILL, child)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=10)
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    after_kill = _decisions(db)
    assert after_kill[:len(before_kill)] == before_kill  # every decision seen before the kill, unchanged
    assert [row[1:3] for row in before_kill] == list(EXPERT.items())[:len(before_kill)]
    with TrainerRecords.open(db, create=False) as records:
        [turn] = records.turns(session.id)
    assert not turn.finished and turn.seed == 0

    # a demo never carries on a recorded turn: refused in one line, the file untouched
    demo = subprocess.run([*game, "--resume", str(turn.id), "--autoplay", "expert", "--headless"],
                          cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120)
    assert demo.returncode == 2 and "never recorded" in demo.stderr and len(demo.stderr.strip().splitlines()) == 1
    assert _decisions(db) == after_kill

    # the scripted turn is finished by the same rule, and the resume says so
    resumed = subprocess.run([*game, "--resume", str(turn.id), "--answers", "expert", "--headless", "--replays", "2"],
                             cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr

    final = _decisions(db)
    assert final[:len(after_kill)] == after_kill and len(final) == len(EXPERT) > len(after_kill)
    assert [row[:3] for row in final] == [(i + 1, point, choice) for i, (point, choice) in enumerate(EXPERT.items())]
    with TrainerRecords.open(db, create=False) as records:
        record = records.turn_record(turn.id)
        assert [t.id for t in records.turns(session.id)] == [turn.id]
    assert record.turn.finished and record.turn.score >= 95
    resume = next(o for o in record.outcomes if o.kind == "resume")
    assert resume.data["answers"] == len(after_kill)  # replayed up to the last answer given before the kill
    assert resume.data["scripted"] == "expert"
    assert resume.sim_minute == record.decisions[len(after_kill) - 1].sim_minute
