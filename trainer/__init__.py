"""Trainer sessions: records of trainees' turns in SQLite, scoreboards, exports and LRS posting.

The game records a turn through `TrainerRecords`; reports, exports and the LRS client live in
their own modules (`scoreboard`, `charts`, `report_html`, `export`, `xapi`, `lrs`, `publish`)
so that recording a turn never loads plotting or networking libraries.
"""

from .database import default_db_path
from .errors import RecordsBusy, RecordsError
from .migrations import CURRENT_VERSION
from .models import Decision, Outcome, ScenarioRef, Session, Trainee, Turn, TurnRecord
from .store import TrainerRecords

__all__ = [
    "CURRENT_VERSION",
    "Decision",
    "Outcome",
    "RecordsBusy",
    "RecordsError",
    "ScenarioRef",
    "Session",
    "Trainee",
    "TrainerRecords",
    "Turn",
    "TurnRecord",
    "default_db_path",
]
