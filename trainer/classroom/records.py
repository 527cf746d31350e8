"""A classroom's part of the trainer records: the room, its members and every event, as they happen.

Each call is one committed transaction; a report and the decision (or outcome, or score) it carries
are written in the same one, under the sender's message id. A resent message finds its id already
stored and changes nothing, so a decision is in the records exactly once however often it was sent.
"""
from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass, replace
from typing import Any, Mapping

from ..errors import RecordsError
from ..models import FINISHED, Session, Trainee, Turn
from ..store import TrainerRecords
from .protocol import Command, Report

JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed without mix-ups
JOIN_CODE_LENGTH = 6
CONSOLE_CODE_LENGTH = 12


def new_code(length: int) -> str:
    """A random code from an alphabet that is easy to read aloud."""
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(length))


@dataclass(frozen=True)
class Classroom:
    """One live run of a session's scenario for the whole room, as stored."""

    id: int
    session_id: int
    scenario_id: str
    seed: int
    join_code: str
    console_code: str
    phase: str
    timer: str | float  # "scenario", "off", or seconds for every decision
    revealed: int  # 0 hidden, 1 anonymised, 2 with names


@dataclass(frozen=True)
class Member:
    """A trainee in a classroom, with the turn their play is recorded in."""

    trainee: Trainee
    turn: Turn
    client: str

    @property
    def sender(self) -> str:
        return trainee_sender(self.trainee.id)


def thrown_event(seq: int, command: Mapping[str, Any]) -> dict[str, Any]:
    """The message of the trainer's ``seq``-th throw to the room, from its command: an inject of the scenario,
    a disruption, or a move of every clock by some minutes."""
    if command.get("action") == "advance":
        return {"seq": seq, "advance": command["minutes"]}
    return {"seq": seq, **{k: v for k, v in command.items() if k in ("inject", "disruption")}}


def thrown_label(thrown: Mapping[str, Any]) -> str:
    """How the board lists a throw: the inject's id, "disruption", or "+15 min"."""
    if "advance" in thrown:
        return f"+{thrown['advance']:g} min"
    return thrown.get("inject") or "disruption"


def trainee_sender(trainee_id: int) -> str:
    return f"trainee:{trainee_id}"


def console_sender(client: str) -> str:
    return f"console:{client}"


class ClassroomRecords:
    """The classroom tables of one records file (opened by :class:`TrainerRecords`)."""

    def __init__(self, records: TrainerRecords):
        self.records = records
        self._conn: sqlite3.Connection = records._conn

    # -- the room -------------------------------------------------------------------------------
    def open_classroom(self, session: Session, scenario_id: str, seed: int) -> Classroom:
        """The session's classroom for this scenario that has not ended, or a new one with fresh codes."""
        if session.scenario(scenario_id) is None:
            known = ", ".join(s.id for s in session.scenarios)
            raise RecordsError(f"Scenario {scenario_id!r} is not part of session {session.name!r}; its scenarios are: {known}.")
        row = self._conn.execute(
            "SELECT id FROM classrooms WHERE session_id = ? AND scenario_id = ? AND phase != 'ended' ORDER BY id DESC",
            (session.id, scenario_id),
        ).fetchone()
        if row is not None:
            return self.get(row[0])
        with self.records.atomic():
            cursor = self._conn.execute(
                "INSERT INTO classrooms (session_id, scenario_id, seed, join_code, console_code, phase, timer, created_at)"
                " VALUES (?, ?, ?, ?, ?, 'lobby', ?, ?)",
                (session.id, scenario_id, seed, new_code(JOIN_CODE_LENGTH), new_code(CONSOLE_CODE_LENGTH),
                 json.dumps("scenario"), self.records.now_text()),
            )
        return self.get(cursor.lastrowid)

    def get(self, classroom_id: int) -> Classroom:
        row = self._conn.execute(
            "SELECT id, session_id, scenario_id, seed, join_code, console_code, phase, timer, revealed"
            " FROM classrooms WHERE id = ?", (classroom_id,),
        ).fetchone()
        if row is None:
            raise RecordsError(f"There is no classroom {classroom_id} in these records.")
        return Classroom(*row[:7], timer=json.loads(row[7]), revealed=row[8])

    def classrooms(self, session_id: int) -> list[Classroom]:
        rows = self._conn.execute("SELECT id FROM classrooms WHERE session_id = ? ORDER BY id", (session_id,))
        return [self.get(row[0]) for row in rows.fetchall()]

    # -- members --------------------------------------------------------------------------------
    def join(self, classroom: Classroom, name: str, client: str) -> tuple[Member, bool]:
        """The member with this name (a new trainee and turn if needed); True when they joined just now."""
        with self.records.atomic():
            trainee = self.records.join_session(classroom.session_id, name)
            row = self._conn.execute(
                "SELECT turn_id, client FROM classroom_members WHERE classroom_id = ? AND trainee_id = ?",
                (classroom.id, trainee.id),
            ).fetchone()
            if row is not None:
                if row[1] != client:
                    self._conn.execute("UPDATE classroom_members SET client = ? WHERE classroom_id = ? AND trainee_id = ?",
                                       (client, classroom.id, trainee.id))
                return Member(trainee, self.records.get_turn(row[0]), client), False
            turn = self.records.start_turn(trainee.id, classroom.scenario_id, seed=classroom.seed)
            self._conn.execute(
                "INSERT INTO classroom_members (classroom_id, trainee_id, turn_id, client, joined_at) VALUES (?, ?, ?, ?, ?)",
                (classroom.id, trainee.id, turn.id, client, self.records.now_text()),
            )
            self._insert_event(classroom.id, trainee_sender(trainee.id), None, "join", None, {"name": trainee.name})
        return Member(trainee, turn, client), True

    def members(self, classroom: Classroom) -> list[Member]:
        rows = self._conn.execute(
            "SELECT trainee_id, turn_id, client FROM classroom_members WHERE classroom_id = ? ORDER BY joined_at, trainee_id",
            (classroom.id,),
        ).fetchall()
        return [Member(self.records.get_trainee(t), self.records.get_turn(turn), client) for t, turn, client in rows]

    # -- reports and commands -------------------------------------------------------------------
    def record_report(self, classroom: Classroom, member: Member, report: Report) -> tuple[bool, Member]:
        """Store a trainee's report with what it carries; False (and nothing written) if its id is already stored."""
        body = report.body
        with self.records.atomic():
            if not self._insert_event(classroom.id, member.sender, report.id, body.kind, report.minute,
                                      body.model_dump(exclude={"kind"}, exclude_none=True)):
                return False, member
            turn_id = member.turn.id
            if body.kind == "decision":
                self.records.record_decision(
                    turn_id, sim_minute=report.minute, decision_point_id=body.decision, choice_id=body.choice,
                    feedback_key=body.feedback_key, is_mistake=body.mistake, choice_label=body.label)
            elif body.kind in ("action", "inject"):
                self.records.record_outcome(turn_id, sim_minute=report.minute, kind=body.kind,
                                            data=body.model_dump(exclude={"kind"}, exclude_none=True))
            elif body.kind == "finish":
                member = replace(member, turn=self.records.finish_turn(turn_id, score=body.score, kpis=body.kpis))
            elif body.kind == "interval":  # the score over replications replaces the one run's, as a solo game records it
                member = replace(member, turn=self.records.rescore_turn(turn_id, score=body.score))
        return True, member

    def record_command(self, classroom: Classroom, client: str, command: Command) -> tuple[bool, Classroom]:
        """Store a console command and the room state it changes; False if its id is already stored."""
        changes: dict[str, Any] = {}
        if command.action in ("start", "resume"):
            changes["phase"] = "running"
        elif command.action == "pause":
            changes["phase"] = "paused"
        elif command.action == "end":
            changes["phase"] = "ended"
        elif command.action == "timers":
            changes["timer"] = command.timer
        elif command.action == "reveal":
            changes["revealed"] = (2 if command.names else 1) if command.reveal else 0
        with self.records.atomic():
            data = command.model_dump(exclude={"type", "id"}, exclude_none=True)
            if not self._insert_event(classroom.id, console_sender(client), command.id, "command", None, data):
                return False, classroom
            for column, value in changes.items():
                stored = json.dumps(value) if column == "timer" else value
                self._conn.execute(f"UPDATE classrooms SET {column} = ? WHERE id = ?", (stored, classroom.id))
        return True, self.get(classroom.id)

    def log(self, classroom: Classroom, sender: str, kind: str, data: Mapping[str, Any]) -> None:
        """An event of the room without a message id: a connection, a departure, a refused message."""
        with self.records.atomic():
            self._insert_event(classroom.id, sender, None, kind, None, data)

    # -- reading back ---------------------------------------------------------------------------
    def events(self, classroom: Classroom, kind: str | None = None, sender: str | None = None) -> list[dict[str, Any]]:
        """The room's events in the order they were stored."""
        where, args = ["classroom_id = ?"], [classroom.id]
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        if sender is not None:
            where.append("sender = ?")
            args.append(sender)
        rows = self._conn.execute(
            "SELECT id, sender, message_id, kind, sim_minute, data, recorded_at FROM classroom_events"
            f" WHERE {' AND '.join(where)} ORDER BY id", args,
        ).fetchall()
        return [dict(seq=r[0], sender=r[1], message_id=r[2], kind=r[3], minute=r[4], data=json.loads(r[5]),
                     recorded_at=r[6]) for r in rows]

    def injects(self, classroom: Classroom) -> list[dict[str, Any]]:
        """What the trainer threw to the room (injects, disruptions, moves of the clock), numbered from 1 in
        the order they were thrown; a move of the clock is ``{"advance": minutes}``."""
        thrown = [e["data"] for e in self.events(classroom, "command") if e["data"].get("action") in ("inject", "advance")]
        return [thrown_event(n, data) for n, data in enumerate(thrown, start=1)]

    def played(self, classroom: Classroom, member: Member) -> list[dict[str, Any]]:
        """A member's decisions, actions and applied injects in order: what a restarted game replays."""
        return [e for e in self.events(classroom, sender=member.sender) if e["kind"] in ("decision", "action", "inject")]

    def finished(self, member: Member) -> bool:
        return member.turn.status == FINISHED

    # -- helpers --------------------------------------------------------------------------------
    def _insert_event(self, classroom_id: int, sender: str, message_id: str | None, kind: str,
                      minute: float | None, data: Mapping[str, Any]) -> bool:
        try:
            self._conn.execute(
                "INSERT INTO classroom_events (classroom_id, sender, message_id, kind, sim_minute, data, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (classroom_id, sender, message_id, kind, minute,
                 json.dumps(data, ensure_ascii=False, allow_nan=False, sort_keys=True), self.records.now_text()),
            )
        except sqlite3.IntegrityError:
            return False  # this sender's message id is already stored: a resend
        return True
