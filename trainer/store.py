"""The trainer records store: sessions, trainees and turns, written to SQLite as they happen.

Every call that records something is one committed transaction, so a crash or a killed process
loses nothing that was already played, and an unfinished turn can be resumed from the file.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import uuid
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from .checks import (
    clean_name,
    finite_number,
    json_object,
    parse_date,
    plain_number,
    require_id,
    scenario_refs,
    seed_value,
    sim_minute_value,
)
from .database import BUSY_TIMEOUT_SECONDS, default_db_path, open_records_db, transaction
from .errors import RecordsError
from .models import (
    FINISHED,
    IN_PROGRESS,
    Decision,
    Outcome,
    ScenarioRef,
    Session,
    Trainee,
    Turn,
    TurnRecord,
)
from .text import BilingualText, check_text, text_from_json, text_to_json

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class TrainerRecords:
    """Read and write one records file. Open with `TrainerRecords.open(path)`; close when done."""

    def __init__(self, conn: sqlite3.Connection, path: Path, clock: Clock = utc_now, *, read_only: bool = False) -> None:
        self._conn = conn
        self.path = path
        self._clock = clock
        self._in_atomic = False
        self.read_only = read_only  # a read-only file or medium: records can be read, not added

    @classmethod
    def open(cls, path: str | Path | None = None, *, create: bool = True, clock: Clock = utc_now) -> "TrainerRecords":
        """Open the records file at `path` (default: the user's data folder), creating or migrating it.

        Raises RecordsError, leaving the file untouched, if it is not a records file of ours.
        """
        resolved = Path(path).expanduser() if path is not None else default_db_path()
        conn, read_only = open_records_db(resolved, create=create)
        return cls(conn, resolved, clock, read_only=read_only)

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def waiting_at_most(self, seconds: float) -> Iterator[None]:
        """Within the block, a write gives up after ``seconds`` when another program holds the file's lock.

        The game records with a short wait so that a locked file never freezes the screen for long.
        """
        self._conn.execute(f"PRAGMA busy_timeout = {max(0, int(seconds * 1000))}")
        try:
            yield
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")

    def __enter__(self) -> "TrainerRecords":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """Group several records into one transaction: all of them are stored, or none.

        Recording calls made inside join it instead of committing on their own, so for example a
        classroom report and the decision it carries are written together or not at all.
        """
        if self._in_atomic:
            yield self._conn
            return
        with transaction(self._conn, self.path):
            self._in_atomic = True
            try:
                yield self._conn
            finally:
                self._in_atomic = False

    # --- sessions -------------------------------------------------------------------------------

    def create_session(
        self, name: str, date: dt.date | str, scenarios: Sequence[str | ScenarioRef]
    ) -> Session:
        """Create a session for a group on a date, over the given scenarios (in playing order)."""
        name = clean_name(name, "session name")
        session_date = parse_date(date)
        refs = scenario_refs(scenarios)
        uid = str(uuid.uuid4())
        with self._writing():
            cursor = self._conn.execute(
                "INSERT INTO sessions (uid, name, session_date, created_at) VALUES (?, ?, ?, ?)",
                (uid, name, session_date.isoformat(), self._now()),
            )
            session_id = cursor.lastrowid
            self._conn.executemany(
                "INSERT INTO session_scenarios (session_id, position, scenario_id, title) VALUES (?, ?, ?, ?)",
                [(session_id, position, ref.id, text_to_json(ref.title)) for position, ref in enumerate(refs)],
            )
        return self.get_session(session_id)

    def list_sessions(self) -> list[Session]:
        """All sessions, newest date first."""
        rows = self._conn.execute("SELECT id FROM sessions ORDER BY session_date DESC, id DESC").fetchall()
        return [self.get_session(row[0]) for row in rows]

    def get_session(self, session_id: int) -> Session:
        row = self._conn.execute(
            "SELECT id, uid, name, session_date, created_at FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if row is None:
            raise RecordsError(f"There is no session {session_id}; list sessions with the 'sessions' command.")
        scenarios = tuple(
            ScenarioRef(scenario_id, text_from_json(title))
            for scenario_id, title in self._conn.execute(
                "SELECT scenario_id, title FROM session_scenarios WHERE session_id = ? ORDER BY position",
                (session_id,),
            )
        )
        return Session(row[0], row[1], row[2], dt.date.fromisoformat(row[3]), row[4], scenarios)

    def find_session(self, reference: str | int) -> Session:
        """Find a session by its number or its exact name (as typed on the command line)."""
        text = str(reference).strip()
        if text.isdigit():
            return self.get_session(int(text))
        rows = self._conn.execute(
            "SELECT id, session_date FROM sessions WHERE name = ? ORDER BY id", (text,)
        ).fetchall()
        if not rows:
            raise RecordsError(f"There is no session named {text!r}; list sessions with the 'sessions' command.")
        if len(rows) > 1:
            choices = ", ".join(f"{session_id} ({day})" for session_id, day in rows)
            raise RecordsError(f"Several sessions are named {text!r}: {choices}. Give the session number instead.")
        return self.get_session(rows[0][0])

    # --- trainees -------------------------------------------------------------------------------

    def add_trainee(self, session_id: int, name: str) -> Trainee:
        """Add a trainee to a session; the name must not be taken in that session yet."""
        name = clean_name(name, "trainee name")
        with self._writing():
            self._require_session(session_id)
            if self._trainee_id_by_name(session_id, name) is not None:
                raise RecordsError(f"{name!r} is already in this session; choose another name or join as {name!r}.")
            trainee_id = self._insert_trainee(session_id, name)
        return self.get_trainee(trainee_id)

    def join_session(self, session_id: int, name: str) -> Trainee:
        """Join a session by name: the trainee with that name (any letter case), or a new one."""
        name = clean_name(name, "trainee name")
        with self._writing():
            self._require_session(session_id)
            trainee_id = self._trainee_id_by_name(session_id, name)
            if trainee_id is None:
                trainee_id = self._insert_trainee(session_id, name)
        return self.get_trainee(trainee_id)

    def trainees(self, session_id: int) -> list[Trainee]:
        """The session's trainees in the order they joined."""
        rows = self._conn.execute(
            "SELECT id, uid, session_id, name, joined_at FROM trainees WHERE session_id = ? ORDER BY id",
            (session_id,),
        ).fetchall()
        return [Trainee(*row) for row in rows]

    def get_trainee(self, trainee_id: int) -> Trainee:
        row = self._conn.execute(
            "SELECT id, uid, session_id, name, joined_at FROM trainees WHERE id = ?", (trainee_id,)
        ).fetchone()
        if row is None:
            raise RecordsError(f"There is no trainee {trainee_id} in these records.")
        return Trainee(*row)

    # --- turns ----------------------------------------------------------------------------------

    def start_turn(self, trainee_id: int, scenario_id: str, *, seed: int | None = None) -> Turn:
        """Start a trainee's turn at one of the session's scenarios; the seed lets a resume replay it.

        The seed must be a whole number from 0 to 2**63 - 1 (what SQLite stores exactly).
        """
        if seed is not None:
            seed = seed_value(seed)
        with self._writing():
            trainee = self.get_trainee(trainee_id)
            session = self.get_session(trainee.session_id)
            if session.scenario(scenario_id) is None:
                known = ", ".join(s.id for s in session.scenarios)
                raise RecordsError(
                    f"Scenario {scenario_id!r} is not part of session {session.name!r}; its scenarios are: {known}."
                )
            attempt = self._conn.execute(
                "SELECT COALESCE(MAX(attempt), 0) + 1 FROM turns WHERE trainee_id = ? AND scenario_id = ?",
                (trainee_id, scenario_id),
            ).fetchone()[0]
            cursor = self._conn.execute(
                "INSERT INTO turns (uid, trainee_id, scenario_id, attempt, seed, status, started_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (str(uuid.uuid4()), trainee_id, scenario_id, attempt, seed, IN_PROGRESS, self._now()),
            )
        return self.get_turn(cursor.lastrowid)

    def record_decision(
        self,
        turn_id: int,
        *,
        sim_minute: float,
        decision_point_id: str,
        choice_id: str,
        feedback_key: str | None = None,
        is_mistake: bool = False,
        choice_label: BilingualText | None = None,
    ) -> Decision:
        """Store a choice the moment it is made; it is on disk when this returns."""
        minute = sim_minute_value(sim_minute)
        require_id(decision_point_id, "decision_point_id")
        require_id(choice_id, "choice_id")
        if feedback_key is not None:
            require_id(feedback_key, "feedback_key")
        label = check_text(choice_label, "choice_label")
        with self._writing():
            self._require_in_progress(turn_id)
            seq = self._next_seq("decisions", turn_id)
            self._conn.execute(
                "INSERT INTO decisions (turn_id, seq, sim_minute, decision_point_id, choice_id, feedback_key,"
                " is_mistake, choice_label, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (turn_id, seq, minute, decision_point_id, choice_id, feedback_key,
                 int(bool(is_mistake)), text_to_json(label), self._now()),
            )
        return self._decisions("d.turn_id = ? AND d.seq = ?", (turn_id, seq))[0]

    def record_outcome(
        self, turn_id: int, *, sim_minute: float, kind: str, data: Mapping[str, Any] | None = None
    ) -> Outcome:
        """Store a consequence reported by the model (a JSON-compatible mapping) as it happens."""
        minute = sim_minute_value(sim_minute)
        require_id(kind, "kind")
        payload = json_object(data or {}, "outcome data")
        with self._writing():
            self._require_in_progress(turn_id)
            seq = self._next_seq("outcomes", turn_id)
            self._conn.execute(
                "INSERT INTO outcomes (turn_id, seq, sim_minute, kind, data, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                (turn_id, seq, minute, kind, payload, self._now()),
            )
        return self._outcomes("turn_id = ? AND seq = ?", (turn_id, seq))[0]

    def finish_turn(
        self,
        turn_id: int,
        *,
        score: float,
        kpis: Mapping[str, float],
        score_min: float = 0.0,
        score_max: float = 100.0,
    ) -> Turn:
        """Close a turn with its score (between score_min and score_max) and the KPIs behind it."""
        low = finite_number(score_min, "score_min")
        high = finite_number(score_max, "score_max")
        raw = finite_number(score, "score")
        if not low < high:
            raise ValueError(f"score_min ({low}) must be below score_max ({high})")
        if not low <= raw <= high:
            raise ValueError(f"score {raw} is outside {low}..{high}")
        kpi_values = {require_id(name, "KPI name"): plain_number(value, f"KPI {name!r}") for name, value in kpis.items()}
        kpi_json = json.dumps(kpi_values, sort_keys=True)
        with self._writing():
            self._require_in_progress(turn_id)
            self._conn.execute(
                "UPDATE turns SET status = ?, finished_at = ?, score = ?, score_min = ?, score_max = ?, kpis = ?"
                " WHERE id = ?",
                (FINISHED, self._now(), raw, low, high, kpi_json, turn_id),
            )
        return self.get_turn(turn_id)

    def rescore_turn(self, turn_id: int, *, score: float) -> Turn:
        """Replace a finished turn's score by the same run measured again (over replications, once they are
        done), within the turn's score range."""
        turn = self.get_turn(turn_id)
        raw = finite_number(score, "score")
        if not turn.finished:
            raise RecordsError(f"Turn {turn_id} is not finished yet; only a finished turn's score can be measured again.")
        if not turn.score_min <= raw <= turn.score_max:
            raise ValueError(f"score {raw} is outside {turn.score_min:g}..{turn.score_max:g}")
        with self._writing():
            self._conn.execute("UPDATE turns SET score = ? WHERE id = ?", (raw, turn_id))
        return self.get_turn(turn_id)

    def resume_turn(self, turn_id: int) -> TurnRecord:
        """Everything recorded so far in an unfinished turn, to replay it and carry on where it stopped."""
        record = self.turn_record(turn_id)
        if record.turn.finished:
            raise RecordsError(f"Turn {turn_id} is already finished; start a new turn to play the scenario again.")
        return record

    def get_turn(self, turn_id: int) -> Turn:
        turns = self._turns("t.id = ?", (turn_id,))
        if not turns:
            raise RecordsError(f"There is no turn {turn_id} in these records.")
        return turns[0]

    def turns(self, session_id: int, *, trainee_id: int | None = None, unfinished_only: bool = False) -> list[Turn]:
        """A session's turns in the order they were started, optionally one trainee's or unfinished ones."""
        where, args = "tr.session_id = ?", [session_id]
        if trainee_id is not None:
            where += " AND t.trainee_id = ?"
            args.append(trainee_id)
        if unfinished_only:
            where += " AND t.status = ?"
            args.append(IN_PROGRESS)
        return self._turns(where, tuple(args))

    def turn_record(self, turn_id: int) -> TurnRecord:
        """One turn with its session, trainee, decisions and outcomes: a debrief that can be reopened."""
        turn = self.get_turn(turn_id)
        trainee = self.get_trainee(turn.trainee_id)
        return TurnRecord(
            session=self.get_session(trainee.session_id),
            trainee=trainee,
            turn=turn,
            decisions=tuple(self._decisions("d.turn_id = ?", (turn_id,))),
            outcomes=tuple(self._outcomes("turn_id = ?", (turn_id,))),
        )

    def session_records(self, session_id: int) -> list[TurnRecord]:
        """All turns of a session with their decisions and outcomes, for reports and exports."""
        session = self.get_session(session_id)
        trainees = {t.id: t for t in self.trainees(session_id)}
        decisions = _group_by_turn(self._decisions(
            "d.turn_id IN (SELECT t.id FROM turns t JOIN trainees tr ON tr.id = t.trainee_id WHERE tr.session_id = ?)",
            (session_id,)))
        outcomes = _group_by_turn(self._outcomes(
            "turn_id IN (SELECT t.id FROM turns t JOIN trainees tr ON tr.id = t.trainee_id WHERE tr.session_id = ?)",
            (session_id,)))
        return [
            TurnRecord(session, trainees[turn.trainee_id], turn,
                       tuple(decisions.get(turn.id, ())), tuple(outcomes.get(turn.id, ())))
            for turn in self.turns(session_id)
        ]

    # --- learning record store deliveries -------------------------------------------------------

    def delivered_statement_ids(self, endpoint: str) -> set[str]:
        """Ids of xAPI statements this endpoint has already acknowledged."""
        rows = self._conn.execute("SELECT statement_id FROM lrs_deliveries WHERE endpoint = ?", (endpoint,))
        return {row[0] for row in rows}

    def mark_delivered(self, statement_ids: Iterable[str], endpoint: str) -> None:
        """Remember that the endpoint holds these statements, so later posts can skip them."""
        now = self._now()
        with self._writing():
            self._conn.executemany(
                "INSERT OR IGNORE INTO lrs_deliveries (statement_id, endpoint, delivered_at) VALUES (?, ?, ?)",
                [(statement_id, endpoint, now) for statement_id in statement_ids],
            )

    def schema_version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    # --- helpers --------------------------------------------------------------------------------

    def _writing(self):
        return nullcontext(self._conn) if self._in_atomic else transaction(self._conn, self.path)

    def now_text(self) -> str:
        """The records clock's present moment as stored (UTC, ISO 8601 with milliseconds)."""
        return self._now()

    def _now(self) -> str:
        moment = self._clock()
        if moment.tzinfo is None:
            raise ValueError("the records clock must return timezone-aware datetimes")
        return moment.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds")

    def _require_session(self, session_id: int) -> None:
        self.get_session(session_id)

    def _require_in_progress(self, turn_id: int) -> None:
        if self.get_turn(turn_id).finished:
            raise RecordsError(f"Turn {turn_id} is already finished; nothing more can be recorded in it.")

    def _trainee_id_by_name(self, session_id: int, name: str) -> int | None:
        row = self._conn.execute(
            "SELECT id FROM trainees WHERE session_id = ? AND name = ? COLLATE NOCASE", (session_id, name)
        ).fetchone()
        return None if row is None else row[0]

    def _insert_trainee(self, session_id: int, name: str) -> int:
        cursor = self._conn.execute(
            "INSERT INTO trainees (uid, session_id, name, joined_at) VALUES (?, ?, ?, ?)",
            (str(uuid.uuid4()), session_id, name, self._now()),
        )
        return cursor.lastrowid

    def _next_seq(self, table: str, turn_id: int) -> int:
        return self._conn.execute(
            f"SELECT COALESCE(MAX(seq), 0) + 1 FROM {table} WHERE turn_id = ?", (turn_id,)
        ).fetchone()[0]

    def _turns(self, where: str, args: tuple) -> list[Turn]:
        rows = self._conn.execute(
            "SELECT t.id, t.uid, t.trainee_id, t.scenario_id, t.attempt, t.seed, t.status, t.started_at,"
            " t.finished_at, t.score, t.score_min, t.score_max, t.kpis"
            f" FROM turns t JOIN trainees tr ON tr.id = t.trainee_id WHERE {where} ORDER BY t.id",
            args,
        ).fetchall()
        return [Turn(*row[:12], kpis=None if row[12] is None else json.loads(row[12])) for row in rows]

    def _decisions(self, where: str, args: tuple) -> list[Decision]:
        rows = self._conn.execute(
            "SELECT d.turn_id, d.seq, d.sim_minute, d.decision_point_id, d.choice_id, d.feedback_key,"
            f" d.is_mistake, d.choice_label, d.recorded_at FROM decisions d WHERE {where} ORDER BY d.turn_id, d.seq",
            args,
        ).fetchall()
        return [
            Decision(*row[:6], is_mistake=None if row[6] is None else bool(row[6]),
                     choice_label=text_from_json(row[7]), recorded_at=row[8])
            for row in rows
        ]

    def _outcomes(self, where: str, args: tuple) -> list[Outcome]:
        rows = self._conn.execute(
            "SELECT turn_id, seq, sim_minute, kind, data, recorded_at FROM outcomes"
            f" WHERE {where} ORDER BY turn_id, seq",
            args,
        ).fetchall()
        return [Outcome(*row[:4], data=json.loads(row[4]), recorded_at=row[5]) for row in rows]


def _group_by_turn(items: Iterable[Decision | Outcome]) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for item in items:
        grouped.setdefault(item.turn_id, []).append(item)
    return grouped
