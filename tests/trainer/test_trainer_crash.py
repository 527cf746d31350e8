"""A turn survives its process being killed: what was recorded is on disk and the turn resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from trainer import TrainerRecords

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
DECISIONS_BEFORE_KILL = 25


def test_sigkill_mid_turn_loses_no_recorded_decision_and_the_turn_resumes(db_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen([sys.executable, str(HERE / "play_until_killed.py"), str(db_path)],
                             stdout=subprocess.PIPE, text=True, env=env)
    last_reported = 0
    try:
        turn_line = child.stdout.readline()
        assert turn_line.startswith("turn "), turn_line
        turn_id = int(turn_line.split()[1])
        for line in child.stdout:
            last_reported = int(line.split()[1])
            if last_reported >= DECISIONS_BEFORE_KILL:
                child.send_signal(signal.SIGKILL)
                break
    finally:
        child.kill()
        child.wait(timeout=10)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert last_reported >= DECISIONS_BEFORE_KILL

    with TrainerRecords.open(db_path, create=False) as records:
        state = records.resume_turn(turn_id)
        seqs = [d.seq for d in state.decisions]
        # Everything reported before the kill is there, in order and without gaps; the process
        # may have stored one more decision between printing and being killed.
        assert seqs == list(range(1, len(seqs) + 1))
        assert last_reported <= len(seqs) <= last_reported + 1
        assert [d.choice_id for d in state.decisions[:last_reported]] == [f"choice_{i}" for i in range(1, last_reported + 1)]
        assert [d.is_mistake for d in state.decisions[:6]] == [False, False, True, False, False, True]
        assert state.turn.seed == 99 and not state.turn.finished

        # Resuming carries on the same turn: numbering continues and the turn can be finished.
        resumed_at = state.last_sim_minute
        extra = records.record_decision(turn_id, sim_minute=resumed_at + 1, decision_point_id="after_resume",
                                        choice_id="apologise")
        assert extra.seq == len(seqs) + 1
        records.finish_turn(turn_id, score=64, kpis={"satisfaction": 0.6})

    with TrainerRecords.open(db_path, create=False) as reopened:
        record = reopened.turn_record(turn_id)
        assert record.turn.finished and record.turn.score == 64
        assert record.decisions[-1].choice_id == "apologise"
        assert len(reopened.turns(record.session.id)) == 1
